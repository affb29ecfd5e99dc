"""Reads of 好差评: the policy, what a rater may do on a case, the units' 差评 queue with
lights, the appeal queue, the monthly publication and the 星帮办 ranking.

The publication and the ranking are aggregates: they never carry rater data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.cases.models import Case, CaseEvent
from banhao.engagement.selectors import month_bounds, staff_feedback_by_month
from banhao.feedback.models import Appeal, Complaint, FeedbackPolicy, Rating
from banhao.org.models import Department, Window
from banhao.shared import clock
from banhao.workcalendar.selectors import work_calendar
from banhao_core.ratings import (
    BAD_OPTION_LISTS,
    RANKING_FORMULA,
    AppealOutcome,
    ComplaintState,
    Disposition,
    RankedStaff,
    RankingWeights,
    RatedItem,
    RatingChannel,
    RatingError,
    RatingSummary,
    ServiceEvent,
    StaffFacts,
    deadline_light,
    rank_staff,
    rating_window_end,
    rectification_rate,
    summarise,
)
from banhao_core.time_limits import Light

#: Roles ranked for 星帮办: window staff and helpers (帮办代办员).
RANKED_ROLES = (Role.WINDOW_CLERK, Role.HELPER)


def policy_get() -> FeedbackPolicy:
    """The configured policy, or the defaults while nobody has saved one."""
    return FeedbackPolicy.objects.filter(pk=1).first() or FeedbackPolicy(pk=1)


def policy_weights(policy: FeedbackPolicy) -> RankingWeights:
    return RankingWeights(
        satisfaction=policy.weight_satisfaction,
        on_time=policy.weight_on_time,
        volume=policy.weight_volume,
        forum=policy.weight_forum,
    )


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


# -- what a rater may do -----------------------------------------------------------------------


def event_moment(case: Case, event: ServiceEvent) -> dt.datetime | None:
    """When the rated service happened: 受理 or 办结 (None: not yet, or not rateable)."""
    if event is ServiceEvent.ACCEPTANCE:
        return case.accepted_at
    if case.state == "withdrawn":
        return None
    return case.closed_at


def assess_numbers(case: Case, event: ServiceEvent) -> list[int]:
    return sorted(
        Rating.objects.filter(case=case, event=event.value).values_list("assess_number", flat=True)
    )


@dataclass(frozen=True)
class EventStatus:
    """What the applicant may do for one service event of a case."""

    event: ServiceEvent
    happened_on: dt.date | None
    window_end: dt.date | None
    ratings: tuple[Rating, ...]
    is_open: bool  # within the rating window

    @property
    def can_rate(self) -> bool:
        return self.is_open and not self.ratings

    @property
    def can_follow_up(self) -> bool:
        return self.is_open and len(self.ratings) == 1


@dataclass(frozen=True)
class CaseRatingStatus:
    case: Case
    events: tuple[EventStatus, ...]
    complaints: tuple[Complaint, ...]  # the rater's 差评 on this case

    @property
    def anything_to_do(self) -> bool:
        return any(e.can_rate or e.can_follow_up for e in self.events) or any(
            c.state == ComplaintState.FED_BACK for c in self.complaints
        )


def case_rating_status(case: Case, *, rater: User | None = None) -> CaseRatingStatus:
    """The rating events of ``case`` with their windows (policy days, the centre's calendar)."""
    policy = policy_get()
    calendar = work_calendar(service_centre_id=case.service_centre_id)
    today = clock.today()
    ratings = list(Rating.objects.filter(case=case).order_by("event", "assess_number"))
    events = []
    for event in ServiceEvent:
        moment = event_moment(case, event)
        if moment is None:
            events.append(EventStatus(event, None, None, (), is_open=False))
            continue
        happened = local_date(moment)
        end = rating_window_end(happened, calendar, policy.rating_window_days).day
        mine = tuple(r for r in ratings if r.event == event.value)
        events.append(EventStatus(event, happened, end, mine, happened <= today <= end))
    complaints: tuple[Complaint, ...] = ()
    if rater is not None and rater.is_authenticated:
        complaints = tuple(
            Complaint.objects.filter(rating__case=case, rating__rater=rater).order_by("id")
        )
    return CaseRatingStatus(case, tuple(events), complaints)


def case_handling(case: Case) -> tuple[Department, Window | None, User | None]:
    """谁办理、谁负责: the item's 实施主体 department, the window, the staff who accepted."""
    accepted = (
        CaseEvent.objects.filter(case=case, command="accept", actor__isnull=False)
        .select_related("actor")
        .order_by("seq")
        .first()
    )
    staff = accepted.actor if accepted is not None else case.registered_by
    department = case.item_version.item.department
    return department, case.window, staff


# -- the units' 差评 queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintRow:
    complaint: Complaint
    due: dt.date | None  # the current step's deadline (回访 or 整改)
    due_label: str
    light: Light | None


def complaint_row(complaint: Complaint, today: dt.date | None = None) -> ComplaintRow:
    """The current step's deadline and light (回访 within 1 working day, then 整改)."""
    today = today or clock.today()
    calendar = work_calendar(service_centre_id=complaint.rating.case.service_centre_id)
    state = complaint.state_enum
    if state is ComplaintState.AWAITING_CALLBACK:
        return ComplaintRow(
            complaint,
            complaint.callback_due,
            "回访期限",
            deadline_light(
                due=complaint.callback_due, done_on=None, today=today, calendar=calendar
            ),
        )
    if state is ComplaintState.RECTIFYING and complaint.rectification_due is not None:
        return ComplaintRow(
            complaint,
            complaint.rectification_due,
            "整改期限",
            deadline_light(
                due=complaint.rectification_due, done_on=None, today=today, calendar=calendar
            ),
        )
    return ComplaintRow(complaint, None, "", None)


def complaint_rows(complaints: QuerySet[Complaint], *, open_only: bool) -> list[ComplaintRow]:
    query = complaints.select_related(
        "rating", "rating__case", "rating__case__item_version", "department"
    )
    if open_only:
        # 已反馈待评价 waits for the rater (a walk-in rater without an account never rates the
        # fix): nothing is left for the unit, so it leaves the 待办 list (still under 全部).
        query = query.exclude(
            state__in=[ComplaintState.FED_BACK, ComplaintState.CLOSED, ComplaintState.ANNULLED]
        )
    today = clock.today()
    rows = [complaint_row(c, today) for c in query.order_by("callback_due", "id")[:500]]
    order = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2, None: 3}
    rows.sort(key=lambda r: (order.get(r.light, 3), r.due or dt.date.max, r.complaint.pk))
    return rows


