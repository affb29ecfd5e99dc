"""Applying the transition table: `decide` and `allowed_commands`.

Functional core (conventions §5.5): the shell locks the case row, builds a `CaseSnapshot`,
calls `decide`, and on `Accepted` writes the new state, the events and the audit entry in one
transaction, applying ``clock`` to the case's time limit. On `Refused` it shows
``message_zh``. Nothing here reads the clock, the database or the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from banhao_core.workflow.actors import Actor, Role
from banhao_core.workflow.commands import Command, CommandParams, SpecialProcedureKind
from banhao_core.workflow.events import BUSINESS_ACTIONS, EVENT_KINDS, CaseEvent
from banhao_core.workflow.refusals import RefusalCode, Refused
from banhao_core.workflow.snapshot import CaseSnapshot
from banhao_core.workflow.states import CaseState, ClockEffect, ClockPhase
from banhao_core.workflow.transitions import TRANSITIONS, Transition, transitions_from

# GB/T 39046-2020 A.7 特别程序种类代码.
SPECIAL_PROCEDURE_CODE_EXTENSION = "1"  # 延长审批
SPECIAL_PROCEDURE_CODE_OTHER = "2"  # 除延长审批之外的情况


@dataclass(frozen=True, slots=True)
class Accepted:
    """The command is allowed: move to ``new_state``, append ``events``, apply ``clock``.

    Everything else the shell stores comes from the parameters it passed (e.g. the 容缺 flag
    on ACCEPT, the days of an EXTEND) and is also recorded in the event's details.
    """

    new_state: CaseState
    events: tuple[CaseEvent, ...]
    clock: ClockEffect
    transition: Transition


Outcome = Accepted | Refused


def _refuse_invalid(state: CaseState, command: Command) -> Refused:
    return Refused(
        RefusalCode.INVALID_TRANSITION,
        f"当前状态「{state.label}」不能执行「{command.label}」",
    )


def _permission_refusal(row: Transition, snapshot: CaseSnapshot, actor: Actor) -> Refused | None:
    """Role check, then ownership: the applicant role grants a command only on the
    applicant's own case (other roles' scope is checked by the shell's access layer)."""
    if not actor.has_any(row.roles):
        allowed = "、".join(role.label for role in Role if role in row.roles)
        return Refused(
            RefusalCode.ROLE_NOT_ALLOWED,
            f"「{row.command.label}」须由{allowed}办理，当前用户没有相应角色",
        )
    acts_only_as_applicant = (actor.roles & row.roles) == {Role.APPLICANT}
    if acts_only_as_applicant and actor.id != snapshot.applicant_id:
        return Refused(RefusalCode.NOT_CASE_APPLICANT, "申请人只能办理本人申请的办件")
    return None


DetailFn = Callable[[Transition, CaseSnapshot, CommandParams], dict[str, str]]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _listed(items: Iterable[str]) -> str:
    return "、".join(m.strip() for m in items if m.strip())


def _correction_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    return {"materials": _listed(p.materials)}


def _supplement_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    remaining = [m for m in s.missing_non_key_materials if m not in p.materials]
    return {"materials": _listed(p.materials), "remaining_materials": _listed(remaining)}


def _refusal_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    details = {"ground": p.not_accepted_ground.value if p.not_accepted_ground else ""}
    if p.referral_agency.strip():
        details["referral_agency"] = p.referral_agency.strip()
    return details


def _accept_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    details = {"tolerant": _flag(p.tolerant)}
    if p.tolerant:
        details["deferred_materials"] = _listed(s.missing_non_key_materials)
    if s.correction_period_expired:
        # 行政许可法 第32条 ¶1(4): no notice in time ⇒ accepted from the day of receipt.
        details["deemed_accepted_on_receipt"] = "true"
    return details


def _special_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    kind = p.procedure_kind or SpecialProcedureKind.OTHER
    return {
        "procedure_kind": kind.value,
        "special_procedure_code": SPECIAL_PROCEDURE_CODE_OTHER,
        "days": str(p.days),
    }


def _special_end_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    return {"result": p.result.strip()}


def _extend_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    return {
        "days": str(p.days),
        "extended_total": str(s.extended_working_days + (p.days or 0)),
        "special_procedure_code": SPECIAL_PROCEDURE_CODE_EXTENSION,
    }


