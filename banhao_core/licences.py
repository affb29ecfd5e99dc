"""电子证照 rules: identifiers, canonical data, status and operation codes, the lifecycle table,
validity and the verdict of a verification (domain.md §7).

* **Identifier** (GB/T 36904-2018, domain.md §7.2)::

      1.2.156.3005.2.<证照类型代码>.<颁发机构代码>.<流水号>.<版本号>.<校验位>

  证照类型代码 = the defining authority's 统一社会信用代码 (18) + 3 digits; 颁发机构代码 = the
  issuer's USCC (18) or a 6-digit area code; 流水号 = upper-case letters and digits; 版本号 = 3
  digits (``001`` first); 校验位 = ISO/IEC 7064 MOD 37,36 over the four parts concatenated
  without dots (python-stdnum's ``mod_37_36``).
* **Codes** (住建部 e-licence interface, domain.md §7.3): 证书状态 01–07/99, 操作类型 01–10.
* **Lifecycle**: which operation is allowed from which status (``TRANSITIONS``) and the
  status it leads to; operations that produce a new version (变更, 延续, 补发) leave the
  previous version 失效 (superseded) and link the new one to it (关联证照标识).
* **Canonical form** of licence data: JSON with sorted keys, UTF-8, no whitespace — the bytes
  the bureau's seal signs (ADR 0008).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

ROOT_OID = "1.2.156.3005.2"  # 电子证照根代码
TYPE_CODE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}[0-9]{3}")  # USCC alphabet + 3 digits
ISSUER_CODE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}|[0-9]{6}")
SERIAL = re.compile(r"[0-9A-Z]{1,40}")
VERSION = re.compile(r"[0-9]{3}")
MAX_VERSION = 999


class LicenceIdentifierError(ValueError):
    """An identifier is malformed or its check character is wrong; ``str(exc)`` is Chinese."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class LicenceIdentifier:
    """The parts of a 证照标识 (GB/T 36904)."""

    type_code: str
    issuer_code: str
    serial: str
    version: int

    def __post_init__(self) -> None:
        if not TYPE_CODE.fullmatch(self.type_code):
            raise LicenceIdentifierError(
                "证照类型代码应为定义机构的统一社会信用代码（18位）加 3 位数字", code="type_code"
            )
        if not ISSUER_CODE.fullmatch(self.issuer_code):
            raise LicenceIdentifierError(
                "颁发机构代码应为 18 位统一社会信用代码或 6 位行政区划代码", code="issuer_code"
            )
        if not SERIAL.fullmatch(self.serial):
            raise LicenceIdentifierError("流水号只能由大写字母和数字组成（1–40位）", code="serial")
        if not 1 <= self.version <= MAX_VERSION:
            raise LicenceIdentifierError("版本号应为 001–999", code="version")

    @property
    def body(self) -> str:
        """The characters the check character is computed over (no dots)."""
        return f"{self.type_code}{self.issuer_code}{self.serial}{self.version:03d}"

    @property
    def check_character(self) -> str:
        return str(mod_37_36.calc_check_digit(self.body))

    def __str__(self) -> str:
        return (
            f"{ROOT_OID}.{self.type_code}.{self.issuer_code}.{self.serial}."
            f"{self.version:03d}.{self.check_character}"
        )

    def next_version(self) -> LicenceIdentifier:
        """The identifier of the next version of the same licence (变更, 延续, 补发)."""
        if self.version >= MAX_VERSION:
            raise LicenceIdentifierError("证照版本号已达上限 999", code="version")
        return LicenceIdentifier(self.type_code, self.issuer_code, self.serial, self.version + 1)


def parse_identifier(text: str) -> LicenceIdentifier:
    """The parts of ``text``; ``LicenceIdentifierError`` (code ``format`` or ``check``) when it
    is not a GB/T 36904 identifier or its check character does not match."""
    value = text.strip().upper()
    prefix = ROOT_OID + "."
    if not value.startswith(prefix):
        raise LicenceIdentifierError(f"证照标识应以 {ROOT_OID} 开头", code="format")
    parts = value[len(prefix) :].split(".")
    if len(parts) != 5:
        raise LicenceIdentifierError(
            "证照标识应为：根代码.类型代码.颁发机构代码.流水号.版本号.校验位", code="format"
        )
    type_code, issuer_code, serial, version, check = parts
    if not VERSION.fullmatch(version):
        raise LicenceIdentifierError("版本号应为 3 位数字", code="format")
    try:
        identifier = LicenceIdentifier(type_code, issuer_code, serial, int(version))
    except LicenceIdentifierError as exc:
        raise LicenceIdentifierError(str(exc), code="format") from exc
    if check != identifier.check_character:
        raise LicenceIdentifierError("校验位错误：证照标识有误或被篡改", code="check")
    return identifier


