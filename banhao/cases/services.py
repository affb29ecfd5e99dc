"""Writes on cases. Every state change is one function here:

* one transaction; the case row is locked (``select_for_update``) and, when the caller passes
  the ``row_version`` it saw, compared with it — two people acting at once produce exactly one
  effect and the other gets a ``Conflict`` with a clear message;
* the core state table decides (``banhao_core.workflow.decide``); a refusal becomes a
  ``ValidationFailed``/``Conflict`` carrying the core's code and Chinese message;
* an append-only ``CaseEvent`` with the GB/T 39046 6.4 fields and an audit entry;
* notifications only after commit.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from banhao.accounts.models import User
from banhao.accounts.roles import Role as UserRole
from banhao.audit.services import audit_record
from banhao.cases.models import (
    ApplicantKind,
    Case,
    CaseEvent,
    CaseExtension,
    CaseMaterial,
    CasePause,
    Channel,
    CorrectionRequest,
    IdType,
    NumberSequence,
    ReviewTask,
)
from banhao.cases.signals import case_materials_synced, case_transitioned
from banhao.cases.snapshots import actor_of, case_clock, case_snapshot, core_tasks, local_date
from banhao.cases.uploads import check_upload
from banhao.catalog.choices import MaterialNecessity, MaterialSource
from banhao.catalog.models import Material, ServiceItemVersion
from banhao.org.models import Department, ServiceCentre, Window
from banhao.shared import clock
from banhao.shared.errors import Conflict, NotFound, ValidationFailed
from banhao.workcalendar.selectors import current_revision, work_calendar_and_revision
from banhao_core.calendar import WorkCalendar
from banhao_core.identifiers import IdentifierError, validate_credit_code, validate_resident_id
from banhao_core.situations import (
    SituationAnswerError,
    SituationSpec,
    applicable_materials,
    validate_answers,
)
from banhao_core.time_limits import TimeLimitError, evaluate
from banhao_core.workflow import (
    Accepted,
    Command,
    CommandParams,
    DeliveryMethod,
    NotAcceptedGround,
    RefusalCode,
    Refused,
    ReviewMode,
    ReviewTaskState,
    SpecialProcedureKind,
    cancel_tasks,
    complete_task,
    decide,
    initial_tasks,
)
from banhao_core.workflow import CaseEvent as CoreEvent

#: Refusals that mean "someone else got there first" rather than bad input.
CONFLICT_CODES = frozenset(
    {
        RefusalCode.INVALID_TRANSITION,
        RefusalCode.TASK_ALREADY_DECIDED,
        RefusalCode.REVIEW_ALREADY_COMPLETE,
        RefusalCode.TASK_CANCELLED,
        RefusalCode.TASK_NOT_OPEN,
    }
)


# -- helpers ------------------------------------------------------------------------------


def _refusal(refused: Refused, *, field: str | None = None) -> ValidationFailed | Conflict:
    error_class = Conflict if refused.code in CONFLICT_CODES else ValidationFailed
    return error_class(refused.message_zh, code=str(refused.code), field=field)


def _next_number(key: str) -> int:
    """The next value of counter ``key``: one ``UPDATE … RETURNING`` (SQLite ≥ 3.35 and
    PostgreSQL), which also takes the row lock; the row is created on first use."""
    connection = transaction.get_connection()
    table, key_column, value = (
        connection.ops.quote_name(name) for name in (NumberSequence._meta.db_table, "key", "value")
    )
    sql = f"UPDATE {table} SET {value} = {value} + 1 WHERE {key_column} = %s RETURNING {value}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
        if row is None:
            NumberSequence.objects.get_or_create(key=key)
            cursor.execute(sql, [key])
            row = cursor.fetchone()
    return int(row[0])


def _case_number(centre: ServiceCentre, now: dt.datetime) -> str:
    """办件编号: 行政区划 + date + a daily sequence, e.g. 37168120261128000123."""
    day = local_date(now)
    seq = _next_number(f"case:{centre.area_code[:6]}:{day:%Y%m%d}")
    return f"{centre.area_code[:6]}{day:%Y%m%d}{seq:06d}"


def _document_number(kind: str, now: dt.datetime) -> str:
    """文书编号 such as 邹审服受字〔2026〕第000123号 (kind: 受 / 补 / 不受)."""
    year = local_date(now).year
    seq = _next_number(f"doc:{kind}:{year}")
    prefix = getattr(settings, "BANHAO_DOCUMENT_PREFIX", "")
    return f"{prefix}审服{kind}字〔{year}〕第{seq:06d}号"


_E = TypeVar("_E", bound=StrEnum)


def _choice(enum: type[_E], value: str, message: str, *, field: str) -> _E:
    """``value`` as a member of ``enum``, or a ValidationFailed with ``message`` on ``field``."""
    try:
        return enum(value)
    except ValueError as exc:
        raise ValidationFailed(message, field=field) from exc


def _lock(case: Case, expected_version: int | None) -> Case:
    # SQLite ignores select_for_update outside a transaction; fail loudly on every vendor.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case writes must run inside transaction.atomic")
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item_version", "service_centre")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.row_version != expected_version:
        raise Conflict(
            "该办件已被他人处理（页面内容已过期），请刷新后查看最新状态", code="stale_case"
        )
    return locked


def _unit_for(user: User | None, case: Case) -> tuple[str, str]:
    if user is not None and user.department_id is not None:
        department = user.department
        assert department is not None
        return department.name, department.uscc
    return case.service_centre.name, ""


def _write_event(
    case: Case,
    core_event: CoreEvent | None,
    *,
    actor: User | None,
    kind: str = "",
    action: str = "",
    step_name: str = "",
    opinion: str = "",
    details: Mapping[str, Any] | None = None,
    started_at: dt.datetime | None = None,
) -> CaseEvent:
    now = clock.now()
    seq = (
        CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first()
        or 0
    ) + 1
    unit_name, unit_code = _unit_for(actor, case)
    merged: dict[str, Any] = {}
    if core_event is not None:
        merged.update(dict(core_event.details))
    merged.update(details or {})
    return CaseEvent.objects.create(
        case=case,
        seq=seq,
        kind=core_event.kind.value if core_event else kind,
        command=core_event.command.value if core_event else "",
        from_state=core_event.from_state.value if core_event else "",
        to_state=core_event.to_state.value if core_event else "",
        action=(core_event.action.value if core_event else action),
        step_name=core_event.step_name_zh if core_event else step_name,
        actor=actor,
        actor_name=str(actor) if actor is not None else "系统",
        unit_name=unit_name,
        unit_code=unit_code,
        opinion=(core_event.opinion if core_event else opinion) or opinion,
        started_at=started_at or now,
        ended_at=now,
        details=merged,
    )


#: The calendar a running ``_transition`` already read (centre id, calendar, revision), so
#: that ``_recompute_clock`` inside the same transaction does not read it again.
_transition_calendar: ContextVar[tuple[int, WorkCalendar, int] | None] = ContextVar(
    "_transition_calendar", default=None
)


def _calendar_for(centre_id: int) -> tuple[WorkCalendar, int]:
    current = _transition_calendar.get()
    if current is not None and current[0] == centre_id:
        return current[1], current[2]
    return work_calendar_and_revision(service_centre_id=centre_id)


def _recompute_clock(case: Case) -> None:
    """Store the promised/legal due dates after any clock change (pauses, extensions)."""
    if case.accepted_at is None:
        return
    calendar, revision = _calendar_for(case.service_centre_id)
    today = clock.today()
    try:
        status = evaluate(case_clock(case), calendar, today)
    except TimeLimitError as exc:
        raise ValidationFailed(str(exc), code="time_limit") from exc
    case.promised_due = status.promised_due
    case.legal_due = status.legal_due
    case.due_is_provisional = status.is_provisional
    case.clock_revision = revision
    ReviewTask.objects.filter(case=case).update(due=status.promised_due)


@dataclass
class _Transition:
    case: Case
    outcome: Accepted
    event: CaseEvent
    after_commit: list[Callable[[], None]] = field(default_factory=list)


_CASE_COLUMNS = tuple(f for f in Case._meta.concrete_fields if not f.primary_key)


def _column_values(case: Case) -> dict[str, Any]:
    return {f.attname: copy.deepcopy(case.__dict__.get(f.attname)) for f in _CASE_COLUMNS}


def _changed_columns(case: Case, before: Mapping[str, Any]) -> list[str]:
    return [f.name for f in _CASE_COLUMNS if case.__dict__.get(f.attname) != before[f.attname]]


def _transition(
    case: Case,
    command: Command,
    *,
    actor: User | None,
    params: CommandParams | None = None,
    expected_version: int | None = None,
    field_for_refusal: str | None = None,
    apply: Callable[[Case], None] | None = None,
    audit_details: Mapping[str, Any] | None = None,
) -> Case:
    """Lock, decide, apply, record. ``apply`` sets the command's own fields on the case."""
    locked = _lock(case, expected_version)
    now = clock.now()
    calendar, revision = work_calendar_and_revision(service_centre_id=locked.service_centre_id)
    scope = _transition_calendar.set((locked.service_centre_id, calendar, revision))
    try:
        return _transition_locked(
            locked,
            command,
            calendar=calendar,
            now=now,
            actor=actor,
            params=params,
            field_for_refusal=field_for_refusal,
            apply=apply,
            audit_details=audit_details,
        )
    finally:
        _transition_calendar.reset(scope)


