"""Tests for the case state machine (banhao_core.workflow): the table, decide, guards, events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import deque

import pytest

from banhao_core.workflow import (
    BUSINESS_ACTIONS,
    EVENT_KINDS,
    TRANSITIONS,
    Accepted,
    Actor,
    BusinessAction,
    CaseSnapshot,
    CaseState,
    ClockEffect,
    ClockPhase,
    Command,
    CommandParams,
    Decision,
    DeliveryMethod,
    NotAcceptedGround,
    RefusalCode,
    Refused,
    ReviewMode,
    ReviewOutcome,
    Role,
    SpecialProcedureKind,
    Transition,
    allowed_commands,
    complete_task,
    decide,
    expected_clock_effect,
    initial_tasks,
    national_status_code,
    render_table_markdown,
    review_outcome,
)

S, C = CaseState, Command
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
APPLICANT_ID = "applicant-1"
ROWS = tuple(TRANSITIONS.values())


# -- fixtures as plain functions ---------------------------------------------------------


def _review(mode: ReviewMode, *decisions: bool | None) -> ReviewOutcome:
    """A review outcome after departments d0, d1… decided (None = still pending)."""
    depts = [f"d{i}" for i in range(len(decisions))]
    tasks = initial_tasks(mode, depts)
    for dept, decision in zip(depts, decisions, strict=True):
        if decision is None:
            continue
        step = complete_task(mode, tasks, dept, approve=decision, opinion="不符合条件")
        assert not isinstance(step, Refused)
        tasks = step.tasks
    return review_outcome(mode, tasks)


REVIEW_PENDING = _review(ReviewMode.COUNTERSIGN, True, None)
REVIEW_APPROVED = _review(ReviewMode.COUNTERSIGN, True, True)
REVIEW_REJECTED = _review(ReviewMode.COUNTERSIGN, True, False)

VALID_PARAMS: dict[Command, CommandParams] = {
    C.RETURN_PRE_REVIEW: CommandParams(reason="材料扫描件不清晰"),
    C.REQUEST_CORRECTION: CommandParams(materials=("法定代表人身份证明（需加盖公章）",)),
    C.REFUSE_ACCEPTANCE: CommandParams(
        reason="该事项由县自然资源局实施",
        not_accepted_ground=NotAcceptedGround.OUTSIDE_COMPETENCE,
        referral_agency="县自然资源局",
    ),
    C.SUPPLEMENT: CommandParams(materials=("营业执照副本",)),
    C.START_SPECIAL_PROCEDURE: CommandParams(
        reason="申请人依法申请听证", procedure_kind=SpecialProcedureKind.HEARING, days=20
    ),
    C.END_SPECIAL_PROCEDURE: CommandParams(result="听证会已举行，笔录附卷"),
    C.EXTEND: CommandParams(reason="涉及多部门现场核查", days=10),
    C.DECIDE_REJECT: CommandParams(reason="不符合用地规划条件", rights_notified=True),
    C.START_DELIVERY: CommandParams(
        delivery_method=DeliveryMethod.POST, tracking_number="EMS1234567890"
    ),
    C.TERMINATE: CommandParams(reason="容缺材料逾期未补齐"),
}


def valid_params(command: Command) -> CommandParams:
    return VALID_PARAMS.get(command, CommandParams())


def valid_snapshot(row: Transition, **overrides: object) -> CaseSnapshot:
    """A snapshot in the row's source state on which every guard of the row passes."""
    snapshot = CaseSnapshot(state=row.source, applicant_id=APPLICANT_ID)
    if row.command is C.SUPPLEMENT:
        snapshot = dataclasses.replace(
            snapshot, missing_non_key_materials=("营业执照副本",), accepted_with_tolerance=True
        )
    if row.source in (S.ACCEPTED, S.IN_PROGRESS, S.SPECIAL_PROCEDURE):
        snapshot = dataclasses.replace(snapshot, review=REVIEW_PENDING)
    if row.command is C.DECIDE_APPROVE:
        snapshot = dataclasses.replace(snapshot, review=REVIEW_APPROVED)
    if row.command is C.DECIDE_REJECT:
        snapshot = dataclasses.replace(snapshot, review=REVIEW_REJECTED)
    return dataclasses.replace(snapshot, **overrides)  # type: ignore[arg-type]


def actor_with(role: Role, actor_id: str | None = None) -> Actor:
    default_id = APPLICANT_ID if role is Role.APPLICANT else f"{role}-1"
    return Actor.of(actor_id or default_id, role)


def actor_for(row: Transition) -> Actor:
    return actor_with(next(role for role in Role if role in row.roles))


def row_id(row: Transition) -> str:
    return f"{row.source}-{row.command}"


def accepted(outcome: object) -> Accepted:
    assert isinstance(outcome, Accepted), outcome
    return outcome


def refused(outcome: object, code: RefusalCode) -> Refused:
    assert isinstance(outcome, Refused), outcome
    assert outcome.code is code, outcome
    assert outcome.message_zh
    return outcome


def apply(snapshot: CaseSnapshot, command: Command, actor: Actor, **params: object):
    """Run a command that must succeed; return the outcome and the snapshot in the new state."""
    outcome = accepted(decide(snapshot, command, actor, CommandParams(**params), now=NOW))  # type: ignore[arg-type]
    return outcome, dataclasses.replace(snapshot, state=outcome.new_state)


