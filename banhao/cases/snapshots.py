"""ORM rows ↔ core values for cases: the snapshot the state table decides on, the review
tasks, the actor and the case clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from banhao.accounts.models import User
from banhao.cases.models import Case, CaseExtension, CaseMaterial, CasePause, ReviewTask
from banhao.catalog.snapshots import version_legal_limit, version_promised_limit
from banhao_core.calendar import WorkCalendar
from banhao_core.time_limits import CaseClock, Extension, Pause, PauseKind, TimeLimit
from banhao_core.workflow import (
    Actor,
    CaseSnapshot,
    CaseState,
    Decision,
    ReviewMode,
    ReviewTaskState,
    Role,
    review_outcome,
)
from banhao_core.workflow import ReviewTask as CoreReviewTask

#: 行政许可法 第42条: a decision within 20 days when the item states no limit of its own.
DEFAULT_LEGAL_LIMIT = TimeLimit.working_days(20)

#: 行政许可法 第32条: the one-time 补正 notice is due within 5 days of receipt (working days,
#: Art.82).
CORRECTION_NOTICE_WORKING_DAYS = 5


def actor_of(user: User | None) -> Actor:
    """The core actor for a user; ``None`` is the system (background jobs)."""
    if user is None:
        return Actor(id="system", roles=frozenset({Role.SYSTEM}))
    return Actor(id=str(user.pk), roles=frozenset(Role(r.value) for r in user.role_set()))


def core_tasks(tasks: list[ReviewTask]) -> tuple[CoreReviewTask, ...]:
    return tuple(
        CoreReviewTask(
            department_id=str(task.department_id),
            order=task.order,
            state=ReviewTaskState(task.state),
            opinion=task.opinion,
        )
        for task in tasks
    )


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def case_snapshot(
    case: Case,
    *,
    materials: list[CaseMaterial],
    tasks: list[ReviewTask],
    calendar: WorkCalendar,
    today: dt.date,
) -> CaseSnapshot:
    missing = CaseMaterial.Status.MISSING
    deferred = CaseMaterial.Status.DEFERRED
    required = [m for m in materials if m.is_required]
    key_missing = tuple(m.name for m in required if m.is_key and m.status in (missing, deferred))
    non_key_missing = tuple(
        m.name for m in required if not m.is_key and m.status in (missing, deferred)
    )
    review = None
    if tasks:
        review = review_outcome(ReviewMode(tasks[0].mode), core_tasks(tasks))
    expired = False
    if case.received_at is not None:
        notice_due = calendar.add_working_days(
            local_date(case.received_at), CORRECTION_NOTICE_WORKING_DAYS
        )
        expired = today > notice_due.day
    return CaseSnapshot(
        state=CaseState(case.state),
        applicant_id=str(case.applicant_id) if case.applicant_id else "",
        missing_key_materials=key_missing,
        missing_non_key_materials=non_key_missing,
        has_commitment_letter=case.has_commitment_letter,
        accepted_with_tolerance=case.accepted_with_tolerance,
        correction_period_expired=expired,
        correction_notices_issued=case.corrections.count(),
        review=review,
        extended_working_days=case.extended_working_days,
        decision=Decision(case.decision) if case.decision else None,
    )


def case_clock(case: Case) -> CaseClock:
    """The case's clock for the core time-limit functions (pauses = 特别程序). An item without
    limits is timed by the law's default (Art.42: 20 working days), promise = legal."""
    version = case.item_version
    return clock_from_parts(
        accepted_at=case.accepted_at,
        legal=version_legal_limit(version),
        promised=version_promised_limit(version),
        pauses=case.pauses.all(),
        extensions=case.extensions.all(),
    )


def clock_from_parts(
    *,
    accepted_at: dt.datetime | None,
    legal: TimeLimit | None,
    promised: TimeLimit | None,
    pauses: Iterable[CasePause],
    extensions: Iterable[CaseExtension],
) -> CaseClock:
    """``case_clock`` from its parts (for lists that read them as plain values)."""
    legal = legal or DEFAULT_LEGAL_LIMIT
    return CaseClock(
        accepted_on=local_date(accepted_at) if accepted_at else None,
        promised=promised or legal,
        legal=legal,
        pauses=tuple(
            Pause(kind=PauseKind.SPECIAL_PROCEDURE, start=p.start, end=p.end, reason=p.reason)
            for p in pauses
        ),
        extensions=tuple(
            Extension(
                working_days=e.working_days,
                approved_by=str(e.approved_by_id),
                reason=e.reason,
                approved_on=e.approved_on,
            )
            for e in extensions
        ),
    )