def _transition_locked(
    locked: Case,
    command: Command,
    *,
    calendar: WorkCalendar,
    now: dt.datetime,
    actor: User | None,
    params: CommandParams | None,
    field_for_refusal: str | None,
    apply: Callable[[Case], None] | None,
    audit_details: Mapping[str, Any] | None,
) -> Case:
    snapshot = case_snapshot(
        locked,
        materials=list(locked.materials.all()),
        tasks=list(locked.review_tasks.order_by("order", "id")),
        calendar=calendar,
        today=local_date(now),
    )
    outcome = decide(snapshot, command, actor_of(actor), params, now=now)
    if isinstance(outcome, Refused):
        raise _refusal(outcome, field=field_for_refusal)
    previous = locked.state
    before = _column_values(locked)
    locked.state = outcome.new_state.value
    locked.row_version += 1
    if apply is not None:
        apply(locked)
    # Only the columns this command changed (the row is locked, so the others are as read):
    # no re-encryption of the applicant's personal data on every step.
    locked.save(update_fields=_changed_columns(locked, before))
    for core_event in outcome.events:
        _write_event(locked, core_event, actor=actor)
    audit_record(
        actor=actor,
        action=f"cases.{command.value}",
        obj=locked,
        details={
            "number": locked.number,
            "from": previous,
            "to": locked.state,
            **(audit_details or {}),
        },
    )
    _notify_applicant(locked, command, actor)
    case_transitioned.send(
        sender=Case, case=locked, command=command, previous_state=previous, actor=actor
    )
    return locked


