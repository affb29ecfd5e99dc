"""Case states (办件状态), the statutory clock and the mapping to national status codes.

The canonical state machine follows domain.md §3.4: one internal set of states, mapped to the
national codes only on export (`national_status_code`).

Modelling choices, each with its reason:

* **延长审批 is not a state.** An extension (行政许可法 第42条) only moves the deadline; the case
  stays under review and nothing else about it changes, so it is the ``EXTEND`` command, a
  self-transition on ``IN_PROGRESS`` recorded as an event (GB/T 39046 A.7 特别程序种类 1).
  A state would have to be left again by a second command that means nothing.
* **容缺补正 after acceptance is not a state either.** The clock keeps running and the review
  goes on (domain.md §5: the result is only *issued* after supplementation), so supplying the
  deferred materials is the ``SUPPLEMENT`` self-transition; the decision guard checks that
  nothing is still outstanding.
* **Two decided states** (``DECIDED_APPROVED`` / ``DECIDED_REJECTED``) rather than ``DECIDED``
  plus a field: the table can then say that only an approval is delivered as a licence
  (Art.44) while a refusal is served as a written decision (Art.38), queries for "rejected,
  not yet served" need no second column, and the national code (BLZT 11/12/13) follows from
  the state. Once delivery starts the state no longer tells the outcome, so the snapshot keeps
  a ``decision`` as well (`Decision`).
* **撤销 (revocation, BLZT 15 in the 工改 list) is not a case state**: revoking a licence is a
  licence-context procedure (行政许可法 第69条) on a closed case.
"""

from __future__ import annotations

from enum import StrEnum


class ClockPhase(StrEnum):
    """Where the statutory decision clock (行政许可法 第42条) stands in a state."""

    NOT_STARTED = "not_started"  # 未起算: before 受理; the Art.32 5-day notice period is separate
    RUNNING = "running"  # 计时中
    PAUSED = "paused"  # 暂停: 特别程序 time is not counted (Art.45)
    STOPPED = "stopped"  # 已停止: decided, closed or ended

    @property
    def label(self) -> str:
        return _CLOCK_PHASE_LABELS[self]


_CLOCK_PHASE_LABELS: dict[ClockPhase, str] = {
    ClockPhase.NOT_STARTED: "未起算",
    ClockPhase.RUNNING: "计时中",
    ClockPhase.PAUSED: "暂停计时",
    ClockPhase.STOPPED: "停止计时",
}


class ClockEffect(StrEnum):
    """What a transition does to the statutory clock; the shell records suspensions with it.

    A deadline *extension* (Art.42) is not a clock effect: the clock keeps running and the
    shell adds the extension's working days (see the ``EXTEND`` row and its event).
    """

    NONE = "none"  # 不影响计时
    START = "start"  # 开始计时 (受理日, Art.42; counting from the next day, 民法典 第201条)
    PAUSE = "pause"  # 暂停计时 (特别程序, Art.45)
    RESUME = "resume"  # 恢复计时
    STOP = "stop"  # 停止计时 (决定、撤回、终止)

    @property
    def label(self) -> str:
        return _CLOCK_EFFECT_LABELS[self]


_CLOCK_EFFECT_LABELS: dict[ClockEffect, str] = {
    ClockEffect.NONE: "—",
    ClockEffect.START: "开始计时",
    ClockEffect.PAUSE: "暂停计时",
    ClockEffect.RESUME: "恢复计时",
    ClockEffect.STOP: "停止计时",
}


class Decision(StrEnum):
    """The licensing decision (行政许可决定)."""

    APPROVE = "approve"  # 准予行政许可 (Art.38 ¶1)
    REJECT = "reject"  # 不予行政许可 (Art.38 ¶2: written, with reasons and notice of remedies)

    @property
    def label(self) -> str:
        return "准予许可" if self is Decision.APPROVE else "不予许可"


