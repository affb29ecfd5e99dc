"""好差评 rules (domain.md §4, 国办发〔2019〕51号): levels and their two code systems, channels,
indicator sets, 差评 options, the rating window, 追评, the 差评 closed loop's deadlines and
states, appeals, statistics and the 星帮办 ranking formula.

Framework-free: plain values in, plain values out. Every number that a province may set
differently (window days, callback and rectification days, ranking weights) is an argument,
never a constant the caller cannot change (domain.md §0 "General design consequence").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from banhao_core.calendar import WorkCalendar, WorkdayResult
from banhao_core.time_limits import Light


class RatingError(ValueError):
    """A rating rule was broken; ``code`` is stable, the message is Chinese."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


# -- levels and code systems (domain.md §2.2 A.8, §4.2) -------------------------------------


class Level(StrEnum):
    """The five satisfaction levels. Stored by name, never as a bare number."""

    VERY_SATISFIED = "very_satisfied"  # 非常满意 ☆☆☆☆☆
    SATISFIED = "satisfied"  # 满意 ☆☆☆☆
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意 ☆☆☆
    DISSATISFIED = "dissatisfied"  # 不满意 ☆☆
    VERY_DISSATISFIED = "very_dissatisfied"  # 非常不满意 ☆

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def stars(self) -> int:
        return 5 - LEVELS.index(self)

    @property
    def is_bad(self) -> bool:
        """差评 = 不满意 + 非常不满意 (domain.md §4.2)."""
        return self in (Level.DISSATISFIED, Level.VERY_DISSATISFIED)


#: Best first — the order of GB/T 39046 A.8.
LEVELS: tuple[Level, ...] = tuple(Level)
_LEVEL_LABELS = {
    Level.VERY_SATISFIED: "非常满意",
    Level.SATISFIED: "满意",
    Level.BASICALLY_SATISFIED: "基本满意",
    Level.DISSATISFIED: "不满意",
    Level.VERY_DISSATISFIED: "非常不满意",
}


class CodeSystem(StrEnum):
    """How a number stands for a level. The two systems number in opposite orders
    (domain.md §2.2 A.8 [!]): never read or write a satisfaction number without one."""

    GBT39046 = "gbt39046_a8"  # GB/T 39046-2020 A.8 满意度代码: 1 非常满意 … 5 非常不满意
    PROVINCIAL = (
        "provincial_satisfaction"  # 好差评 interface ``satisfaction``: 1 非常不满意 … 5 非常满意
    )

    @property
    def label(self) -> str:
        return {
            CodeSystem.GBT39046: "GB/T 39046 满意度代码（1=非常满意）",
            CodeSystem.PROVINCIAL: "省好差评接口 satisfaction（1=非常不满意）",
        }[self]


def level_code(level: Level, system: CodeSystem) -> int:
    """The number of ``level`` in ``system``."""
    position = LEVELS.index(level) + 1  # 1 = 非常满意
    return position if system is CodeSystem.GBT39046 else 6 - position


def level_from_code(code: int, system: CodeSystem) -> Level:
    """The level a number stands for in ``system``; ``RatingError`` outside 1–5."""
    if isinstance(code, bool) or not isinstance(code, int) or not 1 <= code <= len(LEVELS):
        raise RatingError(
            "满意度代码应为 1–5 的整数", code="bad_satisfaction", field="satisfaction"
        )
    position = code if system is CodeSystem.GBT39046 else 6 - code
    return LEVELS[position - 1]


# -- channels (pf) and indicators (domain.md §4.3, §4.6) -----------------------------------


class RatingChannel(StrEnum):
    """评价渠道, the provincial interface's ``pf`` codes (domain.md §4.6)."""

    PC = "1"  # PC端
    MOBILE = "2"  # 移动端
    QR_CODE = "3"  # 二维码 (at the window or on a notice)
    HALL_TABLET = "4"  # 政务大厅平板电脑
    HALL_OTHER = "5"  # 政务大厅其他终端
    SMS = "6"  # 短信
    SYSTEM_DEFAULT = "7"  # 系统默认评价 — KPIs may exclude it (§4.4)

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]

    @property
    def indicator_set(self) -> IndicatorSet:
        """网上服务 rates the online indicators; 现场服务 (window QR, hall devices, SMS after a
        visit) the window set (domain.md §4.3)."""
        if self in (RatingChannel.PC, RatingChannel.MOBILE):
            return IndicatorSet.ONLINE
        return IndicatorSet.WINDOW


