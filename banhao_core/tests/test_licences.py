"""电子证照 rules: GB/T 36904 identifiers, canonical data, the lifecycle table, validity and
the verification verdict (domain.md §7)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from banhao_core.licences import (
    Finding,
    LicenceIdentifier,
    LicenceIdentifierError,
    LicenceStatus,
    Operation,
    OperationRefused,
    OperationType,
    allowed_operations,
    canonical_bytes,
    effective_status,
    parse_identifier,
    renewal_reminder_due,
    seal_message,
    status_after,
    valid_until,
    verdict,
)

#: Real identifiers from domain.md §7.2 (checked there against python-stdnum).
REAL = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize("text", REAL)
def test_real_identifiers_parse_and_round_trip(text: str) -> None:
    identifier = parse_identifier(text)
    assert str(identifier) == text
    assert identifier.version == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V", "check"),
        ("1.2.156.3005.1.11100000000013338W011.11430000006122244L.20230000403.001.U", "format"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.U", "format"),
        ("1.2.156.3005.2.11100000000013338W11.11430000006122244L.20230000403.001.U", "format"),
        ("1.2.156.3005.2.11100000000013338W011.1143000000612224.20230000403.001.U", "format"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.2023-0403.001.U", "format"),
        ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.1.U", "format"),
        ("", "format"),
    ],
)
def test_malformed_identifiers_are_refused_with_a_code(text: str, code: str) -> None:
    with pytest.raises(LicenceIdentifierError) as refused:
        parse_identifier(text)
    assert refused.value.code == code


def test_area_code_issuer_and_next_version() -> None:
    identifier = LicenceIdentifier("11100000000013338W001", "371681", "A1", 1)
    assert str(identifier).startswith("1.2.156.3005.2.11100000000013338W001.371681.A1.001.")
    following = identifier.next_version()
    assert following.version == 2 and following.serial == "A1"
    assert parse_identifier(str(following)) == following
    with pytest.raises(LicenceIdentifierError):
        LicenceIdentifier("11100000000013338W001", "371681", "A1", 999).next_version()


serials = st.text(alphabet=ALPHABET, min_size=1, max_size=20)
versions = st.integers(min_value=1, max_value=999)


@given(serial=serials, version=versions)
def test_check_character_round_trips(serial: str, version: int) -> None:
    identifier = LicenceIdentifier("11100000000013338W013", "11371681MB28505211", serial, version)
    assert parse_identifier(str(identifier)) == identifier


@given(serial=serials, version=versions, data=st.data())
def test_any_single_character_change_is_detected(
    serial: str, version: int, data: st.DataObject
) -> None:
    text = str(LicenceIdentifier("11100000000013338W013", "11371681MB28505211", serial, version))
    prefix = len("1.2.156.3005.2.")
    position = data.draw(st.integers(min_value=prefix, max_value=len(text) - 1))
    assume(text[position] != ".")
    replacement = data.draw(st.sampled_from(ALPHABET + "*"))
    assume(replacement != text[position])
    changed = text[:position] + replacement + text[position + 1 :]
    with pytest.raises(LicenceIdentifierError):
        parse_identifier(changed)


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    assert canonical_bytes({"b": 1, "a": "施工", "c": [True, None]}) == (
        '{"a":"施工","b":1,"c":[true,null]}'.encode()
    )
    assert canonical_bytes({"x": {"z": 1, "y": 2}}) == b'{"x":{"y":2,"z":1}}'
    with pytest.raises(TypeError):
        canonical_bytes({"amount": 1.5})  # type: ignore[dict-item]


def test_seal_message_binds_the_document_and_key() -> None:
    base = {"data": {"a": "1"}, "document_sm3": "ab", "signed_length": 10, "key_id": "k1"}
    message = seal_message(**base)  # type: ignore[arg-type]
    for name, other in (("document_sm3", "ac"), ("signed_length", 11), ("key_id", "k2")):
        assert seal_message(**{**base, name: other}) != message  # type: ignore[arg-type]


S, OP = LicenceStatus, Operation


@pytest.mark.parametrize(
    ("status", "operation", "after"),
    [
        (S.VALID, OP.CHANGE, S.EXPIRED),
        (S.VALID, OP.RENEW, S.EXPIRED),
        (S.VALID, OP.REISSUE, S.EXPIRED),
        (S.VALID, OP.SUSPEND, S.SUSPENDED),
        (S.VALID, OP.CANCEL, S.CANCELLED),
        (S.VALID, OP.REVOKE, S.REVOKED),
        (S.VALID, OP.WITHDRAW, S.WITHDRAWN),
        (S.VALID, OP.EXPIRE, S.EXPIRED),
        (S.SUSPENDED, OP.RESTORE, S.VALID),
        (S.SUSPENDED, OP.REVOKE, S.REVOKED),
        (S.SUSPENDED, OP.CHANGE, None),
        (S.SUSPENDED, OP.RENEW, None),
        (S.VALID, OP.RESTORE, None),
        (S.REVOKED, OP.RESTORE, None),
        (S.CANCELLED, OP.RENEW, None),
        (S.EXPIRED, OP.RENEW, None),  # 延续 is applied for before expiry (行政许可法第五十条)
        (S.WITHDRAWN, OP.CANCEL, None),
    ],
)
def test_lifecycle_table(
    status: LicenceStatus, operation: Operation, after: LicenceStatus | None
) -> None:
    if after is None:
        with pytest.raises(OperationRefused) as refused:
            status_after(status, operation)
        assert status.label in str(refused.value)
    else:
        assert status_after(status, operation) is after


def test_operations_map_to_national_codes() -> None:
    assert OP.ISSUE.national_code is OperationType.ISSUE
    assert OP.RENEW.national_code.value == "02"
    assert OP.CHANGE.national_code.value == "09"
    assert {OP.CANCEL.national_code, OP.REVOKE.national_code} == {OperationType.TERMINATE}
    assert OP.RESTORE.national_code.value == "06"
    assert [o for o in Operation if o.makes_new_version] == [OP.CHANGE, OP.RENEW, OP.REISSUE]
    assert OP.EXPIRE not in allowed_operations(S.VALID)
    assert allowed_operations(S.REVOKED) == []
    assert [s.value for s in LicenceStatus] == ["01", "02", "03", "04", "05", "06", "07", "99"]


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (dt.date(2026, 11, 27), 3, dt.date(2029, 11, 26)),
        (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 27)),
        (dt.date(2026, 1, 1), 1, dt.date(2026, 12, 31)),
        (dt.date(2026, 1, 1), None, None),
    ],
)
def test_validity(start: dt.date, years: int | None, end: dt.date | None) -> None:
    assert valid_until(start, years) == end


def test_effective_status_and_reminders() -> None:
    end = dt.date(2026, 12, 31)
    assert effective_status(S.VALID, end, end) is S.VALID
    assert effective_status(S.VALID, end, end + dt.timedelta(days=1)) is S.EXPIRED
    assert effective_status(S.REVOKED, end, end + dt.timedelta(days=1)) is S.REVOKED
    assert effective_status(S.VALID, None, dt.date(2099, 1, 1)) is S.VALID
    assert renewal_reminder_due(end, dt.date(2026, 12, 1), 30, S.VALID)
    assert not renewal_reminder_due(end, dt.date(2026, 11, 30), 30, S.VALID)
    assert not renewal_reminder_due(end, dt.date(2027, 1, 1), 30, S.VALID)
    assert not renewal_reminder_due(end, dt.date(2026, 12, 1), 30, S.SUSPENDED)
    assert not renewal_reminder_due(None, dt.date(2026, 12, 1), 30, S.VALID)


TODAY = dt.date(2026, 11, 27)
GOOD = {
    "check_ok": True,
    "key_trusted": True,
    "signature_ok": True,
    "document_ok": True,
    "status": S.VALID,
    "valid_from": TODAY,
    "valid_to": dt.date(2029, 11, 26),
    "today": TODAY,
}


@pytest.mark.parametrize(
    ("change", "findings", "reasons"),
    [
        ({}, (), []),
        ({"signature_ok": False}, (Finding.BAD_SIGNATURE,), ["签名无效"]),
        ({"document_ok": False}, (Finding.TAMPERED_DOCUMENT,), ["文件被篡改"]),
        ({"check_ok": False}, (Finding.BAD_CHECK,), ["校验位错误"]),
        ({"key_trusted": False}, (Finding.UNKNOWN_KEY,), ["印章公钥不受信任"]),
        ({"status": S.REVOKED}, (Finding.STATUS,), ["证照已撤销"]),
        ({"status": S.SUSPENDED}, (Finding.STATUS,), ["证照已暂扣"]),
        ({"today": dt.date(2029, 11, 27)}, (Finding.STATUS,), ["证照已失效"]),
        ({"status": None, "today": dt.date(2029, 11, 27)}, (Finding.STATUS,), ["证照已失效"]),
        ({"today": dt.date(2026, 11, 26)}, (Finding.NOT_YET_VALID,), ["尚未生效"]),
        ({"data_matches": False}, (Finding.DATA_MISMATCH,), ["文件与证照库记录不一致"]),
        ({"found": False, "status": None}, (Finding.NOT_FOUND,), ["证照库中没有该证照"]),
    ],
)
def test_verdict(
    change: dict[str, object], findings: tuple[Finding, ...], reasons: list[str]
) -> None:
    result = verdict(**{**GOOD, **change})  # type: ignore[arg-type]
    assert result.findings == findings
    assert result.is_valid is (not findings)
    assert result.reasons() == reasons