CLERK = actor_with(Role.WINDOW_CLERK)
APPLICANT = actor_with(Role.APPLICANT)
APPROVER = actor_with(Role.APPROVER)
REVIEWER = actor_with(Role.REVIEWER)
SYSTEM = actor_with(Role.SYSTEM)
EVERYONE = Actor.of(APPLICANT_ID, *Role)


# -- every row of the table succeeds -----------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_transition_succeeds_with_valid_input(row: Transition) -> None:
    outcome = accepted(
        decide(valid_snapshot(row), row.command, actor_for(row), valid_params(row.command), now=NOW)
    )
    assert outcome.new_state is row.target
    assert outcome.clock is row.clock
    assert outcome.transition is row
    (event,) = outcome.events
    assert event.kind is EVENT_KINDS[row.command]
    assert event.action is BUSINESS_ACTIONS[row.command]
    assert (event.from_state, event.to_state) == (row.source, row.target)
    assert event.actor_id == actor_for(row).id
    assert event.at == NOW
    assert event.step_name_zh == row.description_zh
    hash(event)  # immutable and hashable


ROW_ROLES = [(row, role) for row in ROWS for role in Role if role in row.roles]


@pytest.mark.parametrize(
    ("row", "role"), ROW_ROLES, ids=[f"{row_id(r)}-{role}" for r, role in ROW_ROLES]
)
def test_every_allowed_role_may_execute_the_transition(row: Transition, role: Role) -> None:
    outcome = decide(
        valid_snapshot(row), row.command, actor_with(role), valid_params(row.command), now=NOW
    )
    assert accepted(outcome).new_state is row.target


# -- everything not in the table is refused ----------------------------------------------

INVALID_PAIRS = [
    (state, command) for state in S for command in C if (state, command) not in TRANSITIONS
]


@pytest.mark.parametrize(
    ("state", "command"), INVALID_PAIRS, ids=[f"{s}-{c}" for s, c in INVALID_PAIRS]
)
def test_pairs_not_in_the_table_are_invalid_transitions(state: CaseState, command: Command) -> None:
    snapshot = CaseSnapshot(state=state, applicant_id=APPLICANT_ID, review=REVIEW_APPROVED)
    outcome = refused(
        decide(snapshot, command, EVERYONE, valid_params(command), now=NOW),
        RefusalCode.INVALID_TRANSITION,
    )
    assert outcome.message_zh == f"当前状态「{state.label}」不能执行「{command.label}」"


def test_invalid_transition_message_reads_naturally() -> None:
    snapshot = CaseSnapshot(state=S.CLOSED, applicant_id=APPLICANT_ID)
    outcome = refused(
        decide(snapshot, C.WITHDRAW, APPLICANT, now=NOW), RefusalCode.INVALID_TRANSITION
    )
    assert outcome.message_zh == "当前状态「办结」不能执行「撤回」"


# -- role refusals -------------------------------------------------------------------------

ROW_OTHER_ROLES = [(row, role) for row in ROWS for role in Role if role not in row.roles]


@pytest.mark.parametrize(
    ("row", "role"), ROW_OTHER_ROLES, ids=[f"{row_id(r)}-{role}" for r, role in ROW_OTHER_ROLES]
)
def test_roles_outside_the_row_are_refused(row: Transition, role: Role) -> None:
    outcome = refused(
        decide(
            valid_snapshot(row), row.command, actor_with(role), valid_params(row.command), now=NOW
        ),
        RefusalCode.ROLE_NOT_ALLOWED,
    )
    assert row.command.label in outcome.message_zh


def test_actor_without_roles_is_refused() -> None:
    row = TRANSITIONS[(S.RECEIVED, C.ACCEPT)]
    refused(
        decide(valid_snapshot(row), C.ACCEPT, Actor("nobody", frozenset()), now=NOW),
        RefusalCode.ROLE_NOT_ALLOWED,
    )


APPLICANT_ROWS = [row for row in ROWS if Role.APPLICANT in row.roles]


@pytest.mark.parametrize("row", APPLICANT_ROWS, ids=row_id)
def test_an_applicant_acts_only_on_their_own_case(row: Transition) -> None:
    stranger = actor_with(Role.APPLICANT, "someone-else")
    refused(
        decide(valid_snapshot(row), row.command, stranger, valid_params(row.command), now=NOW),
        RefusalCode.NOT_CASE_APPLICANT,
    )


def test_the_ownership_rule_does_not_bind_a_clerk_who_is_also_an_applicant() -> None:
    # A clerk may have a citizen account too; acting as clerk, the case need not be theirs.
    clerk_and_citizen = Actor.of("clerk-1", Role.APPLICANT, Role.WINDOW_CLERK)
    row = TRANSITIONS[(S.RECEIVED, C.WITHDRAW)]
    accepted(decide(valid_snapshot(row), C.WITHDRAW, clerk_and_citizen, now=NOW))


def test_helper_submits_for_an_applicant() -> None:
    row = TRANSITIONS[(S.DRAFT, C.SUBMIT)]
    accepted(decide(valid_snapshot(row), C.SUBMIT, actor_with(Role.HELPER), now=NOW))


# -- each guard's refusal ------------------------------------------------------------------


# Each case names the guard it exercises; a meta-test checks that every guard is covered.
def guard_case(
    guard: str,
    state: CaseState,
    command: Command,
    code: RefusalCode,
    *,
    snapshot: dict[str, object] | None = None,
    params: dict[str, object] | None = None,
) -> pytest.ParameterSet:
    """One guard refusal: the valid input for the row, changed by ``snapshot``/``params``."""
    case_id = f"{guard}-{state}-{command}-{code}"
    return pytest.param(guard, state, command, snapshot or {}, params or {}, code, id=case_id)


