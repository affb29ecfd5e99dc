"""The case (办件) workflow as data: states, commands, the transition table, guards, events
and the parallel-review (并联审批) rules. Framework-free (no Django, no I/O).

Modules: ``states`` (CaseState, clock, national codes) · ``actors`` (Role, Actor) ·
``commands`` (Command, CommandParams) · ``snapshot`` (CaseSnapshot) · ``guards`` ·
``transitions`` (the table) · ``machine`` (decide, allowed_commands) · ``events`` (CaseEvent) ·
``review`` (review outcome rules) · ``refusals`` (typed refusals).
"""

from banhao_core.workflow.actors import Actor, Role
from banhao_core.workflow.commands import (
    Command,
    CommandParams,
    DeliveryMethod,
    NotAcceptedGround,
    SpecialProcedureKind,
)
from banhao_core.workflow.events import (
    BUSINESS_ACTIONS,
    EVENT_KINDS,
    BusinessAction,
    CaseEvent,
    EventKind,
)
from banhao_core.workflow.guards import Guard
from banhao_core.workflow.machine import Accepted, Outcome, allowed_commands, decide
from banhao_core.workflow.refusals import RefusalCode, Refused
from banhao_core.workflow.review import (
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
from banhao_core.workflow.snapshot import DEFAULT_MAX_EXTENSION_WORKING_DAYS, CaseSnapshot
from banhao_core.workflow.states import (
    CaseState,
    ClockEffect,
    ClockPhase,
    Decision,
    expected_clock_effect,
    national_status_code,
)
from banhao_core.workflow.transitions import (
    TRANSITIONS,
    Transition,
    render_table_markdown,
    transitions_from,
)

__all__ = [
    "BUSINESS_ACTIONS",
    "DEFAULT_MAX_EXTENSION_WORKING_DAYS",
    "EVENT_KINDS",
    "TRANSITIONS",
    "Accepted",
    "Actor",
    "BusinessAction",
    "CaseEvent",
    "CaseSnapshot",
    "CaseState",
    "ClockEffect",
    "ClockPhase",
    "Command",
    "CommandParams",
    "Decision",
    "DeliveryMethod",
    "EventKind",
    "Guard",
    "NotAcceptedGround",
    "Outcome",
    "RefusalCode",
    "Refused",
    "ReviewMode",
    "ReviewOutcome",
    "ReviewOutcomeKind",
    "ReviewRejection",
    "ReviewStep",
    "ReviewTask",
    "ReviewTaskState",
    "Role",
    "SpecialProcedureKind",
    "Transition",
    "allowed_commands",
    "cancel_tasks",
    "complete_task",
    "decide",
    "expected_clock_effect",
    "initial_tasks",
    "national_status_code",
    "render_table_markdown",
    "review_outcome",
    "transitions_from",
]