def appeal_list_pending(*, service_centre_id: int | None) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(
            outcome=AppealOutcome.PENDING.value,
            complaint__rating__case__service_centre_id=service_centre_id,
        )
        .select_related("complaint", "complaint__rating", "complaint__department", "filed_by")
        .order_by("filed_at", "id")
    )


def appeal_list_decided(*, service_centre_id: int | None, limit: int = 20) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(complaint__rating__case__service_centre_id=service_centre_id)
        .exclude(outcome=AppealOutcome.PENDING.value)
        .select_related("complaint", "complaint__department")
        .order_by("-decided_at", "-id")[:limit]
    )


# -- monthly publication -----------------------------------------------------------------------


def effective_ratings(ratings: list[Rating]) -> list[Rating]:
    """The rating that counts per case event: the 追评 when there is one (it is the rater's
    last word), else the first."""
    latest: dict[tuple[int, str], Rating] = {}
    for rating in sorted(ratings, key=lambda r: r.assess_number):
        latest[(rating.case_id, rating.event)] = rating
    return list(latest.values())


def _item(rating: Rating, policy: FeedbackPolicy) -> RatedItem:
    return RatedItem(
        level=rating.level_enum,
        channel=RatingChannel(rating.channel),
        is_excluded=rating.is_excluded and policy.exclude_upheld_appeals,
    )