R = RefusalCode
GUARD_CASES: list[pytest.ParameterSet] = [
    guard_case(
        "correction_not_yet_issued",
        S.RECEIVED,
        C.REQUEST_CORRECTION,
        R.CORRECTION_ALREADY_ISSUED,
        snapshot={"correction_notices_issued": 1},
    ),
    guard_case(
        "correction_period_open",
        S.RECEIVED,
        C.REQUEST_CORRECTION,
        R.CORRECTION_PERIOD_EXPIRED,
        snapshot={"correction_period_expired": True},
    ),
    guard_case(
        "correction_items_listed",
        S.RECEIVED,
        C.REQUEST_CORRECTION,
        R.CORRECTION_ITEMS_REQUIRED,
        params={"materials": ()},
    ),
    guard_case(
        "correction_items_listed",
        S.RECEIVED,
        C.REQUEST_CORRECTION,
        R.CORRECTION_ITEMS_REQUIRED,
        params={"materials": ("  ",)},
    ),
    guard_case(
        "ground_given",
        S.RECEIVED,
        C.REFUSE_ACCEPTANCE,
        R.GROUND_REQUIRED,
        params={"not_accepted_ground": None},
    ),
    guard_case(
        "ground_given",
        S.CORRECTION_REQUESTED,
        C.REFUSE_ACCEPTANCE,
        R.GROUND_REQUIRED,
        params={"not_accepted_ground": None},
    ),
    guard_case(
        "referral_when_outside_competence",
        S.RECEIVED,
        C.REFUSE_ACCEPTANCE,
        R.REFERRAL_REQUIRED,
        params={"referral_agency": " "},
    ),
    guard_case(
        "key_materials_complete",
        S.RECEIVED,
        C.ACCEPT,
        R.KEY_MATERIALS_MISSING,
        snapshot={"missing_key_materials": ("身份证",)},
    ),
    guard_case(
        "key_materials_complete",
        S.RECEIVED,
        C.ACCEPT,
        R.KEY_MATERIALS_MISSING,
        snapshot={
            "missing_key_materials": ("身份证",),
            "missing_non_key_materials": ("照片",),
            "has_commitment_letter": True,
        },
        params={"tolerant": True},
    ),
    guard_case(
        "materials_complete_or_tolerated",
        S.RECEIVED,
        C.ACCEPT,
        R.MATERIALS_MISSING,
        snapshot={"missing_non_key_materials": ("照片",), "has_commitment_letter": True},
    ),
    guard_case(
        "tolerance_conditions_met",
        S.RECEIVED,
        C.ACCEPT,
        R.TOLERANCE_NOT_APPLICABLE,
        params={"tolerant": True},
    ),
    guard_case(
        "tolerance_conditions_met",
        S.RECEIVED,
        C.ACCEPT,
        R.COMMITMENT_LETTER_MISSING,
        snapshot={"missing_non_key_materials": ("照片",)},
        params={"tolerant": True},
    ),
    guard_case(
        "tolerance_conditions_met",
        S.RECEIVED,
        C.ACCEPT,
        R.CREDIT_RESTRICTED,
        snapshot={
            "missing_non_key_materials": ("照片",),
            "has_commitment_letter": True,
            "applicant_credit_restricted": True,
        },
        params={"tolerant": True},
    ),
    guard_case(
        "has_outstanding_materials",
        S.IN_PROGRESS,
        C.SUPPLEMENT,
        R.NOTHING_TO_SUPPLEMENT,
        snapshot={"missing_non_key_materials": ()},
    ),
    guard_case(
        "supplied_materials_listed",
        S.ACCEPTED,
        C.SUPPLEMENT,
        R.SUPPLIED_MATERIALS_REQUIRED,
        params={"materials": ()},
    ),
    guard_case(
        "supplied_materials_listed",
        S.IN_PROGRESS,
        C.SUPPLEMENT,
        R.UNKNOWN_MATERIAL,
        params={"materials": ("不相干的材料",)},
    ),
    guard_case(
        "review_tasks_created",
        S.ACCEPTED,
        C.START_REVIEW,
        R.REVIEW_TASKS_MISSING,
        snapshot={"review": None},
    ),
    guard_case(
        "procedure_kind_given",
        S.IN_PROGRESS,
        C.START_SPECIAL_PROCEDURE,
        R.PROCEDURE_KIND_REQUIRED,
        params={"procedure_kind": None},
    ),
    guard_case(
        "procedure_duration_given",
        S.IN_PROGRESS,
        C.START_SPECIAL_PROCEDURE,
        R.DURATION_REQUIRED,
        params={"days": None},
    ),
    guard_case(
        "procedure_duration_given",
        S.IN_PROGRESS,
        C.START_SPECIAL_PROCEDURE,
        R.DURATION_REQUIRED,
        params={"days": 0},
    ),
    guard_case(
        "result_given",
        S.SPECIAL_PROCEDURE,
        C.END_SPECIAL_PROCEDURE,
        R.RESULT_REQUIRED,
        params={"result": ""},
    ),
    guard_case(
        "extension_available",
        S.IN_PROGRESS,
        C.EXTEND,
        R.EXTENSION_EXHAUSTED,
        snapshot={"extended_working_days": 10},
    ),
    guard_case(
        "extension_days_given", S.IN_PROGRESS, C.EXTEND, R.DAYS_REQUIRED, params={"days": None}
    ),
    guard_case(
        "extension_days_given", S.IN_PROGRESS, C.EXTEND, R.DAYS_REQUIRED, params={"days": 0}
    ),
    guard_case(
        "extension_days_given", S.IN_PROGRESS, C.EXTEND, R.DAYS_REQUIRED, params={"days": -3}
    ),
    guard_case(
        "extension_within_limit",
        S.IN_PROGRESS,
        C.EXTEND,
        R.EXTENSION_EXCEEDS_LIMIT,
        snapshot={"extended_working_days": 6},
        params={"days": 5},
    ),
    guard_case(
        "extension_within_limit",
        S.IN_PROGRESS,
        C.EXTEND,
        R.EXTENSION_EXCEEDS_LIMIT,
        params={"days": 11},
    ),
    guard_case(
        "review_approved",
        S.IN_PROGRESS,
        C.DECIDE_APPROVE,
        R.REVIEW_INCOMPLETE,
        snapshot={"review": REVIEW_PENDING},
    ),
    guard_case(
        "review_approved",
        S.IN_PROGRESS,
        C.DECIDE_APPROVE,
        R.REVIEW_INCOMPLETE,
        snapshot={"review": None},
    ),
    guard_case(
        "review_approved",
        S.IN_PROGRESS,
        C.DECIDE_APPROVE,
        R.REVIEW_REJECTED,
        snapshot={"review": REVIEW_REJECTED},
    ),
    guard_case(
        "materials_all_supplied",
        S.IN_PROGRESS,
        C.DECIDE_APPROVE,
        R.MATERIALS_OUTSTANDING,
        snapshot={"missing_non_key_materials": ("照片",)},
    ),
    guard_case(
        "review_complete",
        S.IN_PROGRESS,
        C.DECIDE_REJECT,
        R.REVIEW_INCOMPLETE,
        snapshot={"review": REVIEW_PENDING},
    ),
    guard_case(
        "review_complete",
        S.IN_PROGRESS,
        C.DECIDE_REJECT,
        R.REVIEW_INCOMPLETE,
        snapshot={"review": None},
    ),
    guard_case(
        "rights_notice_given",
        S.IN_PROGRESS,
        C.DECIDE_REJECT,
        R.RIGHTS_NOTICE_REQUIRED,
        params={"rights_notified": False},
    ),
    guard_case(
        "delivery_method_given",
        S.DECIDED_APPROVED,
        C.START_DELIVERY,
        R.DELIVERY_METHOD_REQUIRED,
        params={"delivery_method": None},
    ),
    guard_case(
        "delivery_method_given",
        S.DECIDED_REJECTED,
        C.START_DELIVERY,
        R.DELIVERY_METHOD_REQUIRED,
        params={"delivery_method": None},
    ),
    guard_case(
        "tracking_number_for_post",
        S.DECIDED_APPROVED,
        C.START_DELIVERY,
        R.TRACKING_NUMBER_REQUIRED,
        params={"tracking_number": ""},
    ),
]