_CHANNEL_LABELS = {
    RatingChannel.PC: "PC端",
    RatingChannel.MOBILE: "移动端",
    RatingChannel.QR_CODE: "二维码",
    RatingChannel.HALL_TABLET: "政务大厅平板电脑",
    RatingChannel.HALL_OTHER: "政务大厅其他终端",
    RatingChannel.SMS: "短信",
    RatingChannel.SYSTEM_DEFAULT: "系统默认评价",
}


class IndicatorSet(StrEnum):
    ONLINE = "online"  # 网上服务
    WINDOW = "window"  # 现场服务

    @property
    def label(self) -> str:
        return "网上服务指标" if self is IndicatorSet.ONLINE else "现场服务指标"

    @property
    def indicators(self) -> tuple[tuple[str, str], ...]:
        """(key, 中文) pairs; the first is always 整体满意度."""
        return ONLINE_INDICATORS if self is IndicatorSet.ONLINE else WINDOW_INDICATORS


OVERALL = "overall"
ONLINE_INDICATORS: tuple[tuple[str, str], ...] = (
    (OVERALL, "整体满意度"),
    ("efficiency", "办事效率"),
    ("guide_accuracy", "办事指南精确度"),
    ("convenience", "办事便捷度"),
    ("usability", "平台操作性"),
)
WINDOW_INDICATORS: tuple[tuple[str, str], ...] = (
    (OVERALL, "整体满意度"),
    ("service_efficiency", "服务效率"),
    ("service_level", "服务水平"),
    ("service_attitude", "服务态度"),
)


def clean_indicators(
    indicator_set: IndicatorSet, overall: Level, given: Mapping[str, Level]
) -> dict[str, str]:
    """The secondary indicators as ``{key: level name}``, with 整体满意度 = ``overall``.

    Unknown keys are refused; secondary indicators left out are simply not rated.
    """
    known = dict(indicator_set.indicators)
    cleaned: dict[str, str] = {OVERALL: overall.value}
    for key, level in given.items():
        if key not in known:
            raise RatingError(
                f"“{indicator_set.label}”中没有指标 {key}", code="unknown_indicator", field=key
            )
        if key == OVERALL and level is not overall:
            raise RatingError(
                "整体满意度应与评价等级一致", code="overall_mismatch", field="satisfaction"
            )
        cleaned[key] = level.value
    return cleaned


# -- 差评 options (domain.md §4.3) -----------------------------------------------------------


@dataclass(frozen=True)
class OptionList:
    """A versioned list of follow-up options for 差评 (``evalDetail``).

    domain.md §4.3 says the 差评 options are those of GB/T 39734 附录A, versioned and not to be
    edited locally; the text of 附录A was not obtained (§4.4 [!]). The list shipped here is a
    **local placeholder** (marked ``is_provisional``), to be replaced by the provincial list
    as a new version — old ratings keep the version they were given under.
    """

    version: str
    source: str
    is_provisional: bool
    options: tuple[tuple[str, str], ...]

    def label(self, code: str) -> str:
        return dict(self.options).get(code, code)


BAD_OPTION_LISTS: dict[str, OptionList] = {
    "local-2026.1": OptionList(
        version="local-2026.1",
        source="本地暂定（GB/T 39734 附录A 原文未取得，domain.md §4.3–4.4）",
        is_provisional=True,
        options=(
            ("B01", "办事指南不准确、不清楚"),
            ("B02", "材料要求反复、多次补正"),
            ("B03", "等候时间长"),
            ("B04", "服务态度不好"),
            ("B05", "办理超过承诺时限"),
            ("B06", "多次跑动"),
            ("B07", "系统操作不便"),
            ("B08", "收费不合理"),
            ("B99", "其他"),
        ),
    )
}
CURRENT_BAD_OPTIONS = "local-2026.1"


def clean_options(level: Level, codes: Iterable[str], version: str) -> tuple[str, ...]:
    """The option codes, deduplicated in list order. A 差评 needs at least one option; a good
    rating has none (options are shown per level, §4.3)."""
    option_list = BAD_OPTION_LISTS.get(version)
    if option_list is None:
        raise RatingError(f"未知的评价选项版本：{version}", code="unknown_option_version")
    wanted = [code.strip() for code in codes if code and code.strip()]
    if not level.is_bad:
        if wanted:
            raise RatingError(
                "只有“不满意”“非常不满意”需要选择问题选项",
                code="options_not_allowed",
                field="evalDetail",
            )
        return ()
    known = [code for code, _label in option_list.options]
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise RatingError(
            f"未知的问题选项：{'、'.join(unknown)}", code="unknown_option", field="evalDetail"
        )
    if not wanted:
        raise RatingError("差评请至少选择一项问题", code="option_required", field="evalDetail")
    return tuple(code for code in known if code in wanted)


