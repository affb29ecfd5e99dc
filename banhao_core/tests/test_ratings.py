"""好差评 rules: code systems, options, window, 追评, loop deadlines across holidays, ranking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from banhao_core.calendar import WorkCalendar
from banhao_core.ratings import (
    LEVELS,
    CodeSystem,
    ComplaintAction,
    ComplaintState,
    IndicatorSet,
    Level,
    RankingWeights,
    RatedItem,
    RatingChannel,
    RatingError,
    StaffFacts,
    callback_due,
    check_first_rating,
    check_follow_up,
    check_rating_window,
    clean_indicators,
    clean_options,
    complaint_actions,
    complaint_next,
    deadline_light,
    level_code,
    level_from_code,
    rank_staff,
    rectification_due,
    rectification_rate,
    summarise,
)
from banhao_core.time_limits import Light

D = dt.date
G, P = CodeSystem.GBT39046, CodeSystem.PROVINCIAL


# -- code systems ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "gbt", "provincial"),
    [
        (Level.VERY_SATISFIED, 1, 5),
        (Level.SATISFIED, 2, 4),
        (Level.BASICALLY_SATISFIED, 3, 3),
        (Level.DISSATISFIED, 4, 2),
        (Level.VERY_DISSATISFIED, 5, 1),
    ],
)
def test_each_level_has_opposite_numbers_in_the_two_code_systems(
    level: Level, gbt: int, provincial: int
) -> None:
    assert level_code(level, G) == gbt
    assert level_code(level, P) == provincial
    assert level_from_code(gbt, G) is level
    assert level_from_code(provincial, P) is level


@given(st.sampled_from(LEVELS), st.sampled_from(list(CodeSystem)))
def test_code_round_trip(level: Level, system: CodeSystem) -> None:
    assert level_from_code(level_code(level, system), system) is level


@given(st.integers(min_value=1, max_value=5))
def test_the_same_number_means_mirrored_levels(code: int) -> None:
    assert level_from_code(code, G) is level_from_code(6 - code, P)


@pytest.mark.parametrize("code", [0, 6, -1, True])
def test_numbers_outside_one_to_five_are_refused(code: int) -> None:
    with pytest.raises(RatingError) as error:
        level_from_code(code, P)
    assert error.value.code == "bad_satisfaction"


@pytest.mark.parametrize(
    ("level", "bad", "stars"),
    [
        (Level.VERY_SATISFIED, False, 5),
        (Level.SATISFIED, False, 4),
        (Level.BASICALLY_SATISFIED, False, 3),
        (Level.DISSATISFIED, True, 2),
        (Level.VERY_DISSATISFIED, True, 1),
    ],
)
def test_bad_ratings_are_dissatisfied_and_very_dissatisfied(
    level: Level, bad: bool, stars: int
) -> None:
    assert level.is_bad is bad
    assert level.stars == stars


# -- channels, indicators, options ----------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (RatingChannel.PC, IndicatorSet.ONLINE),
        (RatingChannel.MOBILE, IndicatorSet.ONLINE),
        (RatingChannel.QR_CODE, IndicatorSet.WINDOW),
        (RatingChannel.HALL_TABLET, IndicatorSet.WINDOW),
        (RatingChannel.HALL_OTHER, IndicatorSet.WINDOW),
        (RatingChannel.SMS, IndicatorSet.WINDOW),
        (RatingChannel.SYSTEM_DEFAULT, IndicatorSet.WINDOW),
    ],
)
def test_channel_decides_the_indicator_set(channel: RatingChannel, expected: IndicatorSet) -> None:
    assert channel.indicator_set is expected


def test_indicator_sets_follow_domain_sheet() -> None:
    assert [label for _k, label in IndicatorSet.ONLINE.indicators] == [
        "整体满意度",
        "办事效率",
        "办事指南精确度",
        "办事便捷度",
        "平台操作性",
    ]
    assert [label for _k, label in IndicatorSet.WINDOW.indicators] == [
        "整体满意度",
        "服务效率",
        "服务水平",
        "服务态度",
    ]


def test_indicators_are_checked_against_their_set() -> None:
    cleaned = clean_indicators(
        IndicatorSet.WINDOW, Level.SATISFIED, {"service_attitude": Level.DISSATISFIED}
    )
    assert cleaned == {"overall": "satisfied", "service_attitude": "dissatisfied"}
    with pytest.raises(RatingError) as error:
        clean_indicators(IndicatorSet.WINDOW, Level.SATISFIED, {"usability": Level.SATISFIED})
    assert error.value.code == "unknown_indicator"
    with pytest.raises(RatingError):
        clean_indicators(IndicatorSet.ONLINE, Level.SATISFIED, {"overall": Level.DISSATISFIED})


@pytest.mark.parametrize(
    ("level", "codes", "result"),
    [
        (Level.DISSATISFIED, ["B04", "B01", "B04"], ("B01", "B04")),
        (Level.VERY_DISSATISFIED, ["B99"], ("B99",)),
        (Level.DISSATISFIED, [], "option_required"),
        (Level.DISSATISFIED, ["X1"], "unknown_option"),
        (Level.SATISFIED, ["B01"], "options_not_allowed"),
        (Level.VERY_SATISFIED, [], ()),
    ],
)
def test_bad_rating_options(level: Level, codes: list[str], result: object) -> None:
    if isinstance(result, str):
        with pytest.raises(RatingError) as error:
            clean_options(level, codes, "local-2026.1")
        assert error.value.code == result
    else:
        assert clean_options(level, codes, "local-2026.1") == result


def test_unknown_option_version_is_refused() -> None:
    with pytest.raises(RatingError):
        clean_options(Level.DISSATISFIED, ["B01"], "gbt39734-9999")


# -- window and 追评 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed_on", "today", "allowed", "end"),
    [
        # Closed Friday 2026-11-27: 5 working days → Friday 2026-12-04.
        (D(2026, 11, 27), D(2026, 12, 4), True, D(2026, 12, 4)),
        (D(2026, 11, 27), D(2026, 12, 5), False, D(2026, 12, 4)),
        # Closed Thursday 2026-09-24 before 中秋 (09-25…27 off) and 国庆 (10-01…07 off):
        # 09-28, 09-29, 09-30, 10-08, 10-09 → window ends Friday 2026-10-09.
        (D(2026, 9, 24), D(2026, 10, 9), True, D(2026, 10, 9)),
        (D(2026, 9, 24), D(2026, 10, 10), False, D(2026, 10, 9)),
        # Closed Friday 2026-02-13 before 春节: 02-14 (Sat) is a 调休 working day, then
        # 02-15…23 off: 02-14, 02-24, 02-25, 02-26, 02-27.
        (D(2026, 2, 13), D(2026, 2, 27), True, D(2026, 2, 27)),
        (D(2026, 2, 13), D(2026, 2, 28), False, D(2026, 2, 27)),
    ],
)
def test_rating_window_counts_working_days(
    calendar: WorkCalendar, closed_on: dt.date, today: dt.date, allowed: bool, end: dt.date
) -> None:
    if allowed:
        assert (
            check_rating_window(event_on=closed_on, today=today, calendar=calendar, days=5) == end
        )
    else:
        with pytest.raises(RatingError) as error:
            check_rating_window(event_on=closed_on, today=today, calendar=calendar, days=5)
        assert error.value.code == "rating_window_closed"
        assert end.isoformat() in error.value.message


def test_rating_window_is_configurable(calendar: WorkCalendar) -> None:
    assert check_rating_window(
        event_on=D(2026, 11, 27), today=D(2026, 11, 30), calendar=calendar, days=1
    ) == D(2026, 11, 30)
    with pytest.raises(RatingError):
        check_rating_window(
            event_on=D(2026, 11, 27), today=D(2026, 12, 1), calendar=calendar, days=1
        )


@pytest.mark.parametrize(
    ("existing", "first_ok", "follow_up"),
    [
        ([], True, "no_first_rating"),
        ([1], False, 2),
        ([1, 2], False, "follow_up_used"),
    ],
)
def test_first_rating_and_one_follow_up(
    existing: list[int], first_ok: bool, follow_up: object
) -> None:
    if first_ok:
        check_first_rating(existing)
    else:
        with pytest.raises(RatingError) as first:
            check_first_rating(existing)
        assert first.value.code == "already_rated"
    if isinstance(follow_up, str):
        with pytest.raises(RatingError) as error:
            check_follow_up(existing)
        assert error.value.code == follow_up
    else:
        assert check_follow_up(existing) == follow_up


# -- loop deadlines across holidays ---------------------------------------------------------


@pytest.mark.parametrize(
    ("routed_on", "callback", "rectify_from", "rectified_by"),
    [
        (D(2026, 11, 27), D(2026, 11, 30), D(2026, 11, 30), D(2026, 12, 7)),  # over a weekend
        # over 国庆; 10-10 (Sat) is a 调休 working day: 10-09, 10-10, 10-12, 10-13, 10-14
        (D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 8), D(2026, 10, 14)),
        # 调休 Sat 02-14, then 春节; 02-28 (Sat) is again a 调休 working day
        (D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 14), D(2026, 2, 28)),
        (D(2026, 12, 31), D(2027, 1, 4), D(2027, 1, 4), D(2027, 1, 11)),  # 元旦 (2027 暂定)
    ],
)
def test_callback_and_rectification_due_on_working_days(
    calendar: WorkCalendar,
    routed_on: dt.date,
    callback: dt.date,
    rectify_from: dt.date,
    rectified_by: dt.date,
) -> None:
    assert callback_due(routed_on, calendar).day == callback
    assert rectification_due(rectify_from, calendar).day == rectified_by


def test_rectification_days_are_configurable(calendar: WorkCalendar) -> None:
    assert rectification_due(D(2026, 11, 27), calendar, days=15).day == D(2026, 12, 18)
    with pytest.raises(RatingError):
        rectification_due(D(2026, 11, 27), calendar, days=0)


@pytest.mark.parametrize(
    ("due", "done_on", "today", "light"),
    [
        (D(2026, 12, 4), None, D(2026, 11, 27), Light.GREEN),
        (D(2026, 11, 30), None, D(2026, 11, 27), Light.YELLOW),  # next working day
        (D(2026, 11, 27), None, D(2026, 11, 27), Light.YELLOW),  # today
        (D(2026, 11, 26), None, D(2026, 11, 27), Light.RED),
        (D(2026, 11, 30), D(2026, 11, 30), D(2026, 12, 9), None),
        (D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 9), Light.RED),  # done late
    ],
)
def test_deadline_lights(
    calendar: WorkCalendar,
    due: dt.date,
    done_on: dt.date | None,
    today: dt.date,
    light: Light | None,
) -> None:
    assert deadline_light(due=due, done_on=done_on, today=today, calendar=calendar) is light


def test_complaint_state_table() -> None:
    s, a = ComplaintState, ComplaintAction
    path = [
        (a.CALLBACK, s.AWAITING_DISPOSITION),
        (a.DISPOSE_RECTIFY, s.RECTIFYING),
        (a.COMPLETE_RECTIFICATION, s.AWAITING_FEEDBACK),
        (a.FEED_BACK, s.FED_BACK),
        (a.RATE_FIX, s.CLOSED),
    ]
    state = s.AWAITING_CALLBACK
    for action, expected in path:
        state = complaint_next(state, action)
        assert state is expected
    assert complaint_actions(s.CLOSED) == ()
    with pytest.raises(RatingError) as error:
        complaint_next(s.AWAITING_CALLBACK, a.FEED_BACK)
    assert error.value.code == "bad_step"
    assert complaint_next(s.RECTIFYING, a.ANNUL) is s.ANNULLED
    with pytest.raises(RatingError):
        complaint_next(s.CLOSED, a.ANNUL)


# -- statistics ------------------------------------------------------------------------------


def test_good_rate_excludes_system_default_and_upheld_appeals() -> None:
    items = [
        RatedItem(Level.VERY_SATISFIED, RatingChannel.PC),
        RatedItem(Level.BASICALLY_SATISFIED, RatingChannel.QR_CODE),
        RatedItem(Level.DISSATISFIED, RatingChannel.PC),
        RatedItem(Level.VERY_DISSATISFIED, RatingChannel.PC, is_excluded=True),
        RatedItem(Level.VERY_SATISFIED, RatingChannel.SYSTEM_DEFAULT),
    ]
    without = summarise(items, exclude_system_default=True)
    assert (without.total, without.good, without.bad) == (3, 2, 1)
    assert without.good_rate == pytest.approx(2 / 3)
    with_default = summarise(items, exclude_system_default=False)
    assert (with_default.total, with_default.good) == (4, 3)
    assert summarise([], exclude_system_default=True).good_rate is None


def test_rectification_rate() -> None:
    s = ComplaintState
    assert rectification_rate([s.CLOSED, s.RECTIFYING, s.FED_BACK, s.ANNULLED]) == pytest.approx(
        2 / 3
    )
    assert rectification_rate([s.ANNULLED]) is None


# -- 星帮办 ------------------------------------------------------------------------------------


def test_ranking_formula_by_hand() -> None:
    weights = RankingWeights(satisfaction=40, on_time=30, volume=20, forum=10)
    a = StaffFacts(1, ratings=10, good_ratings=9, cases_closed=20, cases_on_time=20, praise=2)
    b = StaffFacts(2, ratings=4, good_ratings=2, cases_closed=10, cases_on_time=5, criticism=1)
    c = StaffFacts(3)  # no data: neutral rates, no volume
    ranked = rank_staff([c, b, a], weights)
    assert [r.facts.staff_id for r in ranked] == [1, 2, 3]
    # a: 40×0.9 + 30×1 + 20×1 + 10×1 = 96
    assert ranked[0].score == pytest.approx(96.0)
    # b: 40×0.5 + 30×0.5 + 20×(10/20) + 10×0 (one criticism) = 45
    assert ranked[1].score == pytest.approx(45.0)
    # c: no data — 40×0.5 + 30×0.5 + 20×0 + 10×0.5 = 40
    assert ranked[2].score == pytest.approx(40.0)
    assert [r.rank for r in ranked] == [1, 2, 3]


def test_ranking_weights_change_the_order() -> None:
    fast = StaffFacts(1, ratings=10, good_ratings=5, cases_closed=30, cases_on_time=30)
    liked = StaffFacts(2, ratings=10, good_ratings=10, cases_closed=5, cases_on_time=3)
    by_satisfaction = rank_staff([fast, liked], RankingWeights(70, 10, 10, 10))
    by_volume = rank_staff([fast, liked], RankingWeights(10, 10, 70, 10))
    assert by_satisfaction[0].facts.staff_id == 2
    assert by_volume[0].facts.staff_id == 1


def test_ties_share_a_rank() -> None:
    same = [
        StaffFacts(1, cases_closed=3, cases_on_time=3),
        StaffFacts(2, cases_closed=3, cases_on_time=3),
    ]
    ranked = rank_staff(same, RankingWeights())
    assert [r.rank for r in ranked] == [1, 1]


@pytest.mark.parametrize("weights", [(50, 30, 20, 10), (40, 30, 40, -10)])
def test_weights_must_add_up_to_100(weights: tuple[int, int, int, int]) -> None:
    with pytest.raises(RatingError) as error:
        RankingWeights(*weights)
    assert error.value.code == "bad_weights"


@given(
    st.lists(
        st.builds(
            StaffFacts,
            staff_id=st.integers(1, 10_000),
            ratings=st.integers(0, 50),
            good_ratings=st.just(0),
            cases_closed=st.integers(0, 50),
            cases_on_time=st.just(0),
            praise=st.integers(0, 5),
            criticism=st.integers(0, 5),
        ),
        max_size=8,
    )
)
def test_scores_are_between_0_and_100_and_sorted(facts: list[StaffFacts]) -> None:
    ranked = rank_staff(facts, RankingWeights())
    scores = [r.score for r in ranked]
    assert all(0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)
