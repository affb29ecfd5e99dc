"""Writes on 民说民评与问卷. Every write is one function here: one transaction, an audit entry,
notifications after commit (through ``banhao.notifications``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.cases.uploads import check_upload
from banhao.catalog.models import ServiceItem
from banhao.engagement import access
from banhao.engagement.models import (
    Forum,
    ForumContact,
    ForumInvitee,
    PaperCopy,
    ParticipantCategory,
    Question,
    Suggestion,
    SuggestionEvent,
    SuggestionEvidence,
    Survey,
    SurveyResponse,
)
from banhao.engagement.selectors import survey_definition
from banhao.notifications.services import notification_send
from banhao.org.models import Department, ServiceCentre
from banhao.shared import clock
from banhao.shared.errors import Conflict, NotFound, ValidationFailed
from banhao.workcalendar.selectors import work_calendar
from banhao_core import suggestions as rules
from banhao_core import surveys as core_surveys
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
    service_item_codes: Sequence[str] = ()  # 事项编码, e.g. 371681-XK-0001
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
    suggestion: Suggestion,
    *,
    service_item_ids: Sequence[int],
    department_ids: Sequence[int],
    service_item_codes: Sequence[str] = (),
) -> None:
    items = list(ServiceItem.objects.filter(pk__in=set(service_item_ids)))
    if len(items) != len(set(service_item_ids)):
        raise ValidationFailed("涉及事项不存在", field="service_items", code="unknown_item")
    codes = {code.strip() for code in service_item_codes if code.strip()}
    by_code = list(ServiceItem.objects.filter(code__in=codes))
    unknown = sorted(codes - {item.code for item in by_code})
    if unknown:
        raise ValidationFailed(
            "事项编码不存在：" + "、".join(unknown), field="service_items", code="unknown_item"
        )
    items += by_code
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
    # Recorded after a past forum: raised on the forum's day (its month counts for 星帮办).
    when = raised_at or (
        timezone.make_aware(dt.datetime.combine(forum.held_on, dt.time(9)))
        if forum is not None and forum.held_on < _local_today()
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
        suggestion,
        service_item_ids=data.service_item_ids,
        service_item_codes=data.service_item_codes,
        department_ids=data.department_ids,
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
    # An anonymous submission's audit entry names nobody either.
    audit_record(
        actor=None if cleaned["is_anonymous"] else user,
        action="engagement.suggestion_submit_online",
        obj=suggestion,
        details={"number": suggestion.number, "anonymous": cleaned["is_anonymous"]},
    )
    return suggestion


def _lock(
    suggestion: Suggestion,
    expected_version: int | None,
    *,
    actor: User,
    may: Callable[[User, Suggestion], bool],
) -> Suggestion:
    """The suggestion's row, locked and freshly read; access is decided on that fresh row
    (an assignment made meanwhile counts), before the version is compared."""
    locked = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if locked is None or not may(actor, locked):
        raise NotFound("找不到该意见建议")
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
    locked = _lock(suggestion, expected_version, actor=actor, may=access.may_manage_suggestion)
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
    locked = _lock(suggestion, expected_version, actor=actor, may=access.may_handle_suggestion)
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
    response = _text(response, field="response", label="答复意见", max_length=4000)
    public_summary = _text(
        public_summary, field="public_summary", label="公开办理结果", max_length=1000
    )
    locked = _lock(suggestion, expected_version, actor=actor, may=access.may_handle_suggestion)
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
    checked = check_upload(upload, field="file")
    description = _text(
        description, field="description", label="说明", max_length=200, required=False
    )
    locked = _lock(suggestion, None, actor=actor, may=access.may_handle_suggestion)
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
    locked = _lock(suggestion, expected_version, actor=actor, may=access.may_handle_suggestion)
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
    reason = _text(reason, field="reason", label="不予采纳的理由", max_length=1000)
    locked = _lock(suggestion, expected_version, actor=actor, may=access.may_handle_suggestion)
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


# == forums ======================================================================================


@dataclass(frozen=True)
class ForumInput:
    theme: str
    held_on: dt.date
    place: str
    start_time: dt.time | None = None
    agenda: str = ""


def _forum_fields(data: ForumInput) -> dict[str, Any]:
    if not isinstance(data.held_on, dt.date):
        raise ValidationFailed("请填写召开日期", field="held_on", code="required")
    return {
        "theme": _text(data.theme, field="theme", label="主题", max_length=200),
        "held_on": data.held_on,
        "start_time": data.start_time,
        "place": _text(data.place, field="place", label="地点", max_length=200),
        "agenda": _text(data.agenda, field="agenda", label="议程", max_length=4000, required=False),
    }


@transaction.atomic
def forum_create(*, data: ForumInput, actor: User) -> Forum:
    """Plan a 民说民评 forum (status 筹备中)."""
    _require(access.is_manager(actor), "无权筹备会议")
    assert actor.service_centre is not None
    fields = _forum_fields(data)
    now = clock.now()
    forum = Forum.objects.create(
        service_centre=actor.service_centre,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **fields,
    )
    audit_record(
        actor=actor,
        action="engagement.forum_create",
        obj=forum,
        details={"theme": forum.theme, "held_on": forum.held_on.isoformat()},
    )
    return forum


def _lock_forum(forum: Forum, actor: User) -> Forum:
    _require(
        access.is_manager(actor) and forum.service_centre_id == actor.service_centre_id,
        "找不到该会议",
    )
    return Forum.objects.select_for_update().get(pk=forum.pk)


@transaction.atomic
def forum_update(
    *, forum: Forum, data: ForumInput, minutes: str, status: str, actor: User
) -> Forum:
    """Edit the plan, write the minutes, mark the forum held or archived. An archived forum
    is read-only; a forum cannot be marked held before its date."""
    locked = _lock_forum(forum, actor)
    if locked.status == Forum.Status.ARCHIVED:
        raise Conflict("会议已归档，不能再修改", code="forum_archived")
    fields = _forum_fields(data)
    _choice(status, Forum.Status.values, field="status", label="状态")
    if status != Forum.Status.PLANNED and fields["held_on"] > _local_today():
        raise ValidationFailed(
            "会议召开日期之后才能标记为已召开或归档", field="status", code="forum_not_held_yet"
        )
    minutes = _text(minutes, field="minutes", label="会议纪要", max_length=20000, required=False)
    if status == Forum.Status.ARCHIVED and not minutes:
        raise ValidationFailed("归档前请填写会议纪要", field="minutes", code="minutes_required")
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.minutes = minutes
    locked.status = status
    locked.updated_at = clock.now()
    locked.save()
    audit_record(
        actor=actor, action="engagement.forum_update", obj=locked, details={"status": status}
    )
    return locked


@transaction.atomic
def forum_invitee_add(
    *,
    forum: Forum,
    category: str,
    name: str,
    organisation: str,
    phone: str,
    actor: User,
    user: User | None = None,
) -> ForumInvitee:
    locked = _lock_forum(forum, actor)
    if locked.status != Forum.Status.PLANNED:
        raise Conflict("会议已召开，不能再增加邀请对象", code="forum_not_planned")
    invitee = ForumInvitee.objects.create(
        forum=locked,
        category=_choice(category, ParticipantCategory.values, field="category", label="类别"),
        name=_text(name, field="name", label="姓名", max_length=100),
        organisation=_text(
            organisation, field="organisation", label="单位", max_length=200, required=False
        ),
        phone=_phone(phone, field="phone"),
        user=user,
    )
    audit_record(
        actor=actor,
        action="engagement.forum_invitee_add",
        obj=invitee,
        details={"forum_id": locked.pk, "category": invitee.category},
    )
    return invitee


@transaction.atomic
def forum_invitations_send(*, forum: Forum, actor: User) -> int:
    """Mark the invitations of every not-yet-invited participant as sent; those with a
    platform account also receive an in-platform notification (after commit). Returns how
    many were invited now (the letters themselves are printed as PDF)."""
    locked = _lock_forum(forum, actor)
    if locked.status != Forum.Status.PLANNED:
        raise Conflict("会议已召开，不能再发送邀请", code="forum_not_planned")
    now = clock.now()
    pending = list(locked.invitees.filter(invited_at__isnull=True))
    when = f"{locked.held_on:%Y年%m月%d日}" + (
        f" {locked.start_time:%H:%M}" if locked.start_time else ""
    )
    for invitee in pending:
        invitee.invited_at = now
        invitee.save(update_fields=["invited_at"])
        if invitee.user is not None:
            notification_send(
                recipient=invitee.user,
                title=f"“民说民评”会议邀请：{locked.theme}",
                body=f"诚邀您于 {when} 在 {locked.place} 参加“民说民评”会议。",
                actor=actor,
            )
    audit_record(
        actor=actor,
        action="engagement.forum_invitations_send",
        obj=locked,
        details={"invited": len(pending)},
    )
    return len(pending)


@transaction.atomic
def forum_invitee_reply(*, invitee: ForumInvitee, reply: str, actor: User) -> ForumInvitee:
    _lock_forum(invitee.forum, actor)
    _choice(reply, ForumInvitee.Reply.values, field="reply", label="回复")
    invitee.reply = reply
    invitee.save(update_fields=["reply"])
    audit_record(
        actor=actor, action="engagement.forum_invitee_reply", obj=invitee, details={"reply": reply}
    )
    return invitee


@transaction.atomic
def forum_attendance_record(*, forum: Forum, attended_ids: Iterable[int], actor: User) -> int:
    """签到: record who attended (everyone else invited: absent). Only on or after the day."""
    locked = _lock_forum(forum, actor)
    if locked.held_on > _local_today():
        raise ValidationFailed(
            "会议召开当天及之后才能登记出席情况", field="attended", code="forum_not_held_yet"
        )
    if locked.status == Forum.Status.ARCHIVED:
        raise Conflict("会议已归档，不能再修改", code="forum_archived")
    wanted = set(attended_ids)
    invitees = list(locked.invitees.all())
    unknown = wanted - {invitee.pk for invitee in invitees}
    if unknown:
        raise ValidationFailed("出席人员不在邀请名单中", field="attended", code="unknown_invitee")
    for invitee in invitees:
        invitee.attended = invitee.pk in wanted
    ForumInvitee.objects.bulk_update(invitees, ["attended"])
    audit_record(
        actor=actor,
        action="engagement.forum_attendance_record",
        obj=locked,
        details={"attended": len(wanted), "invited": len(invitees)},
    )
    return len(wanted)


@transaction.atomic
def forum_contact_add(
    *,
    forum: Forum,
    name: str,
    position: str,
    unit: str,
    phone: str,
    available_24h: bool,
    actor: User,
) -> ForumContact:
    locked = _lock_forum(forum, actor)
    order = locked.contacts.count() + 1
    contact = ForumContact.objects.create(
        forum=locked,
        order=order,
        name=_text(name, field="name", label="姓名", max_length=100),
        position=_text(position, field="position", label="职务", max_length=100),
        unit=_text(unit, field="unit", label="科室或单位", max_length=200, required=False),
        phone=_text(phone, field="phone", label="联系电话", max_length=40),
        available_24h=bool(available_24h),
    )
    audit_record(
        actor=actor,
        action="engagement.forum_contact_add",
        obj=contact,
        details={"forum_id": locked.pk},
    )
    return contact


# == surveys =====================================================================================


def _survey_lock(survey: Survey, actor: User) -> Survey:
    _require(
        access.is_manager(actor) and survey.service_centre_id == actor.service_centre_id,
        "找不到该问卷",
    )
    return Survey.objects.select_for_update().get(pk=survey.pk)


@transaction.atomic
def survey_create(
    *,
    title: str,
    intro: str,
    is_anonymous: bool,
    actor: User,
    code: str = "",
    forum: Forum | None = None,
) -> Survey:
    _require(access.is_manager(actor), "无权创建问卷")
    assert actor.service_centre is not None
    title = _text(title, field="title", label="标题", max_length=200)
    intro = _text(intro, field="intro", label="说明", max_length=2000, required=False)
    code = (code or "").strip().lower()
    if not code:
        code = f"wj{clock.now():%Y%m%d%H%M%S}"
    if not code.replace("-", "").isalnum() or not code.isascii() or len(code) > 40:
        raise ValidationFailed(
            "问卷编码只能包含字母、数字和连字符", field="code", code="invalid_code"
        )
    if Survey.objects.filter(code=code).exists():
        raise ValidationFailed("问卷编码已被使用", field="code", code="code_taken")
    if forum is not None:
        _require(forum.service_centre_id == actor.service_centre_id, "找不到该会议")
    survey = Survey.objects.create(
        service_centre=actor.service_centre,
        code=code,
        title=title,
        intro=intro,
        is_anonymous=bool(is_anonymous),
        forum=forum,
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="engagement.survey_create", obj=survey, details={"code": code})
    return survey


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    options: Sequence[str] = ()  # labels; codes A, B, C… are given in order
    is_required: bool = True
    condition_question: str = ""
    condition_values: Sequence[str] = ()
    code: str = ""


def _option_code(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[index] if index < len(letters) else f"O{index + 1}"


@transaction.atomic
def survey_question_add(*, survey: Survey, data: QuestionInput, actor: User) -> Question:
    """Append a question to a draft survey; the whole definition must stay valid (the core
    checks codes, options and conditions — a condition may only refer to an earlier
    question)."""
    locked = _survey_lock(survey, actor)
    if locked.status != Survey.Status.DRAFT:
        raise Conflict("问卷已发布，不能再修改题目", code="survey_not_draft")
    _choice(data.kind, [k.value for k in core_surveys.QuestionKind], field="kind", label="题型")
    existing = list(locked.questions.order_by("order", "id"))
    code = (data.code or "").strip().upper() or f"Q{len(existing) + 1}"
    labels = [label.strip() for label in data.options if label.strip()]
    options = [{"code": _option_code(i), "label": label} for i, label in enumerate(labels)]
    question = Question(
        survey=locked,
        code=code,
        order=len(existing) + 1,
        kind=data.kind,
        text=_text(data.text, field="text", label="题目", max_length=300),
        options=options,
        is_required=bool(data.is_required),
        condition_question=(data.condition_question or "").strip().upper(),
        condition_values=[v.strip() for v in data.condition_values if v.strip()],
    )
    definition = survey_definition([*existing, question])
    problems = [p for p in core_surveys.definition_problems(definition) if p.question == code]
    if problems:
        first = problems[0]
        raise ValidationFailed(
            first.message,
            field="condition" if first.code.startswith("condition") else "options",
            code=first.code,
            details={"problems": [p.message for p in problems]},
        )
    question.save()
    locked.version += 1
    locked.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="engagement.survey_question_add",
        obj=locked,
        details={"question": code, "kind": data.kind},
    )
    return question


@transaction.atomic
def survey_question_remove(*, survey: Survey, question: Question, actor: User) -> None:
    """Remove a question of a draft survey; refused while a later question's condition
    refers to it."""
    locked = _survey_lock(survey, actor)
    if locked.status != Survey.Status.DRAFT:
        raise Conflict("问卷已发布，不能再修改题目", code="survey_not_draft")
    if question.survey_id != locked.pk:
        raise NotFound("找不到该题目")
    dependants = locked.questions.filter(condition_question=question.code)
    if dependants.exists():
        raise Conflict(
            f"{question.code} 是其他题目的显示条件，请先修改或删除这些题目："
            + "、".join(dependants.values_list("code", flat=True)),
            code="question_is_condition",
        )
    code = question.code
    question.delete()
    for order, row in enumerate(locked.questions.order_by("order", "id"), start=1):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])
    locked.version += 1
    locked.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="engagement.survey_question_remove",
        obj=locked,
        details={"question": code},
    )


@transaction.atomic
def survey_set_status(*, survey: Survey, status: str, actor: User) -> Survey:
    """发布 (draft → open, only with a valid definition), 结束 (open → closed), 重新开放."""
    locked = _survey_lock(survey, actor)
    _choice(status, Survey.Status.values, field="status", label="状态")
    allowed = {
        (Survey.Status.DRAFT, Survey.Status.OPEN),
        (Survey.Status.OPEN, Survey.Status.CLOSED),
        (Survey.Status.CLOSED, Survey.Status.OPEN),
    }
    if (locked.status, status) not in allowed:
        raise Conflict("问卷当前状态不能这样变更", code="survey_status_refused")
    if status == Survey.Status.OPEN:
        problems = core_surveys.definition_problems(
            survey_definition(list(locked.questions.order_by("order", "id")))
        )
        if problems:
            raise ValidationFailed(
                problems[0].message,
                field="questions",
                code=problems[0].code,
                details={"problems": [p.message for p in problems]},
            )
    previous = locked.status
    locked.status = status
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="engagement.survey_set_status",
        obj=locked,
        details={"from": previous, "to": status},
    )
    return locked


def _checked_answers(survey: Survey, raw: Mapping[str, object]) -> dict[str, Any]:
    check = core_surveys.check_answers(
        survey_definition(list(survey.questions.order_by("order", "id"))), raw
    )
    if not check.ok:
        first = check.problems[0]
        raise ValidationFailed(
            first.message,
            field=first.question or "answers",
            code=first.code,
            details={"problems": {p.question: p.message for p in check.problems}},
        )
    return dict(check.answers)


@transaction.atomic
def survey_response_submit(
    *, survey: Survey, answers: Mapping[str, object], actor: User | None, serial: str = ""
) -> SurveyResponse:
    """An online answer. Anonymous surveys never record who answered (not even a signed-in
    user); identified surveys need a login and accept one answer per person.

    ``serial``: the answer came through the QR code of a printed copy; that copy is then used
    up (its paper form can no longer be entered), so one copy never counts twice."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    copy = _unused_copy(locked, serial) if serial.strip() else None
    if locked.status != Survey.Status.OPEN:
        raise Conflict("问卷未开放或已结束", code="survey_not_open")
    user = actor if actor is not None and actor.is_authenticated else None
    if not locked.is_anonymous:
        if user is None:
            raise ValidationFailed("本问卷为实名问卷，请先登录", code="login_required")
        if SurveyResponse.objects.filter(survey=locked, respondent=user).exists():
            raise Conflict("您已经填写过本问卷", code="already_answered")
    cleaned = _checked_answers(locked, answers)
    response = SurveyResponse.objects.create(
        survey=locked,
        survey_version=locked.version,
        channel=SurveyResponse.Channel.ONLINE,
        paper_copy=copy,
        respondent=None if locked.is_anonymous else user,
        answers=cleaned,
        submitted_at=clock.now(),
    )
    # The audit entry of an anonymous answer names nobody either.
    audit_record(
        actor=None if locked.is_anonymous else user,
        action="engagement.survey_response_submit",
        obj=response,
        details={"survey": locked.code, "channel": "online"},
    )
    return response