#: What the applicant is told after a command (title, body); others are silent.
APPLICANT_MESSAGES: dict[Command, tuple[str, str]] = {
    Command.RECEIVE: ("申请已接件", "您的申请已被窗口接收，正在审核材料。"),
    Command.REQUEST_CORRECTION: (
        "请补正材料",
        "您的申请需要补正材料，请查看补正告知并按要求补正。",
    ),
    Command.REFUSE_ACCEPTANCE: ("申请不予受理", "您的申请不予受理，请查看不予受理通知书。"),
    Command.ACCEPT: ("申请已受理", "您的申请已受理，可下载受理通知书并随时查看办理进度。"),
    Command.START_SPECIAL_PROCEDURE: (
        "进入特别程序",
        "您的办件进入特别程序，所需时间不计入办理时限。",
    ),
    Command.END_SPECIAL_PROCEDURE: ("特别程序结束", "特别程序已结束，办件继续审查。"),
    Command.EXTEND: ("审批期限延长", "经负责人批准，您的办件审批期限已依法延长。"),
    Command.DECIDE_APPROVE: ("准予许可", "您的申请已获准予许可。"),
    Command.DECIDE_REJECT: ("不予许可", "您的申请不予许可，请查看决定理由及救济途径。"),
    Command.START_DELIVERY: ("结果送达", "办理结果正在送达，请按选定方式领取。"),
    Command.CLOSE: ("办件已办结", "您的办件已办结，欢迎对本次服务进行评价。"),
}


def _notify_applicant(case: Case, command: Command, actor: User | None) -> None:
    """Tell the applicant (if they have an account) what happened; delivered after commit."""
    message = APPLICANT_MESSAGES.get(command)
    if message is None or case.applicant_id is None or case.applicant == actor:
        return
    from banhao.notifications.services import notification_send

    title, body = message
    notification_send(
        recipient=case.applicant,  # type: ignore[arg-type]
        title=f"{title}：{case.item_version.name}",
        body=f"{body}办件编号 {case.number}。",
        link=f"/cases/{case.number}/",
        case_number=case.number,
        actor=actor,
    )


# -- creating applications ------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantData:
    """Who applies (GB/T 39046 6.2). Identifiers are validated with their check digits."""

    kind: str
    name: str
    id_number: str
    contact_name: str
    contact_phone: str
    address: str = ""


def _clean_applicant(data: ApplicantData) -> dict[str, str]:
    name = data.name.strip()
    if not name:
        raise ValidationFailed("请填写申请人名称", field="applicant_name")
    if data.kind == ApplicantKind.PERSON:
        try:
            number = validate_resident_id(data.id_number)
        except IdentifierError as exc:
            raise ValidationFailed(str(exc), field="applicant_id_number") from exc
        id_type, organisation_code = IdType.RESIDENT_ID, ""
    elif data.kind == ApplicantKind.COMPANY:
        try:
            number = validate_credit_code(data.id_number)
        except IdentifierError as exc:
            raise ValidationFailed(str(exc), field="applicant_id_number") from exc
        id_type, organisation_code = IdType.CREDIT_CODE, number
    else:
        raise ValidationFailed("申请人类型无效", field="applicant_kind")
    phone = data.contact_phone.strip().replace(" ", "").replace("-", "")
    if not (
        phone.isdigit() and ((len(phone) == 11 and phone.startswith("1")) or 7 <= len(phone) <= 12)
    ):
        raise ValidationFailed(
            "联系电话格式不正确（手机号 11 位，或带区号的固定电话）", field="contact_phone"
        )
    contact = data.contact_name.strip()
    if not contact:
        raise ValidationFailed("请填写联系人姓名", field="contact_name")
    return {
        "applicant_kind": data.kind,
        "applicant_name": name[:200],
        "applicant_id_type": id_type,
        "applicant_id_number": number,
        "organisation_code": organisation_code,
        "contact_name": contact[:100],
        "contact_phone": phone,
        "address": data.address.strip()[:300],
    }


def _situation_specs(version: ServiceItemVersion) -> list[SituationSpec]:
    return [
        SituationSpec(
            id=str(situation.pk),
            question=situation.question,
            option_ids=tuple(str(option.pk) for option in situation.options.all()),
        )
        for situation in version.situations.prefetch_related("options")
    ]


def materials_for(version: ServiceItemVersion, answers: Mapping[str, str]) -> list[Material]:
    """The version's materials that apply to these 办理情形 answers (validated)."""
    try:
        clean = validate_answers(_situation_specs(version), answers)
    except SituationAnswerError as exc:
        raise ValidationFailed(
            str(exc), field=f"situation_{exc.situation_id}", code="situation_invalid"
        ) from exc
    materials = list(
        version.materials.prefetch_related("situation_options").order_by("sort_order", "id")
    )
    selectors = {
        str(m.pk): frozenset(str(o.pk) for o in m.situation_options.all()) for m in materials
    }
    wanted = set(applicable_materials(selectors, frozenset(clean.values())))
    return [m for m in materials if str(m.pk) in wanted]


