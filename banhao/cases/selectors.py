"""Reads on cases. Every query for people starts from ``access.visible_cases`` or a
department/centre scope; lists are sorted for the screen that shows them and bounded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.cases.access import visible_cases
from banhao.cases.models import Case, CaseEvent, ReviewTask
from banhao.cases.snapshots import actor_of, case_clock, case_snapshot
from banhao.shared import clock
from banhao.workcalendar.selectors import work_calendar
from banhao_core.time_limits import ClockStatus, LightThresholds, TimeLimitError, evaluate
from banhao_core.workflow import Command, allowed_commands

OPEN_STATES = (
    "submitted",
    "pre_review",
    "received",
    "correction_requested",
    "accepted",
    "in_progress",
    "special_procedure",
    "decided_approved",
    "decided_rejected",
    "delivering",
)
WINDOW_STATES = ("submitted", "pre_review", "received", "correction_requested")


def _with_item(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("item_version", "item_version__item", "service_centre")


def case_list_for_applicant(*, user: User) -> QuerySet[Case]:
    """我的办件: the user's own cases (and, for a company account, its code's), newest first.

    The visible set is taken as ``pk IN (…)``: the inner query uses one index per condition
    of ``visible_cases`` (applicant / 统一社会信用代码), and the outer one needs no DISTINCT
    over every column, so the page stays a few milliseconds at a million cases."""
    return _with_item(Case.objects.filter(pk__in=visible_cases(user).values("pk"))).order_by(
        "-created_at", "-id"
    )


def case_list_for_window(*, user: User, states: tuple[str, ...] = WINDOW_STATES) -> QuerySet[Case]:
    """The window's queue: cases of the clerk's centre waiting for the window, oldest first."""
    if user.service_centre_id is None:
        return Case.objects.none()
    return _with_item(
        Case.objects.filter(service_centre_id=user.service_centre_id, state__in=states)
    ).order_by("submitted_at", "id")


def review_queue(*, user: User, include_done: bool = False) -> QuerySet[ReviewTask]:
    """待办: the reviewer's department's open tasks, most urgent deadline first."""
    if user.department_id is None or not user.has_role(Role.REVIEWER):
        return ReviewTask.objects.none()
    states = ("pending",) if not include_done else ("pending", "approved", "rejected")
    return (
        ReviewTask.objects.filter(
            department_id=user.department_id,
            state__in=states,
            case__state__in=("in_progress", "special_procedure"),
        )
        .select_related("case", "case__item_version", "department")
        .order_by("due", "case__accepted_at", "id")
    )


def case_list_for_approver(*, user: User) -> QuerySet[Case]:
    """Cases of the approver's centre whose review is running or waiting for a decision."""
    if user.service_centre_id is None:
        return Case.objects.none()
    return _with_item(
        Case.objects.filter(
            service_centre_id=user.service_centre_id,
            state__in=(
                "in_progress",
                "special_procedure",
                "decided_approved",
                "decided_rejected",
                "delivering",
            ),
        )
    ).order_by("promised_due", "id")


def case_timeline(*, case: Case) -> list[CaseEvent]:
    """Every recorded step, in order (the applicant and staff see the same facts)."""
    return list(case.events.select_related("actor").order_by("seq"))


@dataclass(frozen=True)
class CaseView:
    """What a case page needs besides the row: clock status and allowed commands."""

    case: Case
    status: ClockStatus | None
    commands: frozenset[Command]
    tasks: list[ReviewTask]


def thresholds() -> LightThresholds:
    from django.conf import settings

    return LightThresholds(
        min_working_days=settings.BANHAO_LIGHT_MIN_WORKING_DAYS,
        fraction_percent=settings.BANHAO_LIGHT_FRACTION_PERCENT,
    )


def case_clock_status(*, case: Case, today: dt.date | None = None) -> ClockStatus | None:
    """Due dates, remaining working days and the light as of today (None before 受理)."""
    if case.accepted_at is None:
        return None
    try:
        return evaluate(
            case_clock(case),
            work_calendar(service_centre_id=case.service_centre_id),
            today or clock.today(),
            thresholds(),
        )
    except TimeLimitError:
        return None


def case_view(*, case: Case, user: User) -> CaseView:
    """The case with its review tasks, clock status and the commands ``user`` may offer."""
    case = (
        Case.objects.select_related("item_version", "item_version__item", "service_centre")
        .prefetch_related(
            "materials",
            "pauses",
            "extensions",
            Prefetch(
                "review_tasks",
                queryset=ReviewTask.objects.select_related("department").order_by("order", "id"),
            ),
        )
        .get(pk=case.pk)
    )
    tasks = list(case.review_tasks.all())
    snapshot = case_snapshot(
        case,
        materials=list(case.materials.all()),
        tasks=tasks,
        calendar=work_calendar(service_centre_id=case.service_centre_id),
        today=clock.today(),
    )
    commands = frozenset(allowed_commands(snapshot, actor_of(user)))
    return CaseView(case=case, status=case_clock_status(case=case), commands=commands, tasks=tasks)