MAX_PAPER_BATCH = 500


@transaction.atomic
def survey_paper_batch_create(*, survey: Survey, count: int, actor: User) -> list[PaperCopy]:
    """Number ``count`` new paper copies: serials ``<code>-<5 digits>`` continue after the
    highest existing one (the survey row is locked, so two batches never share a serial)."""
    locked = _survey_lock(survey, actor)
    if locked.status == Survey.Status.DRAFT:
        raise Conflict("请先发布问卷再印制纸质问卷", code="survey_not_open")
    if not 1 <= count <= MAX_PAPER_BATCH:
        raise ValidationFailed(
            f"每批印制 1–{MAX_PAPER_BATCH} 份", field="count", code="count_range"
        )
    last = locked.paper_copies.order_by("-serial").first()
    start = int(last.serial.rsplit("-", 1)[1]) + 1 if last else 1
    batch = (
        locked.paper_copies.order_by("-batch").values_list("batch", flat=True).first() or 0
    ) + 1
    now = clock.now()
    copies = [
        PaperCopy(survey=locked, serial=f"{locked.code}-{n:05d}", batch=batch, printed_at=now)
        for n in range(start, start + count)
    ]
    PaperCopy.objects.bulk_create(copies)
    audit_record(
        actor=actor,
        action="engagement.survey_paper_batch_create",
        obj=locked,
        details={"batch": batch, "count": count, "first": copies[0].serial},
    )
    return list(locked.paper_copies.filter(batch=batch).order_by("serial"))