def _decision_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    decision = row.target.decision
    details = {
        "decision": decision.value if decision is not None else "",
        "tolerant": _flag(s.accepted_with_tolerance),
    }
    if row.command is Command.DECIDE_REJECT:
        details["rights_notified"] = _flag(p.rights_notified)
        if s.review is not None and s.review.rejections:
            details["review_reasons"] = "；".join(
                f"{r.department_id}：{r.opinion}" for r in s.review.rejections
            )
    return details


def _delivery_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    details = {"delivery_method": p.delivery_method.value if p.delivery_method else ""}
    if p.tracking_number.strip():
        details["tracking_number"] = p.tracking_number.strip()
    return details


def _withdraw_details(row: Transition, s: CaseSnapshot, p: CommandParams) -> dict[str, str]:
    return {"was_accepted": _flag(s.state.clock_phase is not ClockPhase.NOT_STARTED)}


_DETAILS: dict[Command, DetailFn] = {
    Command.REQUEST_CORRECTION: _correction_details,
    Command.SUPPLEMENT: _supplement_details,
    Command.REFUSE_ACCEPTANCE: _refusal_details,
    Command.ACCEPT: _accept_details,
    Command.START_SPECIAL_PROCEDURE: _special_details,
    Command.END_SPECIAL_PROCEDURE: _special_end_details,
    Command.EXTEND: _extend_details,
    Command.DECIDE_APPROVE: _decision_details,
    Command.DECIDE_REJECT: _decision_details,
    Command.START_DELIVERY: _delivery_details,
    Command.WITHDRAW: _withdraw_details,
}


def _details(row: Transition, snapshot: CaseSnapshot, params: CommandParams) -> dict[str, str]:
    """Command-specific facts for the event (GB/T 39046 6.4 / 6.9 fields where they exist)."""
    details: dict[str, str] = {}
    if params.reason.strip():
        details["reason"] = params.reason.strip()
    detail_fn = _DETAILS.get(row.command)
    if detail_fn is not None:
        details.update(detail_fn(row, snapshot, params))
    return details


def decide(
    snapshot: CaseSnapshot,
    command: Command,
    actor: Actor,
    params: CommandParams | None = None,
    *,
    now: dt.datetime,
) -> Outcome:
    """Decide whether ``actor`` may execute ``command`` on the case, and what follows.

    Checks, in order, each giving a `Refused` with a Chinese explanation:

    1. the (state, command) pair is in `TRANSITIONS` — else ``invalid_transition``;
    2. the actor holds one of the row's roles — else ``role_not_allowed``; an actor acting
       only as applicant must be the case's applicant — else ``not_case_applicant``;
    3. the row's guards, in table order; the first refusal is returned.

    Otherwise `Accepted` with the target state, one `CaseEvent` (GB/T 39046 6.4 fields) and
    the row's clock effect. ``now`` must be timezone-aware (it is stored as the step time).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    params = params if params is not None else CommandParams()
    row = TRANSITIONS.get((snapshot.state, command))
    if row is None:
        return _refuse_invalid(snapshot.state, command)
    refusal = _permission_refusal(row, snapshot, actor)
    if refusal is not None:
        return refusal
    for check in row.guards:
        refusal = check(snapshot, params)
        if refusal is not None:
            return refusal
    details = _details(row, snapshot, params)
    event = CaseEvent(
        kind=EVENT_KINDS[command],
        command=command,
        from_state=row.source,
        to_state=row.target,
        actor_id=actor.id,
        at=now,
        action=BUSINESS_ACTIONS[command],
        step_name_zh=row.description_zh,
        opinion=params.opinion.strip() or params.reason.strip(),
        details=tuple(sorted(details.items())),
    )
    return Accepted(new_state=row.target, events=(event,), clock=row.clock, transition=row)


def allowed_commands(snapshot: CaseSnapshot, actor: Actor) -> list[Command]:
    """Commands to offer as buttons: the row exists for the current state, the actor passes
    the role and ownership checks, and every guard that looks only at the snapshot passes.

    Guards that need the form's input (reasons, days, delivery method…) are checked when the
    command is submitted, by `decide`. Ordered as in the table.
    """
    allowed: list[Command] = []
    for row in transitions_from(snapshot.state):
        if _permission_refusal(row, snapshot, actor) is not None:
            continue
        blank = CommandParams()
        if all(check(snapshot, blank) is None for check in row.guards if not check.uses_params):
            allowed.append(row.command)
    return allowed