class CaseState(StrEnum):
    """State of a case (办件). Values are stored; labels are shown to people."""

    DRAFT = "draft"  # 暂存: being filled in, not yet an application
    SUBMITTED = "submitted"  # 已申报: submitted online (网上申报)
    PRE_REVIEW = "pre_review"  # 预审中: online pre-check before formal receipt (网上预受理)
    RECEIVED = "received"  # 已接件: materials received; Art.32 5-day notice period runs
    CORRECTION_REQUESTED = "correction_requested"  # 补正告知: one-time notice (Art.32), waiting
    NOT_ACCEPTED = "not_accepted"  # 不予受理 (Art.32): terminal
    ACCEPTED = "accepted"  # 已受理: clock started; may carry the 容缺受理 flag
    IN_PROGRESS = "in_progress"  # 办理中: department review (并联审批) and decision steps
    SPECIAL_PROCEDURE = "special_procedure"  # 特别程序: hearing, inspection, expert review…
    DECIDED_APPROVED = "decided_approved"  # 准予许可: decision made, to be delivered (Art.44)
    DECIDED_REJECTED = "decided_rejected"  # 不予许可: decision made, to be served (Art.38)
    DELIVERING = "delivering"  # 送达中: certificate or decision being delivered
    CLOSED = "closed"  # 办结: terminal
    WITHDRAWN = "withdrawn"  # 撤回: the applicant withdrew before a decision; terminal
    TERMINATED = "terminated"  # 终止: ended by the agency (e.g. 容缺 materials never supplied)

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def is_terminal(self) -> bool:
        """No command leaves this state."""
        return self in _TERMINAL

    @property
    def is_open(self) -> bool:
        """The case still needs work from someone (every non-terminal state, DRAFT included)."""
        return not self.is_terminal

    @property
    def is_decided(self) -> bool:
        """A licensing decision exists (decided, delivering or closed)."""
        return self in _DECIDED_OR_LATER

    @property
    def clock_phase(self) -> ClockPhase:
        """Where the statutory decision clock stands while the case is in this state."""
        return _CLOCK_PHASES[self]

    @property
    def decision(self) -> Decision | None:
        """The decision this state itself implies (only the two decided states)."""
        if self is CaseState.DECIDED_APPROVED:
            return Decision.APPROVE
        if self is CaseState.DECIDED_REJECTED:
            return Decision.REJECT
        return None


_STATE_LABELS: dict[CaseState, str] = {
    CaseState.DRAFT: "暂存",
    CaseState.SUBMITTED: "已申报",
    CaseState.PRE_REVIEW: "预审中",
    CaseState.RECEIVED: "已接件",
    CaseState.CORRECTION_REQUESTED: "补正告知",
    CaseState.NOT_ACCEPTED: "不予受理",
    CaseState.ACCEPTED: "已受理",
    CaseState.IN_PROGRESS: "办理中",
    CaseState.SPECIAL_PROCEDURE: "特别程序",
    CaseState.DECIDED_APPROVED: "准予许可",
    CaseState.DECIDED_REJECTED: "不予许可",
    CaseState.DELIVERING: "送达中",
    CaseState.CLOSED: "办结",
    CaseState.WITHDRAWN: "撤回",
    CaseState.TERMINATED: "终止",
}

_TERMINAL = frozenset(
    {CaseState.NOT_ACCEPTED, CaseState.CLOSED, CaseState.WITHDRAWN, CaseState.TERMINATED}
)

_DECIDED_OR_LATER = frozenset(
    {
        CaseState.DECIDED_APPROVED,
        CaseState.DECIDED_REJECTED,
        CaseState.DELIVERING,
        CaseState.CLOSED,
    }
)

_CLOCK_PHASES: dict[CaseState, ClockPhase] = {
    CaseState.DRAFT: ClockPhase.NOT_STARTED,
    CaseState.SUBMITTED: ClockPhase.NOT_STARTED,
    CaseState.PRE_REVIEW: ClockPhase.NOT_STARTED,
    CaseState.RECEIVED: ClockPhase.NOT_STARTED,
    CaseState.CORRECTION_REQUESTED: ClockPhase.NOT_STARTED,
    CaseState.NOT_ACCEPTED: ClockPhase.NOT_STARTED,
    CaseState.ACCEPTED: ClockPhase.RUNNING,
    CaseState.IN_PROGRESS: ClockPhase.RUNNING,
    CaseState.SPECIAL_PROCEDURE: ClockPhase.PAUSED,
    CaseState.DECIDED_APPROVED: ClockPhase.STOPPED,
    CaseState.DECIDED_REJECTED: ClockPhase.STOPPED,
    CaseState.DELIVERING: ClockPhase.STOPPED,
    CaseState.CLOSED: ClockPhase.STOPPED,
    CaseState.WITHDRAWN: ClockPhase.STOPPED,
    CaseState.TERMINATED: ClockPhase.STOPPED,
}