def serial_from_scan(value: str) -> str:
    """A serial typed by hand, or read by a scanner from the copy's QR code (the URL of the
    online form with ``?copy=<serial>``)."""
    value = (value or "").strip()
    if "copy=" in value:
        value = value.split("copy=", 1)[1].split("&", 1)[0]
    return value.strip().lower()


def _unused_copy(survey: Survey, serial: str) -> PaperCopy:
    serial = serial_from_scan(serial)
    copy = PaperCopy.objects.select_for_update().filter(survey=survey, serial=serial).first()
    if copy is None:
        raise ValidationFailed(
            f"流水号 {serial or '（空）'} 不是本问卷印制的纸质问卷",
            field="serial",
            code="serial_unknown",
        )
    if SurveyResponse.objects.filter(paper_copy=copy).exists():
        raise Conflict(
            f"流水号 {serial} 的问卷已经录入过，不能重复录入",
            field="serial",
            code="serial_already_entered",
        )
    return copy


@transaction.atomic
def survey_paper_enter(
    *, survey: Survey, serial: str, answers: Mapping[str, object], actor: User
) -> SurveyResponse:
    """Enter a returned paper form, keyed by its serial. A serial belongs to one survey and
    can be entered only once (also enforced by the database: one response per copy)."""
    _require(
        access.is_paper_clerk(actor) and survey.service_centre_id == actor.service_centre_id,
        "找不到该问卷",
    )
    copy = _unused_copy(survey, serial)
    serial = copy.serial
    cleaned = _checked_answers(survey, answers)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                survey_version=survey.version,
                channel=SurveyResponse.Channel.PAPER,
                paper_copy=copy,
                answers=cleaned,
                submitted_at=clock.now(),
                entered_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(
            f"流水号 {serial} 的问卷已经录入过，不能重复录入", code="serial_already_entered"
        ) from exc
    audit_record(
        actor=actor,
        action="engagement.survey_paper_enter",
        obj=response,
        details={"survey": survey.code, "serial": serial},
    )
    return response
