"""Writes on electronic licences. Each is one transaction with an audit entry:

* ``seal_key_create`` — a new approval-seal key pair; the previous one is retired (its public
  key kept, so what it sealed still verifies);
* ``licence_type_define`` — a licence type for a service item (demo data, admin scripts);
* ``licence_issue_for_case`` — 新发 on a 准予 decision (called by the ``case_transitioned``
  receiver inside the decision's transaction);
* ``licence_operate`` — 变更 / 延续 / 补发 (a new version linked to the previous one) and
  暂扣 / 暂扣发还 / 注销 / 撤销 / 吊销 (a status), each with a reason;
* ``licence_expire_sweep`` and ``licence_send_renewal_reminders`` — the periodic jobs;
* ``licence_attach_for_case`` — reuse: materials a licence of this platform replaces.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.audit.services import audit_record
from banhao.cases.models import ApplicantKind, Case, CaseMaterial
from banhao.catalog.choices import MaterialNecessity, MaterialSource
from banhao.catalog.models import ServiceItem
from banhao.documents.licence import LicenceFace, attach_seal, render_licence
from banhao.licences.models import (
    HolderCodeType,
    Licence,
    LicenceAttachment,
    LicenceEvent,
    LicenceType,
    SealKey,
    SerialCounter,
)
from banhao.licences.seal import KeyPair, default_signer, sm3_hex
from banhao.privacy.fields import blind_lookup
from banhao.shared import clock
from banhao.shared.errors import Conflict, Forbidden, ValidationFailed
from banhao_core.licences import (
    TYPE_CODE,
    LicenceIdentifier,
    LicenceIdentifierError,
    LicenceStatus,
    Operation,
    OperationRefused,
    canonical_bytes,
    renewal_reminder_due,
    seal_message,
    status_after,
    valid_until,
)

#: Who may operate on licences (变更、延续、补发、暂扣、注销、撤销…).
OPERATOR_ROLES = (Role.APPROVER, Role.LEADER)
MISSING_VALUE = "（未填写）"


# -- the seal -----------------------------------------------------------------------------------


def _new_key_id() -> str:
    return f"seal-{clock.now():%Y%m%d}-{secrets.token_hex(3)}"


@transaction.atomic
def seal_key_create(*, actor: User | None, name: str = "") -> SealKey:
    """A new SM2 key pair for the bureau's approval seal; the active one is retired (key
    rotation). Licences sealed with a retired key keep verifying with its public key."""
    now = clock.now()
    retired = list(SealKey.objects.select_for_update().filter(is_active=True))
    SealKey.objects.filter(pk__in=[k.pk for k in retired]).update(is_active=False, retired_at=now)
    pair = default_signer().generate()
    key = SealKey.objects.create(
        key_id=_new_key_id(),
        name=(name or settings.BANHAO_SEAL_NAME).strip()[:200],
        public_key=pair.public_key.hex(),
        private_key=pair.private_key.hex(),
        is_active=True,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="licences.seal_key_create",
        obj=key,
        details={"key_id": key.key_id, "retired": [k.key_id for k in retired]},
    )
    return key


def _active_seal_key() -> SealKey:
    """The active seal key; the first one is created on first use (audited as the system).
    Two first uses at once: the unique "one active key" constraint lets one win."""
    key = SealKey.objects.filter(is_active=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return seal_key_create(actor=None)
    except IntegrityError:
        return SealKey.objects.get(is_active=True)


# -- licence types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaceField:
    key: str
    label: str
    source: str  # case.<attr> | form.<key> | text:<value>


@transaction.atomic
def licence_type_define(
    *,
    service_item: ServiceItem,
    name: str,
    type_code: str,
    defining_authority: str,
    validity_years: int | None,
    face_fields: list[FaceField],
    reusable_for_materials: list[str] | None = None,
    actor: User | None,
) -> LicenceType:
    """Create or update (by 证照类型代码) the licence type a service item issues."""
    if not TYPE_CODE.fullmatch(type_code):
        raise ValidationFailed(
            "证照类型代码应为定义机构的统一社会信用代码（18位）加 3 位数字", field="type_code"
        )
    if validity_years is not None and validity_years < 1:
        raise ValidationFailed("有效期至少为 1 年；长期有效请留空", field="validity_years")
    for face in face_fields:
        if not face.source.startswith(("case.", "form.", "text:")):
            raise ValidationFailed(f"照面信息项「{face.label}」的来源无效", field="face_fields")
    values = {
        "service_item": service_item,
        "name": name.strip(),
        "defining_authority": defining_authority.strip(),
        "validity_years": validity_years,
        "face_fields": [f.__dict__ for f in face_fields],
        "reusable_for_materials": list(reusable_for_materials or []),
        "is_active": True,
    }
    licence_type, created = LicenceType.objects.update_or_create(
        type_code=type_code, defaults=values
    )
    audit_record(
        actor=actor,
        action="licences.type_define",
        obj=licence_type,
        details={"type_code": type_code, "created": created},
    )
    return licence_type


# -- issuing ------------------------------------------------------------------------------------


def _next_serial(licence_type: LicenceType, year: int) -> str:
    """流水号: the year and a per-type, per-year counter, e.g. ``2026000123``. The counter row
    is locked (``select_for_update``), so concurrent issues never share a number."""
    key = f"{licence_type.type_code}:{year}"
    SerialCounter.objects.get_or_create(key=key)
    counter = SerialCounter.objects.select_for_update().get(key=key)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{year}{counter.value:06d}"


def _face_value(source: str, case: Case | None, previous: Mapping[str, str]) -> str:
    if source.startswith("text:"):
        return source[5:]
    if case is None:
        return previous.get(source, MISSING_VALUE)
    if source.startswith("form."):
        value: Any = (case.form_data or {}).get(source[5:], "")
    else:
        value = case
        for part in source[5:].split("."):
            value = getattr(value, part, "")
    text = str(value).strip() if value is not None else ""
    return text or MISSING_VALUE


def _verify_url(identifier: str) -> str:
    return f"{settings.BANHAO_PUBLIC_URL}/licences/verify/{identifier}/"


@dataclass(frozen=True)
class _Draft:
    """The values of a new licence version before it is rendered and sealed."""

    licence_type: LicenceType
    identifier: LicenceIdentifier
    holder_name: str
    holder_code: str
    holder_code_type: str
    organisation_code: str
    holder_user: User | None
    face: dict[str, str]  # label → value, in the type's order
    issued_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    operation: Operation
    case: Case | None
    previous: Licence | None


def _licence_data(draft: _Draft, status: LicenceStatus) -> dict[str, Any]:
    """The GB/T 36902/36903 metadata the seal signs (domain.md §7.3)."""
    return {
        "identifier": str(draft.identifier),
        "type_name": draft.licence_type.name,
        "type_code": draft.licence_type.type_code,
        "defining_authority": draft.licence_type.defining_authority,
        "name": draft.licence_type.name,
        "number": draft.identifier.serial,
        "version": f"{draft.identifier.version:03d}",
        "issuer": settings.BANHAO_BUREAU_NAME,
        "issuer_code": settings.BANHAO_BUREAU_USCC,
        "issued_on": draft.issued_on.isoformat(),
        "holder": draft.holder_name,
        "holder_code": draft.holder_code,
        "holder_code_type": draft.holder_code_type,
        "valid_from": draft.valid_from.isoformat(),
        "valid_to": draft.valid_to.isoformat() if draft.valid_to else None,
        "status_at_issue": status.value,
        "operation": draft.operation.national_code.value,
        "previous": draft.previous.identifier if draft.previous else None,
        "face": [[label, value] for label, value in draft.face.items()],
        "verify_url": _verify_url(str(draft.identifier)),
    }


def _seal_text() -> str:
    return f"{settings.BANHAO_BUREAU_NAME}\n行政审批专用章"


def _create_sealed(draft: _Draft, *, actor: User | None) -> Licence:
    """Render, seal and store one licence version (ADR 0008)."""
    key = _active_seal_key()
    data = _licence_data(draft, LicenceStatus.VALID)
    identifier = str(draft.identifier)
    note = ""
    if draft.previous is not None:
        note = (
            f"本证照为{draft.operation.label}后的第 {draft.identifier.version} 版，"
            f"关联证照标识：{draft.previous.identifier}。"
        )
    person = draft.holder_code_type == HolderCodeType.RESIDENT_ID
    face = LicenceFace(
        bureau_name=settings.BANHAO_BUREAU_NAME,
        title=draft.licence_type.name,
        number=draft.identifier.serial,
        holder=draft.holder_name,
        holder_code_label="公民身份号码" if person else "统一社会信用代码",
        holder_code=draft.holder_code,
        rows=tuple(draft.face.items()),
        identifier=identifier,
        issued_on=draft.issued_on,
        valid_from=draft.valid_from,
        valid_to=draft.valid_to,
        verify_url=data["verify_url"],
        seal_text=_seal_text(),
        version_note=note,
    )
    try:
        unsigned = render_licence(face)
    except ValueError as exc:  # a character the embedded font cannot show
        raise ValidationFailed(str(exc), code="licence_render") from exc
    document_sm3 = sm3_hex(unsigned)
    message = seal_message(
        data=data, document_sm3=document_sm3, signed_length=len(unsigned), key_id=key.key_id
    )
    pair = KeyPair(
        public_key=bytes.fromhex(key.public_key), private_key=bytes.fromhex(key.private_key)
    )
    signature = default_signer().sign(pair, message).hex()
    payload = {
        "v": 1,
        "algorithm": "SM2-SM3",
        "signer_id": "1234567812345678",
        "data": data,
        "document_sm3": document_sm3,
        "signed_length": len(unsigned),
        "key_id": key.key_id,
        "public_key": key.public_key,
        "signature": signature,
    }
    sealed = attach_seal(unsigned, payload)
    now = clock.now()
    licence = Licence.objects.create(
        identifier=identifier,
        licence_type=draft.licence_type,
        serial=draft.identifier.serial,
        version=draft.identifier.version,
        name=draft.licence_type.name,
        number=draft.identifier.serial,
        holder_name=draft.holder_name,
        holder_code=draft.holder_code,
        holder_code_type=draft.holder_code_type,
        organisation_code=draft.organisation_code,
        holder_user=draft.holder_user,
        issuer_name=settings.BANHAO_BUREAU_NAME,
        issuer_code=settings.BANHAO_BUREAU_USCC,
        issued_on=draft.issued_on,
        valid_from=draft.valid_from,
        valid_to=draft.valid_to,
        status=LicenceStatus.VALID.value,
        operation=draft.operation.value,
        case=draft.case,
        previous=draft.previous,
        canonical_data=canonical_bytes(data).decode("utf-8"),
        document_b64=base64.b64encode(sealed).decode("ascii"),
        document_sm3=document_sm3,
        signed_length=len(unsigned),
        signature=signature,
        seal_key=key,
        created_at=now,
    )
    LicenceEvent.objects.create(
        licence=licence,
        operation=draft.operation.value,
        national_code=draft.operation.national_code.value,
        from_status="",
        to_status=LicenceStatus.VALID.value,
        reason="",
        actor=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"licences.{draft.operation.value}",
        obj=licence,
        details={
            "identifier": identifier,
            "previous": draft.previous.identifier if draft.previous else None,
            "key_id": key.key_id,
        },
    )
    return licence


def licence_type_for_case(case: Case) -> LicenceType | None:
    return LicenceType.objects.filter(
        service_item_id=case.item_version.item_id, is_active=True
    ).first()


@transaction.atomic
def licence_issue_for_case(*, case: Case, actor: User | None) -> Licence | None:
    """新发: the licence of a case decided 准予, with its 照面信息 taken from the case.

    ``None`` when the case's item issues no electronic licence. Idempotent: a case already
    holding its first licence gets that one back. ``Conflict`` unless the case was approved.
    """
    licence_type = licence_type_for_case(case)
    if licence_type is None:
        return None
    if case.decision != "approve":
        raise Conflict("只有准予许可的办件才能颁发证照", code="case_not_approved")
    existing = Licence.objects.filter(case=case, operation=Operation.ISSUE.value).first()
    if existing is not None:
        return existing
    today = clock.today()
    company = case.applicant_kind == ApplicantKind.COMPANY
    identifier = LicenceIdentifier(
        licence_type.type_code,
        settings.BANHAO_BUREAU_USCC,
        _next_serial(licence_type, today.year),
        1,
    )
    face = {
        str(f["label"]): _face_value(str(f["source"]), case, {}) for f in licence_type.face_fields
    }
    draft = _Draft(
        licence_type=licence_type,
        identifier=identifier,
        holder_name=case.applicant_name,
        holder_code=case.applicant_id_number,
        holder_code_type=HolderCodeType.CREDIT_CODE if company else HolderCodeType.RESIDENT_ID,
        organisation_code=case.organisation_code if company else "",
        holder_user=case.applicant,
        face=face,
        issued_on=today,
        valid_from=today,
        valid_to=valid_until(today, licence_type.validity_years),
        operation=Operation.ISSUE,
        case=case,
        previous=None,
    )
    return _create_sealed(draft, actor=actor)


# -- lifecycle ----------------------------------------------------------------------------------


def _require_operator(actor: User | None) -> None:
    if actor is None:
        return  # the system (expiry sweep)
    if not any(actor.has_role(role) for role in OPERATOR_ROLES):
        raise Forbidden("只有审批负责人或局领导可以办理证照变更、注销等业务", code="not_operator")


def _lock(licence: Licence, expected_version: int | None) -> Licence:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("licence writes must run inside transaction.atomic")
    locked = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("licence_type")
        .get(pk=licence.pk)
    )
    if expected_version is not None and locked.row_version != expected_version:
        raise Conflict("该证照已被他人处理（页面内容已过期），请刷新后查看", code="stale_licence")
    return locked


@transaction.atomic
def licence_operate(
    *,
    licence: Licence,
    operation: Operation | str,
    actor: User | None,
    reason: str,
    changes: Mapping[str, str] | None = None,
    validity_years: int | None = None,
    expected_version: int | None = None,
) -> Licence:
    """One lifecycle operation with its reason; returns the licence as it is afterwards —
    the *new version* for 变更 / 延续 / 补发 (linked to the previous one, which becomes 失效),
    else the same licence with its new status.

    * 变更: ``changes`` maps 照面信息 labels to new values (only labels the type prints);
    * 延续: the new validity starts the day after the old one ends (or today, for 长期), for
      ``validity_years`` or the type's years;
    * ``OperationRefused`` from the core table becomes ``Conflict`` (e.g. 撤销后不能延续).
    """
    try:
        op = Operation(operation)
    except ValueError as exc:
        raise ValidationFailed("未知的证照业务", field="operation") from exc
    if op in {Operation.ISSUE, Operation.EXPIRE} and actor is not None:
        raise ValidationFailed("该业务由系统办理", field="operation")
    _require_operator(actor)
    text = reason.strip()
    if not text and actor is not None:
        raise ValidationFailed("请填写办理理由", field="reason", code="reason_required")
    locked = _lock(licence, expected_version)
    before = locked.status_enum
    try:
        after = status_after(before, op)
    except OperationRefused as exc:
        raise Conflict(str(exc), code="operation_not_allowed") from exc
    if op is Operation.RENEW and locked.valid_to is None:
        raise Conflict("长期有效的证照无需延续", code="operation_not_allowed")
    now = clock.now()
    new: Licence | None = None
    if op.makes_new_version:
        new = _new_version(locked, op, actor=actor, changes=changes, years=validity_years)
    locked.status = after.value
    locked.status_reason = text if not new else f"{op.label}：{text}（新版本 {new.identifier}）"
    locked.row_version += 1
    locked.save(update_fields=["status", "status_reason", "row_version"])
    LicenceEvent.objects.create(
        licence=locked,
        operation=op.value,
        national_code=op.national_code.value,
        from_status=before.value,
        to_status=after.value,
        reason=text,
        new_licence=new,
        actor=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"licences.{op.value}",
        obj=locked,
        details={
            "identifier": locked.identifier,
            "from": before.value,
            "to": after.value,
            "reason": text,
            "new": new.identifier if new else None,
        },
    )
    if actor is not None:
        _notify_holder(locked, new, op, actor)
    return new if new is not None else locked


def _new_version(
    old: Licence,
    op: Operation,
    *,
    actor: User | None,
    changes: Mapping[str, str] | None,
    years: int | None,
) -> Licence:
    try:
        identifier = LicenceIdentifier(
            old.licence_type.type_code, old.issuer_code, old.serial, old.version
        ).next_version()
    except LicenceIdentifierError as exc:
        raise Conflict(str(exc), code="version_exhausted") from exc
    face = {str(label): str(value) for label, value in old.data.get("face", [])}
    today = clock.today()
    valid_from, valid_to = old.valid_from, old.valid_to
    if op is Operation.CHANGE:
        wanted = {k: v.strip() for k, v in (changes or {}).items()}
        unknown = sorted(set(wanted) - set(face))
        if not wanted or unknown or not all(wanted.values()):
            raise ValidationFailed(
                "请填写要变更的照面信息（只能变更证照上已有的项目，且不能为空）",
                field="changes",
                details={"unknown": unknown},
            )
        if all(face[k] == v for k, v in wanted.items()):
            raise ValidationFailed("变更后的内容与原证照相同", field="changes")
        face.update(wanted)
    elif op is Operation.RENEW:
        # The new version is valid from today (the old one becomes 失效 now) to ``years``
        # after the old end: the holder is never without a valid licence.
        assert old.valid_to is not None
        valid_from = today
        valid_to = valid_until(
            old.valid_to + dt.timedelta(days=1), years or old.licence_type.validity_years or 1
        )
    draft = _Draft(
        licence_type=old.licence_type,
        identifier=identifier,
        holder_name=old.holder_name,
        holder_code=old.holder_code,
        holder_code_type=old.holder_code_type,
        organisation_code=old.organisation_code,
        holder_user=old.holder_user,
        face=face,
        issued_on=today,
        valid_from=valid_from,
        valid_to=valid_to,
        operation=op,
        case=old.case,
        previous=old,
    )
    return _create_sealed(draft, actor=actor)


def holder_accounts(licence: Licence) -> list[User]:
    """The accounts that hold ``licence``: the applicant's account, and the company accounts of
    its 统一社会信用代码 / the person's account of its 身份证号 (a case registered at the window
    has no applicant account)."""
    accounts: dict[int, User] = {}
    if licence.holder_user is not None:
        accounts[licence.holder_user.pk] = licence.holder_user
    if licence.organisation_code:
        others = User.objects.filter(
            kind=User.Kind.COMPANY, organisation_code=licence.organisation_code, is_active=True
        )
    else:
        others = User.objects.filter(
            blind_lookup(User, "id_number", licence.holder_code), is_active=True
        )
    for user in others:
        accounts.setdefault(user.pk, user)
    return list(accounts.values())


def _notify_holder(licence: Licence, new: Licence | None, op: Operation, actor: User) -> None:
    from banhao.notifications.services import notification_send

    target = new or licence
    for recipient in holder_accounts(licence):
        notification_send(
            recipient=recipient,
            title=f"证照{op.label}：{licence.name}",
            body=f"您的{licence.name}（证照编号 {licence.number}）已办理{op.label}。",
            link=f"/licences/mine/{target.identifier}/",
            actor=actor,
        )


# -- periodic jobs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    expired: int
    reminded: int


def licence_expire_sweep() -> int:
    """过期失效: record 失效 (操作类型 04) for every 有效/暂扣 licence past its last day."""
    today = clock.today()
    count = 0
    stale = Licence.objects.filter(
        status__in=[LicenceStatus.VALID.value, LicenceStatus.SUSPENDED.value],
        valid_to__lt=today,
    )
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            licence = Licence.objects.get(pk=pk)
            licence_operate(
                licence=licence, operation=Operation.EXPIRE, actor=None, reason="有效期届满"
            )
            count += 1
    return count


def licence_send_renewal_reminders(*, lead_days: int | None = None) -> int:
    """延续提醒: tell the holder once, ``BANHAO_LICENCE_RENEWAL_LEAD_DAYS`` days before the
    licence ends, that 延续 must be applied for before it expires."""
    from banhao.notifications.services import notification_send

    lead = settings.BANHAO_LICENCE_RENEWAL_LEAD_DAYS if lead_days is None else lead_days
    today = clock.today()
    candidates = Licence.objects.filter(
        status=LicenceStatus.VALID.value,
        reminder_sent_at__isnull=True,
        valid_to__gte=today,
        valid_to__lte=today + dt.timedelta(days=lead),
    )
    sent = 0
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            licence = (
                Licence.objects.select_for_update(of=("self",))
                .select_related("holder_user")
                .get(pk=pk)
            )
            if licence.reminder_sent_at is not None or not renewal_reminder_due(
                licence.valid_to, today, lead, licence.status_enum
            ):
                continue
            licence.reminder_sent_at = clock.now()
            licence.save(update_fields=["reminder_sent_at"])
            assert licence.valid_to is not None
            for recipient in holder_accounts(licence):
                notification_send(
                    recipient=recipient,
                    title=f"证照即将到期：{licence.name}",
                    body=(
                        f"您的{licence.name}（证照编号 {licence.number}）有效期至 "
                        f"{licence.valid_to:%Y-%m-%d}，如需继续从事相关活动，请在到期前申请延续。"
                    ),
                    link=f"/licences/mine/{licence.identifier}/",
                )
            audit_record(
                actor=None,
                action="licences.renewal_reminder",
                obj=licence,
                details={"identifier": licence.identifier, "valid_to": str(licence.valid_to)},
            )
            sent += 1
    return sent


# -- reuse (信息共享免交) ------------------------------------------------------------------------


def _holder_condition(case: Case) -> Q:
    if case.applicant_kind == ApplicantKind.COMPANY and case.organisation_code:
        return Q(organisation_code=case.organisation_code)
    return blind_lookup(Licence, "holder_code", case.applicant_id_number)


def _reusable_licence(case: Case, material_name: str) -> Licence | None:
    today = clock.today()
    types = [
        t.pk for t in LicenceType.objects.all() if material_name in (t.reusable_for_materials or [])
    ]
    if not types:
        return None
    return (
        Licence.objects.filter(_holder_condition(case), licence_type_id__in=types)
        .filter(status=LicenceStatus.VALID.value, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("-issued_on", "-version", "-id")
        .first()
    )


def licence_attach_for_case(*, case: Case, actor: User | None) -> list[LicenceAttachment]:
    """For every material of ``case`` that comes from the 电子证照库 / 信息共享 and that a
    licence type of this platform replaces: attach the holder's valid licence (the material
    stays 共享免交). When the holder has no valid licence, the material is set back to 未提交
    so the applicant is asked to upload it (国务院令第716号 Art.9–11 only spare the applicant
    what can really be obtained). Materials no licence type of ours covers are left alone.
    Runs inside the case's transaction (``case_materials_synced``)."""
    from banhao.cases.services import case_material_set_shared

    mapped = {
        name
        for reusable in LicenceType.objects.values_list("reusable_for_materials", flat=True)
        for name in (reusable or [])
    }
    if not mapped:
        return []
    attached: list[LicenceAttachment] = []
    rows = CaseMaterial.objects.filter(case=case, name__in=mapped).select_related("material")
    for row in rows:
        material = row.material
        if not (
            material.source_channel == MaterialSource.E_LICENCE
            or material.necessity == MaterialNecessity.SHARED
        ) or row.status not in {CaseMaterial.Status.MISSING, CaseMaterial.Status.SHARED}:
            continue  # not a shared material, or the applicant has already handed it in
        licence = _reusable_licence(case, row.name)
        current = LicenceAttachment.objects.filter(case_material=row).first()
        if licence is None:
            if current is not None:
                current.delete()
            if row.status == CaseMaterial.Status.SHARED:
                case_material_set_shared(case_material=row, shared=False, actor=actor)
            continue
        if current is None:
            current = LicenceAttachment.objects.create(
                case_material=row, licence=licence, attached_at=clock.now()
            )
            audit_record(
                actor=actor,
                action="licences.attach",
                obj=case,
                details={"material": row.name, "licence": licence.identifier},
            )
        elif current.licence_id != licence.pk:
            current.licence = licence
            current.save(update_fields=["licence"])
        if row.status != CaseMaterial.Status.SHARED:
            case_material_set_shared(case_material=row, shared=True, actor=actor)
        attached.append(current)
    return attached
