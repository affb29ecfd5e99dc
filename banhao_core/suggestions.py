"""民说民评 suggestions (建议 / 投诉 / 吐槽): the status table and the answer deadline.

Every suggestion raised at a "民说民评" forum, submitted online or written on a questionnaire is
tracked to a result (domain.md §4.7: a local engagement tool on top of 好差评, kept out of the
national 好差评 feed). The statuses, in order::

    已登记 ──交办──▶ 已交办 ──受理──▶ 办理中 ──答复──▶ 已答复 ──办结──▶ 已办结
       │                │                 │
       └──不予采纳──────┴────不予采纳─────┘──▶ 不予采纳（说明理由）

* 交办 names the owner department (谁主管、谁负责) and starts the answer deadline, counted in
  working days from the next working day (the same counting as the case clock, 民法典 第201条).
* 答复 requires a written response; 办结 requires a public summary of the result (the
  accountability page shows it) — the evidence files are checked by the shell.
* 不予采纳 is an answer too: it requires the reason, which is published as the summary.
* A suggestion may be 重新交办 (reassigned) to another department while not yet answered.

The table is data (Signalen style): ``TRANSITIONS`` maps ``(status, command)`` to the target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from banhao_core.calendar import WorkCalendar

#: Default answer time (working days after 交办) when the assigner does not give one. The
#: bureau's practice for 差评 (domain.md §4.5: 5 working days, 山东/德州) is reused.
DEFAULT_ANSWER_WORKING_DAYS = 5
#: Shown amber when this many working days or fewer remain.
WARNING_WORKING_DAYS = 1


class SuggestionStatus(StrEnum):
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in (SuggestionStatus.CLOSED, SuggestionStatus.DECLINED)


_STATUS_LABELS = {
    SuggestionStatus.REGISTERED: "已登记",
    SuggestionStatus.ASSIGNED: "已交办",
    SuggestionStatus.IN_PROGRESS: "办理中",
    SuggestionStatus.ANSWERED: "已答复",
    SuggestionStatus.CLOSED: "已办结",
    SuggestionStatus.DECLINED: "不予采纳",
}


class SuggestionCommand(StrEnum):
    ASSIGN = "assign"
    START = "start"
    ANSWER = "answer"
    CLOSE = "close"
    DECLINE = "decline"

    @property
    def label(self) -> str:
        return _COMMAND_LABELS[self]


_COMMAND_LABELS = {
    SuggestionCommand.ASSIGN: "交办",
    SuggestionCommand.START: "开始办理",
    SuggestionCommand.ANSWER: "答复",
    SuggestionCommand.CLOSE: "办结",
    SuggestionCommand.DECLINE: "不予采纳",
}

S = SuggestionStatus
C = SuggestionCommand

#: (from, command) → to. Anything not listed is refused.
TRANSITIONS: dict[tuple[SuggestionStatus, SuggestionCommand], SuggestionStatus] = {
    (S.REGISTERED, C.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, C.ASSIGN): S.ASSIGNED,  # 重新交办
    (S.IN_PROGRESS, C.ASSIGN): S.ASSIGNED,  # 重新交办 (the new owner starts again)
    (S.ASSIGNED, C.START): S.IN_PROGRESS,
    (S.ASSIGNED, C.ANSWER): S.ANSWERED,
    (S.IN_PROGRESS, C.ANSWER): S.ANSWERED,
    (S.ANSWERED, C.ANSWER): S.ANSWERED,  # the answer may be completed before 办结
    (S.ANSWERED, C.CLOSE): S.CLOSED,
    (S.REGISTERED, C.DECLINE): S.DECLINED,
    (S.ASSIGNED, C.DECLINE): S.DECLINED,
    (S.IN_PROGRESS, C.DECLINE): S.DECLINED,
}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def next_status(status: SuggestionStatus, command: SuggestionCommand) -> SuggestionStatus | Refusal:
    """The status after ``command``, or why it is refused."""
    target = TRANSITIONS.get((status, command))
    if target is None:
        return Refusal(
            "suggestion_transition_refused",
            f"当前状态为“{status.label}”，不能{command.label}",
        )
    return target


def allowed_commands(status: SuggestionStatus) -> list[SuggestionCommand]:
    """Commands allowed in ``status`` (in table order), for buttons and the API."""
    return [command for (source, command) in TRANSITIONS if source == status]


def answer_deadline(calendar: WorkCalendar, assigned_on: dt.date, working_days: int) -> dt.date:
    """The last day to answer: ``working_days`` working days counted from the day after
    ``assigned_on`` (a suggestion assigned on a Friday with 1 day is due the next Monday, or
    later across a holiday)."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    return calendar.add_working_days(assigned_on, working_days).day


class Light(StrEnum):
    """Deadline light (绿灯 / 黄灯 / 红灯) of an open suggestion; none when finished."""

    NONE = ""
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def label(self) -> str:
        return _LIGHT_LABELS[self]


_LIGHT_LABELS = {
    Light.NONE: "",
    Light.GREEN: "正常",
    Light.YELLOW: "临期",
    Light.RED: "超期",
}


def deadline_light(
    calendar: WorkCalendar,
    *,
    status: SuggestionStatus,
    deadline: dt.date | None,
    today: dt.date,
) -> Light:
    """Red after the deadline, yellow when at most ``WARNING_WORKING_DAYS`` working days remain
    (the deadline day itself counts), green otherwise. Answered, closed, declined or
    unassigned suggestions have no light."""
    if deadline is None or status.is_final or status == SuggestionStatus.ANSWERED:
        return Light.NONE
    if today > deadline:
        return Light.RED
    remaining = calendar.working_days_between(today, deadline)
    if remaining <= WARNING_WORKING_DAYS:
        return Light.YELLOW
    return Light.GREEN