# reason_given: one case per row that has it (a blank reason counts as none).
GUARD_CASES += [
    guard_case("reason_given", row.source, row.command, R.REASON_REQUIRED, params={"reason": "  "})
    for row in ROWS
    if any(g.name == "reason_given" for g in row.guards)
]


@pytest.mark.parametrize(
    ("guard_name", "state", "command", "snapshot_changes", "param_changes", "code"),
    GUARD_CASES,
)
def test_guard_refusals(
    guard_name: str,
    state: CaseState,
    command: Command,
    snapshot_changes: dict[str, object],
    param_changes: dict[str, object],
    code: RefusalCode,
) -> None:
    row = TRANSITIONS[(state, command)]
    assert guard_name in {g.name for g in row.guards}
    snapshot = valid_snapshot(row, **snapshot_changes)
    params = dataclasses.replace(valid_params(command), **param_changes)  # type: ignore[arg-type]
    refused(decide(snapshot, command, actor_for(row), params, now=NOW), code)


def test_every_guard_in_the_table_has_a_refusal_test() -> None:
    used = {g.name for row in ROWS for g in row.guards}
    tested = {case.values[0] for case in GUARD_CASES}
    assert used == tested


def test_guards_are_checked_in_table_order() -> None:
    row = TRANSITIONS[(S.IN_PROGRESS, C.EXTEND)]
    snapshot = valid_snapshot(row, extended_working_days=10)
    refused(
        decide(snapshot, C.EXTEND, APPROVER, CommandParams(), now=NOW),
        RefusalCode.EXTENSION_EXHAUSTED,
    )


@pytest.mark.parametrize(
    "ground", [g for g in NotAcceptedGround if g is not NotAcceptedGround.OUTSIDE_COMPETENCE]
)
def test_referral_is_needed_only_outside_competence(ground: NotAcceptedGround) -> None:
    row = TRANSITIONS[(S.RECEIVED, C.REFUSE_ACCEPTANCE)]
    params = CommandParams(reason="依法不需要取得许可", not_accepted_ground=ground)
    outcome = accepted(decide(valid_snapshot(row), row.command, CLERK, params, now=NOW))
    assert outcome.events[0].detail("ground") == ground.value


@pytest.mark.parametrize("method", [DeliveryMethod.WINDOW, DeliveryMethod.ELECTRONIC])
def test_tracking_number_is_needed_only_for_post(method: DeliveryMethod) -> None:
    row = TRANSITIONS[(S.DECIDED_APPROVED, C.START_DELIVERY)]
    outcome = accepted(
        decide(
            valid_snapshot(row), row.command, SYSTEM, CommandParams(delivery_method=method), now=NOW
        )
    )
    assert outcome.events[0].detail("delivery_method") == method.value
    assert outcome.events[0].detail("tracking_number") is None