# -- codes --------------------------------------------------------------------------------------


class LicenceStatus(enum.StrEnum):
    """证书状态 (domain.md §7.3)."""

    VALID = "01"
    SUSPENDED = "02"
    REVOKED = "03"  # 撤销
    CANCELLED = "04"  # 注销
    EXPIRED = "05"  # 失效 (expired, or superseded by a newer version)
    TRANSFERRED_OUT = "06"
    WITHDRAWN = "07"  # 吊销
    OTHER = "99"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: Mapping[LicenceStatus, str] = {
    LicenceStatus.VALID: "有效",
    LicenceStatus.SUSPENDED: "暂扣",
    LicenceStatus.REVOKED: "撤销",
    LicenceStatus.CANCELLED: "注销",
    LicenceStatus.EXPIRED: "失效",
    LicenceStatus.TRANSFERRED_OUT: "办理转出",
    LicenceStatus.WITHDRAWN: "吊销",
    LicenceStatus.OTHER: "其他",
}


class OperationType(enum.StrEnum):
    """操作类型 (domain.md §7.3)."""

    ISSUE = "01"  # 新发
    RENEW = "02"  # 延续
    SUSPEND = "03"  # 暂扣
    EXPIRE = "04"  # 过期失效
    TERMINATE = "05"  # 注销（撤销/吊销/转出）
    RESTORE = "06"  # 暂扣发还
    OTHER = "07"  # 其他 (补发 is recorded as 其他 with its own name)
    TRANSFER_IN = "08"
    CHANGE = "09"  # 变更
    CANCEL_TRANSFER = "10"


class Operation(enum.StrEnum):
    """What the bureau does to a licence; each maps to a national 操作类型."""

    ISSUE = "issue"  # 新发
    CHANGE = "change"  # 变更: a new version with changed 照面信息
    RENEW = "renew"  # 延续: a new version with a new validity period
    REISSUE = "reissue"  # 补发: a new version, same content (lost or damaged)
    SUSPEND = "suspend"  # 暂扣
    RESTORE = "restore"  # 暂扣发还
    CANCEL = "cancel"  # 注销
    REVOKE = "revoke"  # 撤销
    WITHDRAW = "withdraw"  # 吊销
    EXPIRE = "expire"  # 过期失效 (the system, on the day after valid_to)

    @property
    def label(self) -> str:
        return OPERATION_LABELS[self]

    @property
    def national_code(self) -> OperationType:
        return NATIONAL_OPERATION[self]

    @property
    def makes_new_version(self) -> bool:
        return self in NEW_VERSION_OPERATIONS


OPERATION_LABELS: Mapping[Operation, str] = {
    Operation.ISSUE: "新发",
    Operation.CHANGE: "变更",
    Operation.RENEW: "延续",
    Operation.REISSUE: "补发",
    Operation.SUSPEND: "暂扣",
    Operation.RESTORE: "暂扣发还",
    Operation.CANCEL: "注销",
    Operation.REVOKE: "撤销",
    Operation.WITHDRAW: "吊销",
    Operation.EXPIRE: "过期失效",
}

NATIONAL_OPERATION: Mapping[Operation, OperationType] = {
    Operation.ISSUE: OperationType.ISSUE,
    Operation.CHANGE: OperationType.CHANGE,
    Operation.RENEW: OperationType.RENEW,
    Operation.REISSUE: OperationType.OTHER,
    Operation.SUSPEND: OperationType.SUSPEND,
    Operation.RESTORE: OperationType.RESTORE,
    Operation.CANCEL: OperationType.TERMINATE,
    Operation.REVOKE: OperationType.TERMINATE,
    Operation.WITHDRAW: OperationType.TERMINATE,
    Operation.EXPIRE: OperationType.EXPIRE,
}

