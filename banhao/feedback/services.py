"""Writes of 好差评 (domain.md §4). Each function: one transaction, an audit entry, messages
only after commit. The rules are ``banhao_core.ratings``; a broken rule is a
``ValidationFailed`` with the core's code and Chinese message, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from banhao.accounts.models import User
from banhao.audit.services import audit_read, audit_record
from banhao.cases.models import Case
from banhao.cases.uploads import check_upload
from banhao.feedback.access import is_leader, is_unit_staff
from banhao.feedback.models import Appeal, Complaint, FeedbackPolicy, Rating, StarHelperAward
from banhao.feedback.selectors import (
    assess_numbers,
    case_handling,
    event_moment,
    local_date,
    policy_get,
    ranking_month,
)
from banhao.notifications.services import notification_send
from banhao.shared import clock
from banhao.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from banhao.workcalendar.selectors import work_calendar
from banhao_core.ratings import (
    DISPOSE_ACTIONS,
    AppealGround,
    AppealOutcome,
    CodeSystem,
    ComplaintAction,
    ComplaintState,
    Disposition,
    FixVerdict,
    Level,
    RankingWeights,
    RatingChannel,
    RatingError,
    ServiceEvent,
    callback_due,
    check_first_rating,
    check_follow_up,
    check_rating_window,
    clean_indicators,
    clean_options,
    complaint_next,
    rectification_due,
)

MAX_TEXT = 500
MAX_NOTES = 2000


def _invalid(error: RatingError) -> ValidationFailed:
    return ValidationFailed(error.message, code=error.code, field=error.field)


def _text(value: str, *, field: str, limit: int = MAX_NOTES, required: str = "") -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(required, field=field, code="required")
    if len(cleaned) > limit:
        raise ValidationFailed(f"内容过长，最多 {limit} 个字符", field=field, code="too_long")
    return cleaned


# -- ratings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    """What a rater submits. ``level`` or (``code``, ``code_system``) — a number is only ever
    read together with its code system (domain.md §2.2 A.8)."""

    event: ServiceEvent
    channel: RatingChannel
    level: Level | None = None
    code: int | None = None
    code_system: CodeSystem | None = None
    indicators: Mapping[str, Level] | None = None
    option_codes: Iterable[str] = ()
    text: str = ""


def _level_of(data: RatingInput) -> Level:
    from banhao_core.ratings import level_from_code

    if data.code is not None:
        if data.code_system is None:
            raise ValidationFailed(
                "请注明满意度代码所属的代码体系", field="codeSystem", code="code_system_required"
            )
        try:
            level = level_from_code(data.code, data.code_system)
        except RatingError as exc:
            raise _invalid(exc) from exc
        if data.level is not None and data.level is not level:
            raise ValidationFailed(
                "满意度等级与代码不一致", field="satisfaction", code="level_mismatch"
            )
        return level
    if data.level is None:
        raise ValidationFailed("请选择满意度", field="satisfaction", code="level_required")
    return data.level


def _rate(*, case: Case, data: RatingInput, actor: User | None, follow_up: bool) -> Rating:
    if data.channel is RatingChannel.SYSTEM_DEFAULT and actor is not None:
        raise ValidationFailed("“系统默认评价”只能由系统生成", field="pf", code="bad_channel")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    moment = event_moment(locked, data.event)
    if moment is None:
        raise ValidationFailed(
            f"该办件尚未{data.event.label}，暂不能评价", code="event_not_happened", field="event"
        )
    policy = policy_get()
    calendar = work_calendar(service_centre_id=locked.service_centre_id)
    level = _level_of(data)
    existing = assess_numbers(locked, data.event)
    try:
        if follow_up:
            number = check_follow_up(existing)
        else:
            check_first_rating(existing)
            number = 1
        check_rating_window(
            event_on=local_date(moment),
            today=clock.today(),
            calendar=calendar,
            days=policy.rating_window_days,
        )
        indicator_set = data.channel.indicator_set
        indicators = clean_indicators(indicator_set, level, data.indicators or {})
        options = clean_options(level, data.option_codes, policy.bad_option_version)
    except RatingError as exc:
        raise _invalid(exc) from exc
    text = _text(data.text, field="writingEvaluation", limit=MAX_TEXT)
    department, window, staff = case_handling(locked)
    now = clock.now()
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=locked,
                event=data.event.value,
                assess_number=number,
                level=level.value,
                submitted_code=data.code if data.code is not None else None,
                submitted_code_system=data.code_system.value
                if data.code is not None and data.code_system
                else "",
                channel=data.channel.value,
                indicator_set=indicator_set.value,
                indicators=indicators,
                option_version=policy.bad_option_version if options else "",
                option_codes=list(options),
                text=text,
                rater=actor,
                department=department,
                window=window,
                staff=staff,
                created_at=now,
            )
    except IntegrityError as exc:  # two submissions at once: the unique constraint decides
        raise Conflict("本次服务已评价过", code="already_rated") from exc
    audit_record(
        actor=actor,
        action="feedback.rating_follow_up" if follow_up else "feedback.rating_submit",
        obj=rating,
        details={
            "case": locked.number,
            "event": data.event.value,
            "assess_number": number,
            "level": level.value,
            "channel": data.channel.value,
        },
    )
    if level.is_bad:
        _route_complaint(rating, calendar_days=policy.callback_days)
    return rating


def _route_complaint(rating: Rating, *, calendar_days: int) -> Complaint | None:
    """谁办理、谁负责: the 差评 goes to the case's handling unit with a 回访 deadline. A 追评
    that is again a 差评 while the first one's loop is open does not open a second loop."""
    open_loop = (
        Complaint.objects.filter(rating__case=rating.case, rating__event=rating.event)
        .exclude(state__in=[ComplaintState.CLOSED, ComplaintState.ANNULLED])
        .exists()
    )
    if open_loop:
        return None
    now = clock.now()
    calendar = work_calendar(service_centre_id=rating.case.service_centre_id)
    complaint = Complaint.objects.create(
        rating=rating,
        department=rating.department,
        routed_at=now,
        callback_due=callback_due(local_date(now), calendar, calendar_days).day,
    )
    audit_record(
        actor=None,
        action="feedback.complaint_route",
        obj=complaint,
        details={"department": rating.department.name, "callback_due": str(complaint.callback_due)},
    )
    _notify_unit(
        complaint,
        title="收到差评，请及时回访",
        body=f"差评已转本单位处理，请于 {complaint.callback_due:%Y-%m-%d} 前完成回访核实。",
    )
    return complaint