# -- service events, the rating window and 追评 (domain.md §4.4) -----------------------------


class ServiceEvent(StrEnum):
    """The service being rated: 一次一评 (window) / 一事一评 (online) per event."""

    ACCEPTANCE = "acceptance"  # 受理
    CLOSE = "close"  # 办结

    @property
    def label(self) -> str:
        return "受理" if self is ServiceEvent.ACCEPTANCE else "办结"


def rating_window_end(event_on: dt.date, calendar: WorkCalendar, days: int) -> WorkdayResult:
    """Last day a rating may be given: ``days`` working days after the event day (the event day
    itself not counted, domain.md §3.5 rule 2). Shandong: 5 working days [L] (§4.4)."""
    if days < 0:
        raise RatingError("评价期限不能为负数", code="bad_window")
    return calendar.add_working_days(event_on, days)


def check_rating_window(
    *, event_on: dt.date, today: dt.date, calendar: WorkCalendar, days: int
) -> dt.date:
    """The window's last day; ``RatingError`` when ``today`` is after it."""
    end = rating_window_end(event_on, calendar, days).day
    if today > end:
        raise RatingError(
            f"评价期限已过：办理后 {days} 个工作日内（截至 {end.isoformat()}）可以评价",
            code="rating_window_closed",
        )
    if today < event_on:
        raise RatingError("该次服务尚未发生，不能评价", code="event_not_happened")
    return end


#: ``assessNumber``: 1 首次评价, 2 追评 (domain.md §4.4).
FIRST_RATING = 1
FOLLOW_UP = 2


def next_assess_number(existing: Sequence[int]) -> int:
    """The ``assessNumber`` of a new rating of one case event given those it already has:
    1 for the first, 2 for the one 追评; a third is refused."""
    if not existing:
        return FIRST_RATING
    if FOLLOW_UP in existing or len(existing) >= FOLLOW_UP:
        raise RatingError("每次服务只能追评一次", code="follow_up_used")
    return FOLLOW_UP


def check_first_rating(existing: Sequence[int]) -> None:
    """A first rating when the event already has one is refused (一次一评)."""
    if existing:
        raise RatingError("本次服务已评价过，如需补充请使用“追评”", code="already_rated")


def check_follow_up(existing: Sequence[int]) -> int:
    """追评 needs a first rating and no earlier 追评."""
    if not existing:
        raise RatingError("尚未评价，不能追评", code="no_first_rating")
    return next_assess_number(existing)


# -- the 差评 closed loop (domain.md §4.5) ----------------------------------------------------


def callback_due(routed_on: dt.date, calendar: WorkCalendar, days: int = 1) -> WorkdayResult:
    """回访 due: ``days`` working days after the 差评 reached the unit ("123" rule: 1)."""
    return calendar.add_working_days(routed_on, days)


def rectification_due(disposed_on: dt.date, calendar: WorkCalendar, days: int = 5) -> WorkdayResult:
    """整改 due: ``days`` working days after the 限期整改 decision (default 5, 山东/德州 [L])."""
    if days < 1:
        raise RatingError("整改期限至少 1 个工作日", code="bad_rectification_days")
    return calendar.add_working_days(disposed_on, days)


def deadline_light(
    *, due: dt.date, done_on: dt.date | None, today: dt.date, calendar: WorkCalendar
) -> Light | None:
    """绿/黄/红 for one step of the loop; ``None`` once done on time. A step done late stays
    红 (so statistics and pages show it); due today or on the next working day is 黄."""
    if done_on is not None:
        return Light.RED if done_on > due else None
    if today > due:
        return Light.RED
    if calendar.working_days_between(today, due) <= 1:
        return Light.YELLOW
    return Light.GREEN


class Disposition(StrEnum):
    """处置方式 (domain.md §4.5)."""

    IMMEDIATE = "immediate"  # 情况清楚、诉求合理 ⇒ 立行立改
    RECTIFY = "rectify"  # 情况复杂 ⇒ 说明理由, 建立台账, 限期整改
    EXPLAIN = "explain"  # 缺乏法定依据 ⇒ 解释说明

    @property
    def label(self) -> str:
        return {"immediate": "立行立改", "rectify": "限期整改", "explain": "解释说明"}[self.value]