@dataclass
class UnitStats:
    name: str
    summary: RatingSummary
    short_name: str = ""  # 简称, for the chart's axis
    complaints: int = 0
    rectified: int = 0
    rectification_rate: float | None = None


@dataclass(frozen=True)
class Outcome:
    """One rectification outcome as published: no rater, no case number."""

    department: str
    item_name: str
    level_label: str
    options: tuple[str, ...]
    disposition: str
    result: str
    state_label: str


@dataclass
class Publication:
    year: int
    month: int
    overall: RatingSummary
    departments: list[UnitStats] = field(default_factory=list)
    windows: list[UnitStats] = field(default_factory=list)
    complaints: int = 0
    rectification_rate: float | None = None
    appeals_upheld: int = 0
    appeals_rejected: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    excludes_system_default: bool = True


def publication_month(*, year: int, month: int) -> Publication:
    """好评率 and 差评整改率 by department and window for ratings given in the month (bureau
    time zone), with the rectification outcomes — aggregates only, never rater data."""
    try:
        start, end = month_bounds(year, month)
    except ValueError as exc:
        raise RatingError("月份应为 1–12", code="bad_month", field="month") from exc
    policy = policy_get()
    ratings = effective_ratings(
        list(
            Rating.objects.filter(created_at__gte=start, created_at__lt=end).select_related(
                "department", "window"
            )
        )
    )
    short_names: dict[str, str] = {}
    by_department: dict[str, list[RatedItem]] = defaultdict(list)
    by_window: dict[str, list[RatedItem]] = defaultdict(list)
    for rating in ratings:
        item = _item(rating, policy)
        by_department[rating.department.name].append(item)
        short_names[rating.department.name] = rating.department.short_name
        if rating.window is not None:
            by_window[f"{rating.window.number} {rating.window.name}"].append(item)
    excludes = policy.exclude_system_default
    publication = Publication(
        year=year,
        month=month,
        overall=summarise([_item(r, policy) for r in ratings], exclude_system_default=excludes),
        excludes_system_default=excludes,
    )
    complaints = list(
        Complaint.objects.filter(rating__created_at__gte=start, rating__created_at__lt=end)
        .select_related("department", "rating", "rating__case__item_version")
        .order_by("department__sort_order", "id")
    )
    states_by_department: dict[str, list[ComplaintState]] = defaultdict(list)
    for complaint in complaints:
        states_by_department[complaint.department.name].append(complaint.state_enum)
        short_names[complaint.department.name] = complaint.department.short_name
    for name in sorted(set(by_department) | set(states_by_department)):
        states = states_by_department.get(name, [])
        publication.departments.append(
            UnitStats(
                name=name,
                short_name=short_names.get(name, ""),
                summary=summarise(by_department.get(name, []), exclude_system_default=excludes),
                complaints=sum(1 for s in states if s is not ComplaintState.ANNULLED),
                rectified=sum(1 for s in states if s.is_rectified),
                rectification_rate=rectification_rate(states),
            )
        )
    for name in sorted(by_window):
        publication.windows.append(
            UnitStats(
                name=name, summary=summarise(by_window[name], exclude_system_default=excludes)
            )
        )
    all_states = [c.state_enum for c in complaints]
    publication.complaints = sum(1 for s in all_states if s is not ComplaintState.ANNULLED)
    publication.rectification_rate = rectification_rate(all_states)
    appeals = Appeal.objects.filter(
        complaint__in=complaints, outcome__in=[AppealOutcome.UPHELD, AppealOutcome.REJECTED]
    )
    publication.appeals_upheld = appeals.filter(outcome=AppealOutcome.UPHELD).count()
    publication.appeals_rejected = appeals.filter(outcome=AppealOutcome.REJECTED).count()
    for complaint in complaints:
        if complaint.state_enum is ComplaintState.ANNULLED or not complaint.disposition:
            continue
        rating = complaint.rating
        options = BAD_OPTION_LISTS.get(rating.option_version)
        publication.outcomes.append(
            Outcome(
                department=complaint.department.name,
                item_name=rating.case.item_version.name,
                level_label=rating.level_enum.label,
                options=tuple(
                    options.label(code) if options else code for code in rating.option_codes
                ),
                disposition=Disposition(complaint.disposition).label,
                result=complaint.rectification_result or complaint.disposition_notes,
                state_label=complaint.state_enum.label,
            )
        )
    return publication


