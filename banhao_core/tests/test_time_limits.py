"""Tests of 办理时限 arithmetic against the real 2024-2027 national calendar.

Calendar facts used below (2026, State Council notice; 2027 has no notice yet, 暂定):
* 中秋 09-25 (Fri) .. 09-27 off; 国庆 10-01 .. 10-07 off; Sun 09-20 and Sat 10-10 are make-up
  working days.
* Counting from a 受理 on Fri 2026-09-25, the working days are 09-28 (1), 09-29 (2),
  09-30 (3), 10-08 (4), 10-09 (5), Sat 10-10 (6), 10-12..10-16 (7-11), 10-19..10-23 (12-16),
  10-26 (17), 10-27 (18), 10-28 (19), 10-29 (20), 10-30 (21), 11-02 (22), 11-03 (23),
  11-04 (24), 11-05 (25), 11-06 (26), 11-09 (27), 11-10 (28), 11-11 (29), 11-12 (30).
* 2027-01-01 (Fri) is a fixed-date 元旦 holiday even without a notice.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from banhao_core.calendar import WorkCalendar, WorkdayResult
from banhao_core.time_limits import (
    CaseClock,
    ClockStatus,
    Extension,
    Light,
    LightThresholds,
    LimitUnit,
    Pause,
    PauseKind,
    TimeLimit,
    TimeLimitError,
    compression_ratio,
    due_date,
    evaluate,
    validate_extension,
)

D = dt.date
SP = PauseKind.SPECIAL_PROCEDURE
ACCEPTED = D(2026, 9, 25)  # Fri, 中秋 holiday: the 受理 day itself is never counted
WD20 = TimeLimit.working_days(20)


def sp(start: dt.date, end: dt.date | None) -> Pause:
    return Pause(SP, start, end, "专家评审")


def ext(days: int, on: dt.date | None = None) -> Extension:
    return Extension(
        days,
        approved_by="局长 王某",
        reason="需要现场核查的内容较多",
        approved_on=on or D(2026, 10, 20),
    )


# -- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "label"),
    [
        pytest.param(TimeLimit.working_days(20), "20个工作日", id="working"),
        pytest.param(TimeLimit.natural_days(30), "30个自然日", id="natural"),
        pytest.param(TimeLimit.immediate(), "即办", id="immediate"),
        pytest.param(TimeLimit(0, LimitUnit.WORKING_DAYS), "0个工作日", id="zero-working"),
    ],
)
def test_time_limit_label(limit: TimeLimit, label: str) -> None:
    assert limit.label == label


@pytest.mark.parametrize(
    ("amount", "unit"),
    [
        pytest.param(-1, LimitUnit.WORKING_DAYS, id="negative"),
        pytest.param(3, LimitUnit.IMMEDIATE, id="immediate-with-days"),
        pytest.param(True, LimitUnit.WORKING_DAYS, id="bool"),
    ],
)
def test_time_limit_rejects(amount: int, unit: LimitUnit) -> None:
    with pytest.raises(TimeLimitError):
        TimeLimit(amount, unit)


def test_pause_end_before_start_rejected() -> None:
    with pytest.raises(TimeLimitError, match="早于"):
        Pause(SP, D(2026, 10, 9), D(2026, 10, 8))


@pytest.mark.parametrize(
    ("days", "approved_by", "reason"),
    [
        pytest.param(0, "局长", "理由", id="zero-days"),
        pytest.param(3, " ", "理由", id="no-approver"),
        pytest.param(3, "局长", "", id="no-reason"),
    ],
)
def test_extension_rejects(days: int, approved_by: str, reason: str) -> None:
    with pytest.raises(TimeLimitError):
        Extension(days, approved_by, reason, D(2026, 10, 20))


@pytest.mark.parametrize(
    ("light", "label"),
    [
        pytest.param(Light.GREEN, "正常", id="green"),
        pytest.param(Light.YELLOW, "预警", id="yellow"),
        pytest.param(Light.RED, "超期", id="red"),
        pytest.param(Light.GREY, "挂起", id="grey"),
    ],
)
def test_light_label(light: Light, label: str) -> None:
    assert light.label == label


@pytest.mark.parametrize(
    ("promised", "legal"),
    [
        pytest.param(TimeLimit.working_days(25), WD20, id="promise-longer-than-law"),
        pytest.param(TimeLimit.working_days(1), TimeLimit.immediate(), id="law-immediate"),
    ],
)
def test_case_clock_rejects_promise_beyond_law(promised: TimeLimit, legal: TimeLimit) -> None:
    with pytest.raises(TimeLimitError, match="不得超过"):
        CaseClock(ACCEPTED, promised, legal)


@pytest.mark.parametrize(
    ("legal", "promised", "expected"),
    [
        pytest.param(WD20, TimeLimit.working_days(5), 0.75, id="20-to-5"),
        pytest.param(WD20, WD20, 0.0, id="no-compression"),
        pytest.param(WD20, TimeLimit.immediate(), 1.0, id="immediate-promise"),
        pytest.param(TimeLimit.natural_days(60), TimeLimit.natural_days(24), 0.6, id="natural"),
        pytest.param(WD20, TimeLimit.natural_days(10), None, id="different-units"),
        pytest.param(TimeLimit.immediate(), TimeLimit.immediate(), None, id="legal-immediate"),
        pytest.param(TimeLimit.working_days(0), TimeLimit.working_days(0), None, id="legal-zero"),
    ],
)
def test_compression_ratio(legal: TimeLimit, promised: TimeLimit, expected: float | None) -> None:
    result = compression_ratio(legal, promised)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


# -- due_date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "limit", "pauses", "extension", "today", "expected", "provisional"),
    [
        # Working days 1-20 from 09-25 (see module docstring): the 20th is Thu 10-29.
        pytest.param(ACCEPTED, WD20, (), 0, None, D(2026, 10, 29), False, id="base-20"),
        # Pause 09-29..10-09 holds 4 working days (09-29, 09-30, 10-08, 10-09):
        # 10-29 + 4 working days = 10-30, 11-02, 11-03, 11-04.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 9, 29), D(2026, 10, 9)),), 0, None,
            D(2026, 11, 4), False, id="pause-over-national-day",
        ),
        # A pause entirely inside 10-01..10-07 holds no working day: unchanged.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 10, 1), D(2026, 10, 7)),), 0, None,
            D(2026, 10, 29), False, id="pause-inside-holiday",
        ),
        # Pause before acceptance (09-14..09-24): ignored.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 9, 14), D(2026, 9, 24)),), 0, None,
            D(2026, 10, 29), False, id="pause-before-acceptance",
        ),
        # Pause 09-21..09-28 straddles acceptance: only 09-28 counts → 10-29 + 1 = 10-30.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 9, 21), D(2026, 9, 28)),), 0, None,
            D(2026, 10, 30), False, id="pause-straddling-acceptance",
        ),
        # Overlapping pauses merge to 09-29..10-09 (4 working days, not 4+2+1): 11-04.
        pytest.param(
            ACCEPTED, WD20,
            (
                sp(D(2026, 9, 29), D(2026, 10, 8)),
                sp(D(2026, 10, 8), D(2026, 10, 9)),
                Pause(PauseKind.CORRECTION, D(2026, 9, 30), D(2026, 10, 2)),
            ),
            0, None, D(2026, 11, 4), False, id="overlapping-pauses",
        ),
        # Two one-day pauses 09-29 and 09-30 (adjacent): 2 working days → 10-30, 11-02.
        pytest.param(
            ACCEPTED, WD20,
            (sp(D(2026, 9, 29), D(2026, 9, 29)), sp(D(2026, 9, 30), D(2026, 9, 30))), 0, None,
            D(2026, 11, 2), False, id="adjacent-one-day-pauses",
        ),
        # Open pause from Mon 10-12, today Wed 10-14: 10-12, 10-13, 10-14 paused (3)
        # → 10-29 + 3 = 10-30, 11-02, 11-03 (as if the clock resumes 10-15).
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 10, 12), None),), 0, D(2026, 10, 14),
            D(2026, 11, 3), False, id="open-pause",
        ),
        # An open pause starting after today has not begun: unchanged.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 10, 20), None),), 0, D(2026, 10, 14),
            D(2026, 10, 29), False, id="open-pause-in-future",
        ),
        # Pause 10-30..11-05 begins after the due date 10-29: the deadline has passed, no change.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 10, 30), D(2026, 11, 5)),), 0, None,
            D(2026, 10, 29), False, id="pause-after-due",
        ),
        # Pause 10-29..10-30 includes the due day: 19 counted by 10-28, 10-29/30 paused,
        # Mon 11-02 is the 20th.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 10, 29), D(2026, 10, 30)),), 0, None,
            D(2026, 11, 2), False, id="pause-on-due-day",
        ),
        # Extension of 10 (Art.42): the 30th working day is 11-12.
        pytest.param(ACCEPTED, WD20, (), 10, None, D(2026, 11, 12), False, id="extension-10"),
        # Extension 10 and pause 09-29..10-09 (4): the 34th working day = 11-12 + 4 = 11-18.
        pytest.param(
            ACCEPTED, WD20, (sp(D(2026, 9, 29), D(2026, 10, 9)),), 10, None,
            D(2026, 11, 18), False, id="extension-and-pause",
        ),
        # 即办: the acceptance day itself, even a holiday; pauses do not apply.
        pytest.param(
            ACCEPTED, TimeLimit.immediate(), (sp(D(2026, 9, 25), D(2026, 9, 30)),), 0, None,
            ACCEPTED, False, id="immediate",
        ),
        # 即办 extended by 3 working days: 09-28, 09-29, 09-30.
        pytest.param(
            ACCEPTED, TimeLimit.immediate(), (), 3, None, D(2026, 9, 30), False,
            id="immediate-extended",
        ),
        # 30 natural days: 09-25 + 30 = Sun 10-25 → Mon 10-26 (Art.203).
        pytest.param(
            ACCEPTED, TimeLimit.natural_days(30), (), 0, None, D(2026, 10, 26), False,
            id="natural-30",
        ),
        # 30 natural days + pause 09-29..10-09 (11 calendar days): 10-25 + 11 = Thu 11-05.
        pytest.param(
            ACCEPTED, TimeLimit.natural_days(30), (sp(D(2026, 9, 29), D(2026, 10, 9)),), 0, None,
            D(2026, 11, 5), False, id="natural-with-pause",
        ),
        # 30 natural days + 5 natural extension days: 09-25 + 35 = Fri 10-30.
        pytest.param(
            ACCEPTED, TimeLimit.natural_days(30), (), 5, None, D(2026, 10, 30), False,
            id="natural-extension",
        ),
        # 10 natural days from Mon 09-21: 10-01 (国庆) → next working day 10-08.
        pytest.param(
            D(2026, 9, 21), TimeLimit.natural_days(10), (), 0, None, D(2026, 10, 8), False,
            id="natural-roll-over-holiday",
        ),
        # 5 natural days from Tue 09-29 = Sun 10-04 (off) → 10-08, but 10-08..10-09 paused
        # (both after the natural end, not extending it by calendar days): first working,
        # unpaused day is Sat 10-10 (make-up).
        pytest.param(
            D(2026, 9, 29), TimeLimit.natural_days(5), (sp(D(2026, 10, 8), D(2026, 10, 9)),), 0,
            None, D(2026, 10, 10), False, id="natural-roll-past-pause",
        ),
        # Mon 2026-12-21 + 10: 12-22..12-25 (4), 12-28..12-31 (8), 2027-01-01 off (暂定),
        # weekend, 01-04 (9), 01-05 (10): provisional.
        pytest.param(
            D(2026, 12, 21), TimeLimit.working_days(10), (), 0, None, D(2027, 1, 5), True,
            id="into-2027-provisional",
        ),
        # Tue 2026-12-01 + 10: 12-02..12-04 (3), 12-07..12-11 (8), 12-14 (9), 12-15 (10).
        pytest.param(
            D(2026, 12, 1), TimeLimit.working_days(10), (), 0, None, D(2026, 12, 15), False,
            id="within-2026-confirmed",
        ),
        # 2026-12-01 + 30 natural = Thu 12-31: a working day, confirmed.
        pytest.param(
            D(2026, 12, 1), TimeLimit.natural_days(30), (), 0, None, D(2026, 12, 31), False,
            id="natural-confirmed",
        ),
        # 2026-12-02 + 30 natural = 2027-01-01 (暂定 元旦) → Mon 2027-01-04, provisional.
        pytest.param(
            D(2026, 12, 2), TimeLimit.natural_days(30), (), 0, None, D(2027, 1, 4), True,
            id="natural-into-2027",
        ),
    ],
)  # fmt: skip
def test_due_date(
    calendar: WorkCalendar,
    start: dt.date,
    limit: TimeLimit,
    pauses: tuple[Pause, ...],
    extension: int,
    today: dt.date | None,
    expected: dt.date,
    provisional: bool,
) -> None:
    result = due_date(start, limit, calendar, pauses, extension_days=extension, today=today)
    assert result == WorkdayResult(expected, provisional)


def test_due_date_open_pause_needs_today(calendar: WorkCalendar) -> None:
    with pytest.raises(TimeLimitError, match="当前日期"):
        due_date(ACCEPTED, WD20, calendar, (sp(D(2026, 10, 12), None),))


def test_due_date_rejects_negative_extension(calendar: WorkCalendar) -> None:
    with pytest.raises(TimeLimitError):
        due_date(ACCEPTED, WD20, calendar, extension_days=-1)


# -- evaluate -------------------------------------------------------------------------------


def clock(
    promised: TimeLimit = WD20,
    legal: TimeLimit = WD20,
    pauses: tuple[Pause, ...] = (),
    extensions: tuple[Extension, ...] = (),
    accepted_on: dt.date | None = ACCEPTED,
    max_extension_working_days: int = 10,
    correction_pauses_clock: bool = False,
) -> CaseClock:
    return CaseClock(
        accepted_on,
        promised,
        legal,
        pauses,
        extensions,
        max_extension_working_days=max_extension_working_days,
        correction_pauses_clock=correction_pauses_clock,
    )


@pytest.mark.parametrize(
    ("case", "today", "thresholds", "light", "remaining", "promised_due", "paused"),
    [
        # Promise 20: threshold = max(2, 20 % of 20 = 4) = 4; due 10-29.
        # On the acceptance day all 20 remain.
        pytest.param(
            clock(), ACCEPTED, None, Light.GREEN, 20, D(2026, 10, 29), 0, id="green-day-0",
        ),
        # Thu 10-22: 10-23, 10-26..10-29 = 5 ≥ 4.
        pytest.param(
            clock(), D(2026, 10, 22), None, Light.GREEN, 5, D(2026, 10, 29), 0, id="green-5",
        ),
        # Fri 10-23: 10-26..10-29 = 4, exactly the threshold: still green.
        pytest.param(
            clock(), D(2026, 10, 23), None, Light.GREEN, 4, D(2026, 10, 29), 0,
            id="green-at-threshold"

        ),
        # Sat 10-24: still 4.
        pytest.param(
            clock(), D(2026, 10, 24), None, Light.GREEN, 4, D(2026, 10, 29), 0, id="green-weekend",
        ),
        # Mon 10-26: 10-27, 10-28, 10-29 = 3 < 4.
        pytest.param(
            clock(), D(2026, 10, 26), None, Light.YELLOW, 3, D(2026, 10, 29), 0,
            id="yellow-below-threshold"

        ),
        # The due day itself: 0 left.
        pytest.param(
            clock(), D(2026, 10, 29), None, Light.YELLOW, 0, D(2026, 10, 29), 0,
            id="yellow-due-day"

        ),
        # Fri 10-30: 1 working day late.
        pytest.param(
            clock(), D(2026, 10, 30), None, Light.RED, -1, D(2026, 10, 29), 0, id="red-1-late",
        ),
        # Sat 10-31: still 1 working day late.
        pytest.param(
            clock(), D(2026, 10, 31), None, Light.RED, -1, D(2026, 10, 29), 0, id="red-weekend",
        ),
        # Mon 11-02: 10-30 and 11-02 late.
        pytest.param(
            clock(), D(2026, 11, 2), None, Light.RED, -2, D(2026, 10, 29), 0, id="red-2-late",
        ),
        # Promise 5 (due 10-09, see docstring): threshold = max(2, 1) = 2.
        # Wed 09-30: 10-08, 10-09 = 2 → green.
        pytest.param(
            clock(TimeLimit.working_days(5)), D(2026, 9, 30), None, Light.GREEN, 2,
            D(2026, 10, 9), 0, id="short-promise-green-at-min",
        ),
        # Thu 10-08: only 10-09 left → yellow.
        pytest.param(
            clock(TimeLimit.working_days(5)), D(2026, 10, 8), None, Light.YELLOW, 1,
            D(2026, 10, 9), 0, id="short-promise-yellow",
        ),
        # Thresholds switched off (0, 0 %): 2 left (10-28, 10-29) is green …
        pytest.param(
            clock(), D(2026, 10, 27), LightThresholds(0, 0), Light.GREEN, 2, D(2026, 10, 29), 0,
            id="custom-green-2",
        ),
        # … but 1 left is always yellow.
        pytest.param(
            clock(), D(2026, 10, 28), LightThresholds(0, 0), Light.YELLOW, 1, D(2026, 10, 29), 0,
            id="custom-yellow-1",
        ),
        # Open 特别程序 from Mon 10-12, today Wed 10-14: grey. Before the pause 6 working days ran
        # (09-28 .. Sat 10-10), so 14 remain, frozen: due 10-29 + 3 paused = 11-03.
        pytest.param(
            clock(pauses=(sp(D(2026, 10, 12), None),)), D(2026, 10, 14), None, Light.GREY, 14,
            D(2026, 11, 3), 3, id="grey-open-pause",
        ),
        # A closed pause 10-12..10-16 evaluated on 10-14 counts only up to today (same as open).
        pytest.param(
            clock(pauses=(sp(D(2026, 10, 12), D(2026, 10, 16)),)), D(2026, 10, 14), None,
            Light.GREY, 14, D(2026, 11, 3), 3, id="grey-pause-clipped-to-today",
        ),
        # After it: 10-12..10-16 = 5 paused, due 10-29 + 5 = 11-05; Mon 10-19 → 10-20..10-23,
        # 10-26..10-30, 11-02..11-05 = 13 left (14 minus 10-19 itself).
        pytest.param(
            clock(pauses=(sp(D(2026, 10, 12), D(2026, 10, 16)),)), D(2026, 10, 19), None,
            Light.GREEN, 13, D(2026, 11, 5), 5, id="green-after-pause",
        ),
        # A pause planned to start later is not known yet on 10-14.
        pytest.param(
            clock(pauses=(sp(D(2026, 10, 20), D(2026, 10, 22)),)), D(2026, 10, 14), None,
            Light.GREEN, 11, D(2026, 10, 29), 0, id="future-pause-ignored",
        ),
        # Paused after the deadline (pause from 10-30, today Mon 11-02): red wins over grey;
        # 10-30 and 11-02 are paused so no working day of delay accrued → -1.
        pytest.param(
            clock(pauses=(sp(D(2026, 10, 30), None),)), D(2026, 11, 2), None, Light.RED, -1,
            D(2026, 10, 29), 2, id="red-beats-grey",
        ),
        # 补正 waiting time is ignored by default …
        pytest.param(
            clock(pauses=(Pause(PauseKind.CORRECTION, D(2026, 10, 12), None),)), D(2026, 10, 14),
            None, Light.GREEN, 11, D(2026, 10, 29), 0, id="correction-not-counted",
        ),
        # … and stops the clock where the item says so.
        pytest.param(
            clock(
                pauses=(Pause(PauseKind.CORRECTION, D(2026, 10, 12), None),),
                correction_pauses_clock=True,
            ),
            D(2026, 10, 14), None, Light.GREY, 14, D(2026, 11, 3), 3, id="correction-counted",
        ),
        # Extension of 10 approved 10-20: due 11-12; Fri 10-30 → 11-02..11-06, 11-09..11-12 = 9.
        pytest.param(
            clock(extensions=(ext(10),)), D(2026, 10, 30), None, Light.GREEN, 9, D(2026, 11, 12), 0,
            id="extension-within-limit",
        ),
        # An extension approved after today is not known yet: 10-30 is 1 day late.
        pytest.param(
            clock(extensions=(ext(10, on=D(2026, 11, 5)),)), D(2026, 10, 30), None, Light.RED, -1,
            D(2026, 10, 29), 0, id="extension-not-yet-approved",
        ),
        # Joint handling (Art.42 ¶2): 15 allowed; 30th working day 11-12 + 5 → 11-19. Today
        # 11-16: 11-17, 11-18, 11-19 = 3 < 4 → yellow.
        pytest.param(
            clock(extensions=(ext(10), ext(5)), max_extension_working_days=15), D(2026, 11, 16),
            None, Light.YELLOW, 3, D(2026, 11, 19), 0, id="joint-handling-15",
        ),
        # 即办: green on the acceptance day with 0 remaining …
        pytest.param(
            clock(TimeLimit.immediate()), ACCEPTED, None, Light.GREEN, 0, ACCEPTED, 0,
            id="immediate-same-day",
        ),
        # … red the next calendar day (Sat 09-26, no working day passed: -1) …
        pytest.param(
            clock(TimeLimit.immediate()), D(2026, 9, 26), None, Light.RED, -1, ACCEPTED, 0,
            id="immediate-next-day",
        ),
        # … and on Tue 09-29 two working days late (09-28, 09-29).
        pytest.param(
            clock(TimeLimit.immediate()), D(2026, 9, 29), None, Light.RED, -2, ACCEPTED, 0,
            id="immediate-late",
        ),
        # Promise 30 natural days (due Mon 10-26) under a 5-working-day law (due 10-09):
        # on 10-12 the promise has 10 working days left (10-13..10-16, 10-19..10-23, 10-26)
        # but the legal limit is exceeded → red.
        pytest.param(
            clock(TimeLimit.natural_days(30), TimeLimit.working_days(5)), D(2026, 10, 12), None,
            Light.RED, 10, D(2026, 10, 26), 0, id="red-legal-exceeded",
        ),
    ],
)  # fmt: skip
def test_evaluate_lights(
    calendar: WorkCalendar,
    case: CaseClock,
    today: dt.date,
    thresholds: LightThresholds | None,
    light: Light,
    remaining: int,
    promised_due: dt.date,
    paused: int,
) -> None:
    status = evaluate(case, calendar, today, thresholds or LightThresholds())
    assert (status.light, status.remaining_working_days, status.promised_due) == (
        light,
        remaining,
        promised_due,
    )
    assert status.paused_working_days == paused
    assert status.is_paused is (today in _pause_days(case))
    assert status.is_overdue is (light is Light.RED)
    assert status.is_provisional is False


def _pause_days(case: CaseClock) -> set[dt.date]:
    days: set[dt.date] = set()
    for pause in case.counted_pauses:
        end = pause.end or D(2030, 1, 1)
        days.update(pause.start + dt.timedelta(days=i) for i in range((end - pause.start).days + 1))
    return days


def test_evaluate_full_status(calendar: WorkCalendar) -> None:
    # Pause 09-29..10-09 (4 working days) and extension 10: promise and law both due on the
    # 34th working day, 11-18. Today 11-10: 11-11..11-13, 11-16..11-18 = 6 left.
    case = clock(pauses=(sp(D(2026, 9, 29), D(2026, 10, 9)),), extensions=(ext(10),))
    assert evaluate(case, calendar, D(2026, 11, 10)) == ClockStatus(
        promised_due=D(2026, 11, 18),
        legal_due=D(2026, 11, 18),
        remaining_working_days=6,
        light=Light.GREEN,
        is_paused=False,
        paused_working_days=4,
        extended_working_days=10,
        is_provisional=False,
        is_overdue=False,
    )


def test_evaluate_promise_and_law_differ(calendar: WorkCalendar) -> None:
    # Promise 5 (due 10-09), law 20 (due 10-29). Mon 10-12 is past the promise only.
    status = evaluate(clock(TimeLimit.working_days(5)), calendar, D(2026, 10, 12))
    assert (status.promised_due, status.legal_due) == (D(2026, 10, 9), D(2026, 10, 29))
    # 10-09 was the due day; late: Sat 10-10 (make-up), Mon 10-12 = 2 working days.
    assert (status.light, status.remaining_working_days, status.is_overdue) == (Light.RED, -2, True)


def test_evaluate_before_acceptance(calendar: WorkCalendar) -> None:
    status = evaluate(clock(accepted_on=None), calendar, D(2026, 9, 25))
    assert status == ClockStatus(None, None, None, None, False, 0, 0, False, False)


@pytest.mark.parametrize(
    ("accepted_on", "limit", "today", "expected_due", "remaining", "provisional"),
    [
        # Mon 2026-12-21 + 10 → 2027-01-05 (01-01 暂定 holiday); 12-21 itself leaves 10.
        pytest.param(
            D(2026, 12, 21), TimeLimit.working_days(10), D(2026, 12, 21), D(2027, 1, 5), 10, True,
            id="due-in-2027",
        ),
        # Tue 2026-12-01 + 10 → 12-15; today 12-10: 12-11, 12-14, 12-15 = 3. All confirmed.
        pytest.param(
            D(2026, 12, 1), TimeLimit.working_days(10), D(2026, 12, 10), D(2026, 12, 15), 3, False,
            id="confirmed",
        ),
        # Due 12-15, looked at on Mon 2027-01-04: 12-16..12-18, 12-21..12-25, 12-28..12-31 and
        # 2027-01-04 = 13 working days late; the count relies on 2027 → provisional.
        pytest.param(
            D(2026, 12, 1), TimeLimit.working_days(10), D(2027, 1, 4), D(2026, 12, 15), -13, True,
            id="overdue-into-2027",
        ),
        # 30 natural days from 12-02 = 2027-01-01 (暂定) → 2027-01-04.
        pytest.param(
            D(2026, 12, 2), TimeLimit.natural_days(30), D(2026, 12, 2), D(2027, 1, 4), 22, True,
            id="natural-into-2027",
        ),
    ],
)  # fmt: skip
def test_evaluate_provisional(
    calendar: WorkCalendar,
    accepted_on: dt.date,
    limit: TimeLimit,
    today: dt.date,
    expected_due: dt.date,
    remaining: int,
    provisional: bool,
) -> None:
    status = evaluate(clock(limit, limit, accepted_on=accepted_on), calendar, today)
    assert status.promised_due == expected_due
    assert status.remaining_working_days == remaining
    assert status.is_provisional is provisional


def test_evaluate_rejects_extensions_beyond_limit(calendar: WorkCalendar) -> None:
    case = clock(extensions=(ext(6), ext(5)))
    with pytest.raises(TimeLimitError, match="延长期限超过法定上限"):
        evaluate(case, calendar, D(2026, 10, 30))


@pytest.mark.parametrize(
    ("existing", "maximum", "requested", "ok"),
    [
        pytest.param((), 10, 10, True, id="art42-full-10"),
        pytest.param((), 10, 11, False, id="art42-over"),
        pytest.param((6,), 10, 4, True, id="second-within"),
        pytest.param((6,), 10, 5, False, id="second-over"),
        pytest.param((10,), 15, 5, True, id="joint-handling-15"),
        pytest.param((), 0, 1, False, id="no-extension-allowed"),
    ],
)
def test_validate_extension(
    existing: tuple[int, ...], maximum: int, requested: int, ok: bool
) -> None:
    case = clock(extensions=tuple(ext(d) for d in existing), max_extension_working_days=maximum)
    if ok:
        validate_extension(case, ext(requested))
    else:
        with pytest.raises(TimeLimitError, match="延长期限超过法定上限"):
            validate_extension(case, ext(requested))


def test_validate_extension_needs_acceptance() -> None:
    with pytest.raises(TimeLimitError, match="尚未受理"):
        validate_extension(clock(accepted_on=None), ext(3))


# -- properties -----------------------------------------------------------------------------

starts = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 10, 31))
amounts = st.integers(min_value=0, max_value=60)
units = st.sampled_from([LimitUnit.WORKING_DAYS, LimitUnit.NATURAL_DAYS])
pause_specs = st.lists(
    st.tuples(st.integers(min_value=-20, max_value=100), st.integers(min_value=0, max_value=20)),
    max_size=4,
)


def _pauses(start: dt.date, specs: list[tuple[int, int]]) -> tuple[Pause, ...]:
    return tuple(
        sp(start + dt.timedelta(days=offset), start + dt.timedelta(days=offset + length))
        for offset, length in specs
    )


@settings(max_examples=200, deadline=None)
@given(start=starts, amount=amounts, unit=units, specs=pause_specs, extra=st.integers(0, 10))
def test_pauses_never_shorten(
    calendar: WorkCalendar,
    start: dt.date,
    amount: int,
    unit: LimitUnit,
    specs: list[tuple[int, int]],
    extra: int,
) -> None:
    limit = TimeLimit(amount, unit)
    plain = due_date(start, limit, calendar, extension_days=extra).day
    paused = due_date(start, limit, calendar, _pauses(start, specs), extension_days=extra).day
    assert paused >= plain
    if unit is LimitUnit.WORKING_DAYS and amount + extra >= 1:
        assert calendar.is_working_day(paused)


@settings(max_examples=200, deadline=None)
@given(start=starts, amount=st.integers(1, 60), specs=pause_specs, offset=st.integers(0, 100))
def test_pause_on_days_off_changes_nothing(
    calendar: WorkCalendar,
    start: dt.date,
    amount: int,
    specs: list[tuple[int, int]],
    offset: int,
) -> None:
    # The run of days off at or after start + offset (a weekend or holiday block).
    first = start + dt.timedelta(days=offset)
    while calendar.is_working_day(first):
        first += dt.timedelta(days=1)
    last = first
    while not calendar.is_working_day(last + dt.timedelta(days=1)):
        last += dt.timedelta(days=1)
    limit = TimeLimit.working_days(amount)
    pauses = _pauses(start, specs)
    before = due_date(start, limit, calendar, pauses)
    after = due_date(start, limit, calendar, (*pauses, sp(first, last)))
    assert after.day == before.day


@settings(max_examples=200, deadline=None)
@given(start=starts, amount=st.integers(0, 60), specs=pause_specs)
def test_due_equals_base_plus_paused_working_days(
    calendar: WorkCalendar, start: dt.date, amount: int, specs: list[tuple[int, int]]
) -> None:
    # domain.md §3.5 rule 3: deadline = 受理日 + promise working days + paused working days
    # (those before the deadline is reached).
    pauses = _pauses(start, specs)
    due = due_date(start, TimeLimit.working_days(amount), calendar, pauses).day
    paused_days = {
        p.start + dt.timedelta(days=i)
        for p in pauses
        for i in range(((p.end or p.start) - p.start).days + 1)
    }
    paused_working = sum(1 for d in paused_days if start < d <= due and calendar.is_working_day(d))
    assume(amount + paused_working <= 400)
    assert calendar.add_working_days(start, amount + paused_working).day == due
