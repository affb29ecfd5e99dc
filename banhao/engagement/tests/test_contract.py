"""The contract 星帮办 builds on: ``staff_feedback_by_month`` counts praise and criticism of
named staff per month (bureau time zone), through the real registration service."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from banhao.engagement.selectors import StaffForumFeedback, month_bounds, staff_feedback_by_month
from banhao.engagement.services import SuggestionInput, suggestion_register

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _raise(world, *, about: str | None, sentiment: str, at: dt.datetime) -> None:
    suggestion_register(
        data=SuggestionInput(
            kind="suggestion",
            title="窗口服务",
            content="关于窗口人员的意见",
            raiser_name="王五",
            about_staff_id=world.user(about).pk if about else None,
            sentiment=sentiment,
        ),
        source="online",
        actor=world.user("lingdao"),
        raised_at=at,
    )


def test_counts_praise_and_criticism_per_staff_member_in_the_month(world):
    clerk, helper = world.user("chuangkou"), world.user("bangban")
    nov = dt.datetime(2026, 11, 10, 10, tzinfo=SHANGHAI)
    _raise(world, about="chuangkou", sentiment="praise", at=nov)
    _raise(world, about="chuangkou", sentiment="praise", at=nov)
    _raise(world, about="chuangkou", sentiment="criticism", at=nov)
    _raise(world, about="bangban", sentiment="criticism", at=nov)
    _raise(world, about="bangban", sentiment="neutral", at=nov)  # neutral: not counted
    _raise(world, about=None, sentiment="neutral", at=nov)  # names nobody
    # 2026-11-01 00:30 Shanghai is still 2026-10-31 in UTC: it belongs to November.
    _raise(
        world,
        about="bangban",
        sentiment="praise",
        at=dt.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI),
    )
    # 2026-10-31 23:30 Shanghai belongs to October.
    _raise(
        world,
        about="bangban",
        sentiment="praise",
        at=dt.datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI),
    )

    november = staff_feedback_by_month(year=2026, month=11)
    assert november == {
        clerk.pk: StaffForumFeedback(praise=2, criticism=1),
        helper.pk: StaffForumFeedback(praise=1, criticism=1),
    }
    assert staff_feedback_by_month(year=2026, month=10) == {
        helper.pk: StaffForumFeedback(praise=1, criticism=0)
    }
    assert staff_feedback_by_month(year=2026, month=12) == {}


def test_praise_without_a_named_staff_member_is_refused(world):
    from banhao.shared.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        _raise(world, about=None, sentiment="praise", at=dt.datetime(2026, 11, 2, tzinfo=SHANGHAI))
    assert exc.value.field == "about_staff"


@pytest.mark.parametrize(
    ("year", "month", "start", "end"),
    [
        (2026, 1, dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1)),
        (2026, 12, dt.datetime(2026, 12, 1), dt.datetime(2027, 1, 1)),
    ],
)
def test_month_bounds(year, month, start, end):
    lower, upper = month_bounds(year, month)
    assert lower.replace(tzinfo=None) == start
    assert upper.replace(tzinfo=None) == end
    with pytest.raises(ValueError):
        month_bounds(2026, 13)
