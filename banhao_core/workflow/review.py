"""Parallel multi-department review (并联审批) and its aggregate outcome.

One `ReviewTask` per required department (derived by the shell from the catalogue version).
The core decides the aggregate outcome; the case cannot be decided while it is pending
(conventions §5.5; the same rule as Open Zaak's "a main case cannot close while a sub-case
has no result").

Rules per `ReviewMode`:

* **会签 COUNTERSIGN** — every department must approve. The outcome is ``REJECTED`` as soon as
  any department rejects: the result can no longer be an approval, so the case may go to the
  decision step at once instead of waiting out the time limit. The still-undecided tasks are
  reported in ``tasks_to_cancel`` but stay actionable until the shell cancels them, so a
  department that was already reviewing can still record its objections, and the refusal
  collects the reasons of *every* rejecting department (一次告知, in the spirit of Art.32).
* **或签 ANY_ONE** — the first decision by any department decides, approval or rejection. The
  other tasks become ``tasks_to_cancel`` and can no longer act, so "first" stays well defined.
  (If stored data ever holds several decisions, a rejection wins: the safe reading.)
* **依次 SEQUENTIAL** — departments act in ``order``; task *k+1* opens only after task *k*
  approved (`complete_task` moves it from ``WAITING`` to ``PENDING``). A rejection ends the
  review; the later tasks never open and are reported in ``tasks_to_cancel``.

Cancelled tasks are out of the review: they neither approve nor block. A review whose every
task was cancelled is ``PENDING`` with nothing open — the shell must create tasks again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from banhao_core.workflow.refusals import RefusalCode, Refused


class ReviewMode(StrEnum):
    """How the departments' opinions combine (catalogue setting per service item)."""

    COUNTERSIGN = "countersign"  # 会签: all must approve
    ANY_ONE = "any_one"  # 或签: the first decision by any one decides
    SEQUENTIAL = "sequential"  # 依次: in order, each after the previous approved

    @property
    def label(self) -> str:
        return _MODE_LABELS[self]


_MODE_LABELS: dict[ReviewMode, str] = {
    ReviewMode.COUNTERSIGN: "会签",
    ReviewMode.ANY_ONE: "或签",
    ReviewMode.SEQUENTIAL: "依次审查",
}


class ReviewTaskState(StrEnum):
    """State of one department's task (GB/T 39046 6.4 环节办理状态: PENDING = 1 待办, decided = 2
    已办)."""

    PENDING = "pending"  # 待审查: open, the department may act
    WAITING = "waiting"  # 未开始: sequential, an earlier department has not approved yet
    APPROVED = "approved"  # 同意
    REJECTED = "rejected"  # 不同意
    CANCELLED = "cancelled"  # 已取消: no longer needed

    @property
    def label(self) -> str:
        return _TASK_STATE_LABELS[self]

    @property
    def is_decided(self) -> bool:
        return self in (ReviewTaskState.APPROVED, ReviewTaskState.REJECTED)

    @property
    def is_undecided(self) -> bool:
        return self in (ReviewTaskState.PENDING, ReviewTaskState.WAITING)


_TASK_STATE_LABELS: dict[ReviewTaskState, str] = {
    ReviewTaskState.PENDING: "待审查",
    ReviewTaskState.WAITING: "未开始",
    ReviewTaskState.APPROVED: "同意",
    ReviewTaskState.REJECTED: "不同意",
    ReviewTaskState.CANCELLED: "已取消",
}


@dataclass(frozen=True, slots=True)
class ReviewTask:
    """One department's review of a case. ``order`` matters for SEQUENTIAL only."""

    department_id: str
    order: int
    state: ReviewTaskState = ReviewTaskState.PENDING
    opinion: str = ""  # 审查意见; required for a rejection


class ReviewOutcomeKind(StrEnum):
    PENDING = "pending"  # 审查中
    APPROVED = "approved"  # 审查通过
    REJECTED = "rejected"  # 审查不通过

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS: dict[ReviewOutcomeKind, str] = {
    ReviewOutcomeKind.PENDING: "审查中",
    ReviewOutcomeKind.APPROVED: "审查通过",
    ReviewOutcomeKind.REJECTED: "审查不通过",
}