@transaction.atomic
def rating_submit(*, case: Case, data: RatingInput, actor: User | None) -> Rating:
    """首次评价 of one service event (一次一评/一事一评) within the rating window.

    ``actor`` is the logged-in applicant, or ``None`` for a walk-in rater who used the signed
    rating link. Refuses (``ValidationFailed``) before the event, after the window, a second
    first rating (``already_rated``), bad options; a 差评 is routed to the handling unit.
    """
    return _rate(case=case, data=data, actor=actor, follow_up=False)


@transaction.atomic
def rating_follow_up(*, case: Case, data: RatingInput, actor: User | None) -> Rating:
    """追评 (``assessNumber`` 2): once per service event, within the same window."""
    return _rate(case=case, data=data, actor=actor, follow_up=True)


@transaction.atomic
def rating_system_default(*, case: Case, event: ServiceEvent) -> Rating | None:
    """系统默认评价 (pf=7) for an event whose window closed without a rating; KPIs may exclude
    it (domain.md §4.4). ``None`` when the event was rated or its window is still open."""
    if assess_numbers(case, event):
        return None
    moment = event_moment(case, event)
    if moment is None:
        return None
    policy = policy_get()
    calendar = work_calendar(service_centre_id=case.service_centre_id)
    from banhao_core.ratings import rating_window_end

    if (
        clock.today()
        <= rating_window_end(local_date(moment), calendar, policy.rating_window_days).day
    ):
        return None
    department, window, staff = case_handling(case)
    rating = Rating.objects.create(
        case=case,
        event=event.value,
        assess_number=1,
        level=Level.SATISFIED.value,
        channel=RatingChannel.SYSTEM_DEFAULT.value,
        indicator_set=RatingChannel.SYSTEM_DEFAULT.indicator_set.value,
        indicators={"overall": Level.SATISFIED.value},
        department=department,
        window=window,
        staff=staff,
        created_at=clock.now(),
    )
    audit_record(actor=None, action="feedback.rating_system_default", obj=rating)
    return rating