class ComplaintState(StrEnum):
    AWAITING_CALLBACK = "awaiting_callback"  # 待回访
    AWAITING_DISPOSITION = "awaiting_disposition"  # 待处置
    RECTIFYING = "rectifying"  # 整改中
    AWAITING_FEEDBACK = "awaiting_feedback"  # 待反馈 (处置完成, result not yet told)
    FED_BACK = "fed_back"  # 已反馈, waiting for the rater's verdict on the fix
    CLOSED = "closed"  # 已办结 (the rater rated the fix)
    ANNULLED = "annulled"  # 已撤销 (申诉成立)

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def is_rectified(self) -> bool:
        """Counted as 已整改 in 差评整改率."""
        return self in (
            ComplaintState.AWAITING_FEEDBACK,
            ComplaintState.FED_BACK,
            ComplaintState.CLOSED,
        )


_STATE_LABELS = {
    ComplaintState.AWAITING_CALLBACK: "待回访",
    ComplaintState.AWAITING_DISPOSITION: "待处置",
    ComplaintState.RECTIFYING: "整改中",
    ComplaintState.AWAITING_FEEDBACK: "待反馈",
    ComplaintState.FED_BACK: "已反馈待评价",
    ComplaintState.CLOSED: "已办结",
    ComplaintState.ANNULLED: "已撤销（申诉成立）",
}


class ComplaintAction(StrEnum):
    CALLBACK = "callback"  # 回访核实
    DISPOSE_IMMEDIATE = "dispose_immediate"
    DISPOSE_RECTIFY = "dispose_rectify"
    DISPOSE_EXPLAIN = "dispose_explain"
    COMPLETE_RECTIFICATION = "complete_rectification"  # 整改完成
    FEED_BACK = "feed_back"  # 结果反馈评价人
    RATE_FIX = "rate_fix"  # 评价人评价整改结果
    ANNUL = "annul"  # 申诉成立


_S, _A = ComplaintState, ComplaintAction
COMPLAINT_TRANSITIONS: dict[tuple[ComplaintState, ComplaintAction], ComplaintState] = {
    (_S.AWAITING_CALLBACK, _A.CALLBACK): _S.AWAITING_DISPOSITION,
    (_S.AWAITING_DISPOSITION, _A.DISPOSE_IMMEDIATE): _S.AWAITING_FEEDBACK,
    (_S.AWAITING_DISPOSITION, _A.DISPOSE_EXPLAIN): _S.AWAITING_FEEDBACK,
    (_S.AWAITING_DISPOSITION, _A.DISPOSE_RECTIFY): _S.RECTIFYING,
    (_S.RECTIFYING, _A.COMPLETE_RECTIFICATION): _S.AWAITING_FEEDBACK,
    (_S.AWAITING_FEEDBACK, _A.FEED_BACK): _S.FED_BACK,
    (_S.FED_BACK, _A.RATE_FIX): _S.CLOSED,
    **{
        (state, _A.ANNUL): _S.ANNULLED
        for state in ComplaintState
        if state not in (_S.CLOSED, _S.ANNULLED)
    },
}
DISPOSE_ACTIONS = {
    Disposition.IMMEDIATE: _A.DISPOSE_IMMEDIATE,
    Disposition.RECTIFY: _A.DISPOSE_RECTIFY,
    Disposition.EXPLAIN: _A.DISPOSE_EXPLAIN,
}


def complaint_next(state: ComplaintState, action: ComplaintAction) -> ComplaintState:
    """The state after ``action``; ``RatingError`` (code ``bad_step``) when not allowed now."""
    target = COMPLAINT_TRANSITIONS.get((state, action))
    if target is None:
        raise RatingError(f"差评当前为“{state.label}”，不能进行该操作", code="bad_step")
    return target


def complaint_actions(state: ComplaintState) -> tuple[ComplaintAction, ...]:
    return tuple(action for (s, action) in COMPLAINT_TRANSITIONS if s is state)


