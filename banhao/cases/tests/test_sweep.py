from __future__ import annotations

import datetime as dt
from typing import Any

from banhao.cases.models import Case, CaseEvent
from banhao.cases.services import case_accept, case_deadline_sweep
from banhao.notifications.models import Notification
from banhao.workcalendar.services import holiday_notice_load

from .conftest import SHANGHAI, World
from .test_story import register


def test_overdue_cases_raise_one_signal_to_the_reviewers(world: World, frozen: Any) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    assert case_deadline_sweep().alerted == 1  # Friday, due Monday: 1 working day left → 预警
    case.refresh_from_db()
    assert case.alert_level == "yellow"
    frozen.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))  # due was Mon 11-30
    report = case_deadline_sweep()
    assert report.alerted == 1
    case.refresh_from_db()
    assert case.alert_level == "red"
    assert CaseEvent.objects.filter(case=case, kind="alert_red").count() == 1
    recipients = set(
        Notification.objects.filter(case_number=case.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"zhujian", "ziran", "xiaofang"}
    assert case_deadline_sweep().alerted == 0  # once only


def test_a_new_notice_turns_provisional_due_dates_into_confirmed_ones(
    world: World, frozen: Any
) -> None:
    frozen.move_to(dt.datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI))
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    # 1 working day after Thu 2026-12-31: 2027-01-01 is 元旦 by the fixed-date rule → Mon 01-04.
    assert (case.promised_due, case.due_is_provisional) == (dt.date(2027, 1, 4), True)
    holiday_notice_load(
        document={
            "year": 2027,
            "papers": ["https://www.gov.cn/x"],
            "days": [
                {"name": "元旦", "date": "2027-01-01", "isOffDay": True},
                {"name": "元旦", "date": "2027-01-04", "isOffDay": True},
            ],
        },
        actor=None,
    )
    assert case_deadline_sweep().recomputed == 1
    case = Case.objects.get(pk=case.pk)
    assert (case.promised_due, case.due_is_provisional) == (dt.date(2027, 1, 5), False)