def _initial_status(material: Material) -> str:
    if material.necessity == MaterialNecessity.SHARED or (
        material.source_channel == MaterialSource.E_LICENCE
    ):
        return CaseMaterial.Status.SHARED
    if material.necessity == MaterialNecessity.COMMITMENT:
        return CaseMaterial.Status.NOT_APPLICABLE
    return CaseMaterial.Status.MISSING


def _is_required(material: Material) -> bool:
    return material.necessity in (MaterialNecessity.REQUIRED, MaterialNecessity.DEFERRABLE)


def _sync_materials(case: Case, answers: Mapping[str, str], *, actor: User | None) -> None:
    """Make the case's material rows match the materials its answers select; then let other
    contexts attach what they can share (``case_materials_synced``)."""
    wanted = materials_for(case.item_version, answers)
    existing = {row.material_id: row for row in case.materials.all()}
    keep = {material.pk for material in wanted}
    # One INSERT for all new rows (no signals or custom save() on CaseMaterial).
    CaseMaterial.objects.bulk_create(
        [
            CaseMaterial(
                case=case,
                material=material,
                name=material.name,
                is_required=_is_required(material),
                is_key=material.is_key,
                status=_initial_status(material),
            )
            for material in wanted
            if material.pk not in existing
        ]
    )
    stale = [pk for pk in existing if pk not in keep]
    if stale:
        CaseMaterial.objects.filter(case=case, material_id__in=stale).delete()
    case_materials_synced.send(sender=Case, case=case, actor=actor)


def _check_version(version: ServiceItemVersion) -> None:
    from banhao.catalog.choices import VersionState

    if version.state == VersionState.DRAFT:
        raise ValidationFailed("该事项尚未发布，不能申请", field="item", code="item_not_published")
    today = clock.today()
    if version.valid_to is not None and version.valid_to <= today:
        raise ValidationFailed(
            "该事项版本已停止施行，请按现行办事指南申请", field="item", code="item_retired"
        )


@transaction.atomic
def case_create_draft(
    *,
    actor: User,
    item_version: ServiceItemVersion,
    service_centre: ServiceCentre,
    applicant: ApplicantData,
    situation_answers: Mapping[str, str],
    form_data: Mapping[str, Any] | None = None,
) -> Case:
    """An applicant (or a helper) starts an online application (暂存)."""
    _check_version(item_version)
    fields = _clean_applicant(applicant)
    if actor.kind == User.Kind.COMPANY and fields["organisation_code"] != actor.organisation_code:
        raise ValidationFailed(
            "法人账号只能以本单位的统一社会信用代码申请", field="applicant_id_number"
        )
    now = clock.now()
    case = Case.objects.create(
        number=_case_number(service_centre, now),
        item_version=item_version,
        service_centre=service_centre,
        channel=Channel.ONLINE_PC,
        applicant=actor,
        situation_answers=dict(situation_answers),
        form_data=dict(form_data or {}),
        created_at=now,
        **fields,
    )
    _sync_materials(case, situation_answers, actor=actor)
    _write_event(case, None, actor=actor, kind="draft_saved", action="other", step_name="暂存申请")
    audit_record(
        actor=actor, action="cases.create_draft", obj=case, details={"number": case.number}
    )
    return case


@transaction.atomic
def case_update_draft(
    *,
    case: Case,
    actor: User,
    situation_answers: Mapping[str, str] | None = None,
    form_data: Mapping[str, Any] | None = None,
    applicant: ApplicantData | None = None,
    expected_version: int | None = None,
) -> Case:
    """Change a draft's answers, form or applicant data (only while 暂存, only its applicant)."""
    locked = _lock(case, expected_version)
    _require_applicant_side(locked, actor)
    if locked.state != "draft":
        raise Conflict("只有暂存的申请可以修改", code="not_draft")
    if situation_answers is not None:
        locked.situation_answers = dict(situation_answers)
        _sync_materials(locked, situation_answers, actor=actor)
    if form_data is not None:
        locked.form_data = dict(form_data)
    if applicant is not None:
        for name, value in _clean_applicant(applicant).items():
            setattr(locked, name, value)
    locked.row_version += 1
    locked.save()
    audit_record(actor=actor, action="cases.update_draft", obj=locked)
    return locked


def _require_applicant_side(case: Case, actor: User) -> None:
    """The applicant (a company account: any case of its code) or a window clerk of the case's
    centre acting for a walk-in applicant; anyone else gets the same answer as for a missing
    case."""
    if case.applicant_id is not None and case.applicant_id == actor.pk:
        return
    if (
        actor.kind == User.Kind.COMPANY
        and actor.organisation_code
        and actor.organisation_code == case.organisation_code
    ):
        return
    if actor.has_role(UserRole.WINDOW_CLERK) and actor.service_centre_id == case.service_centre_id:
        return
    raise NotFound("找不到该办件")