def expected_clock_effect(source: CaseState, target: CaseState) -> ClockEffect:
    """The clock effect implied by moving between two states' clock phases.

    Used to check the transition table for consistency: every row's ``clock`` column must
    equal this. A withdrawal before acceptance stops nothing (the clock never started).
    """
    before, after = source.clock_phase, target.clock_phase
    if before == after or after is ClockPhase.NOT_STARTED:
        return ClockEffect.NONE
    if after is ClockPhase.RUNNING:
        return ClockEffect.START if before is ClockPhase.NOT_STARTED else ClockEffect.RESUME
    if after is ClockPhase.PAUSED:
        return ClockEffect.PAUSE
    # after is STOPPED
    return ClockEffect.NONE if before is ClockPhase.NOT_STARTED else ClockEffect.STOP


# States reported with one BLZT code whatever happened before (None: not reported).
_FIXED_CODES: dict[CaseState, int | None] = {
    CaseState.DRAFT: None,
    CaseState.SUBMITTED: None,
    CaseState.PRE_REVIEW: None,
    CaseState.CORRECTION_REQUESTED: 6,  # 补正（开始）
    CaseState.NOT_ACCEPTED: 5,  # 不予受理
    CaseState.ACCEPTED: 3,  # 窗口受理 / 已受理
    CaseState.SPECIAL_PROCEDURE: 9,  # 特别程序（开始）
    CaseState.TERMINATED: 15,  # 撤销: closest agency-initiated terminal status
}

# States whose code depends on history: (code by default, code after the flag).
# RECEIVED: 1 已接件 / 7 补正（结束）; IN_PROGRESS: 8 部门开始办理 / 10 特别程序（结束）
# (flag ``resumed``); WITHDRAWN: 2 已撤件 / 14 撤回 (flag ``was_accepted``).
_HISTORY_CODES: dict[CaseState, tuple[int, int]] = {
    CaseState.RECEIVED: (1, 7),
    CaseState.IN_PROGRESS: (8, 10),
    CaseState.WITHDRAWN: (2, 14),
}


def national_status_code(
    state: CaseState,
    *,
    decision: Decision | None = None,
    tolerant: bool = False,
    was_accepted: bool = False,
    resumed: bool = False,
) -> int | None:
    """The 工改 办理状态 ``BLZT`` code (住建部 工程建设项目审批管理系统 data standard,
    domain.md §3.3 a) for a case in ``state``; ``None`` when the state is not reported.

    The national list is a status *stream*, so a few codes depend on history, passed in:

    * ``resumed``: RECEIVED after a correction round → 7 补正（结束）instead of 1 已接件;
      IN_PROGRESS after a special procedure → 10 特别程序（结束）instead of 8.
    * ``was_accepted``: WITHDRAWN after acceptance → 14 撤回, before → 2 已撤件.
    * ``tolerant``: the case was accepted under 容缺受理 → an approval is 12 办结（容缺通过）.
    * ``decision``: needed for DELIVERING and CLOSED (11/12/13); implied by the decided states.

    DRAFT, SUBMITTED and PRE_REVIEW are not reported (the 工改 stream starts at 接件).
    NOT_ACCEPTED is 5 不予受理 (code 4 不受理 is not produced). TERMINATED has no code of its
    own; it is reported as 15 撤销, the agency-initiated terminal status (domain.md §3.4).

    Raises ``ValueError`` when DELIVERING or CLOSED is given without a decision, or when
    ``decision`` contradicts a decided state.
    """
    if state in _HISTORY_CODES:
        flag = was_accepted if state is CaseState.WITHDRAWN else resumed
        first, after = _HISTORY_CODES[state]
        return after if flag else first
    if state in _FIXED_CODES:
        return _FIXED_CODES[state]
    implied = state.decision
    if implied is not None and decision is not None and decision is not implied:
        raise ValueError(f"状态「{state.label}」与决定「{decision.label}」不一致")
    final = implied or decision
    if final is None:
        raise ValueError(f"状态「{state.label}」需要给出许可决定才能确定全国状态码")
    if final is Decision.REJECT:
        return 13
    return 12 if tolerant else 11