# -- 星帮办 ranking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingRow:
    ranked: RankedStaff
    staff: User


@dataclass(frozen=True)
class Ranking:
    year: int
    month: int
    weights: RankingWeights
    formula: str
    rows: tuple[RankingRow, ...]


def ranking_month(*, year: int, month: int, service_centre_id: int | None = None) -> Ranking:
    """The month's 星帮办 ranking of window staff and helpers (``RANKING_FORMULA``):
    ratings of the cases they accepted, their cases closed in the month and how many of those
    on time (办结 on or before 承诺办结日期), and forum feedback naming them (engagement)."""
    try:
        start, end = month_bounds(year, month)
    except ValueError as exc:
        raise RatingError("月份应为 1–12", code="bad_month", field="month") from exc
    policy = policy_get()
    weights = policy_weights(policy)
    staff_query = User.objects.filter(
        is_active=True, groups__name__in=[r.value for r in RANKED_ROLES]
    ).distinct()
    if service_centre_id is not None:
        staff_query = staff_query.filter(service_centre_id=service_centre_id)
    staff = {u.pk: u for u in staff_query}
    ratings = effective_ratings(
        list(
            Rating.objects.filter(
                created_at__gte=start, created_at__lt=end, staff_id__in=list(staff)
            )
        )
    )
    rating_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for rating in ratings:
        if rating.is_excluded and policy.exclude_upheld_appeals:
            continue
        if policy.exclude_system_default and rating.channel == RatingChannel.SYSTEM_DEFAULT:
            continue
        counts = rating_counts[rating.staff_id or 0]
        counts[0] += 1
        counts[1] += 0 if rating.level_enum.is_bad else 1
    closed_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    accepted = CaseEvent.objects.filter(
        command="accept",
        actor_id__in=list(staff),
        case__closed_at__gte=start,
        case__closed_at__lt=end,
        case__state="closed",
    ).values_list("actor_id", "case_id", "case__closed_at", "case__promised_due")
    seen: set[int] = set()
    for actor_id, case_id, closed_at, promised_due in accepted:
        if actor_id is None or closed_at is None or case_id in seen:
            continue
        seen.add(case_id)
        counts = closed_counts[actor_id]
        counts[0] += 1
        on_time = promised_due is None or local_date(closed_at) <= promised_due
        counts[1] += 1 if on_time else 0
    forum = staff_feedback_by_month(year=year, month=month)
    facts = []
    for pk in staff:
        opinions = forum.get(pk)
        facts.append(
            StaffFacts(
                staff_id=pk,
                ratings=rating_counts[pk][0],
                good_ratings=rating_counts[pk][1],
                cases_closed=closed_counts[pk][0],
                cases_on_time=closed_counts[pk][1],
                praise=opinions.praise if opinions else 0,
                criticism=opinions.criticism if opinions else 0,
            )
        )
    ranked = rank_staff(facts, weights)
    return Ranking(
        year=year,
        month=month,
        weights=weights,
        formula=RANKING_FORMULA,
        rows=tuple(RankingRow(r, staff[r.facts.staff_id]) for r in ranked),
    )