@transaction.atomic
def case_material_upload(
    *,
    case: Case,
    material_id: int,
    upload: UploadedFile[Any],
    actor: User,
    expected_version: int | None = None,
) -> CaseMaterial:
    """Attach a file to one of the case's materials (draft, correction or 容缺 supplement)."""
    checked = check_upload(upload, field=f"material_{material_id}")
    locked = _lock(case, expected_version)
    _require_applicant_side(locked, actor)
    if locked.state not in {
        "draft",
        "correction_requested",
        "received",
        "accepted",
        "in_progress",
        "special_procedure",
    }:
        raise Conflict("当前状态不能再上传材料", code="upload_not_allowed")
    row = CaseMaterial.objects.select_for_update().filter(case=locked, pk=material_id).first()
    if row is None:
        raise NotFound("该办件没有这项材料", field=f"material_{material_id}")
    if row.file:
        row.file.delete(save=False)
    upload.name = checked.stored_name  # random; the applicant's name is only shown
    row.file = upload
    row.original_filename = checked.safe_name
    row.content_type = checked.content_type
    row.size = checked.size
    # A deferred (容缺) material stays deferred until the window confirms it (case_supplement).
    if row.status == CaseMaterial.Status.MISSING:
        row.status = CaseMaterial.Status.SUBMITTED
    row.updated_at = clock.now()
    row.save()
    audit_record(
        actor=actor,
        action="cases.material_upload",
        obj=locked,
        details={"material": row.name, "size": checked.size, "type": checked.content_type},
    )
    return row


@transaction.atomic
def case_material_set_shared(
    *, case_material: CaseMaterial, shared: bool, actor: User | None
) -> CaseMaterial:
    """信息共享免交 decided by the context that holds the shared document (电子证照): ``shared``
    → 共享免交; not shared → 未提交, so the applicant is asked for it. Only a material that is
    missing or shared changes; one already uploaded or checked keeps its status."""
    row = CaseMaterial.objects.select_for_update().get(pk=case_material.pk)
    wanted = CaseMaterial.Status.SHARED if shared else CaseMaterial.Status.MISSING
    if row.status == wanted or row.status not in {
        CaseMaterial.Status.MISSING,
        CaseMaterial.Status.SHARED,
    }:
        return row
    row.status = wanted
    row.updated_at = clock.now()
    row.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="cases.material_shared" if shared else "cases.material_not_shared",
        obj=row.case,
        details={"material": row.name},
    )
    return row


def _missing_required(case: Case) -> list[str]:
    return [
        m.name
        for m in case.materials.all()
        if m.is_required
        and m.status == CaseMaterial.Status.MISSING
        and m.material.necessity == MaterialNecessity.REQUIRED
    ]


def case_submit(*, case: Case, actor: User, expected_version: int | None = None) -> Case:
    """申报: the applicant submits a complete draft online."""
    with transaction.atomic():
        _require_applicant_side(case, actor)
        missing = _missing_required(Case.objects.get(pk=case.pk))
        if missing:
            raise ValidationFailed(
                "以下必要材料尚未上传：" + "、".join(missing),
                field="materials",
                code="materials_missing",
                details={"missing": missing},
            )

        def apply(c: Case) -> None:
            c.submitted_at = clock.now()

        return _transition(
            case, Command.SUBMIT, actor=actor, expected_version=expected_version, apply=apply
        )


@dataclass(frozen=True)
class ReceivedMaterial:
    """What the window checked off for one material at registration."""

    material_id: int
    originals: int = 0
    copies: int = 0


@transaction.atomic
def case_register_at_window(
    *,
    actor: User,
    item_version: ServiceItemVersion,
    applicant: ApplicantData,
    situation_answers: Mapping[str, str],
    received: Iterable[ReceivedMaterial],
    form_data: Mapping[str, Any] | None = None,
    window: Window | None = None,
) -> Case:
    """窗口登记: a walk-in application for any item (一窗受理), received at once."""
    if actor.service_centre_id is None:
        raise ValidationFailed("窗口人员未设置所属政务服务中心", field="service_centre")
    _check_version(item_version)
    fields = _clean_applicant(applicant)
    now = clock.now()
    centre = actor.service_centre
    assert centre is not None
    case = Case.objects.create(
        number=_case_number(centre, now),
        item_version=item_version,
        service_centre=centre,
        channel=Channel.WINDOW,
        registered_by=actor,
        window=window or actor.window,
        situation_answers=dict(situation_answers),
        form_data=dict(form_data or {}),
        created_at=now,
        **fields,
    )
    _sync_materials(case, situation_answers, actor=actor)
    _check_off(case, received)

    def apply(c: Case) -> None:
        c.submitted_at = now
        c.received_at = now

    return _transition(case, Command.REGISTER_AT_WINDOW, actor=actor, apply=apply)


def _check_off(case: Case, received: Iterable[ReceivedMaterial]) -> None:
    rows = {row.material_id: row for row in case.materials.all()}
    changed: dict[int, CaseMaterial] = {}
    for item in received:
        row = rows.get(item.material_id)
        if row is None:
            raise ValidationFailed(
                "所选材料不属于本事项本情形", field=f"material_{item.material_id}"
            )
        if item.originals < 0 or item.copies < 0 or item.originals + item.copies > 99:
            raise ValidationFailed(
                f"「{row.name}」份数不正确", field=f"material_{item.material_id}"
            )
        if item.originals or item.copies:
            row.originals_received = item.originals
            row.copies_received = item.copies
            row.status = CaseMaterial.Status.RECEIVED
            row.updated_at = clock.now()
            changed[row.pk] = row
    if changed:
        # Every input is checked before anything is written; then one UPDATE for all rows.
        CaseMaterial.objects.bulk_update(
            list(changed.values()),
            ["originals_received", "copies_received", "status", "updated_at"],
        )


def case_receive(
    *,
    case: Case,
    actor: User,
    received: Iterable[ReceivedMaterial] = (),
    expected_version: int | None = None,
) -> Case:
    """接件: the window formally receives an online application (Art.32 clock starts)."""
    with transaction.atomic():

        def apply(c: Case) -> None:
            c.received_at = clock.now()
            _check_off(c, received)

        return _transition(
            case, Command.RECEIVE, actor=actor, expected_version=expected_version, apply=apply
        )