# -- scenarios -----------------------------------------------------------------------------


def test_correction_round_trip() -> None:
    """补正: RECEIVED → CORRECTION_REQUESTED → RESUBMIT → RECEIVED → ACCEPTED (Art.32)."""
    case = CaseSnapshot(state=S.RECEIVED, applicant_id=APPLICANT_ID)
    notice, case = apply(case, C.REQUEST_CORRECTION, CLERK, materials=("营业执照", "场地证明"))
    assert case.state is S.CORRECTION_REQUESTED
    assert notice.clock is ClockEffect.NONE
    assert notice.events[0].action is BusinessAction.RETURN
    assert notice.events[0].detail("materials") == "营业执照、场地证明"

    # One-time notice: no second notice until the applicant has resubmitted.
    refused(
        decide(case, C.REQUEST_CORRECTION, CLERK, CommandParams(materials=("照片",)), now=NOW),
        RefusalCode.INVALID_TRANSITION,
    )
    # Nor can the case be accepted while the notice is open.
    refused(decide(case, C.ACCEPT, CLERK, now=NOW), RefusalCode.INVALID_TRANSITION)

    resubmitted, case = apply(case, C.RESUBMIT, APPLICANT)
    assert case.state is S.RECEIVED
    assert resubmitted.clock is ClockEffect.NONE
    assert national_status_code(case.state, resumed=True) == 7

    # Still short after the resubmission: no second notice (一次告知), only 不予受理.
    after = dataclasses.replace(case, correction_notices_issued=1)
    refused(
        decide(after, C.REQUEST_CORRECTION, CLERK, CommandParams(materials=("照片",)), now=NOW),
        RefusalCode.CORRECTION_ALREADY_ISSUED,
    )
    assert C.REQUEST_CORRECTION not in allowed_commands(after, CLERK)

    acceptance, case = apply(case, C.ACCEPT, CLERK)
    assert case.state is S.ACCEPTED
    assert acceptance.clock is ClockEffect.START
    assert acceptance.events[0].detail("tolerant") == "false"


def test_a_late_correction_notice_is_refused_and_acceptance_is_deemed_from_receipt() -> None:
    case = CaseSnapshot(state=S.RECEIVED, applicant_id=APPLICANT_ID, correction_period_expired=True)
    assert C.REQUEST_CORRECTION not in allowed_commands(case, CLERK)
    outcome, _ = apply(case, C.ACCEPT, CLERK)
    assert outcome.events[0].detail("deemed_accepted_on_receipt") == "true"


def test_never_corrected_application_is_not_accepted() -> None:
    case = CaseSnapshot(state=S.CORRECTION_REQUESTED, applicant_id=APPLICANT_ID)
    outcome, case = apply(
        case,
        C.REFUSE_ACCEPTANCE,
        CLERK,
        reason="逾期未补正",
        not_accepted_ground=NotAcceptedGround.NOT_CORRECTED,
    )
    assert case.state is S.NOT_ACCEPTED and case.state.is_terminal
    assert outcome.events[0].action is BusinessAction.RETURN


def test_tolerant_acceptance_then_supplement_then_approval() -> None:
    """容缺受理: accept with a deferred non-key material, supplement it, then approve."""
    case = CaseSnapshot(
        state=S.RECEIVED,
        applicant_id=APPLICANT_ID,
        missing_non_key_materials=("消防验收意见书",),
        has_commitment_letter=True,
    )
    refused(decide(case, C.ACCEPT, CLERK, now=NOW), RefusalCode.MATERIALS_MISSING)
    acceptance, case = apply(case, C.ACCEPT, CLERK, tolerant=True)
    assert acceptance.clock is ClockEffect.START
    assert acceptance.events[0].detail("tolerant") == "true"
    assert acceptance.events[0].detail("deferred_materials") == "消防验收意见书"
    case = dataclasses.replace(case, accepted_with_tolerance=True, review=REVIEW_PENDING)

    _, case = apply(case, C.START_REVIEW, SYSTEM)
    case = dataclasses.replace(case, review=REVIEW_APPROVED)
    outcome = refused(
        decide(case, C.DECIDE_APPROVE, APPROVER, now=NOW), RefusalCode.MATERIALS_OUTSTANDING
    )
    assert "消防验收意见书" in outcome.message_zh

    supplied, case = apply(case, C.SUPPLEMENT, APPLICANT, materials=("消防验收意见书",))
    assert case.state is S.IN_PROGRESS
    assert supplied.events[0].detail("remaining_materials") == ""
    case = dataclasses.replace(case, missing_non_key_materials=())

    decision, case = apply(case, C.DECIDE_APPROVE, APPROVER)
    assert case.state is S.DECIDED_APPROVED
    assert decision.clock is ClockEffect.STOP
    assert decision.events[0].detail("tolerant") == "true"
    assert national_status_code(case.state, tolerant=True) == 12


def test_tolerance_never_covers_key_materials() -> None:
    case = CaseSnapshot(
        state=S.RECEIVED,
        applicant_id=APPLICANT_ID,
        missing_key_materials=("建设工程规划许可证",),
        has_commitment_letter=True,
    )
    refused(
        decide(case, C.ACCEPT, CLERK, CommandParams(tolerant=True), now=NOW),
        RefusalCode.KEY_MATERIALS_MISSING,
    )
    assert C.ACCEPT not in allowed_commands(case, CLERK)