NEW_VERSION_OPERATIONS = frozenset({Operation.CHANGE, Operation.RENEW, Operation.REISSUE})

#: (status, operation) → the status of *this* licence afterwards. For the operations that make
#: a new version the previous one becomes 失效 and the new one starts 有效. Anything not in the
#: table is refused: a revoked, cancelled or expired licence cannot be brought back, and
#: 延续 must be applied for before the licence expires (行政许可法第五十条).
TRANSITIONS: Mapping[tuple[LicenceStatus, Operation], LicenceStatus] = {
    (LicenceStatus.VALID, Operation.CHANGE): LicenceStatus.EXPIRED,
    (LicenceStatus.VALID, Operation.RENEW): LicenceStatus.EXPIRED,
    (LicenceStatus.VALID, Operation.REISSUE): LicenceStatus.EXPIRED,
    (LicenceStatus.VALID, Operation.SUSPEND): LicenceStatus.SUSPENDED,
    (LicenceStatus.VALID, Operation.CANCEL): LicenceStatus.CANCELLED,
    (LicenceStatus.VALID, Operation.REVOKE): LicenceStatus.REVOKED,
    (LicenceStatus.VALID, Operation.WITHDRAW): LicenceStatus.WITHDRAWN,
    (LicenceStatus.VALID, Operation.EXPIRE): LicenceStatus.EXPIRED,
    (LicenceStatus.SUSPENDED, Operation.RESTORE): LicenceStatus.VALID,
    (LicenceStatus.SUSPENDED, Operation.CANCEL): LicenceStatus.CANCELLED,
    (LicenceStatus.SUSPENDED, Operation.REVOKE): LicenceStatus.REVOKED,
    (LicenceStatus.SUSPENDED, Operation.WITHDRAW): LicenceStatus.WITHDRAWN,
    (LicenceStatus.SUSPENDED, Operation.EXPIRE): LicenceStatus.EXPIRED,
}


class OperationRefused(ValueError):
    """The operation is not allowed from the licence's status; ``str(exc)`` is Chinese."""


def status_after(status: LicenceStatus, operation: Operation) -> LicenceStatus:
    """The licence's status after ``operation``, or ``OperationRefused``."""
    after = TRANSITIONS.get((status, operation))
    if after is None:
        raise OperationRefused(f"证照当前状态为「{status.label}」，不能{operation.label}")
    return after


def allowed_operations(status: LicenceStatus) -> list[Operation]:
    """The operations people may choose for a licence in ``status`` (not the system's 过期)."""
    return [op for (st, op) in TRANSITIONS if st is status and op not in {Operation.EXPIRE}]


# -- validity -----------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus ``years`` calendar years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until(valid_from: dt.date, years: int | None) -> dt.date | None:
    """The last day of validity: ``years`` years less one day (2026-11-27 + 3 years →
    2029-11-26); ``None`` for 长期 (no end)."""
    if years is None:
        return None
    if years < 1:
        raise ValueError("有效期年限至少为 1 年")
    return add_years(valid_from, years) - dt.timedelta(days=1)


def effective_status(
    status: LicenceStatus, valid_to: dt.date | None, today: dt.date
) -> LicenceStatus:
    """The status a reader must see today: a 有效 or 暂扣 licence past its last day is 失效
    even before the nightly job has recorded it."""
    if status in {LicenceStatus.VALID, LicenceStatus.SUSPENDED} and (
        valid_to is not None and today > valid_to
    ):
        return LicenceStatus.EXPIRED
    return status


def renewal_reminder_due(
    valid_to: dt.date | None, today: dt.date, lead_days: int, status: LicenceStatus
) -> bool:
    """Whether the holder should now be reminded to apply for 延续: a 有效 licence with an end
    date within ``lead_days`` days from today (and not yet past it)."""
    if status is not LicenceStatus.VALID or valid_to is None:
        return False
    return today <= valid_to <= today + dt.timedelta(days=lead_days)


# -- canonical data -----------------------------------------------------------------------------