def case_request_correction(
    *, case: Case, actor: User, items: Iterable[str], expected_version: int | None = None
) -> Case:
    """补正告知: one notice listing everything to correct (Art.32 一次告知)."""
    listed = tuple(i.strip() for i in items if i and i.strip())
    with transaction.atomic():
        notice: dict[str, str] = {}

        def apply(c: Case) -> None:
            now = clock.now()
            notice["number"] = _document_number("补", now)
            CorrectionRequest.objects.create(
                case=c,
                items=list(listed),
                notice_number=notice["number"],
                issued_at=now,
                issued_by=actor,
            )

        return _transition(
            case,
            Command.REQUEST_CORRECTION,
            actor=actor,
            params=CommandParams(materials=listed),
            expected_version=expected_version,
            field_for_refusal="items",
            apply=apply,
            audit_details={"items": list(listed)},
        )


def case_resubmit(
    *,
    case: Case,
    actor: User,
    received: Iterable[ReceivedMaterial] = (),
    expected_version: int | None = None,
) -> Case:
    """补正提交: the corrected materials are handed in (online, or at the window, which checks
    off what it received); the case goes back to the window."""
    with transaction.atomic():

        def apply(c: Case) -> None:
            now = clock.now()
            c.received_at = now
            _check_off(c, received)
            CorrectionRequest.objects.filter(case=c, resolved_at__isnull=True).update(
                resolved_at=now
            )

        return _transition(
            case, Command.RESUBMIT, actor=actor, expected_version=expected_version, apply=apply
        )


def case_refuse_acceptance(
    *,
    case: Case,
    actor: User,
    ground: str,
    reason: str,
    referral_agency: str = "",
    expected_version: int | None = None,
) -> Case:
    """不予受理 with reason and, when outside competence, the competent agency (Art.32)."""
    ground_value = _choice(NotAcceptedGround, ground, "请选择不予受理的事由", field="ground")
    with transaction.atomic():

        def apply(c: Case) -> None:
            c.acceptance_number = _document_number("不受", clock.now())
            c.decision_reason = reason.strip()
            c.closed_at = clock.now()

        return _transition(
            case,
            Command.REFUSE_ACCEPTANCE,
            actor=actor,
            params=CommandParams(
                reason=reason, not_accepted_ground=ground_value, referral_agency=referral_agency
            ),
            expected_version=expected_version,
            field_for_refusal="reason",
            apply=apply,
        )


def _review_departments(case: Case) -> tuple[ReviewMode, list[tuple[Department, str]]]:
    version = case.item_version
    steps = list(version.review_steps.select_related("department").order_by("sort_order", "id"))
    if steps:
        return ReviewMode(version.review_mode), [(s.department, s.name) for s in steps]
    # No route: the implementing department reviews alone (即办件 and simple items).
    return ReviewMode.COUNTERSIGN, [(version.item.department, "审查")]


def case_accept(
    *,
    case: Case,
    actor: User,
    tolerant: bool = False,
    has_commitment_letter: bool = False,
    expected_version: int | None = None,
) -> Case:
    """受理 (possibly 容缺受理): the clock starts; review tasks go to every department on the
    item version's route in its mode, and the case moves to 办理中."""
    with transaction.atomic():
        if has_commitment_letter:
            Case.objects.filter(pk=case.pk).update(has_commitment_letter=True)

        def apply(c: Case) -> None:
            now = clock.now()
            c.accepted_at = now
            c.acceptance_number = _document_number("受", now)
            c.accepted_with_tolerance = tolerant
            c.has_commitment_letter = has_commitment_letter or c.has_commitment_letter
            if tolerant:
                c.materials.filter(status=CaseMaterial.Status.MISSING, is_key=False).update(
                    status=CaseMaterial.Status.DEFERRED
                )
            _recompute_clock(c)

        accepted = _transition(
            case,
            Command.ACCEPT,
            actor=actor,
            params=CommandParams(tolerant=tolerant),
            expected_version=expected_version,
            apply=apply,
        )
        mode, route = _review_departments(accepted)
        now = clock.now()
        core = initial_tasks(mode, [str(d.pk) for d, _ in route])
        ReviewTask.objects.bulk_create(
            [
                ReviewTask(
                    case=accepted,
                    department=department,
                    mode=mode.value,
                    order=task.order,
                    step_name=step_name or "部门审查",
                    state=task.state.value,
                    opened_at=now if task.state is ReviewTaskState.PENDING else None,
                    due=accepted.promised_due,
                )
                for (department, step_name), task in zip(route, core, strict=True)
            ]
        )
        return _transition(accepted, Command.START_REVIEW, actor=None)