class FixVerdict(StrEnum):
    """The rater's verdict on the fix (domain.md §4.5: 满意/基本满意/不满意)."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self) -> str:
        return {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}[
            self.value
        ]


# -- 申诉复核 (domain.md §4.5) ----------------------------------------------------------------


class AppealGround(StrEnum):
    MISTAKEN = "mistaken"  # 误评
    MALICIOUS = "malicious"  # 恶意差评
    UNTRUE = "untrue"  # 不实差评

    @property
    def label(self) -> str:
        return {"mistaken": "误评", "malicious": "恶意差评", "untrue": "不实差评"}[self.value]


class AppealOutcome(StrEnum):
    PENDING = "pending"  # 待复核
    UPHELD = "upheld"  # 申诉成立: the rating is excluded from statistics (as configured)
    REJECTED = "rejected"  # 申诉不成立: the rating stands

    @property
    def label(self) -> str:
        return {"pending": "待复核", "upheld": "申诉成立", "rejected": "申诉不成立"}[self.value]


# -- statistics (domain.md §10.2) -------------------------------------------------------------


@dataclass(frozen=True)
class RatedItem:
    level: Level
    channel: RatingChannel
    is_excluded: bool = False  # an upheld appeal (when policy excludes them)


@dataclass(frozen=True)
class RatingSummary:
    total: int
    good: int  # 非常满意 + 满意 + 基本满意
    bad: int  # 差评
    by_level: tuple[tuple[Level, int], ...]

    @property
    def good_rate(self) -> float | None:
        """好评率 = good / ratings; ``None`` with no ratings."""
        return self.good / self.total if self.total else None


def summarise(items: Iterable[RatedItem], *, exclude_system_default: bool) -> RatingSummary:
    """好评率 over ``items``: excluded ratings never count; 系统默认评价 when configured."""
    counts = dict.fromkeys(LEVELS, 0)
    for item in items:
        if item.is_excluded:
            continue
        if exclude_system_default and item.channel is RatingChannel.SYSTEM_DEFAULT:
            continue
        counts[item.level] += 1
    total = sum(counts.values())
    bad = counts[Level.DISSATISFIED] + counts[Level.VERY_DISSATISFIED]
    return RatingSummary(total=total, good=total - bad, bad=bad, by_level=tuple(counts.items()))


def rectification_rate(states: Iterable[ComplaintState]) -> float | None:
    """差评整改率 = 已整改 / 差评 (annulled ones excluded); ``None`` with no 差评."""
    relevant = [s for s in states if s is not ComplaintState.ANNULLED]
    if not relevant:
        return None
    return sum(1 for s in relevant if s.is_rectified) / len(relevant)


# -- 星帮办 ranking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingWeights:
    """Weights in percent; they must add up to 100."""

    satisfaction: int = 40
    on_time: int = 30
    volume: int = 20
    forum: int = 10

    def __post_init__(self) -> None:
        values = (self.satisfaction, self.on_time, self.volume, self.forum)
        if any(v < 0 for v in values):
            raise RatingError("权重不能为负数", code="bad_weights")
        if sum(values) != 100:
            raise RatingError(f"各项权重之和应为 100，现为 {sum(values)}", code="bad_weights")


RANKING_FORMULA = (
    "得分 = w₁×好评率 + w₂×按时办结率 + w₃×（办件量 ÷ 本月最高办件量）+ w₄×群众评议指数；"
    "群众评议指数 = （1 +（表扬 − 批评）÷（表扬 + 批评））÷ 2；"
    "没有数据的比率按 0.5 计；权重 w 以百分数计，之和为 100，得分满分 100。"
)
NEUTRAL = 0.5


@dataclass(frozen=True)
class StaffFacts:
    """One staff member's month."""

    staff_id: int
    ratings: int = 0
    good_ratings: int = 0
    cases_closed: int = 0
    cases_on_time: int = 0
    praise: int = 0
    criticism: int = 0


@dataclass(frozen=True)
class RankedStaff:
    rank: int
    facts: StaffFacts
    satisfaction: float
    on_time: float
    volume: float
    forum: float
    score: float


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else NEUTRAL


def rank_staff(facts: Iterable[StaffFacts], weights: RankingWeights) -> list[RankedStaff]:
    """The month's ranking by ``RANKING_FORMULA``; ties share a rank (1, 1, 3), ordered by
    volume then id for display."""
    rows = list(facts)
    top_volume = max((f.cases_closed for f in rows), default=0)
    scored: list[RankedStaff] = []
    for f in rows:
        satisfaction = _rate(f.good_ratings, f.ratings)
        on_time = _rate(f.cases_on_time, f.cases_closed)
        volume = f.cases_closed / top_volume if top_volume else 0.0
        opinions = f.praise + f.criticism
        forum = (1 + (f.praise - f.criticism) / opinions) / 2 if opinions else NEUTRAL
        score = (
            weights.satisfaction * satisfaction
            + weights.on_time * on_time
            + weights.volume * volume
            + weights.forum * forum
        )
        scored.append(RankedStaff(0, f, satisfaction, on_time, volume, forum, round(score, 2)))
    scored.sort(key=lambda r: (-r.score, -r.facts.cases_closed, r.facts.staff_id))
    ranked: list[RankedStaff] = []
    for index, row in enumerate(scored):
        rank = ranked[-1].rank if ranked and ranked[-1].score == row.score else index + 1
        ranked.append(
            RankedStaff(
                rank, row.facts, row.satisfaction, row.on_time, row.volume, row.forum, row.score
            )
        )
    return ranked