def rating_rater_reveal(*, rating: Rating, actor: User, reason: str) -> str:
    """Who gave the rating — leaders only, with a reason, recorded in the audit log."""
    if not is_leader(actor):
        raise NotFound("找不到该评价")
    reason = _text(reason, field="reason", limit=200, required="请填写查看评价人的事由")
    audit_read(
        actor=actor,
        obj=rating,
        action="feedback.rater_reveal",
        details={"reason": reason, "case": rating.case.number},
    )
    if rating.rater is None:
        return "现场扫码评价（未登录，无评价人账号）"
    return str(rating.rater)


@transaction.atomic
def rating_invite(*, case: Case) -> None:
    """The invitation after 办结 (domain.md §4.4): in-app and SMS to the applicant's account,
    with the link to rate; delivered after commit. Walk-in applicants without an account get
    the QR code on the 办结通知书 instead."""
    if case.applicant_id is None:
        return
    policy = policy_get()
    applicant = User.objects.get(pk=case.applicant_id)
    link = reverse("feedback:rate_case", args=[case.number])
    notification_send(
        recipient=applicant,
        title=f"邀请您评价：{case.item_version.name}",
        body=(
            f"您的办件 {case.number} 已办结。请在 {policy.rating_window_days} 个工作日内对本次服务"
            "进行“好差评”，您的评价只用于改进服务，办理人员看不到评价人信息。"
        ),
        link=link,
        channels=("in_app", "sms") if applicant.mobile else ("in_app",),
        case_number=case.number,
        actor=None,
    )


# -- the 差评 closed loop ----------------------------------------------------------------------


def _lock(complaint: Complaint, expected_version: int | None) -> Complaint:
    locked = (
        Complaint.objects.select_for_update()
        .select_related("rating", "rating__case")
        .get(pk=complaint.pk)
    )
    if expected_version is not None and locked.row_version != expected_version:
        raise Conflict("该差评已被他人处理（页面内容已过期），请刷新后查看", code="stale")
    return locked


def _step(complaint: Complaint, action: ComplaintAction) -> None:
    try:
        complaint.state = complaint_next(complaint.state_enum, action).value
    except RatingError as exc:
        raise Conflict(exc.message, code=exc.code) from exc
    complaint.row_version += 1


def _require_unit(actor: User, complaint: Complaint) -> None:
    unit = is_unit_staff(actor) and actor.department_id == complaint.department_id
    if not unit and not is_leader(actor):
        raise Forbidden("只有责任单位的工作人员可以处理该差评", code="not_unit")


def _notify_unit(complaint: Complaint, *, title: str, body: str) -> None:
    link = reverse("feedback:complaint_detail", args=[complaint.pk])
    staff = User.objects.filter(
        is_active=True, department_id=complaint.department_id, kind=User.Kind.STAFF
    )
    for user in staff:
        if is_unit_staff(user):
            notification_send(recipient=user, title=title, body=body, link=link)


@transaction.atomic
def complaint_callback(
    *, complaint: Complaint, notes: str, actor: User, expected_version: int | None = None
) -> Complaint:
    """回访核实: the unit called the rater back (due within the policy's working days)."""
    _require_unit(actor, complaint)
    notes = _text(notes, field="notes", required="请填写回访核实情况")
    locked = _lock(complaint, expected_version)
    _step(locked, ComplaintAction.CALLBACK)
    locked.called_back_at = clock.now()
    locked.called_back_by = actor
    locked.callback_notes = notes
    locked.save()
    audit_record(
        actor=actor,
        action="feedback.complaint_callback",
        obj=locked,
        details={"late": local_date(locked.called_back_at) > locked.callback_due},
    )
    return locked