@dataclass(frozen=True, slots=True)
class ReviewRejection:
    """A department's objection, carried to the decision step (Art.38 reasons)."""

    department_id: str
    opinion: str


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """The aggregate of a review.

    ``open_tasks``: departments that may act now. ``tasks_to_cancel``: undecided tasks the
    outcome no longer needs. ``rejections``: every rejecting department, in task order.
    ``next_open_task``: for SEQUENTIAL, the department whose turn it is.
    """

    mode: ReviewMode
    kind: ReviewOutcomeKind
    open_tasks: tuple[str, ...] = ()
    tasks_to_cancel: tuple[str, ...] = ()
    rejections: tuple[ReviewRejection, ...] = ()
    next_open_task: str | None = None

    @property
    def is_complete(self) -> bool:
        return self.kind is not ReviewOutcomeKind.PENDING

    @property
    def reasons(self) -> tuple[str, ...]:
        """The rejecting departments' opinions, in task order."""
        return tuple(r.opinion for r in self.rejections)


@dataclass(frozen=True, slots=True)
class ReviewStep:
    """Result of `complete_task`: the updated tasks (input order kept) and the new outcome."""

    tasks: tuple[ReviewTask, ...]
    outcome: ReviewOutcome


def _sorted(tasks: Iterable[ReviewTask]) -> list[ReviewTask]:
    return sorted(tasks, key=lambda t: (t.order, t.department_id))


def _validate(mode: ReviewMode, tasks: Sequence[ReviewTask]) -> None:
    if not tasks:
        raise ValueError("并联审查至少需要一个部门任务")
    departments = [t.department_id for t in tasks]
    if len(set(departments)) != len(departments):
        raise ValueError("同一部门在一个办件中只能有一个审查任务")
    if mode is ReviewMode.SEQUENTIAL:
        orders = [t.order for t in tasks]
        if len(set(orders)) != len(orders):
            raise ValueError("依次审查的任务顺序号不能重复")


def initial_tasks(mode: ReviewMode, department_ids: Sequence[str]) -> tuple[ReviewTask, ...]:
    """Fresh tasks for the departments, in the given order: all PENDING, except that in
    SEQUENTIAL mode only the first is open and the rest are WAITING."""
    tasks = tuple(
        ReviewTask(
            department_id=dept,
            order=index,
            state=(
                ReviewTaskState.WAITING
                if mode is ReviewMode.SEQUENTIAL and index > 0
                else ReviewTaskState.PENDING
            ),
        )
        for index, dept in enumerate(department_ids)
    )
    _validate(mode, tasks)
    return tasks


def review_outcome(mode: ReviewMode, tasks: Sequence[ReviewTask]) -> ReviewOutcome:
    """The aggregate outcome of ``tasks`` under ``mode`` (rules in the module docstring).

    Raises ``ValueError`` for no tasks, a department listed twice, or (SEQUENTIAL) a repeated
    ``order``.
    """
    _validate(mode, tasks)
    ordered = _sorted(tasks)
    if mode is ReviewMode.COUNTERSIGN:
        return _countersign_outcome(ordered)
    if mode is ReviewMode.ANY_ONE:
        return _any_one_outcome(ordered)
    return _sequential_outcome(ordered)


def _undecided(ordered: list[ReviewTask]) -> tuple[str, ...]:
    return tuple(t.department_id for t in ordered if t.state.is_undecided)


def _rejections(ordered: list[ReviewTask]) -> tuple[ReviewRejection, ...]:
    return tuple(
        ReviewRejection(t.department_id, t.opinion)
        for t in ordered
        if t.state is ReviewTaskState.REJECTED
    )


def _any_approved(ordered: list[ReviewTask]) -> bool:
    return any(t.state is ReviewTaskState.APPROVED for t in ordered)


def _countersign_outcome(ordered: list[ReviewTask]) -> ReviewOutcome:
    mode, undecided, rejections = ReviewMode.COUNTERSIGN, _undecided(ordered), _rejections(ordered)
    if rejections:
        # Settled, but the undecided departments may still add their objections.
        return ReviewOutcome(
            mode,
            ReviewOutcomeKind.REJECTED,
            open_tasks=undecided,
            tasks_to_cancel=undecided,
            rejections=rejections,
        )
    if undecided or not _any_approved(ordered):
        return ReviewOutcome(mode, ReviewOutcomeKind.PENDING, open_tasks=undecided)
    return ReviewOutcome(mode, ReviewOutcomeKind.APPROVED)


def _any_one_outcome(ordered: list[ReviewTask]) -> ReviewOutcome:
    mode, undecided, rejections = ReviewMode.ANY_ONE, _undecided(ordered), _rejections(ordered)
    if rejections:
        return ReviewOutcome(
            mode, ReviewOutcomeKind.REJECTED, tasks_to_cancel=undecided, rejections=rejections
        )
    if _any_approved(ordered):
        return ReviewOutcome(mode, ReviewOutcomeKind.APPROVED, tasks_to_cancel=undecided)
    return ReviewOutcome(mode, ReviewOutcomeKind.PENDING, open_tasks=undecided)