def test_terminate_when_tolerated_materials_never_arrive() -> None:
    case = CaseSnapshot(
        state=S.IN_PROGRESS,
        applicant_id=APPLICANT_ID,
        missing_non_key_materials=("照片",),
        accepted_with_tolerance=True,
    )
    outcome, case = apply(case, C.TERMINATE, APPROVER, reason="容缺材料逾期未补齐")
    assert case.state is S.TERMINATED
    assert outcome.clock is ClockEffect.STOP
    assert outcome.events[0].opinion == "容缺材料逾期未补齐"


def test_special_procedure_pauses_and_resumes_the_clock() -> None:
    case = CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID, review=REVIEW_APPROVED)
    start, case = apply(
        case,
        C.START_SPECIAL_PROCEDURE,
        REVIEWER,
        reason="依申请组织听证",
        procedure_kind=SpecialProcedureKind.HEARING,
        days=20,
    )
    assert start.clock is ClockEffect.PAUSE
    assert case.state.clock_phase is ClockPhase.PAUSED
    assert start.events[0].detail("special_procedure_code") == "2"
    assert start.events[0].detail("procedure_kind") == "hearing"
    # No decision and no extension while paused.
    refused(decide(case, C.DECIDE_APPROVE, APPROVER, now=NOW), RefusalCode.INVALID_TRANSITION)
    refused(
        decide(case, C.EXTEND, APPROVER, CommandParams(reason="x", days=1), now=NOW),
        RefusalCode.INVALID_TRANSITION,
    )
    end, case = apply(case, C.END_SPECIAL_PROCEDURE, REVIEWER, result="听证结束，支持申请")
    assert end.clock is ClockEffect.RESUME
    assert case.state is S.IN_PROGRESS
    assert end.events[0].detail("result") == "听证结束，支持申请"
    assert national_status_code(case.state, resumed=True) == 10


@pytest.mark.parametrize(
    ("already", "days", "maximum", "ok"),
    [
        (0, 10, 10, True),
        (0, 11, 10, False),
        (4, 6, 10, True),
        (4, 7, 10, False),
        (0, 15, 15, True),  # 行政许可法 第42条第2款: joint procedures, +15
        (10, 6, 15, False),
    ],
)
def test_extension_limit(already: int, days: int, maximum: int, ok: bool) -> None:
    case = CaseSnapshot(
        state=S.IN_PROGRESS,
        applicant_id=APPLICANT_ID,
        extended_working_days=already,
        max_extension_working_days=maximum,
    )
    outcome = decide(case, C.EXTEND, APPROVER, CommandParams(reason="情况复杂", days=days), now=NOW)
    if ok:
        result = accepted(outcome)
        assert result.new_state is S.IN_PROGRESS
        assert result.clock is ClockEffect.NONE
        assert result.events[0].detail("extended_total") == str(already + days)
        assert result.events[0].detail("special_procedure_code") == "1"
    else:
        refusal = refused(outcome, RefusalCode.EXTENSION_EXCEEDS_LIMIT)
        assert f"最多还可延长{maximum - already}个工作日" in refusal.message_zh


def test_only_an_approver_extends() -> None:
    case = CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID)
    params = CommandParams(reason="情况复杂", days=5)
    for role in (Role.REVIEWER, Role.LEADER, Role.WINDOW_CLERK, Role.SYSTEM):
        refused(
            decide(case, C.EXTEND, actor_with(role), params, now=NOW), RefusalCode.ROLE_NOT_ALLOWED
        )


@pytest.mark.parametrize("state", list(S), ids=str)
def test_withdraw_is_allowed_only_before_a_decision(state: CaseState) -> None:
    case = CaseSnapshot(state=state, applicant_id=APPLICANT_ID)
    outcome = decide(case, C.WITHDRAW, APPLICANT, now=NOW)
    before_decision = state.is_open and not state.is_decided and state is not S.DRAFT
    if before_decision:
        result = accepted(outcome)
        assert result.new_state is S.WITHDRAWN
        clock_started = state.clock_phase is not ClockPhase.NOT_STARTED
        assert result.clock is (ClockEffect.STOP if clock_started else ClockEffect.NONE)
        assert result.events[0].detail("was_accepted") == ("true" if clock_started else "false")
    else:
        refused(outcome, RefusalCode.INVALID_TRANSITION)


def test_reject_collects_the_departments_reasons() -> None:
    case = CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID, review=REVIEW_REJECTED)
    outcome, case = apply(
        case, C.DECIDE_REJECT, APPROVER, reason="不符合规划条件", rights_notified=True
    )
    event = outcome.events[0]
    assert event.detail("review_reasons") == "d1：不符合条件"
    assert event.detail("decision") == Decision.REJECT.value
    assert event.opinion == "不符合规划条件"
    assert national_status_code(case.state) == 13


def test_approver_may_reject_against_approving_reviews_with_reasons() -> None:
    case = CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID, review=REVIEW_APPROVED)
    outcome, _ = apply(case, C.DECIDE_REJECT, APPROVER, reason="涉及公共安全", rights_notified=True)
    assert outcome.new_state is S.DECIDED_REJECTED
    assert outcome.events[0].detail("review_reasons") is None


