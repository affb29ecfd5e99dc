"""Tests for parallel-review outcome rules (banhao_core.workflow.review): 会签, 或签, 依次."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from banhao_core.workflow import (
    RefusalCode,
    Refused,
    ReviewMode,
    ReviewOutcome,
    ReviewOutcomeKind,
    ReviewRejection,
    ReviewStep,
    ReviewTask,
    ReviewTaskState,
    cancel_tasks,
    complete_task,
    initial_tasks,
    review_outcome,
)

M, T, K = ReviewMode, ReviewTaskState, ReviewOutcomeKind
DEPTS = ("fire", "planning", "environment")  # 消防, 规划, 环保


def step(
    mode: ReviewMode,
    tasks: tuple[ReviewTask, ...],
    dept: str,
    *,
    approve: bool,
    opinion: str = "",
) -> ReviewStep:
    result = complete_task(mode, tasks, dept, approve=approve, opinion=opinion or "意见")
    assert isinstance(result, ReviewStep), result
    return result


def refusal(result: ReviewStep | Refused, code: RefusalCode) -> Refused:
    assert isinstance(result, Refused), result
    assert result.code is code
    assert result.message_zh
    return result


def states(tasks: tuple[ReviewTask, ...]) -> dict[str, ReviewTaskState]:
    return {t.department_id: t.state for t in tasks}


# -- setup and validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (M.COUNTERSIGN, [T.PENDING, T.PENDING, T.PENDING]),
        (M.ANY_ONE, [T.PENDING, T.PENDING, T.PENDING]),
        (M.SEQUENTIAL, [T.PENDING, T.WAITING, T.WAITING]),
    ],
    ids=str,
)
def test_initial_tasks(mode: ReviewMode, expected: list[ReviewTaskState]) -> None:
    tasks = initial_tasks(mode, DEPTS)
    assert [t.state for t in tasks] == expected
    assert [t.order for t in tasks] == [0, 1, 2]
    outcome = review_outcome(mode, tasks)
    assert outcome.kind is K.PENDING
    assert not outcome.is_complete


@pytest.mark.parametrize(
    ("mode", "tasks", "message"),
    [
        (M.COUNTERSIGN, (), "至少"),
        (M.COUNTERSIGN, (ReviewTask("fire", 0), ReviewTask("fire", 1)), "同一部门"),
        (M.SEQUENTIAL, (ReviewTask("fire", 0), ReviewTask("planning", 0)), "顺序号"),
    ],
    ids=["empty", "duplicate-department", "sequential-duplicate-order"],
)
def test_invalid_task_sets_are_rejected(
    mode: ReviewMode, tasks: tuple[ReviewTask, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        review_outcome(mode, tasks)


def test_parallel_modes_may_share_an_order() -> None:
    tasks = (ReviewTask("fire", 0), ReviewTask("planning", 0))
    assert review_outcome(M.COUNTERSIGN, tasks).open_tasks == ("fire", "planning")


# -- 会签 COUNTERSIGN ----------------------------------------------------------------------


def test_countersign_approves_only_when_all_approve() -> None:
    tasks = initial_tasks(M.COUNTERSIGN, DEPTS)
    tasks = step(M.COUNTERSIGN, tasks, "planning", approve=True).tasks
    after_two = step(M.COUNTERSIGN, tasks, "fire", approve=True)
    assert after_two.outcome.kind is K.PENDING
    assert after_two.outcome.open_tasks == ("environment",)
    done = step(M.COUNTERSIGN, after_two.tasks, "environment", approve=True)
    assert done.outcome == ReviewOutcome(M.COUNTERSIGN, K.APPROVED)


def test_countersign_rejects_at_the_first_rejection_and_keeps_collecting_reasons() -> None:
    tasks = initial_tasks(M.COUNTERSIGN, DEPTS)
    first = step(M.COUNTERSIGN, tasks, "fire", approve=False, opinion="消防通道宽度不足")
    assert first.outcome.kind is K.REJECTED
    assert first.outcome.is_complete
    assert first.outcome.tasks_to_cancel == ("planning", "environment")
    assert first.outcome.open_tasks == ("planning", "environment")
    # A department already reviewing may still add its objection; the outcome stays REJECTED.
    second = step(M.COUNTERSIGN, first.tasks, "environment", approve=False, opinion="缺环评批复")
    assert second.outcome.kind is K.REJECTED
    assert second.outcome.rejections == (
        ReviewRejection("fire", "消防通道宽度不足"),
        ReviewRejection("environment", "缺环评批复"),
    )
    assert second.outcome.reasons == ("消防通道宽度不足", "缺环评批复")
    third = step(M.COUNTERSIGN, second.tasks, "planning", approve=True)
    assert third.outcome.kind is K.REJECTED
    assert third.outcome.tasks_to_cancel == ()


def test_countersign_cancelled_tasks_do_not_block() -> None:
    tasks = initial_tasks(M.COUNTERSIGN, DEPTS)
    tasks = step(M.COUNTERSIGN, tasks, "fire", approve=True).tasks
    tasks = step(M.COUNTERSIGN, tasks, "planning", approve=True).tasks
    tasks = cancel_tasks(tasks, ["environment"])
    assert review_outcome(M.COUNTERSIGN, tasks).kind is K.APPROVED


def test_a_review_whose_tasks_are_all_cancelled_stays_pending() -> None:
    for mode in ReviewMode:
        tasks = cancel_tasks(initial_tasks(mode, DEPTS), DEPTS)
        outcome = review_outcome(mode, tasks)
        assert outcome.kind is K.PENDING
        assert outcome.open_tasks == ()


# -- 或签 ANY_ONE --------------------------------------------------------------------------


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
def test_any_one_first_decision_decides(approve: bool) -> None:
    tasks = initial_tasks(M.ANY_ONE, DEPTS)
    first = step(M.ANY_ONE, tasks, "planning", approve=approve, opinion="意见")
    assert first.outcome.kind is (K.APPROVED if approve else K.REJECTED)
    assert first.outcome.tasks_to_cancel == ("fire", "environment")
    assert first.outcome.open_tasks == ()
    late = complete_task(M.ANY_ONE, first.tasks, "fire", approve=not approve, opinion="迟到的意见")
    refusal(late, RefusalCode.REVIEW_ALREADY_COMPLETE)


def test_any_one_with_several_stored_decisions_lets_a_rejection_win() -> None:
    tasks = (
        ReviewTask("fire", 0, T.APPROVED),
        ReviewTask("planning", 1, T.REJECTED, "不符合"),
    )
    outcome = review_outcome(M.ANY_ONE, tasks)
    assert outcome.kind is K.REJECTED
    assert outcome.reasons == ("不符合",)


# -- 依次 SEQUENTIAL -----------------------------------------------------------------------


def test_sequential_opens_tasks_one_after_another() -> None:
    tasks = initial_tasks(M.SEQUENTIAL, DEPTS)
    assert review_outcome(M.SEQUENTIAL, tasks).next_open_task == "fire"
    refusal(
        complete_task(M.SEQUENTIAL, tasks, "planning", approve=True),
        RefusalCode.TASK_NOT_OPEN,
    )
    first = step(M.SEQUENTIAL, tasks, "fire", approve=True)
    assert states(first.tasks) == {
        "fire": T.APPROVED,
        "planning": T.PENDING,
        "environment": T.WAITING,
    }
    assert first.outcome.next_open_task == "planning"
    assert first.outcome.open_tasks == ("planning",)
    second = step(M.SEQUENTIAL, first.tasks, "planning", approve=True)
    third = step(M.SEQUENTIAL, second.tasks, "environment", approve=True)
    assert third.outcome.kind is K.APPROVED
    assert third.outcome.next_open_task is None


def test_sequential_rejection_ends_the_review() -> None:
    tasks = initial_tasks(M.SEQUENTIAL, DEPTS)
    tasks = step(M.SEQUENTIAL, tasks, "fire", approve=True).tasks
    rejected = step(M.SEQUENTIAL, tasks, "planning", approve=False, opinion="超出规划红线")
    assert rejected.outcome.kind is K.REJECTED
    assert rejected.outcome.reasons == ("超出规划红线",)
    assert rejected.outcome.tasks_to_cancel == ("environment",)
    assert states(rejected.tasks)["environment"] is T.WAITING  # never opened
    refusal(
        complete_task(M.SEQUENTIAL, rejected.tasks, "environment", approve=True),
        RefusalCode.REVIEW_ALREADY_COMPLETE,
    )


def test_sequential_uses_order_not_list_position() -> None:
    tasks = (
        ReviewTask("environment", 2, T.WAITING),
        ReviewTask("fire", 0, T.PENDING),
        ReviewTask("planning", 1, T.WAITING),
    )
    assert review_outcome(M.SEQUENTIAL, tasks).next_open_task == "fire"
    result = step(M.SEQUENTIAL, tasks, "fire", approve=True)
    assert [t.department_id for t in result.tasks] == ["environment", "fire", "planning"]
    assert result.outcome.next_open_task == "planning"


def test_sequential_skips_cancelled_tasks() -> None:
    tasks = cancel_tasks(initial_tasks(M.SEQUENTIAL, DEPTS), ["planning"])
    tasks = step(M.SEQUENTIAL, tasks, "fire", approve=True).tasks
    assert states(tasks)["environment"] is T.PENDING
    assert step(M.SEQUENTIAL, tasks, "environment", approve=True).outcome.kind is K.APPROVED


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(ReviewMode), ids=str)
def test_completion_refusals(mode: ReviewMode) -> None:
    tasks = initial_tasks(mode, DEPTS)
    refusal(complete_task(mode, tasks, "tax", approve=True), RefusalCode.UNKNOWN_TASK)
    refusal(complete_task(mode, tasks, "fire", approve=False), RefusalCode.OPINION_REQUIRED)
    refusal(
        complete_task(mode, tasks, "fire", approve=False, opinion="   "),
        RefusalCode.OPINION_REQUIRED,
    )
    done = step(mode, tasks, "fire", approve=True).tasks
    refusal(complete_task(mode, done, "fire", approve=True), RefusalCode.TASK_ALREADY_DECIDED)
    cancelled = cancel_tasks(tasks, ["planning"])
    refusal(complete_task(mode, cancelled, "planning", approve=True), RefusalCode.TASK_CANCELLED)


def test_cancel_tasks_keeps_decisions_and_rejects_unknown_departments() -> None:
    tasks = step(M.COUNTERSIGN, initial_tasks(M.COUNTERSIGN, DEPTS), "fire", approve=True).tasks
    cancelled = cancel_tasks(tasks, DEPTS)
    assert states(cancelled) == {
        "fire": T.APPROVED,
        "planning": T.CANCELLED,
        "environment": T.CANCELLED,
    }
    with pytest.raises(ValueError, match="tax"):
        cancel_tasks(tasks, ["tax"])


def test_opinions_are_kept_on_the_task() -> None:
    result = step(
        M.COUNTERSIGN, initial_tasks(M.COUNTERSIGN, DEPTS), "fire", approve=True, opinion=" 同意 "
    )
    assert next(t for t in result.tasks if t.department_id == "fire").opinion == "同意"


# -- properties ----------------------------------------------------------------------------

department_lists = st.lists(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3), min_size=1, max_size=6, unique=True
)


@st.composite
def decisions(draw: st.DrawFn) -> dict[str, bool]:
    depts = draw(department_lists)
    return {d: draw(st.booleans()) for d in depts}


@given(decisions(), st.randoms())
def test_countersign_outcome_is_approved_iff_all_approve_in_any_order(
    votes: dict[str, bool], rnd: random.Random
) -> None:
    order = list(votes)
    rnd.shuffle(order)
    tasks = initial_tasks(M.COUNTERSIGN, list(votes))
    for dept in order:
        tasks = step(M.COUNTERSIGN, tasks, dept, approve=votes[dept], opinion=f"{dept}意见").tasks
    outcome = review_outcome(M.COUNTERSIGN, tasks)
    assert (outcome.kind is K.APPROVED) == all(votes.values())
    assert (outcome.kind is K.REJECTED) == (not all(votes.values()))
    assert {r.department_id for r in outcome.rejections} == {d for d, v in votes.items() if not v}


@given(decisions(), st.permutations(range(6)), st.permutations(range(6)))
def test_countersign_final_state_does_not_depend_on_the_order_of_decisions(
    votes: dict[str, bool], perm_a: list[int], perm_b: list[int]
) -> None:
    depts = list(votes)

    def run(perm: list[int]) -> tuple[tuple[ReviewTask, ...], ReviewOutcome]:
        tasks = initial_tasks(M.COUNTERSIGN, depts)
        for index in (i for i in perm if i < len(depts)):
            dept = depts[index]
            tasks = step(M.COUNTERSIGN, tasks, dept, approve=votes[dept], opinion="意见").tasks
        return tasks, review_outcome(M.COUNTERSIGN, tasks)

    assert run(perm_a) == run(perm_b)


task_states = st.sampled_from([T.PENDING, T.APPROVED, T.REJECTED])


@given(
    department_lists.flatmap(
        lambda ds: st.tuples(st.just(ds), st.lists(task_states, min_size=len(ds), max_size=len(ds)))
    )
)
def test_countersign_outcome_from_any_stored_states(
    data: tuple[list[str], list[ReviewTaskState]],
) -> None:
    depts, stored = data
    tasks = tuple(
        ReviewTask(d, i, s, "意见") for i, (d, s) in enumerate(zip(depts, stored, strict=True))
    )
    outcome = review_outcome(M.COUNTERSIGN, tasks)
    assert (outcome.kind is K.APPROVED) == all(s is T.APPROVED for s in stored)
    assert (outcome.kind is K.REJECTED) == any(s is T.REJECTED for s in stored)
    assert set(outcome.open_tasks) == {
        d for d, s in zip(depts, stored, strict=True) if s is T.PENDING
    }


@given(decisions(), st.randoms())
def test_any_one_records_exactly_one_decision_the_first(
    votes: dict[str, bool], rnd: random.Random
) -> None:
    depts = list(votes)
    attempts = depts * 2
    rnd.shuffle(attempts)
    tasks = initial_tasks(M.ANY_ONE, depts)
    first = attempts[0]
    for dept in attempts:
        result = complete_task(M.ANY_ONE, tasks, dept, approve=votes[dept], opinion="意见")
        if isinstance(result, ReviewStep):
            assert dept == first
            tasks = result.tasks
    decided = [t for t in tasks if t.state.is_decided]
    assert [t.department_id for t in decided] == [first]
    expected = K.APPROVED if votes[first] else K.REJECTED
    assert review_outcome(M.ANY_ONE, tasks).kind is expected


@given(decisions(), st.lists(st.integers(min_value=0, max_value=5), max_size=30))
def test_sequential_never_lets_a_later_task_act_before_earlier_ones(
    votes: dict[str, bool], attempts: list[int]
) -> None:
    depts = list(votes)
    tasks = initial_tasks(M.SEQUENTIAL, depts)
    for index in attempts:
        dept = depts[index % len(depts)]
        before = tasks
        result = complete_task(M.SEQUENTIAL, tasks, dept, approve=votes[dept], opinion="意见")
        position = depts.index(dept)
        earlier_all_approved = all(t.state is T.APPROVED for t in before[:position])
        if isinstance(result, ReviewStep):
            assert earlier_all_approved
            tasks = result.tasks
        # Invariants after every attempt:
        pending = [t for t in tasks if t.state is T.PENDING]
        assert len(pending) <= 1
        seen_open_or_rejected = False
        for task in tasks:  # tasks are in order 0..n-1
            if seen_open_or_rejected:
                assert not task.state.is_decided
            if task.state is not T.APPROVED:
                seen_open_or_rejected = True
    outcome = review_outcome(M.SEQUENTIAL, tasks)
    if outcome.kind is K.APPROVED:
        assert all(votes.values())
        assert all(t.state is T.APPROVED for t in tasks)


@given(
    st.sampled_from(list(ReviewMode)),
    department_lists.flatmap(
        lambda ds: st.tuples(
            st.just(ds), st.lists(st.sampled_from(list(T)), min_size=len(ds), max_size=len(ds))
        )
    ),
    st.randoms(),
)
def test_outcome_does_not_depend_on_how_tasks_are_listed(
    mode: ReviewMode, data: tuple[list[str], list[ReviewTaskState]], rnd: random.Random
) -> None:
    depts, stored = data
    tasks = [
        ReviewTask(d, i, s, "意见") for i, (d, s) in enumerate(zip(depts, stored, strict=True))
    ]
    shuffled = list(tasks)
    rnd.shuffle(shuffled)
    assert review_outcome(mode, tasks) == review_outcome(mode, shuffled)


def test_review_task_is_immutable() -> None:
    task = ReviewTask("fire", 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.state = T.APPROVED  # type: ignore[misc]
