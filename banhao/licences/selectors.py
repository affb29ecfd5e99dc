"""Reads on electronic licences: lists, the record of a licence and verification (online)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import QuerySet

from banhao.licences.models import Licence, LicenceAttachment, LicenceEvent, SealKey
from banhao.licences.seal import default_signer
from banhao.licences.verification import check_file
from banhao.privacy.masking import mask_id_number, mask_name
from banhao.shared import clock
from banhao_core.licences import (
    LicenceIdentifierError,
    LicenceStatus,
    Verdict,
    parse_identifier,
    seal_message,
    verdict,
)


def trusted_seal_keys() -> dict[str, str]:
    """Every seal key the bureau ever used (active and retired): key id → public key hex."""
    return dict(SealKey.objects.values_list("key_id", "public_key"))


def licence_events(*, licence: Licence) -> list[LicenceEvent]:
    """The operations on a licence and on the versions before it, oldest first."""
    chain = []
    current: Licence | None = licence
    while current is not None:
        chain.append(current.pk)
        current = current.previous
    return list(
        LicenceEvent.objects.filter(licence_id__in=chain)
        .select_related("licence", "new_licence")
        .order_by("at", "id")
    )


def licence_attachments_for_case(*, case_id: int) -> dict[int, Licence]:
    """case material id → the licence attached to it (信息共享免交)."""
    rows = LicenceAttachment.objects.filter(case_material__case_id=case_id).select_related(
        "licence"
    )
    return {row.case_material_id: row.licence for row in rows}


def mask_holder(licence_data: dict[str, object]) -> tuple[str, str]:
    """(holder, holder code) as shown publicly: a person's name and 身份证号 masked, a
    company's name and 统一社会信用代码 (public registry data) as they are."""
    holder = str(licence_data.get("holder", ""))
    code = str(licence_data.get("holder_code", ""))
    if licence_data.get("holder_code_type") == "111":
        return mask_name(holder), mask_id_number(code)
    return holder, code


@dataclass(frozen=True)
class Verification:
    """The public answer about one licence."""

    identifier: str
    verdict: Verdict
    licence: Licence | None = None
    name: str = ""
    holder: str = ""
    holder_code: str = ""
    issuer: str = ""
    issuer_code: str = ""
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    key_id: str = ""
    signature_ok: bool = False
    document_ok: bool = False
    check_ok: bool = False
    source: str = "identifier"  # or "file"

    @property
    def is_valid(self) -> bool:
        return self.verdict.is_valid

    @property
    def status(self) -> LicenceStatus | None:
        return self.verdict.status

    @property
    def reasons(self) -> list[str]:
        return self.verdict.reasons()

    @property
    def newer_identifier(self) -> str:
        if self.licence is None:
            return ""
        following = Licence.objects.filter(previous=self.licence).first()
        return following.identifier if following else ""


def _record_checks(licence: Licence) -> tuple[bool, bool, dict[str, object]]:
    """(signature ok, document ok, data) of the stored record: the stored signature over the
    stored canonical data and digest, and the stored file against that digest."""
    data: dict[str, object] = json.loads(licence.canonical_data)
    message = seal_message(
        data=data,  # type: ignore[arg-type]
        document_sm3=licence.document_sm3,
        signed_length=licence.signed_length,
        key_id=licence.seal_key.key_id,
    )
    try:
        signature = bytes.fromhex(licence.signature)
    except ValueError:
        signature = b""
    signature_ok = default_signer().verify(
        bytes.fromhex(licence.seal_key.public_key), message, signature
    )
    stored = check_file(licence.document, {licence.seal_key.key_id: licence.seal_key.public_key})
    document_ok = (
        stored.readable
        and stored.document_ok
        and stored.signature_ok
        and stored.data == data
        and stored.signature == licence.signature
    )
    return signature_ok, document_ok, data


