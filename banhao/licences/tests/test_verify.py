"""Verifying online (by identifier, by uploaded file) and offline (``manage.py verify_licence``):
valid, tampered PDF, tampered data, bad check character, revoked, rotated key, untrusted key."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from pypdf import PdfReader, PdfWriter

from banhao.licences.models import Licence, SealKey
from banhao.licences.selectors import licence_verify, licence_verify_file
from banhao.licences.services import licence_operate, seal_key_create
from banhao.licences.verification import check_file
from banhao_core.licences import Finding, LicenceIdentifier, LicenceStatus

from .conftest import issued_permit


def _flip(pdf: bytes, needle: bytes) -> bytes:
    """Change one byte inside the signed content (a digit of the 证照编号 in the text)."""
    position = pdf.index(needle)
    return pdf[:position] + b"X" + pdf[position + 1 :]


def test_a_fresh_licence_verifies_online(licensing) -> None:
    licence = issued_permit(licensing)
    result = licence_verify(identifier=licence.identifier)
    assert result.is_valid, result.reasons
    assert result.status is LicenceStatus.VALID
    assert result.holder == "邹平市鲁信建设工程有限公司"  # a company: public registry data
    assert result.issuer == "邹平市行政审批服务局"
    assert result.signature_ok and result.document_ok and result.check_ok
    by_file = licence_verify_file(content=licence.document)
    assert by_file.is_valid, by_file.reasons


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda pdf: _flip(pdf, b"/FontFile2"), "文件被篡改"),
        (lambda pdf: pdf + b"\n% appended\n", "文件被篡改"),
        (lambda pdf: pdf[:-50], "文件被篡改"),
        (lambda pdf: b"not a pdf", "文件被篡改"),
    ],
)
def test_a_tampered_file_is_invalid_with_the_reason(licensing, change, reason) -> None:
    licence = issued_permit(licensing)
    result = licence_verify_file(content=change(licence.document))
    assert not result.is_valid
    assert reason in result.reasons


def test_a_forged_incremental_update_is_detected(licensing) -> None:
    """Someone appends an update that changes the visible page (the seal block stays)."""
    licence = issued_permit(licensing)
    writer = PdfWriter(io.BytesIO(licence.document), incremental=True)
    writer.add_metadata({"/Title": "伪造"})
    out = io.BytesIO()
    writer.write(out)
    result = licence_verify_file(content=out.getvalue())
    assert not result.is_valid and "文件被篡改" in result.reasons
    metadata = PdfReader(io.BytesIO(out.getvalue())).metadata
    assert metadata is not None and metadata["/BanhaoSeal"]  # still there


def test_tampered_data_in_the_register_shows_a_bad_signature(licensing) -> None:
    licence = issued_permit(licensing)
    forged = licence.canonical_data.replace("鲁信大厦", "伪造大厦")
    Licence.objects.filter(pk=licence.pk).update(canonical_data=forged)
    result = licence_verify(identifier=licence.identifier)
    assert not result.is_valid
    assert Finding.BAD_SIGNATURE in result.verdict.findings


def test_a_file_with_other_data_than_the_register_is_invalid(licensing) -> None:
    """A genuinely sealed file of version 1 does not match a register that now says otherwise
    (e.g. a restored old backup copy of the data)."""
    licence = issued_permit(licensing)
    Licence.objects.filter(pk=licence.pk).update(signature="00" + licence.signature[2:])
    result = licence_verify_file(content=licence.document)
    assert not result.is_valid
    assert "文件与证照库记录不一致" in result.reasons


def test_revoked_and_suspended_licences_show_their_status(licensing) -> None:
    licence = issued_permit(licensing)
    licence_operate(
        licence=licence, operation="suspend", actor=licensing.user("shenpi"), reason="整改"
    )
    result = licence_verify(identifier=licence.identifier)
    assert not result.is_valid and result.reasons == ["证照已暂扣"]
    licence_operate(
        licence=Licence.objects.get(pk=licence.pk),
        operation="revoke",
        actor=licensing.user("shenpi"),
        reason="以欺骗手段取得",
    )
    result = licence_verify(identifier=licence.identifier)
    assert result.status is LicenceStatus.REVOKED and result.status.value == "03"
    assert result.reasons == ["证照已撤销"]
    assert result.signature_ok and result.document_ok  # genuine, but no longer valid
    assert licence_verify_file(content=licence.document).reasons == ["证照已撤销"]


def test_a_licence_signed_with_a_rotated_key_still_verifies(licensing) -> None:
    old = issued_permit(licensing)
    seal_key_create(actor=licensing.user("shenpi"))
    new = issued_permit(licensing)
    assert old.seal_key_id != new.seal_key_id
    assert not SealKey.objects.get(pk=old.seal_key_id).is_active
    assert licence_verify(identifier=old.identifier).is_valid
    assert licence_verify_file(content=old.document).is_valid
    assert licence_verify(identifier=new.identifier).is_valid


def test_bad_check_character_and_unknown_identifiers(licensing) -> None:
    licence = issued_permit(licensing)
    wrong = licence.identifier[:-1] + ("A" if licence.identifier[-1] != "A" else "B")
    result = licence_verify(identifier=wrong)
    assert not result.is_valid and "校验位错误" in result.reasons
    unknown_id = str(
        LicenceIdentifier("11100000000013338W013", "11371681MB28505211", "2026000999", 1)
    )
    unknown = licence_verify(identifier=unknown_id)
    assert not unknown.is_valid and unknown.reasons == ["证照库中没有该证照"]


def test_an_untrusted_key_is_refused_offline(licensing) -> None:
    licence = issued_permit(licensing)
    checked = check_file(licence.document, {})
    assert checked.signature_ok and not checked.key_trusted  # genuine, but whose key?
    assert "印章公钥不受信任" in checked.verdict(today=licence.issued_on).reasons()
    other = SealKey(key_id=licence.seal_key.key_id, public_key="11" * 64)
    checked = check_file(licence.document, {other.key_id: other.public_key})
    assert not checked.key_trusted and not checked.verdict(today=licence.issued_on).is_valid


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_licence", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_verify_licence_command(licensing, tmp_path: Path) -> None:
    licence = issued_permit(licensing)
    good = tmp_path / "licence.pdf"
    good.write_bytes(licence.document)
    code, text = _run(str(good))
    assert code == 0 and "有效" in text and licence.identifier in text
    key = f"{licence.seal_key.key_id}={licence.seal_key.public_key}"
    assert _run(str(good), "--public-key", key)[0] == 0
    other = "other=" + "11" * 64
    code, text = _run(str(good), "--public-key", other)
    assert code == 1 and "印章公钥不受信任" in text
    keys = tmp_path / "keys.txt"
    call_command("seal_keys", "--export", str(keys), stdout=io.StringIO())
    assert _run(str(good), "--keys-file", str(keys))[0] == 0
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(_flip(licence.document, b"/FontFile2"))
    code, text = _run(str(bad))
    assert code == 1 and "文件被篡改" in text
    assert _run(str(tmp_path / "missing.pdf"))[0] == 2