def test_full_online_path_and_its_clock_effects() -> None:
    case = CaseSnapshot(state=S.DRAFT, applicant_id=APPLICANT_ID)
    steps: list[tuple[Command, Actor, dict[str, object]]] = [
        (C.SUBMIT, APPLICANT, {}),
        (C.START_PRE_REVIEW, SYSTEM, {}),
        (C.RECEIVE, CLERK, {}),
        (C.ACCEPT, CLERK, {}),
        (C.START_REVIEW, SYSTEM, {}),
        (C.DECIDE_APPROVE, APPROVER, {"opinion": "同意"}),
        (C.START_DELIVERY, SYSTEM, {"delivery_method": DeliveryMethod.ELECTRONIC}),
        (C.CLOSE, SYSTEM, {}),
    ]
    clocks = []
    case = dataclasses.replace(case, review=REVIEW_APPROVED)
    for command, actor, params in steps:
        outcome, case = apply(case, command, actor, **params)
        clocks.append(outcome.clock)
    assert case.state is S.CLOSED and case.state.is_terminal
    assert clocks == [
        ClockEffect.NONE,
        ClockEffect.NONE,
        ClockEffect.NONE,
        ClockEffect.START,
        ClockEffect.NONE,
        ClockEffect.STOP,
        ClockEffect.NONE,
        ClockEffect.NONE,
    ]


def test_pre_review_return_goes_back_to_the_draft() -> None:
    case = CaseSnapshot(state=S.PRE_REVIEW, applicant_id=APPLICANT_ID)
    outcome, case = apply(case, C.RETURN_PRE_REVIEW, CLERK, reason="照片不清晰")
    assert case.state is S.DRAFT
    assert outcome.events[0].action is BusinessAction.RETURN
    _, case = apply(case, C.SUBMIT, APPLICANT)
    assert case.state is S.SUBMITTED


def test_walk_in_application_is_registered_straight_to_received() -> None:
    _, case = apply(
        CaseSnapshot(state=S.DRAFT, applicant_id=APPLICANT_ID), C.REGISTER_AT_WINDOW, CLERK
    )
    assert case.state is S.RECEIVED


def test_now_must_be_timezone_aware() -> None:
    case = CaseSnapshot(state=S.DRAFT, applicant_id=APPLICANT_ID)
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(case, C.SUBMIT, APPLICANT, now=dt.datetime(2026, 3, 2, 9, 30))


def test_opinion_falls_back_to_the_reason() -> None:
    case = CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID)
    outcome, _ = apply(case, C.EXTEND, APPROVER, reason="需要补充核查", days=3, opinion="同意延长")
    assert outcome.events[0].opinion == "同意延长"
    assert outcome.events[0].detail("reason") == "需要补充核查"


# -- allowed_commands ----------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_allowed_commands_offers_every_row_when_its_snapshot_guards_pass(row: Transition) -> None:
    assert row.command in allowed_commands(valid_snapshot(row), actor_for(row))


@pytest.mark.parametrize("state", list(S), ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_allowed_commands_only_offers_rows_the_role_may_use(state: CaseState, role: Role) -> None:
    case = CaseSnapshot(state=state, applicant_id=APPLICANT_ID, review=REVIEW_APPROVED)
    for command in allowed_commands(case, actor_with(role)):
        row = TRANSITIONS[(state, command)]
        assert role in row.roles


@pytest.mark.parametrize(
    ("snapshot", "actor", "expected"),
    [
        pytest.param(
            CaseSnapshot(state=S.RECEIVED, applicant_id=APPLICANT_ID),
            CLERK,
            [C.REQUEST_CORRECTION, C.REFUSE_ACCEPTANCE, C.ACCEPT, C.WITHDRAW],
            id="clerk-received",
        ),
        pytest.param(
            CaseSnapshot(
                state=S.RECEIVED, applicant_id=APPLICANT_ID, missing_key_materials=("身份证",)
            ),
            CLERK,
            [C.REQUEST_CORRECTION, C.REFUSE_ACCEPTANCE, C.WITHDRAW],
            id="clerk-received-key-material-missing",
        ),
        pytest.param(
            CaseSnapshot(state=S.RECEIVED, applicant_id=APPLICANT_ID),
            APPLICANT,
            [C.WITHDRAW],
            id="applicant-received",
        ),
        pytest.param(
            CaseSnapshot(state=S.RECEIVED, applicant_id="someone-else"),
            APPLICANT,
            [],
            id="applicant-other-case",
        ),
        pytest.param(
            CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID, review=REVIEW_PENDING),
            APPROVER,
            [C.START_SPECIAL_PROCEDURE, C.EXTEND, C.TERMINATE],
            id="approver-review-pending",
        ),
        pytest.param(
            CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID, review=REVIEW_APPROVED),
            APPROVER,
            [C.START_SPECIAL_PROCEDURE, C.EXTEND, C.DECIDE_APPROVE, C.DECIDE_REJECT, C.TERMINATE],
            id="approver-review-approved",
        ),
        pytest.param(
            CaseSnapshot(
                state=S.IN_PROGRESS,
                applicant_id=APPLICANT_ID,
                review=REVIEW_REJECTED,
                extended_working_days=10,
            ),
            APPROVER,
            [C.START_SPECIAL_PROCEDURE, C.DECIDE_REJECT, C.TERMINATE],
            id="approver-review-rejected-extension-used-up",
        ),
        pytest.param(
            CaseSnapshot(state=S.IN_PROGRESS, applicant_id=APPLICANT_ID),
            actor_with(Role.LEADER),
            [],
            id="leader-has-no-buttons",
        ),
        pytest.param(
            CaseSnapshot(state=S.CLOSED, applicant_id=APPLICANT_ID),
            EVERYONE,
            [],
            id="closed",
        ),
    ],
)
def test_allowed_commands_examples(
    snapshot: CaseSnapshot, actor: Actor, expected: list[Command]
) -> None:
    assert allowed_commands(snapshot, actor) == expected


