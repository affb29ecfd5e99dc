"""The suggestion status table, answer deadlines across holidays and the lights."""

from __future__ import annotations

import datetime as dt

import pytest

from banhao_core.calendar import WorkCalendar
from banhao_core.suggestions import (
    TRANSITIONS,
    Light,
    Refusal,
    SuggestionCommand,
    SuggestionStatus,
    allowed_commands,
    answer_deadline,
    deadline_light,
    next_status,
)

S, C = SuggestionStatus, SuggestionCommand
D = dt.date


@pytest.mark.parametrize(
    ("status", "command", "expected"),
    [
        (S.REGISTERED, C.ASSIGN, S.ASSIGNED),
        (S.ASSIGNED, C.ASSIGN, S.ASSIGNED),
        (S.IN_PROGRESS, C.ASSIGN, S.ASSIGNED),
        (S.ASSIGNED, C.START, S.IN_PROGRESS),
        (S.ASSIGNED, C.ANSWER, S.ANSWERED),
        (S.IN_PROGRESS, C.ANSWER, S.ANSWERED),
        (S.ANSWERED, C.ANSWER, S.ANSWERED),
        (S.ANSWERED, C.CLOSE, S.CLOSED),
        (S.REGISTERED, C.DECLINE, S.DECLINED),
        (S.IN_PROGRESS, C.DECLINE, S.DECLINED),
        # refused
        (S.REGISTERED, C.ANSWER, None),
        (S.REGISTERED, C.CLOSE, None),
        (S.IN_PROGRESS, C.CLOSE, None),
        (S.ANSWERED, C.ASSIGN, None),
        (S.ANSWERED, C.DECLINE, None),
        (S.CLOSED, C.ANSWER, None),
        (S.CLOSED, C.ASSIGN, None),
        (S.DECLINED, C.ASSIGN, None),
        (S.DECLINED, C.CLOSE, None),
    ],
)
def test_transition_table(status, command, expected):
    outcome = next_status(status, command)
    if expected is None:
        assert isinstance(outcome, Refusal)
        assert outcome.code == "suggestion_transition_refused"
        assert status.label in outcome.message and command.label in outcome.message
    else:
        assert outcome == expected


def test_final_states_have_no_commands():
    for status in SuggestionStatus:
        commands = allowed_commands(status)
        assert (commands == []) == status.is_final
    assert all(not source.is_final for source, _ in TRANSITIONS)


def test_every_state_reaches_a_final_state():
    for start in SuggestionStatus:
        seen, frontier = {start}, [start]
        while frontier:
            current = frontier.pop()
            for command in allowed_commands(current):
                target = TRANSITIONS[(current, command)]
                if target not in seen:
                    seen.add(target)
                    frontier.append(target)
        assert any(s.is_final for s in seen), start


@pytest.mark.parametrize(
    ("assigned", "days", "due"),
    [
        (D(2026, 11, 27), 5, D(2026, 12, 4)),  # Friday: Mon–Fri of the next week
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday + 1 → Monday
        (D(2026, 9, 30), 5, D(2026, 10, 13)),  # 国庆 1–7 off, Sat 10-10 a make-up workday
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday 2-14 is a make-up workday (春节)
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # 春节 15–23 off
    ],
)
def test_answer_deadline_counts_working_days(calendar: WorkCalendar, assigned, days, due):
    assert answer_deadline(calendar, assigned, days) == due


def test_answer_deadline_needs_a_day(calendar: WorkCalendar):
    with pytest.raises(ValueError):
        answer_deadline(calendar, D(2026, 11, 27), 0)


@pytest.mark.parametrize(
    ("status", "deadline", "today", "light"),
    [
        (S.ASSIGNED, D(2026, 12, 4), D(2026, 11, 27), Light.GREEN),
        (S.IN_PROGRESS, D(2026, 12, 4), D(2026, 12, 3), Light.YELLOW),  # one working day left
        (S.IN_PROGRESS, D(2026, 12, 4), D(2026, 12, 4), Light.YELLOW),  # due today
        (S.IN_PROGRESS, D(2026, 12, 4), D(2026, 12, 5), Light.RED),
        (S.IN_PROGRESS, D(2026, 10, 8), D(2026, 9, 30), Light.YELLOW),  # holiday in between
        (S.ANSWERED, D(2026, 12, 4), D(2026, 12, 9), Light.NONE),
        (S.CLOSED, D(2026, 12, 4), D(2026, 12, 9), Light.NONE),
        (S.REGISTERED, None, D(2026, 12, 9), Light.NONE),
    ],
)
def test_deadline_light(calendar: WorkCalendar, status, deadline, today, light):
    assert deadline_light(calendar, status=status, deadline=deadline, today=today) == light