@transaction.atomic
def complaint_dispose(
    *,
    complaint: Complaint,
    disposition: Disposition,
    notes: str,
    actor: User,
    expected_version: int | None = None,
) -> Complaint:
    """处置: 立行立改 (fixed now: ``notes`` is what was done), 解释说明 (``notes`` explains), or
    限期整改 (a ledger entry due in the policy's working days; ``notes``: reason and plan)."""
    _require_unit(actor, complaint)
    notes = _text(notes, field="notes", required="请填写处置说明")
    locked = _lock(complaint, expected_version)
    _step(locked, DISPOSE_ACTIONS[disposition])
    now = clock.now()
    locked.disposition = disposition.value
    locked.disposition_notes = notes
    locked.disposed_at = now
    locked.disposed_by = actor
    if disposition is Disposition.RECTIFY:
        policy = policy_get()
        calendar = work_calendar(service_centre_id=locked.rating.case.service_centre_id)
        try:
            due = rectification_due(local_date(now), calendar, policy.rectification_days)
        except RatingError as exc:
            raise _invalid(exc) from exc
        locked.rectification_due = due.day
    else:
        locked.rectified_at = now
        locked.rectification_result = notes
    locked.save()
    audit_record(
        actor=actor,
        action="feedback.complaint_dispose",
        obj=locked,
        details={
            "disposition": disposition.value,
            "rectification_due": str(locked.rectification_due or ""),
        },
    )
    return locked


@transaction.atomic
def complaint_rectification_complete(
    *, complaint: Complaint, result: str, actor: User, expected_version: int | None = None
) -> Complaint:
    """整改完成: the ledger entry's result (evidence of the fix)."""
    _require_unit(actor, complaint)
    result = _text(result, field="result", required="请填写整改结果")
    locked = _lock(complaint, expected_version)
    _step(locked, ComplaintAction.COMPLETE_RECTIFICATION)
    locked.rectified_at = clock.now()
    locked.rectification_result = result
    locked.save()
    audit_record(
        actor=actor,
        action="feedback.complaint_rectification_complete",
        obj=locked,
        details={
            "late": locked.rectification_due is not None
            and local_date(locked.rectified_at) > locked.rectification_due
        },
    )
    return locked


@transaction.atomic
def complaint_feedback_to_rater(
    *, complaint: Complaint, text: str, actor: User, expected_version: int | None = None
) -> Complaint:
    """结果反馈: the result goes back to the rater, who may then rate the fix. The rater is told
    through their account (after commit); a walk-in rater is told by phone at the 回访."""
    _require_unit(actor, complaint)
    text = _text(text, field="text", required="请填写反馈内容")
    locked = _lock(complaint, expected_version)
    _step(locked, ComplaintAction.FEED_BACK)
    locked.feedback_text = text
    locked.fed_back_at = clock.now()
    locked.fed_back_by = actor
    locked.save()
    audit_record(actor=actor, action="feedback.complaint_feedback_to_rater", obj=locked)
    rater = locked.rating.rater
    if rater is not None:
        notification_send(
            recipient=rater,
            title="您的差评已处理，请评价整改结果",
            body=f"您对办件 {locked.rating.case.number} 的评价已处理：{text}",
            link=reverse("feedback:rate_fix", args=[locked.pk]),
            case_number=locked.rating.case.number,
            actor=actor,
        )
    return locked


@transaction.atomic
def complaint_rate_fix(
    *, complaint: Complaint, verdict: FixVerdict, comment: str, actor: User
) -> Complaint:
    """The rater rates the fix (满意/基本满意/不满意); the loop is closed."""
    if complaint.rating.rater_id is None or complaint.rating.rater_id != actor.pk:
        raise NotFound("找不到该差评")
    comment = _text(comment, field="comment", limit=MAX_TEXT)
    locked = _lock(complaint, None)
    _step(locked, ComplaintAction.RATE_FIX)
    locked.fix_verdict = verdict.value
    locked.fix_comment = comment
    locked.fix_rated_at = clock.now()
    locked.save()
    audit_record(
        actor=actor,
        action="feedback.complaint_rate_fix",
        obj=locked,
        details={"verdict": verdict.value},
    )
    return locked


