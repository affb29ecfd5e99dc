"""办理时限: legal and promised time limits, pauses, extensions and warning lights.

Rules implemented (domain.md §2.7, §3.1, §3.4, §3.5, §9.3):

* A time limit is a number of 工作日 or 自然日, or 即办 (stored as 0). Periods of the
  行政许可法 are working days excluding statutory holidays (Art.82); 调休 make-up days count.
* The clock starts on the 受理 day, but that day is not counted: counting begins with the next
  day (民法典 Art.201). A natural-day period ending on a day off ends on the next working day
  (民法典 Art.203).
* Time spent in 特别程序 (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审, 现场核查 …) is not
  counted (行政许可法 Art.45); platforms add the paused working days to the deadline (§3.5 rule
  3). 补正 waiting time after acceptance stops the clock only where the item says so (§3.4).
* The decision period may be extended once with the agency head's approval, reasons given
  (Art.42: 20 days + 10; 统一/联合/集中办理 45 + 15). The maximum is configuration.
* 承诺时限 ≤ 法定时限; 压缩比 = (法定 − 承诺) / 法定 (§2.7).
* Warning lights follow the recommended defaults of §9.3 (configurable per item).

Pause semantics (the precise definition used everywhere in this module):

* A pause from ``start`` to ``end`` stops the clock on both days and every day between them
  (both ends inclusive). A working day ``d`` with ``start <= d <= end`` is not counted; counting
  resumes the day after ``end``.
* An open pause (``end is None``) runs up to and including ``today``; ``today`` is then
  required. Dates computed while a pause is open assume the clock resumes the next day.
* Only days after the 受理 day can be counted, so pause days on or before that day change
  nothing (补正 before acceptance is "clock not started", not a pause).
* Overlapping or adjacent pauses are merged first; a day is paused at most once.
* Paused days only push the deadline while it has not yet passed: the due date is the day on
  which the required number of *unpaused* working days is reached. A pause that starts after
  the due date does not cure the delay.

Nothing here imports Django: values come in as plain dates and a ``WorkCalendar``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from banhao_core.calendar import WorkCalendar, WorkdayResult

ONE_DAY = dt.timedelta(days=1)


class TimeLimitError(ValueError):
    """Invalid time-limit input; ``str(exc)`` is a message for people (Chinese)."""


class LimitUnit(StrEnum):
    """Unit of a 办理时限 (GB/T 39046 实施清单 法定/承诺办结时限单位)."""

    WORKING_DAYS = "working_days"  # 工作日
    NATURAL_DAYS = "natural_days"  # 自然日
    IMMEDIATE = "immediate"  # 即办

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS: dict[LimitUnit, str] = {
    LimitUnit.WORKING_DAYS: "工作日",
    LimitUnit.NATURAL_DAYS: "自然日",
    LimitUnit.IMMEDIATE: "即办",
}


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """A 法定 or 承诺 办结时限: ``amount`` days of ``unit``.

    ``amount`` is never negative; 即办 is stored as ``amount == 0`` plus the IMMEDIATE unit
    (domain.md §2.7, "store 0 + flag"). A zero working-day limit is allowed and, like 即办,
    falls due on the acceptance day itself.
    """

    amount: int
    unit: LimitUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TimeLimitError(f"时限天数必须是整数：{self.amount!r}")
        if self.amount < 0:
            raise TimeLimitError(f"时限天数不能为负数：{self.amount}")
        if self.unit is LimitUnit.IMMEDIATE and self.amount != 0:
            raise TimeLimitError(f"即办件的时限天数必须为 0：{self.amount}")

    @classmethod
    def immediate(cls) -> TimeLimit:
        """即办 (handled on the spot, due the acceptance day)."""
        return cls(0, LimitUnit.IMMEDIATE)

    @classmethod
    def working_days(cls, amount: int) -> TimeLimit:
        """``amount`` 工作日 (行政许可法 Art.82)."""
        return cls(amount, LimitUnit.WORKING_DAYS)

    @classmethod
    def natural_days(cls, amount: int) -> TimeLimit:
        """``amount`` 自然日 (calendar days; the end rolls to a working day, 民法典 Art.203)."""
        return cls(amount, LimitUnit.NATURAL_DAYS)

    @property
    def is_immediate(self) -> bool:
        return self.unit is LimitUnit.IMMEDIATE

    @property
    def label(self) -> str:
        """Chinese text for display: "20个工作日", "30个自然日", "即办"."""
        if self.is_immediate:
            return "即办"
        return f"{self.amount}个{self.unit.label}"


class PauseKind(StrEnum):
    """Why the clock is stopped."""

    # 特别程序 (听证/检验/检测/鉴定/专家评审/现场核查 …): time not counted, 行政许可法 Art.45.
    SPECIAL_PROCEDURE = "special_procedure"
    # 补正 waiting time after acceptance: paused only where the item says so (domain.md §3.4).
    CORRECTION = "correction"

    @property
    def label(self) -> str:
        return "特别程序" if self is PauseKind.SPECIAL_PROCEDURE else "补正"


@dataclass(frozen=True, slots=True)
class Pause:
    """A period in which the clock is stopped, both ends inclusive.

    ``end is None`` means the pause is still open (it then runs up to ``today``).
    """

    kind: PauseKind
    start: dt.date
    end: dt.date | None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise TimeLimitError(f"暂停结束日期 {self.end} 早于开始日期 {self.start}")

    @property
    def is_open(self) -> bool:
        return self.end is None


@dataclass(frozen=True, slots=True)
class Extension:
    """An approved 延长审批 (行政许可法 Art.42): extra working days, approver and reason.

    The law requires the head of the agency (or of the government, for joint handling) to
    approve and the reasons to be told to the applicant, so both must be recorded.
    """

    working_days: int
    approved_by: str
    reason: str
    approved_on: dt.date

    def __post_init__(self) -> None:
        if isinstance(self.working_days, bool) or not isinstance(self.working_days, int):
            raise TimeLimitError(f"延长天数必须是整数：{self.working_days!r}")
        if self.working_days <= 0:
            raise TimeLimitError(f"延长天数必须大于 0：{self.working_days}")
        if not self.approved_by.strip():
            raise TimeLimitError("延长审批必须记录批准人")
        if not self.reason.strip():
            raise TimeLimitError("延长审批必须记录延长理由（须告知申请人）")


@dataclass(frozen=True, slots=True)
class LightThresholds:
    """Warning-light thresholds, domain.md §9.3 recommended defaults (configurable per item).

    绿 while the remaining working days are at least ``max(min_working_days,
    ceil(fraction_percent % of the promise))`` and more than 1; 黄 below that.
    """

    min_working_days: int = 2
    fraction_percent: int = 20

    def __post_init__(self) -> None:
        if self.min_working_days < 0:
            raise TimeLimitError(f"预警天数不能为负数：{self.min_working_days}")
        if not 0 <= self.fraction_percent <= 100:
            raise TimeLimitError(f"预警比例必须在 0 到 100 之间：{self.fraction_percent}")

    def threshold(self, promise_amount: int) -> int:
        """The number of remaining working days below which the light turns yellow."""
        fraction = -(-promise_amount * self.fraction_percent // 100)  # ceiling division
        return max(self.min_working_days, fraction)


DEFAULT_THRESHOLDS = LightThresholds()


class Light(StrEnum):
    """电子监察 timeliness light (domain.md §9.2-9.3)."""

    GREEN = "green"  # 绿: 正常
    YELLOW = "yellow"  # 黄: 预警 (时限临界)
    RED = "red"  # 红: 超期
    GREY = "grey"  # 灰: 挂起 (特别程序 / paused 补正)

    @property
    def label(self) -> str:
        return _LIGHT_LABELS[self]


_LIGHT_LABELS: dict[Light, str] = {
    Light.GREEN: "正常",
    Light.YELLOW: "预警",
    Light.RED: "超期",
    Light.GREY: "挂起",
}


@dataclass(frozen=True, slots=True)
class CaseClock:
    """Everything needed to time one 办件.

    ``accepted_on`` is the 受理 day: the clock starts, counting begins the next day
    (行政许可法 Art.82, 民法典 Art.201). ``None`` means not accepted yet (clock not started).
    ``max_extension_working_days`` is the legal ceiling for all extensions together (10 under
    Art.42 ¶1, 15 for 统一/联合/集中办理 under Art.42 ¶2). 补正 pauses stop the clock only
    when ``correction_pauses_clock`` says the item counts them (domain.md §3.4).

    The promise may not exceed the legal limit (domain.md §2.7) when the two can be compared
    (same unit, or either side 即办).
    """

    accepted_on: dt.date | None
    promised: TimeLimit
    legal: TimeLimit
    pauses: tuple[Pause, ...] = ()
    extensions: tuple[Extension, ...] = ()
    max_extension_working_days: int = 10
    correction_pauses_clock: bool = False

    def __post_init__(self) -> None:
        if self.max_extension_working_days < 0:
            raise TimeLimitError(f"延长期限上限不能为负数：{self.max_extension_working_days}")
        comparable = self.promised.unit == self.legal.unit or self.promised.is_immediate
        if self.legal.is_immediate:
            comparable = True
        if comparable and self.promised.amount > self.legal.amount:
            raise TimeLimitError(
                f"承诺时限（{self.promised.label}）不得超过法定时限（{self.legal.label}）"
            )

    @property
    def counted_pauses(self) -> tuple[Pause, ...]:
        """The pauses that stop this clock (特别程序 always; 补正 if the item says so)."""
        return tuple(
            p
            for p in self.pauses
            if p.kind is PauseKind.SPECIAL_PROCEDURE or self.correction_pauses_clock
        )

    @property
    def total_extension_working_days(self) -> int:
        return sum(e.working_days for e in self.extensions)


@dataclass(frozen=True, slots=True)
class ClockStatus:
    """The state of a case clock on one day (see ``evaluate``)."""

    promised_due: dt.date | None
    legal_due: dt.date | None
    remaining_working_days: int | None
    light: Light | None
    is_paused: bool
    paused_working_days: int
    extended_working_days: int
    is_provisional: bool
    is_overdue: bool


# -- pauses ---------------------------------------------------------------------------------


class _PausedDays:
    """Merged, inclusive pause intervals with a fast membership test."""

    def __init__(self, intervals: Sequence[tuple[dt.date, dt.date]]) -> None:
        self.intervals = tuple(intervals)
        self._starts = [s for s, _ in self.intervals]

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return False
        index = bisect.bisect_right(self._starts, day) - 1
        return index >= 0 and day <= self.intervals[index][1]

    def days(self) -> Iterable[dt.date]:
        for start, end in self.intervals:
            current = start
            while current <= end:
                yield current
                current += ONE_DAY


def _merge_pauses(
    pauses: Iterable[Pause], today: dt.date | None, *, clip_to_today: bool = False
) -> _PausedDays:
    """Merge pauses into disjoint inclusive intervals.

    An open pause ends on ``today`` (required). With ``clip_to_today`` every pause is cut at
    ``today`` and pauses starting later are dropped (only what is known on ``today`` counts).
    """
    intervals: list[tuple[dt.date, dt.date]] = []
    for pause in pauses:
        end = pause.end
        if end is None or (clip_to_today and today is not None and end > today):
            if today is None:
                raise TimeLimitError("存在尚未结束的暂停，计算期限时必须提供当前日期")
            end = today
        if end < pause.start:  # an open pause that starts after today: nothing yet
            continue
        intervals.append((pause.start, end))
    intervals.sort()
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return _PausedDays(merged)


def _unpaused_working_days(
    low: dt.date, high: dt.date, calendar: WorkCalendar, paused: _PausedDays
) -> int:
    """Working days in (low, high] on which the clock ran; 0 when high <= low."""
    count = 0
    current = low
    while current < high:
        current += ONE_DAY
        if current not in paused and calendar.is_working_day(current):
            count += 1
    return count


# -- due dates ------------------------------------------------------------------------------


def _due_date(
    start: dt.date,
    limit: TimeLimit,
    calendar: WorkCalendar,
    paused: _PausedDays,
    extension_days: int,
) -> WorkdayResult:
    if extension_days < 0:
        raise TimeLimitError(f"延长天数不能为负数：{extension_days}")
    total = limit.amount + extension_days
    if total == 0:
        return WorkdayResult(start, False)
    current = start
    provisional = False
    remaining = total
    if limit.unit is LimitUnit.NATURAL_DAYS:
        # Paused calendar days are skipped; the answer only depends on the calendar from the
        # natural end onwards (rolling to a working day), so provisionality starts there.
        while remaining > 0:
            current += ONE_DAY
            if current not in paused:
                remaining -= 1
        info = calendar.day_info(current)
        provisional = info.is_provisional
        while not info.is_working_day or current in paused:
            current += ONE_DAY
            info = calendar.day_info(current)
            provisional = provisional or info.is_provisional
        return WorkdayResult(current, provisional)
    # WORKING_DAYS, and IMMEDIATE with an approved extension (counted in working days).
    while remaining > 0:
        current += ONE_DAY
        info = calendar.day_info(current)
        provisional = provisional or info.is_provisional
        if info.is_working_day and current not in paused:
            remaining -= 1
    return WorkdayResult(current, provisional)


def due_date(
    start: dt.date,
    limit: TimeLimit,
    calendar: WorkCalendar,
    pauses: Iterable[Pause] = (),
    *,
    extension_days: int = 0,
    today: dt.date | None = None,
) -> WorkdayResult:
    """The day a period of ``limit`` that started on ``start`` (the 受理 day) falls due.

    * 工作日 (行政许可法 Art.82): the (limit + extension_days)-th working day after ``start``
      that is not paused (``start`` itself is never counted, 民法典 Art.201). This equals the
      base due date plus the paused working days (domain.md §3.5 rule 3) whenever the pauses
      begin on or before the due date; the result is always a working day when the total is
      at least 1.
    * 自然日: the (limit + extension_days)-th calendar day after ``start`` that is not paused
      (paused calendar days extend the period day for day; extension days are calendar days
      too), rolled forward to the first working, unpaused day (民法典 Art.203).
    * 即办: ``start`` itself. An approved extension of a 即办件 is counted in working days.
    * A total of 0 (即办, or a 0-day limit without extension) is due on ``start``; pauses do not
      apply then.

    Pauses are inclusive on both ends; an open pause runs up to ``today`` (required when any
    pause is open); pause days on or before ``start`` have no effect; overlaps are merged.
    ``is_provisional`` is true when a day the answer depends on belongs to an unconfirmed
    (暂定) calendar year. Raises ``TimeLimitError`` on a negative extension or a missing
    ``today``.
    """
    return _due_date(start, limit, calendar, _merge_pauses(pauses, today), extension_days)


# -- extensions and ratios ------------------------------------------------------------------


def validate_extension(clock: CaseClock, extension: Extension) -> None:
    """Raise ``TimeLimitError`` if approving ``extension`` would exceed the legal maximum.

    The maximum is ``clock.max_extension_working_days`` and covers all extensions of the case
    together (行政许可法 Art.42: 20 days + 10 with the agency head's approval; 45 + 15 with the
    government head's approval for 统一/联合/集中办理). A case not yet accepted cannot be
    extended.
    """
    if clock.accepted_on is None:
        raise TimeLimitError("办件尚未受理，不能延长期限")
    already = clock.total_extension_working_days
    total = already + extension.working_days
    if total > clock.max_extension_working_days:
        raise TimeLimitError(
            f"延长期限超过法定上限：已延长 {already} 个工作日，本次申请 "
            f"{extension.working_days} 个工作日，合计不得超过 "
            f"{clock.max_extension_working_days} 个工作日"
        )


def compression_ratio(legal: TimeLimit, promised: TimeLimit) -> float | None:
    """承诺时限压缩比 = (法定 − 承诺) / 法定 (domain.md §2.7).

    Defined when the legal limit is a positive number of days and the promise is in the same
    unit; a 即办 promise counts as 0 days of the legal unit (ratio 1.0). Otherwise (legal 即办 or
    0, different units) ``None``. A promise longer than the law gives a negative ratio, which
    flags bad data rather than hiding it.
    """
    if legal.is_immediate or legal.amount <= 0:
        return None
    if promised.unit != legal.unit and not promised.is_immediate:
        return None
    return (legal.amount - promised.amount) / legal.amount


# -- evaluation -----------------------------------------------------------------------------


def _remaining(today: dt.date, due: dt.date, calendar: WorkCalendar, paused: _PausedDays) -> int:
    """Unpaused working days left in (today, due]; when overdue, minus the unpaused working
    days in (due, today], at least 1 (so an overdue case is always negative)."""
    if today <= due:
        return _unpaused_working_days(today, due, calendar, paused)
    return -max(1, _unpaused_working_days(due, today, calendar, paused))


def evaluate(
    clock: CaseClock,
    calendar: WorkCalendar,
    today: dt.date,
    thresholds: LightThresholds = DEFAULT_THRESHOLDS,
) -> ClockStatus:
    """The state of ``clock`` on ``today``.

    Only what is known on ``today`` counts: pauses starting later are ignored, pauses still
    running (open, or with a recorded end after ``today``) count up to ``today``, and
    extensions approved after ``today`` are ignored. The due dates therefore assume a running
    pause ends today and the clock resumes tomorrow. Both the promised and the legal due date
    get the same pauses and extensions (domain.md §3.4: 特别程序 paused, 延长 += N working days).

    * ``remaining_working_days``: working days on which the clock will run from tomorrow up
      to the promised due date (0 on the due day). It stays constant while paused (the value
      at the start of the pause). When overdue it is negative: minus the unpaused working
      days late, at least -1 (so a Saturday after a Friday deadline is -1).
    * ``light`` (domain.md §9.3): 红 when ``today`` is after the promised or the legal due
      date; otherwise 灰 while paused; otherwise 黄 when the remaining days are below
      ``thresholds.threshold(promise)`` or at most 1; otherwise 绿. A 即办 promise is 绿 on
      the acceptance day (remaining 0 is expected for 即办) and 红 afterwards. Red wins over
      grey: a pause does not cure a deadline that has already passed.
    * ``paused_working_days``: working days after acceptance, up to ``today``, on which the
      clock was stopped.
    * ``is_provisional``: a due date, or the remaining count, depends on a day of an
      unconfirmed calendar year.
    * Before acceptance (``accepted_on is None``) the clock has not started: dates,
      remaining and light are ``None``.

    Raises ``TimeLimitError`` when the extensions together exceed
    ``clock.max_extension_working_days`` (行政许可法 Art.42).
    """
    if clock.total_extension_working_days > clock.max_extension_working_days:
        raise TimeLimitError(
            f"延长期限超过法定上限：合计延长 {clock.total_extension_working_days} 个工作日，"
            f"上限 {clock.max_extension_working_days} 个工作日"
        )
    extended = sum(e.working_days for e in clock.extensions if e.approved_on <= today)
    if clock.accepted_on is None:
        return ClockStatus(
            promised_due=None,
            legal_due=None,
            remaining_working_days=None,
            light=None,
            is_paused=False,
            paused_working_days=0,
            extended_working_days=extended,
            is_provisional=False,
            is_overdue=False,
        )
    accepted = clock.accepted_on
    paused = _merge_pauses(clock.counted_pauses, today, clip_to_today=True)
    promised = _due_date(accepted, clock.promised, calendar, paused, extended)
    legal = _due_date(accepted, clock.legal, calendar, paused, extended)
    is_paused = today in paused
    paused_working_days = sum(
        1 for d in paused.days() if accepted < d <= today and calendar.is_working_day(d)
    )
    remaining = _remaining(today, promised.day, calendar, paused)
    is_overdue = today > promised.day or today > legal.day
    if is_overdue:
        light = Light.RED
    elif is_paused:
        light = Light.GREY
    elif clock.promised.is_immediate and extended == 0:
        light = Light.GREEN
    elif remaining < thresholds.threshold(clock.promised.amount) or remaining <= 1:
        light = Light.YELLOW
    else:
        light = Light.GREEN
    low = min(accepted, today)
    high = max(today, promised.day, legal.day)
    provisional = (
        promised.is_provisional or legal.is_provisional or calendar.is_range_provisional(low, high)
    )
    return ClockStatus(
        promised_due=promised.day,
        legal_due=legal.day,
        remaining_working_days=remaining,
        light=light,
        is_paused=is_paused,
        paused_working_days=paused_working_days,
        extended_working_days=extended,
        is_provisional=provisional,
        is_overdue=is_overdue,
    )