def _sequential_outcome(ordered: list[ReviewTask]) -> ReviewOutcome:
    mode = ReviewMode.SEQUENTIAL
    # Walk in order: a rejection ends the review, the first undecided task is the only one open.
    for task in ordered:
        if task.state is ReviewTaskState.REJECTED:
            return ReviewOutcome(
                mode,
                ReviewOutcomeKind.REJECTED,
                tasks_to_cancel=_undecided(ordered),
                rejections=_rejections(ordered),
            )
        if task.state.is_undecided:
            return ReviewOutcome(
                mode,
                ReviewOutcomeKind.PENDING,
                open_tasks=(task.department_id,),
                next_open_task=task.department_id,
            )
    if _any_approved(ordered):
        return ReviewOutcome(mode, ReviewOutcomeKind.APPROVED)
    return ReviewOutcome(mode, ReviewOutcomeKind.PENDING)


def _completion_refusal(
    mode: ReviewMode, tasks: Sequence[ReviewTask], task: ReviewTask, approve: bool, opinion: str
) -> Refused | None:
    if task.state is ReviewTaskState.CANCELLED:
        return Refused(RefusalCode.TASK_CANCELLED, "该审查任务已取消，不能再提交审查意见")
    if task.state.is_decided:
        return Refused(
            RefusalCode.TASK_ALREADY_DECIDED,
            f"该部门已提交审查意见（{task.state.label}），不能重复提交",
        )
    if not approve and not opinion.strip():
        return Refused(RefusalCode.OPINION_REQUIRED, "不同意时须填写审查意见，说明理由")
    before = review_outcome(mode, tasks)
    if task.department_id in before.open_tasks:
        return None
    if before.is_complete:
        return Refused(
            RefusalCode.REVIEW_ALREADY_COMPLETE,
            f"{mode.label}已有结果（{before.kind.label}），本任务无需再审查",
        )
    return Refused(RefusalCode.TASK_NOT_OPEN, "依次审查：前序部门尚未同意，本部门暂不能审查")


def complete_task(
    mode: ReviewMode,
    tasks: Sequence[ReviewTask],
    department_id: str,
    *,
    approve: bool,
    opinion: str = "",
) -> ReviewStep | Refused:
    """Record one department's decision.

    Refused when the department has no task (``unknown_task``), its task is cancelled
    (``task_cancelled``) or already decided (``task_already_decided``), a rejection has no
    opinion (``opinion_required``: the reasons go into the Art.38 refusal), the outcome is
    already settled (``review_already_complete``: 或签 after the first decision, 依次 after a
    rejection), or it is not this department's turn yet (``task_not_open``, 依次).

    In SEQUENTIAL mode an approval opens the next undecided task (WAITING → PENDING).
    """
    _validate(mode, tasks)
    task = next((t for t in tasks if t.department_id == department_id), None)
    if task is None:
        return Refused(RefusalCode.UNKNOWN_TASK, f"部门「{department_id}」没有本办件的审查任务")
    refusal = _completion_refusal(mode, tasks, task, approve, opinion)
    if refusal is not None:
        return refusal
    decided = replace(
        task,
        state=ReviewTaskState.APPROVED if approve else ReviewTaskState.REJECTED,
        opinion=opinion.strip(),
    )
    updated = [decided if t.department_id == department_id else t for t in tasks]
    if mode is ReviewMode.SEQUENTIAL and approve:
        nxt = review_outcome(mode, updated).next_open_task
        updated = [
            replace(t, state=ReviewTaskState.PENDING)
            if t.department_id == nxt and t.state is ReviewTaskState.WAITING
            else t
            for t in updated
        ]
    new_tasks = tuple(updated)
    return ReviewStep(new_tasks, review_outcome(mode, new_tasks))


def cancel_tasks(
    tasks: Sequence[ReviewTask], department_ids: Iterable[str]
) -> tuple[ReviewTask, ...]:
    """Cancel the listed departments' undecided tasks (typically ``outcome.tasks_to_cancel``).

    Decided tasks keep their decision (it is history). Raises ``ValueError`` for a department
    without a task.
    """
    wanted = set(department_ids)
    unknown = wanted - {t.department_id for t in tasks}
    if unknown:
        raise ValueError(f"没有这些部门的审查任务：{'、'.join(sorted(unknown))}")
    return tuple(
        replace(t, state=ReviewTaskState.CANCELLED)
        if t.department_id in wanted and t.state.is_undecided
        else t
        for t in tasks
    )