# -- the table itself ----------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_clock_column_matches_the_states_clock_phases(row: Transition) -> None:
    assert row.clock is expected_clock_effect(row.source, row.target)


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_row_has_roles_a_rule_and_a_step_name(row: Transition) -> None:
    assert row.roles
    assert row.rule.strip()
    assert row.description_zh.strip()
    assert Role.LEADER not in row.roles  # leaders oversee; they do not move cases


def test_terminal_states_have_no_exit_and_open_states_have_one() -> None:
    sources = {row.source for row in ROWS}
    for state in S:
        assert (state in sources) == state.is_open, state


def test_every_state_is_reachable_from_a_draft() -> None:
    seen = {S.DRAFT}
    queue = deque([S.DRAFT])
    while queue:
        state = queue.popleft()
        for row in ROWS:
            if row.source is state and row.target not in seen:
                seen.add(row.target)
                queue.append(row.target)
    assert seen == set(S)


def test_every_command_is_used() -> None:
    assert {row.command for row in ROWS} == set(C)


def test_legal_effects_need_a_person() -> None:
    """Acceptance, refusal, decisions and termination are never taken by a background job."""
    for command in (C.ACCEPT, C.REFUSE_ACCEPTANCE, C.DECIDE_APPROVE, C.DECIDE_REJECT, C.TERMINATE):
        for row in ROWS:
            if row.command is command:
                assert Role.SYSTEM not in row.roles, row_id(row)


def test_decisions_are_approver_only() -> None:
    for row in ROWS:
        if row.command in (C.DECIDE_APPROVE, C.DECIDE_REJECT, C.EXTEND):
            assert row.roles == {Role.APPROVER}


def test_render_table_markdown_lists_every_transition() -> None:
    markdown = render_table_markdown()
    lines = markdown.strip().splitlines()
    assert lines[0].startswith("| 当前状态 | 命令 | 目标状态 | 角色 | 条件 | 计时 |")
    body = lines[2:]
    assert len(body) == len(ROWS)
    for line, row in zip(body, ROWS, strict=True):
        assert f"`{row.source}`" in line
        assert f"`{row.command}`" in line
        assert f"`{row.target}`" in line
        assert row.rule in line
        for guard in row.guards:
            assert f"`{guard.name}`" in line
        assert line.count(" | ") == 7  # eight cells, no stray pipes


# -- labels and national codes -------------------------------------------------------------


def test_every_enum_member_has_a_chinese_label() -> None:
    for enum in (CaseState, Command, Role, ClockEffect, ClockPhase, Decision, BusinessAction):
        for member in enum:
            assert member.label, member


def test_role_values_are_the_agreed_ones() -> None:
    assert [r.value for r in Role] == [
        "applicant",
        "window_clerk",
        "reviewer",
        "approver",
        "helper",
        "leader",
        "admin",
        "system",
    ]


def test_terminal_and_open_states() -> None:
    assert {s for s in S if s.is_terminal} == {S.NOT_ACCEPTED, S.CLOSED, S.WITHDRAWN, S.TERMINATED}
    assert all(s.is_open != s.is_terminal for s in S)


@pytest.mark.parametrize(
    ("state", "kwargs", "code"),
    [
        (S.DRAFT, {}, None),
        (S.SUBMITTED, {}, None),
        (S.PRE_REVIEW, {}, None),
        (S.RECEIVED, {}, 1),
        (S.RECEIVED, {"resumed": True}, 7),
        (S.CORRECTION_REQUESTED, {}, 6),
        (S.NOT_ACCEPTED, {}, 5),
        (S.ACCEPTED, {}, 3),
        (S.IN_PROGRESS, {}, 8),
        (S.IN_PROGRESS, {"resumed": True}, 10),
        (S.SPECIAL_PROCEDURE, {}, 9),
        (S.DECIDED_APPROVED, {}, 11),
        (S.DECIDED_APPROVED, {"tolerant": True}, 12),
        (S.DECIDED_REJECTED, {}, 13),
        (S.DECIDED_REJECTED, {"tolerant": True}, 13),
        (S.DELIVERING, {"decision": Decision.APPROVE}, 11),
        (S.CLOSED, {"decision": Decision.APPROVE, "tolerant": True}, 12),
        (S.CLOSED, {"decision": Decision.REJECT}, 13),
        (S.WITHDRAWN, {}, 2),
        (S.WITHDRAWN, {"was_accepted": True}, 14),
        (S.TERMINATED, {}, 15),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else "-".join(map(str, v.values())) or "plain",
)
def test_national_status_code(
    state: CaseState, kwargs: dict[str, object], code: int | None
) -> None:
    assert national_status_code(state, **kwargs) == code  # type: ignore[arg-type]


def test_national_status_code_needs_the_decision_after_deciding() -> None:
    with pytest.raises(ValueError, match="许可决定"):
        national_status_code(S.CLOSED)
    with pytest.raises(ValueError, match="不一致"):
        national_status_code(S.DECIDED_APPROVED, decision=Decision.REJECT)


def test_decided_states_imply_their_decision() -> None:
    assert S.DECIDED_APPROVED.decision is Decision.APPROVE
    assert S.DECIDED_REJECTED.decision is Decision.REJECT
    assert S.CLOSED.decision is None