# -- 申诉复核 ----------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *,
    complaint: Complaint,
    ground: AppealGround,
    statement: str,
    actor: User,
    evidence: UploadedFile[Any] | None = None,
) -> Appeal:
    """The unit appeals a 误评 / 恶意差评 / 不实差评 with evidence (PDF or image, checked like
    every upload); one pending appeal per 差评; a closed or annulled one cannot be appealed."""
    if not (is_unit_staff(actor) and actor.department_id == complaint.department_id):
        raise Forbidden("只有责任单位可以申诉", code="not_unit")
    statement = _text(statement, field="statement", required="请填写申诉说明")
    locked = _lock(complaint, None)
    if locked.state_enum in (ComplaintState.ANNULLED, ComplaintState.CLOSED):
        raise Conflict("该差评已办结或已撤销，不能申诉", code="bad_step")
    if locked.appeals.filter(outcome=AppealOutcome.PENDING).exists():
        raise Conflict("该差评已有待复核的申诉", code="appeal_pending")
    appeal = Appeal(
        complaint=locked,
        ground=ground.value,
        statement=statement,
        filed_by=actor,
        filed_at=clock.now(),
    )
    if evidence is not None:
        checked = check_upload(evidence, field="evidence")
        evidence.seek(0)
        appeal.evidence.save(checked.stored_name, ContentFile(evidence.read()), save=False)
        appeal.evidence_name = checked.safe_name
        appeal.evidence_type = checked.content_type
    appeal.save()
    audit_record(
        actor=actor,
        action="feedback.appeal_file",
        obj=appeal,
        details={"complaint": locked.pk, "ground": ground.value, "evidence": bool(evidence)},
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, upheld: bool, reason: str, actor: User) -> Appeal:
    """A leader decides. Upheld: the 差评 leaves the loop (已撤销) and, as the policy says, the
    statistics; rejected: the loop continues. Both are recorded and counted in the publication."""
    if not is_leader(actor):
        raise NotFound("找不到该申诉")
    reason = _text(reason, field="reason", required="请填写复核意见")
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.outcome != AppealOutcome.PENDING:
        raise Conflict("该申诉已复核", code="appeal_decided")
    locked.outcome = (AppealOutcome.UPHELD if upheld else AppealOutcome.REJECTED).value
    locked.decided_by = actor
    locked.decided_at = clock.now()
    locked.decision_reason = reason
    locked.save()
    if upheld:
        complaint = _lock(locked.complaint, None)
        _step(complaint, ComplaintAction.ANNUL)
        complaint.save()
        rating = complaint.rating
        rating.is_excluded = policy_get().exclude_upheld_appeals
        rating.save(update_fields=["is_excluded"])
    audit_record(
        actor=actor,
        action="feedback.appeal_decide",
        obj=locked,
        details={"outcome": locked.outcome, "complaint": locked.complaint_id},
    )
    return locked


# -- overdue warnings (periodic) ---------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    callback_warnings: int
    rectification_warnings: int
    system_defaults: int = 0


#: How far back the sweep looks for closed cases whose rating window ended unrated.
SYSTEM_DEFAULT_LOOKBACK_DAYS = 45


def _record_system_defaults() -> int:
    """系统默认评价 for recently closed cases whose window ended without a rating, when the
    policy asks for them (domain.md §4.4: pf=7, excluded from KPIs as configured)."""
    if not policy_get().record_system_default:
        return 0
    since = clock.now() - dt.timedelta(days=SYSTEM_DEFAULT_LOOKBACK_DAYS)
    rated = Rating.objects.filter(event=ServiceEvent.CLOSE.value).values("case_id")
    candidates = (
        Case.objects.filter(closed_at__gte=since, state__in=["closed", "not_accepted"])
        .exclude(pk__in=rated)
        .select_related("item_version__item__department", "window")
    )
    return sum(
        1
        for case in candidates
        if rating_system_default(case=case, event=ServiceEvent.CLOSE) is not None
    )


