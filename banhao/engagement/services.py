"""Writes on 民说民评与问卷. Every write is one function here: one transaction, an audit entry,
notifications after commit (through ``banhao.notifications``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.cases.uploads import check_upload
from banhao.catalog.models import ServiceItem
from banhao.engagement import access
from banhao.engagement.models import (
    Forum,
    ParticipantCategory,
    Suggestion,
    SuggestionEvent,
    SuggestionEvidence,
)
from banhao.notifications.services import notification_send
from banhao.org.models import Department, ServiceCentre
from banhao.shared import clock
from banhao.shared.errors import Conflict, NotFound, ValidationFailed
from banhao.workcalendar.selectors import work_calendar
from banhao_core import suggestions as rules
from banhao_core.suggestions import SuggestionCommand, SuggestionStatus

MAX_ANSWER_WORKING_DAYS = 60


def _local_today() -> dt.date:
    return clock.today()


def _require(condition: bool, message: str = "无权执行此操作") -> None:
    if not condition:
        raise NotFound(message)


def _text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", field=field, code="required")
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字", field=field, code="too_long")
    return value


def _choice(value: str, choices: Iterable[str], *, field: str, label: str) -> str:
    if value not in set(choices):
        raise ValidationFailed(f"{label}不正确", field=field, code="invalid_choice")
    return value


def _phone(value: str, *, field: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value and (not value.isdigit() or not 7 <= len(value) <= 20):
        raise ValidationFailed("联系电话格式不正确", field=field, code="invalid_phone")
    return value


# == suggestions ==================================================================================


def _suggestion_number(centre: ServiceCentre, today: dt.date) -> str:
    """编号 JY + date + a daily sequence per centre, e.g. JY202611270003. The centre row is
    locked so two registrations at once get different numbers."""
    ServiceCentre.objects.select_for_update().filter(pk=centre.pk).first()
    prefix = f"JY{today:%Y%m%d}"
    last = (
        Suggestion.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _event(
    suggestion: Suggestion,
    *,
    kind: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> SuggestionEvent:
    last = (
        SuggestionEvent.objects.filter(suggestion=suggestion)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        seq=(last or 0) + 1,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
        at=clock.now(),
    )


@dataclass(frozen=True)
class SuggestionInput:
    """What is known when a suggestion is raised (forum, online or questionnaire)."""

    kind: str
    title: str
    content: str
    raiser_name: str = ""
    raiser_phone: str = ""
    raiser_category: str = ""
    is_anonymous: bool = False
    service_item_ids: Sequence[int] = ()
    department_ids: Sequence[int] = ()
    about_staff_id: int | None = None
    sentiment: str = Suggestion.Sentiment.NEUTRAL


def _clean_input(data: SuggestionInput) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        "kind": _choice(data.kind, Suggestion.Kind.values, field="kind", label="类型"),
        "title": _text(data.title, field="title", label="标题", max_length=200),
        "content": _text(data.content, field="content", label="内容", max_length=4000),
        "sentiment": _choice(
            data.sentiment or Suggestion.Sentiment.NEUTRAL,
            Suggestion.Sentiment.values,
            field="sentiment",
            label="评价倾向",
        ),
        "is_anonymous": bool(data.is_anonymous),
    }
    if data.raiser_category:
        _choice(
            data.raiser_category,
            ParticipantCategory.values,
            field="raiser_category",
            label="提出人类别",
        )
    cleaned["raiser_category"] = data.raiser_category
    if data.is_anonymous:
        cleaned["raiser_name"] = ""
        cleaned["raiser_phone"] = ""
    else:
        cleaned["raiser_name"] = _text(
            data.raiser_name, field="raiser_name", label="提出人", max_length=100, required=False
        )
        cleaned["raiser_phone"] = _phone(data.raiser_phone, field="raiser_phone")
    return cleaned


def _set_links(
    suggestion: Suggestion, *, service_item_ids: Sequence[int], department_ids: Sequence[int]
) -> None:
    items = list(ServiceItem.objects.filter(pk__in=set(service_item_ids)))
    if len(items) != len(set(service_item_ids)):
        raise ValidationFailed("涉及事项不存在", field="service_items", code="unknown_item")
    departments = list(Department.objects.filter(pk__in=set(department_ids)))
    if len(departments) != len(set(department_ids)):
        raise ValidationFailed("涉及部门不存在", field="departments", code="unknown_department")
    suggestion.service_items.set(items)
    suggestion.departments.set(departments)


def _staff_user(user_id: int | None, *, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, kind=User.Kind.STAFF, is_active=True).first()
    if user is None:
        raise ValidationFailed("工作人员不存在", field=field, code="unknown_staff")
    return user


@transaction.atomic
def suggestion_register(
    *,
    data: SuggestionInput,
    source: str,
    actor: User,
    forum: Forum | None = None,
    raised_at: dt.datetime | None = None,
) -> Suggestion:
    """A manager records a suggestion raised at a forum (or from a paper questionnaire)."""
    _require(access.is_manager(actor), "无权登记意见建议")
    _choice(source, Suggestion.Source.values, field="source", label="来源")
    if source == Suggestion.Source.FORUM and forum is None:
        raise ValidationFailed("请选择会议", field="forum", code="forum_required")
    if forum is not None:
        _require(forum.service_centre_id == actor.service_centre_id, "找不到该会议")
    cleaned = _clean_input(data)
    about_staff = _staff_user(data.about_staff_id, field="about_staff")
    if about_staff is None and cleaned["sentiment"] != Suggestion.Sentiment.NEUTRAL:
        raise ValidationFailed(
            "表扬或批评需要指明涉及的工作人员", field="about_staff", code="staff_required"
        )
    assert actor.service_centre is not None
    now = clock.now()
    when = raised_at or (
        timezone.make_aware(dt.datetime.combine(forum.held_on, dt.time(9)))
        if forum is not None and forum.held_on <= _local_today()
        else now
    )
    if when > now:
        raise ValidationFailed("提出时间不能晚于现在", field="raised_at", code="in_future")
    suggestion = Suggestion.objects.create(
        number=_suggestion_number(actor.service_centre, _local_today()),
        source=source,
        forum=forum,
        service_centre=actor.service_centre,
        raised_at=when,
        registered_by=actor,
        about_staff=about_staff,
        **cleaned,
    )
    _set_links(
        suggestion, service_item_ids=data.service_item_ids, department_ids=data.department_ids
    )
    _event(suggestion, kind="登记", actor=actor, to_status=suggestion.status)
    audit_record(
        actor=actor,
        action="engagement.suggestion_register",
        obj=suggestion,
        details={"number": suggestion.number, "source": source, "forum_id": forum and forum.pk},
    )
    return suggestion


@transaction.atomic
def suggestion_submit_online(
    *, data: SuggestionInput, centre: ServiceCentre, actor: User | None
) -> Suggestion:
    """Anyone submits a suggestion between forums (anonymous allowed). A signed-in user's
    account is recorded unless they chose anonymity; staff cannot be named by the public
    (praise and criticism of staff are recorded by managers, who verify them)."""
    cleaned = _clean_input(
        SuggestionInput(
            kind=data.kind,
            title=data.title,
            content=data.content,
            raiser_name=data.raiser_name,
            raiser_phone=data.raiser_phone,
            raiser_category=data.raiser_category,
            is_anonymous=data.is_anonymous,
        )
    )
    if not cleaned["is_anonymous"] and not cleaned["raiser_name"] and actor is None:
        raise ValidationFailed(
            "请填写姓名，或选择匿名提交", field="raiser_name", code="name_or_anonymous"
        )
    user = actor if actor is not None and actor.is_authenticated else None
    suggestion = Suggestion.objects.create(
        number=_suggestion_number(centre, _local_today()),
        source=Suggestion.Source.ONLINE,
        service_centre=centre,
        raised_at=clock.now(),
        raised_by=None if cleaned["is_anonymous"] else user,
        **cleaned,
    )
    _set_links(suggestion, service_item_ids=data.service_item_ids, department_ids=())
    _event(suggestion, kind="网上提交", actor=None, to_status=suggestion.status)
    audit_record(
        actor=user,
        action="engagement.suggestion_submit_online",
        obj=suggestion,
        details={"number": suggestion.number, "anonymous": cleaned["is_anonymous"]},
    )
    return suggestion


def _lock(suggestion: Suggestion, expected_version: int | None) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise Conflict("该意见建议已被他人更新，请刷新页面后重试", code="stale")
    return locked


def _apply(
    locked: Suggestion, command: SuggestionCommand, *, actor: User, note: str
) -> tuple[str, str]:
    previous = locked.status
    outcome = rules.next_status(SuggestionStatus(previous), command)
    if isinstance(outcome, rules.Refusal):
        raise Conflict(outcome.message, code=outcome.code)
    locked.status = outcome.value
    locked.row_version += 1
    _event(
        locked,
        kind=command.label,
        actor=actor,
        from_status=previous,
        to_status=outcome.value,
        note=note,
    )
    return previous, outcome.value


def _audit(actor: User, action: str, suggestion: Suggestion, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=f"engagement.{action}",
        obj=suggestion,
        details={"number": suggestion.number, **details},
    )


@transaction.atomic
def suggestion_assign(
    *,
    suggestion: Suggestion,
    department: Department,
    actor: User,
    owner_user: User | None = None,
    working_days: int = rules.DEFAULT_ANSWER_WORKING_DAYS,
    expected_version: int | None = None,
) -> Suggestion:
    """交办: name the owner department (and optionally the person) and start the deadline,
    counted in working days from the day after today."""
    _require(access.may_manage_suggestion(actor, suggestion), "找不到该意见建议")
    if not 1 <= working_days <= MAX_ANSWER_WORKING_DAYS:
        raise ValidationFailed(
            f"办理时限应为 1–{MAX_ANSWER_WORKING_DAYS} 个工作日",
            field="working_days",
            code="working_days_range",
        )
    if owner_user is not None and owner_user.department_id != department.pk:
        raise ValidationFailed(
            "承办人不属于承办部门", field="owner_user", code="owner_not_in_department"
        )
    locked = _lock(suggestion, expected_version)
    previous, _ = _apply(
        locked, SuggestionCommand.ASSIGN, actor=actor, note=f"交办{department.name}"
    )
    today = _local_today()
    calendar = work_calendar(service_centre_id=locked.service_centre_id)
    locked.owner_department = department
    locked.owner_user = owner_user
    locked.assigned_on = today
    locked.answer_working_days = working_days
    locked.deadline = rules.answer_deadline(calendar, today, working_days)
    locked.save()
    _audit(
        actor,
        "suggestion_assign",
        locked,
        department_id=department.pk,
        deadline=locked.deadline.isoformat(),
        previous=previous,
    )
    recipients = (
        [owner_user]
        if owner_user is not None
        else list(User.objects.filter(department=department, is_active=True, kind=User.Kind.STAFF))
    )
    for recipient in recipients:
        notification_send(
            recipient=recipient,
            title=f"意见建议交办：{locked.title}",
            body=f"编号 {locked.number}，请于 {locked.deadline:%Y年%m月%d日} 前答复。",
            link=f"/engagement/suggestions/{locked.number}/",
            actor=actor,
        )
    return locked


@transaction.atomic
def suggestion_start(
    *, suggestion: Suggestion, actor: User, expected_version: int | None = None
) -> Suggestion:
    _require(access.may_handle_suggestion(actor, suggestion), "找不到该意见建议")
    locked = _lock(suggestion, expected_version)
    _apply(locked, SuggestionCommand.START, actor=actor, note="")
    if locked.owner_user is None and actor.department_id == locked.owner_department_id:
        locked.owner_user = actor
    locked.save()
    _audit(actor, "suggestion_start", locked)
    return locked


@transaction.atomic
def suggestion_answer(
    *,
    suggestion: Suggestion,
    response: str,
    public_summary: str,
    actor: User,
    expected_version: int | None = None,
) -> Suggestion:
    """答复: the owner department writes its response and the summary the public sees."""
    _require(access.may_handle_suggestion(actor, suggestion), "找不到该意见建议")
    response = _text(response, field="response", label="答复意见", max_length=4000)
    public_summary = _text(
        public_summary, field="public_summary", label="公开办理结果", max_length=1000
    )
    locked = _lock(suggestion, expected_version)
    _apply(locked, SuggestionCommand.ANSWER, actor=actor, note=response)
    locked.response = response
    locked.public_summary = public_summary
    locked.answered_at = clock.now()
    locked.save()
    _audit(actor, "suggestion_answer", locked)
    _notify_raiser(locked, actor=actor, title=f"您提出的意见建议已答复：{locked.title}")
    return locked


@transaction.atomic
def suggestion_evidence_add(
    *,
    suggestion: Suggestion,
    upload: UploadedFile[Any],
    actor: User,
    description: str = "",
) -> SuggestionEvidence:
    """Attach a checked photo or PDF proving the result (before or after 办结)."""
    _require(access.may_handle_suggestion(actor, suggestion), "找不到该意见建议")
    checked = check_upload(upload, field="file")
    description = _text(
        description, field="description", label="说明", max_length=200, required=False
    )
    locked = _lock(suggestion, None)
    if locked.status in (SuggestionStatus.REGISTERED, SuggestionStatus.DECLINED):
        raise Conflict("交办后才能上传办理结果佐证", code="evidence_not_allowed")
    upload.name = checked.stored_name
    evidence = SuggestionEvidence.objects.create(
        suggestion=locked,
        file=upload,
        original_filename=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        description=description,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    locked.row_version += 1
    locked.save(update_fields=["row_version"])
    _event(locked, kind="上传佐证", actor=actor, note=checked.safe_name)
    _audit(actor, "suggestion_evidence_add", locked, evidence_id=evidence.pk)
    return evidence


@transaction.atomic
def suggestion_close(
    *, suggestion: Suggestion, actor: User, expected_version: int | None = None
) -> Suggestion:
    """办结: only after an answer, and with at least one piece of evidence of the result."""
    _require(access.may_handle_suggestion(actor, suggestion), "找不到该意见建议")
    locked = _lock(suggestion, expected_version)
    if locked.status == SuggestionStatus.ANSWERED and not locked.evidence.exists():
        raise ValidationFailed(
            "办结前请上传办理结果佐证（照片或 PDF）", field="file", code="evidence_required"
        )
    _apply(locked, SuggestionCommand.CLOSE, actor=actor, note="")
    locked.closed_at = clock.now()
    locked.save()
    _audit(actor, "suggestion_close", locked)
    _notify_raiser(locked, actor=actor, title=f"您提出的意见建议已办结：{locked.title}")
    return locked


@transaction.atomic
def suggestion_decline(
    *,
    suggestion: Suggestion,
    reason: str,
    actor: User,
    expected_version: int | None = None,
) -> Suggestion:
    """不予采纳: with the reason, which is published as the result."""
    _require(access.may_handle_suggestion(actor, suggestion), "找不到该意见建议")
    reason = _text(reason, field="reason", label="不予采纳的理由", max_length=1000)
    locked = _lock(suggestion, expected_version)
    _apply(locked, SuggestionCommand.DECLINE, actor=actor, note=reason)
    locked.response = reason
    locked.public_summary = reason
    locked.answered_at = clock.now()
    locked.closed_at = locked.answered_at
    locked.save()
    _audit(actor, "suggestion_decline", locked)
    _notify_raiser(locked, actor=actor, title=f"您提出的意见建议已有答复：{locked.title}")
    return locked


def _notify_raiser(suggestion: Suggestion, *, actor: User, title: str) -> None:
    if suggestion.raised_by is None or suggestion.is_anonymous:
        return
    notification_send(
        recipient=suggestion.raised_by,
        title=title,
        body=suggestion.public_summary,
        link=f"/engagement/accountability/{suggestion.number}/",
        actor=actor,
    )