JsonValue = str | int | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def canonical_bytes(data: Mapping[str, JsonValue]) -> bytes:
    """Deterministic JSON: keys sorted, UTF-8 (no ``\\u`` escapes), no whitespace. Floats are
    refused (their text form is not canonical); use strings for decimals."""
    _check_json(data)
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _check_json(value: object) -> None:
    if isinstance(value, float):
        raise TypeError("规范化数据不能包含浮点数")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("规范化数据的键必须是字符串")
            _check_json(item)
    elif isinstance(value, list):
        for item in value:
            _check_json(item)
    elif value is not None and not isinstance(value, str | int | bool):
        raise TypeError(f"规范化数据不能包含 {type(value).__name__}")


SEAL_CONTEXT = "BANHAO-LICENCE-SEAL/1"


def seal_message(
    *, data: Mapping[str, JsonValue], document_sm3: str, signed_length: int, key_id: str
) -> bytes:
    """The bytes the seal signs: the canonical licence data together with the SM3 digest and
    length of the PDF rendered without the signature, and the key id (ADR 0008)."""
    return canonical_bytes(
        {
            "context": SEAL_CONTEXT,
            "data": dict(data),
            "document_sm3": document_sm3,
            "key_id": key_id,
            "signed_length": signed_length,
        }
    )


# -- verification verdict -----------------------------------------------------------------------


class Finding(enum.StrEnum):
    """Why a licence is not valid (the reasons shown on the verification page)."""

    NOT_FOUND = "not_found"
    BAD_CHECK = "bad_check"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    TAMPERED_DOCUMENT = "tampered_document"
    DATA_MISMATCH = "data_mismatch"
    NOT_YET_VALID = "not_yet_valid"
    STATUS = "status"

    @property
    def label(self) -> str:
        return FINDING_LABELS[self]


FINDING_LABELS: Mapping[Finding, str] = {
    Finding.NOT_FOUND: "证照库中没有该证照",
    Finding.BAD_CHECK: "校验位错误",
    Finding.UNKNOWN_KEY: "印章公钥不受信任",
    Finding.BAD_SIGNATURE: "签名无效",
    Finding.TAMPERED_DOCUMENT: "文件被篡改",
    Finding.DATA_MISMATCH: "文件与证照库记录不一致",
    Finding.NOT_YET_VALID: "尚未生效",
    Finding.STATUS: "证照状态不是有效",
}


@dataclass(frozen=True)
class Verdict:
    """The answer of a verification: valid only when nothing was found."""

    status: LicenceStatus | None
    findings: tuple[Finding, ...]

    @property
    def is_valid(self) -> bool:
        return not self.findings

    def reasons(self) -> list[str]:
        """Chinese reasons, the status named (已撤销 …) where the status is the reason."""
        texts = []
        for finding in self.findings:
            if finding is Finding.STATUS and self.status is not None:
                texts.append(f"证照已{self.status.label}")
            else:
                texts.append(finding.label)
        return texts


def verdict(
    *,
    check_ok: bool,
    key_trusted: bool,
    signature_ok: bool,
    document_ok: bool,
    status: LicenceStatus | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    today: dt.date,
    data_matches: bool = True,
    found: bool = True,
) -> Verdict:
    """Combine the checks of one verification. ``status`` None: not known (offline);
    ``found`` False: the platform's register has no such licence (online)."""
    findings: list[Finding] = []
    if not found:
        findings.append(Finding.NOT_FOUND)
    if not check_ok:
        findings.append(Finding.BAD_CHECK)
    if not key_trusted:
        findings.append(Finding.UNKNOWN_KEY)
    if not signature_ok:
        findings.append(Finding.BAD_SIGNATURE)
    if not document_ok:
        findings.append(Finding.TAMPERED_DOCUMENT)
    if not data_matches:
        findings.append(Finding.DATA_MISMATCH)
    if valid_from is not None and today < valid_from:
        findings.append(Finding.NOT_YET_VALID)
    shown = status
    if status is not None:
        shown = effective_status(status, valid_to, today)
        if shown is not LicenceStatus.VALID:
            findings.append(Finding.STATUS)
    elif valid_to is not None and today > valid_to:
        shown = LicenceStatus.EXPIRED
        findings.append(Finding.STATUS)
    return Verdict(status=shown, findings=tuple(findings))