def _answer(
    licence: Licence,
    *,
    signature_ok: bool,
    document_ok: bool,
    check_ok: bool,
    data_matches: bool = True,
    source: str,
) -> Verification:
    today = clock.today()
    holder, holder_code = mask_holder(licence.data)
    return Verification(
        identifier=licence.identifier,
        verdict=verdict(
            check_ok=check_ok,
            key_trusted=True,
            signature_ok=signature_ok,
            document_ok=document_ok,
            status=licence.status_enum,
            valid_from=licence.valid_from,
            valid_to=licence.valid_to,
            today=today,
            data_matches=data_matches,
        ),
        licence=licence,
        name=licence.name,
        holder=holder,
        holder_code=holder_code,
        issuer=licence.issuer_name,
        issuer_code=licence.issuer_code,
        issued_on=licence.issued_on,
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        key_id=licence.seal_key.key_id,
        signature_ok=signature_ok,
        document_ok=document_ok,
        check_ok=check_ok,
        source=source,
    )


def licence_verify(*, identifier: str) -> Verification:
    """Verify a licence by its identifier (the QR code's page): the check character, the
    stored record's signature and file, and its status today."""
    text = identifier.strip().upper()
    try:
        parse_identifier(text)
    except LicenceIdentifierError:
        return Verification(
            identifier=identifier.strip(),
            verdict=verdict(
                check_ok=False,
                key_trusted=True,
                signature_ok=False,
                document_ok=True,
                status=None,
                valid_from=None,
                valid_to=None,
                today=clock.today(),
                found=Licence.objects.filter(identifier=text).exists(),
            ),
        )
    licence = (
        Licence.objects.select_related("seal_key", "licence_type").filter(identifier=text).first()
    )
    if licence is None:
        return Verification(
            identifier=text,
            verdict=verdict(
                check_ok=True,
                key_trusted=True,
                signature_ok=True,
                document_ok=True,
                status=None,
                valid_from=None,
                valid_to=None,
                today=clock.today(),
                found=False,
            ),
            check_ok=True,
        )
    signature_ok, document_ok, _ = _record_checks(licence)
    return _answer(
        licence,
        signature_ok=signature_ok,
        document_ok=document_ok,
        check_ok=True,
        source="identifier",
    )


def licence_verify_file(*, content: bytes) -> Verification:
    """Verify an uploaded licence file: its seal (against every key the bureau has used),
    then — when the register knows the identifier — that it is the registered version and
    what its status is today."""
    checked = check_file(content, trusted_seal_keys())
    today = clock.today()
    offline = checked.verdict(today=today)
    licence = (
        Licence.objects.select_related("seal_key", "licence_type")
        .filter(identifier=checked.identifier)
        .first()
        if checked.readable and checked.identifier
        else None
    )
    if licence is None:
        findings = offline.findings
        holder, code = mask_holder(checked.data)
        return Verification(
            identifier=checked.identifier,
            verdict=verdict(
                check_ok=checked.check_ok,
                key_trusted=checked.key_trusted,
                signature_ok=checked.signature_ok,
                document_ok=checked.document_ok if checked.readable else False,
                status=None,
                valid_from=None,
                valid_to=None,
                today=today,
                found=False,
            )
            if checked.readable
            else Verdict(status=None, findings=findings),
            name=str(checked.data.get("name", "")),
            holder=holder,
            holder_code=code,
            signature_ok=checked.signature_ok,
            document_ok=checked.document_ok,
            check_ok=checked.check_ok,
            source="file",
        )
    matches = checked.data == licence.data and checked.signature == licence.signature
    return _answer(
        licence,
        signature_ok=checked.signature_ok and checked.key_trusted,
        document_ok=checked.document_ok,
        check_ok=checked.check_ok,
        data_matches=matches,
        source="file",
    )


def licence_list_for_holder(*, licences: QuerySet[Licence]) -> QuerySet[Licence]:
    return licences.select_related("licence_type").order_by("-issued_on", "-version", "-id")


def licence_current_for_case(*, case_id: int) -> Licence | None:
    """The newest version of the licence issued on a case (None if the case has none)."""
    return (
        Licence.objects.filter(case_id=case_id)
        .order_by("-version", "-id")
        .only("identifier", "name", "number", "version", "status")
        .first()
    )


def licence_for_material(*, case_material_id: int) -> Licence | None:
    attachment = (
        LicenceAttachment.objects.filter(case_material_id=case_material_id)
        .select_related("licence")
        .first()
    )
    return attachment.licence if attachment else None