def review_task_decide(
    *,
    task: ReviewTask,
    actor: User,
    approve: bool,
    opinion: str,
    expected_version: int | None = None,
) -> ReviewTask:
    """One department approves or rejects its review task (并联审批). The core decides the
    aggregate; under 或签 and after a 依次 rejection the remaining tasks are cancelled."""
    with transaction.atomic():
        case = _lock(task.case, None)
        locked = (
            ReviewTask.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=task.pk)
        )
        if expected_version is not None and locked.row_version != expected_version:
            raise Conflict("该审查任务已被他人处理，请刷新后查看", code="stale_task")
        if not actor.has_role(UserRole.REVIEWER) or actor.department_id != locked.department_id:
            raise NotFound("找不到该审查任务")
        if case.state != "in_progress":
            raise Conflict(
                f"办件当前状态为「{case.get_state_display()}」，不能审查", code="case_not_in_review"
            )
        tasks = list(case.review_tasks.order_by("order", "id"))
        mode = ReviewMode(locked.mode)
        step = complete_task(
            mode,
            core_tasks(tasks),
            str(locked.department_id),
            approve=approve,
            opinion=opinion.strip(),
        )
        if isinstance(step, Refused):
            raise _refusal(step, field="opinion")
        now = clock.now()
        to_cancel = set(step.outcome.tasks_to_cancel)
        after = (
            {t.department_id: t for t in cancel_tasks(step.tasks, to_cancel)}
            if (mode is not ReviewMode.COUNTERSIGN)
            else {t.department_id: t for t in step.tasks}
        )
        for row in tasks:
            new = after[str(row.department_id)]
            if new.state.value == row.state and row.pk != locked.pk:
                continue
            row.state = new.state.value
            row.row_version += 1
            if row.pk == locked.pk:
                row.opinion = opinion.strip()
                row.decided_by = actor
                row.decided_at = now
            elif new.state is ReviewTaskState.PENDING and row.opened_at is None:
                row.opened_at = now
            row.save()
        case.row_version += 1
        case.save(update_fields=["row_version"])
        _write_event(
            case,
            None,
            actor=actor,
            kind="review_approved" if approve else "review_rejected",
            action="pass" if approve else "other",
            step_name=f"{locked.department.name}{locked.step_name or '审查'}",
            opinion=opinion.strip(),
            details={
                "department": locked.department.name,
                "approve": approve,
                "outcome": step.outcome.kind.value,
            },
            started_at=locked.opened_at,
        )
        audit_record(
            actor=actor,
            action="cases.review_decide",
            obj=case,
            details={"task": locked.pk, "approve": approve},
        )
        # The row as just saved (no second read).
        return next(row for row in tasks if row.pk == locked.pk)


def case_supplement(
    *, case: Case, actor: User, material_ids: Iterable[int], expected_version: int | None = None
) -> Case:
    """容缺补齐: the window confirms that deferred materials have now been supplied
    (domain.md §5); approval is refused until every deferred material is supplied."""
    wanted = set(material_ids)
    with transaction.atomic():
        rows = list(
            CaseMaterial.objects.filter(
                case_id=case.pk, pk__in=wanted, status=CaseMaterial.Status.DEFERRED
            )
        )
        if len(rows) != len(wanted) or not rows:
            raise ValidationFailed(
                "请选择本办件待补齐的容缺材料",
                field="material_ids",
                code="supplied_materials_required",
            )

        def apply(c: Case) -> None:
            CaseMaterial.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=CaseMaterial.Status.RECEIVED, updated_at=clock.now()
            )

        return _transition(
            case,
            Command.SUPPLEMENT,
            actor=actor,
            params=CommandParams(materials=tuple(r.name for r in rows)),
            expected_version=expected_version,
            field_for_refusal="material_ids",
            apply=apply,
        )


def case_start_special_procedure(
    *,
    case: Case,
    actor: User,
    kind: str,
    reason: str,
    planned_working_days: int | None,
    expected_version: int | None = None,
) -> Case:
    """特别程序 (听证、检验、检测、鉴定、专家评审…): the clock pauses (Art.45)."""
    kind_value = _choice(SpecialProcedureKind, kind, "请选择特别程序种类", field="kind")
    with transaction.atomic():

        def apply(c: Case) -> None:
            CasePause.objects.create(
                case=c,
                procedure_kind=kind_value.value,
                start=clock.today(),
                planned_working_days=planned_working_days,
                reason=reason.strip(),
                started_by=actor,
            )
            _recompute_clock(c)

        return _transition(
            case,
            Command.START_SPECIAL_PROCEDURE,
            actor=actor,
            params=CommandParams(
                reason=reason, procedure_kind=kind_value, days=planned_working_days
            ),
            expected_version=expected_version,
            field_for_refusal="reason",
            apply=apply,
        )


def case_end_special_procedure(
    *, case: Case, actor: User, result: str, expected_version: int | None = None
) -> Case:
    """End the 特别程序 with its result; the clock resumes the next day."""
    with transaction.atomic():

        def apply(c: Case) -> None:
            pause = CasePause.objects.filter(case=c, end__isnull=True).first()
            if pause is None:  # pragma: no cover - the state table guarantees one is open
                raise Conflict("没有进行中的特别程序")
            pause.end = max(clock.today(), pause.start)
            pause.result = result.strip()
            pause.ended_by = actor
            pause.save()
            _recompute_clock(c)

        return _transition(
            case,
            Command.END_SPECIAL_PROCEDURE,
            actor=actor,
            params=CommandParams(result=result),
            expected_version=expected_version,
            field_for_refusal="result",
            apply=apply,
        )


