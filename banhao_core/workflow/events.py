"""Case events: the immutable 办理过程 record written for every accepted transition.

**One generic event type.** Every transition produces a `CaseEvent` carrying the GB/T 39046
6.4 事项办理 fields (业务动作, 环节名称, 环节处理人, 环节处理意见, time) plus from/to states and
a few command-specific ``details``. One type rather than a class per event because:

* persistence is one append-only ``CaseEvent`` table with these columns (conventions §5.5);
* the timeline, 电子监察 and the national ``up_pro_process`` export read the same fields for
  every step; the differences between steps are only in ``details``;
* ``kind`` is still a past-tense name (`EventKind`), so handlers can match on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from banhao_core.workflow.commands import Command
from banhao_core.workflow.states import CaseState


class BusinessAction(StrEnum):
    """GB/T 39046-2020 6.4 业务动作 (the national ``up_pro_process.event_name``).

    PASS: the step moved the application forward. RETURN: it went back to the applicant for
    action (预审退回, 补正, 不予受理). OTHER: suspensions, extensions, withdrawals, terminations and
    the refusal decision (a 不予许可 decision is not a "pass" of the step and not a return).
    """

    PASS = "pass"  # noqa: S105 -- 通过 (a business action, not a password)
    RETURN = "return"  # 退回
    OTHER = "other"  # 其他

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS: dict[BusinessAction, str] = {
    BusinessAction.PASS: "通过",
    BusinessAction.RETURN: "退回",
    BusinessAction.OTHER: "其他",
}


class EventKind(StrEnum):
    """What happened, in the past tense; one per `Command`."""

    SUBMITTED = "submitted"
    REGISTERED_AT_WINDOW = "registered_at_window"
    PRE_REVIEW_STARTED = "pre_review_started"
    PRE_REVIEW_RETURNED = "pre_review_returned"
    RECEIVED = "received"
    CORRECTION_REQUESTED = "correction_requested"
    RESUBMITTED = "resubmitted"
    ACCEPTANCE_REFUSED = "acceptance_refused"
    ACCEPTED = "accepted"
    REVIEW_STARTED = "review_started"
    MATERIALS_SUPPLEMENTED = "materials_supplemented"
    SPECIAL_PROCEDURE_STARTED = "special_procedure_started"
    SPECIAL_PROCEDURE_ENDED = "special_procedure_ended"
    EXTENDED = "extended"
    APPROVED = "approved"
    REJECTED = "rejected"
    DELIVERY_STARTED = "delivery_started"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"


EVENT_KINDS: Mapping[Command, EventKind] = MappingProxyType(
    {
        Command.SUBMIT: EventKind.SUBMITTED,
        Command.REGISTER_AT_WINDOW: EventKind.REGISTERED_AT_WINDOW,
        Command.START_PRE_REVIEW: EventKind.PRE_REVIEW_STARTED,
        Command.RETURN_PRE_REVIEW: EventKind.PRE_REVIEW_RETURNED,
        Command.RECEIVE: EventKind.RECEIVED,
        Command.REQUEST_CORRECTION: EventKind.CORRECTION_REQUESTED,
        Command.RESUBMIT: EventKind.RESUBMITTED,
        Command.REFUSE_ACCEPTANCE: EventKind.ACCEPTANCE_REFUSED,
        Command.ACCEPT: EventKind.ACCEPTED,
        Command.START_REVIEW: EventKind.REVIEW_STARTED,
        Command.SUPPLEMENT: EventKind.MATERIALS_SUPPLEMENTED,
        Command.START_SPECIAL_PROCEDURE: EventKind.SPECIAL_PROCEDURE_STARTED,
        Command.END_SPECIAL_PROCEDURE: EventKind.SPECIAL_PROCEDURE_ENDED,
        Command.EXTEND: EventKind.EXTENDED,
        Command.DECIDE_APPROVE: EventKind.APPROVED,
        Command.DECIDE_REJECT: EventKind.REJECTED,
        Command.START_DELIVERY: EventKind.DELIVERY_STARTED,
        Command.CLOSE: EventKind.CLOSED,
        Command.WITHDRAW: EventKind.WITHDRAWN,
        Command.TERMINATE: EventKind.TERMINATED,
    }
)

_P, _R, _O = BusinessAction.PASS, BusinessAction.RETURN, BusinessAction.OTHER

BUSINESS_ACTIONS: Mapping[Command, BusinessAction] = MappingProxyType(
    {
        Command.SUBMIT: _P,
        Command.REGISTER_AT_WINDOW: _P,
        Command.START_PRE_REVIEW: _O,
        Command.RETURN_PRE_REVIEW: _R,
        Command.RECEIVE: _P,
        Command.REQUEST_CORRECTION: _R,
        Command.RESUBMIT: _P,
        Command.REFUSE_ACCEPTANCE: _R,
        Command.ACCEPT: _P,
        Command.START_REVIEW: _P,
        Command.SUPPLEMENT: _O,
        Command.START_SPECIAL_PROCEDURE: _O,
        Command.END_SPECIAL_PROCEDURE: _O,
        Command.EXTEND: _O,
        Command.DECIDE_APPROVE: _P,
        Command.DECIDE_REJECT: _O,
        Command.START_DELIVERY: _P,
        Command.CLOSE: _P,
        Command.WITHDRAW: _O,
        Command.TERMINATE: _O,
    }
)


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One 办理过程 step (GB/T 39046 6.4), appended to the case's history.

    ``at`` is both 环节开始时间 and 环节结束时间 (the standard's rule when a step has no
    separate end). ``details`` holds command-specific facts as sorted (key, value) pairs, e.g.
    ``("tracking_number", "EMS…")``, so the event stays hashable and immutable.
    """

    kind: EventKind
    command: Command
    from_state: CaseState
    to_state: CaseState
    actor_id: str  # 环节处理人
    at: dt.datetime
    action: BusinessAction  # 业务动作
    step_name_zh: str  # 环节名称
    opinion: str = ""  # 环节处理意见
    details: tuple[tuple[str, str], ...] = ()

    def detail(self, key: str) -> str | None:
        """The value of one detail, or ``None``."""
        return dict(self.details).get(key)