@transaction.atomic
def complaint_overdue_sweep() -> SweepReport:
    """Warn the unit once when a 回访 or a 整改 is past its working-day deadline; record the
    系统默认评价 of unrated closed cases when the policy asks for them."""
    today = clock.today()
    callbacks = list(
        Complaint.objects.select_for_update()
        .filter(
            state=ComplaintState.AWAITING_CALLBACK,
            callback_due__lt=today,
            callback_warned=False,
        )
        .select_related("rating__case")
    )
    for complaint in callbacks:
        complaint.callback_warned = True
        complaint.save(update_fields=["callback_warned"])
        audit_record(actor=None, action="feedback.callback_overdue", obj=complaint)
        _notify_unit(
            complaint,
            title="差评回访已超期",
            body=f"差评 #{complaint.pk} 的回访期限 {complaint.callback_due:%Y-%m-%d} 已过，"
            "请立即回访。",
        )
    rectifications = list(
        Complaint.objects.select_for_update()
        .filter(
            state=ComplaintState.RECTIFYING,
            rectification_due__lt=today,
            rectification_warned=False,
        )
        .select_related("rating__case")
    )
    for complaint in rectifications:
        complaint.rectification_warned = True
        complaint.save(update_fields=["rectification_warned"])
        audit_record(actor=None, action="feedback.rectification_overdue", obj=complaint)
        _notify_unit(
            complaint,
            title="差评整改已超期",
            body=f"差评 #{complaint.pk} 的整改期限 {complaint.rectification_due:%Y-%m-%d} 已过。",
        )
    return SweepReport(len(callbacks), len(rectifications), _record_system_defaults())


# -- 星帮办 and the policy ----------------------------------------------------------------------


@transaction.atomic
def star_helper_choose(
    *, year: int, month: int, staff: User, note: str, actor: User
) -> StarHelperAward:
    """Record the month's 星级帮办员: a leader picks someone from the month's ranking; the score
    and rank at that moment are kept with the award."""
    if not is_leader(actor):
        raise Forbidden("只有局领导可以评选星级帮办员", code="not_leader")
    if (year, month) > (clock.today().year, clock.today().month):
        raise ValidationFailed("不能评选尚未开始的月份", field="month", code="future_month")
    note = _text(note, field="note", limit=300)
    ranking = ranking_month(year=year, month=month, service_centre_id=actor.service_centre_id)
    row = next((r for r in ranking.rows if r.staff.pk == staff.pk), None)
    if row is None:
        raise ValidationFailed("该人员不在本月排名中", field="staff", code="not_ranked")
    if StarHelperAward.objects.filter(year=year, month=month, staff=staff).exists():
        raise Conflict("该人员已是本月星级帮办员", code="already_chosen")
    award = StarHelperAward.objects.create(
        year=year,
        month=month,
        staff=staff,
        score=Decimal(str(row.ranked.score)),
        rank=row.ranked.rank,
        note=note,
        chosen_by=actor,
        chosen_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="feedback.star_helper_choose",
        obj=award,
        details={"year": year, "month": month, "staff": staff.pk, "rank": row.ranked.rank},
    )
    return award


POLICY_FIELDS = (
    "rating_window_days",
    "record_system_default",
    "callback_days",
    "rectification_days",
    "exclude_system_default",
    "exclude_upheld_appeals",
    "weight_satisfaction",
    "weight_on_time",
    "weight_volume",
    "weight_forum",
)


@transaction.atomic
def feedback_policy_update(*, actor: User | None, **values: Any) -> FeedbackPolicy:
    """Change the policy (the admin's form calls this). Weights must add up to 100; the
    rectification deadline is at least 1 working day."""
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationFailed(f"未知的设置项：{'、'.join(sorted(unknown))}", code="unknown_field")
    policy = FeedbackPolicy.objects.select_for_update().filter(pk=1).first() or FeedbackPolicy(pk=1)
    before = {name: getattr(policy, name) for name in POLICY_FIELDS}
    for name, value in values.items():
        setattr(policy, name, value)
    try:
        RankingWeights(
            policy.weight_satisfaction,
            policy.weight_on_time,
            policy.weight_volume,
            policy.weight_forum,
        )
    except RatingError as exc:
        raise ValidationFailed(exc.message, code=exc.code, field="weight_satisfaction") from exc
    if policy.rectification_days < 1:
        raise ValidationFailed("整改期限至少 1 个工作日", field="rectification_days")
    if policy.callback_days < 1:
        raise ValidationFailed("回访期限至少 1 个工作日", field="callback_days")
    policy.updated_at = clock.now()
    policy.updated_by = actor
    policy.save()
    changed = {
        name: [before[name], getattr(policy, name)]
        for name in POLICY_FIELDS
        if before[name] != getattr(policy, name)
    }
    audit_record(actor=actor, action="feedback.policy_update", obj=policy, details=changed)
    return policy