def case_extend(
    *,
    case: Case,
    actor: User,
    working_days: int,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """延长审批: the approver extends the limit, within the legal maximum (Art.42)."""
    with transaction.atomic():

        def apply(c: Case) -> None:
            CaseExtension.objects.create(
                case=c,
                working_days=working_days,
                reason=reason.strip(),
                approved_by=actor,
                approved_on=clock.today(),
            )
            c.extended_working_days += working_days
            _recompute_clock(c)

        return _transition(
            case,
            Command.EXTEND,
            actor=actor,
            params=CommandParams(days=working_days, reason=reason),
            expected_version=expected_version,
            field_for_refusal="working_days",
            apply=apply,
        )


def case_decide(
    *,
    case: Case,
    actor: User,
    approve: bool,
    reason: str = "",
    rights_notified: bool = False,
    expected_version: int | None = None,
) -> Case:
    """准予 / 不予 (Art.38): a refusal needs reasons and the notice of rights."""
    command = Command.DECIDE_APPROVE if approve else Command.DECIDE_REJECT
    with transaction.atomic():

        def apply(c: Case) -> None:
            c.decision = "approve" if approve else "reject"
            c.decision_reason = reason.strip()
            c.decided_at = clock.now()
            # Tasks still open after a 会签 rejection are no longer needed.
            c.review_tasks.filter(
                state__in=[ReviewTaskState.PENDING.value, ReviewTaskState.WAITING.value]
            ).update(state=ReviewTaskState.CANCELLED.value, row_version=F("row_version") + 1)

        return _transition(
            case,
            command,
            actor=actor,
            params=CommandParams(reason=reason, opinion=reason, rights_notified=rights_notified),
            expected_version=expected_version,
            field_for_refusal="reason",
            apply=apply,
        )


def case_deliver(
    *,
    case: Case,
    actor: User,
    method: str,
    tracking_number: str = "",
    expected_version: int | None = None,
) -> Case:
    """送达: window pickup, post (tracking number) or electronic."""
    method_value = _choice(DeliveryMethod, method, "请选择送达方式", field="method")
    with transaction.atomic():

        def apply(c: Case) -> None:
            c.delivery_method = method_value.value
            c.tracking_number = tracking_number.strip()

        return _transition(
            case,
            Command.START_DELIVERY,
            actor=actor,
            params=CommandParams(delivery_method=method_value, tracking_number=tracking_number),
            expected_version=expected_version,
            field_for_refusal="tracking_number",
            apply=apply,
        )


def case_close(*, case: Case, actor: User, expected_version: int | None = None) -> Case:
    """办结."""
    with transaction.atomic():

        def apply(c: Case) -> None:
            c.closed_at = clock.now()

        return _transition(
            case, Command.CLOSE, actor=actor, expected_version=expected_version, apply=apply
        )


def case_withdraw(
    *, case: Case, actor: User, reason: str, expected_version: int | None = None
) -> Case:
    """撤回: the applicant withdraws before a decision."""
    with transaction.atomic():

        def apply(c: Case) -> None:
            c.closed_at = clock.now()
            c.decision_reason = reason.strip()

        return _transition(
            case,
            Command.WITHDRAW,
            actor=actor,
            params=CommandParams(reason=reason),
            expected_version=expected_version,
            field_for_refusal="reason",
            apply=apply,
        )


# -- background: the deadline sweep --------------------------------------------------------

SWEEP_STATES = ("accepted", "in_progress", "special_procedure")
ALERT_TITLES = {"yellow": "办件临近期限（预警）", "red": "办件已超期（超时）"}


@dataclass(frozen=True)
class SweepReport:
    recomputed: int
    alerted: int


def case_deadline_sweep(*, batch_size: int = 500) -> SweepReport:
    """Recompute due dates computed with an older calendar (e.g. a new year's notice turned
    暂定 dates into confirmed ones) and raise each 预警 / 超期 signal once (domain.md §9):
    an event on the case and a notification to the reviewers of its open tasks."""
    from banhao.cases.selectors import case_clock_status
    from banhao.notifications.services import notification_send

    revision = current_revision()
    recomputed = alerted = 0
    stale = Case.objects.filter(state__in=SWEEP_STATES).exclude(clock_revision=revision)
    for pk in list(stale.values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("item_version").get(pk=pk)
            _recompute_clock(case)
            case.save(
                update_fields=["promised_due", "legal_due", "due_is_provisional", "clock_revision"]
            )
            recomputed += 1
    candidates = Case.objects.filter(state__in=SWEEP_STATES).exclude(alert_level="red")
    for case in candidates.select_related("item_version", "service_centre").iterator():
        status = case_clock_status(case=case)
        if status is None or status.light is None or status.light.value not in ALERT_TITLES:
            continue
        level = status.light.value
        if level == case.alert_level:
            continue
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.alert_level == level:
                continue
            locked.alert_level = level
            locked.save(update_fields=["alert_level"])
            title = ALERT_TITLES[level]
            _write_event(
                locked,
                None,
                actor=None,
                kind=f"alert_{level}",
                action="other",
                step_name=title,
                details={
                    "promised_due": str(status.promised_due),
                    "remaining_working_days": status.remaining_working_days,
                },
            )
            reviewers = User.objects.filter(
                department__review_tasks__case=locked,
                department__review_tasks__state=ReviewTaskState.PENDING.value,
                groups__name=UserRole.REVIEWER.value,
                is_active=True,
            ).distinct()
            for reviewer in reviewers:
                notification_send(
                    recipient=reviewer,
                    title=f"{title}：{case.item_version.name}",
                    body=f"办件 {case.number} 承诺办结日期 {status.promised_due}，请及时办理。",
                    link=f"/cases/staff/case/{case.number}/",
                    case_number=case.number,
                )
            alerted += 1
    return SweepReport(recomputed=recomputed, alerted=alerted)
