from __future__ import annotations

import datetime as dt
import json

import pytest

from banhao.audit.models import AuditEntry
from banhao.org.models import ServiceCentre
from banhao.shared.errors import Conflict, ValidationFailed
from banhao.workcalendar.models import HolidayNotice, OfficialDay
from banhao.workcalendar.selectors import calendar_years_status, work_calendar
from banhao.workcalendar.services import (
    holiday_notice_load,
    local_closure_add,
    local_closure_remove,
)
from conftest import SHIPPED_HOLIDAYS

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def notice(year: int, days: list[tuple[str, bool]], papers: bool = True) -> dict[str, object]:
    return {
        "year": year,
        "papers": ["https://www.gov.cn/notice"] if papers else [],
        "days": [{"name": "节", "date": d, "isOffDay": off} for d, off in days],
    }


def test_shipped_notices_load_and_are_idempotent(holidays_loaded: None) -> None:
    assert calendar_years_status() == {"confirmed": [2024, 2025, 2026], "provisional": [2027]}
    assert OfficialDay.objects.count() == 36 + 33 + 39
    audits = AuditEntry.objects.count()
    for path in SHIPPED_HOLIDAYS:
        result = holiday_notice_load(
            document=json.loads(path.read_text(encoding="utf-8")), actor=None
        )
        assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("start", "days", "due", "provisional"),
    [
        ("2026-02-13", 1, "2026-02-14", False),  # make-up Saturday 调休上班
        ("2026-09-30", 1, "2026-10-08", False),  # over 国庆
        ("2026-09-30", 5, "2026-10-13", False),  # 10-10 is a make-up Saturday
        ("2026-02-12", 3, "2026-02-24", False),  # over 春节
        ("2024-04-30", 1, "2024-05-06", False),  # over 劳动节
        ("2026-12-30", 3, "2027-01-05", True),  # 2027 has no notice yet
    ],
)
def test_issue_examples_from_the_table(
    holidays_loaded: None, start: str, days: int, due: str, provisional: bool
) -> None:
    result = work_calendar().add_working_days(D(start), days)
    assert result.day == D(due)
    assert result.is_provisional is provisional


def test_a_new_year_notice_turns_provisional_into_confirmed(holidays_loaded: None) -> None:
    assert work_calendar().add_working_days(D("2027-02-05"), 1).is_provisional
    holiday_notice_load(document=notice(2027, [("2027-02-08", True)]), actor=None)
    result = work_calendar().add_working_days(D("2027-02-05"), 1)
    assert result == type(result)(D("2027-02-09"), False)
    assert calendar_years_status()["provisional"] == []


def test_reloading_a_changed_notice_replaces_its_days(holidays_loaded: None) -> None:
    holiday_notice_load(
        document=notice(2027, [("2027-02-08", True), ("2027-02-09", True)]), actor=None
    )
    result = holiday_notice_load(document=notice(2027, [("2027-02-08", True)]), actor=None)
    assert (result.created, result.unchanged, result.removed) == (0, 1, 1)
    assert work_calendar().is_working_day(D("2027-02-09"))


@pytest.mark.parametrize(
    "document",
    [
        {"papers": [], "days": []},
        {"year": "abc", "days": []},
        {"year": 2027, "days": [{"date": "2027-13-01", "isOffDay": True}]},
        {"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": "yes"}]},
        {"year": 2027, "days": [{"date": "2025-01-01", "isOffDay": True}]},
        {"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": True}] * 2},
        {"year": 1900, "days": []},
    ],
    ids=["no-year", "bad-year", "bad-date", "bad-flag", "foreign-year", "duplicate", "old"],
)
def test_malformed_notices_are_refused_and_nothing_is_written(
    holidays_loaded: None, document: dict[str, object]
) -> None:
    before = (HolidayNotice.objects.count(), OfficialDay.objects.count())
    with pytest.raises(ValidationFailed) as info:
        holiday_notice_load(document=document, actor=None)
    assert info.value.message
    assert (HolidayNotice.objects.count(), OfficialDay.objects.count()) == before


def test_a_day_claimed_by_another_notice_is_a_conflict(holidays_loaded: None) -> None:
    with pytest.raises(Conflict):
        holiday_notice_load(document=notice(2027, [("2026-10-01", True)]), actor=None)


def test_local_closures_are_per_centre_and_audited(holidays_loaded: None) -> None:
    centre = ServiceCentre.objects.create(
        code="zouping", name="邹平市政务服务中心", area_code="371681"
    )
    other = ServiceCentre.objects.create(code="other", name="其他中心", area_code="371681")
    closure = local_closure_add(
        service_centre=centre, day=D("2026-03-09"), reason="大厅搬迁", actor=None
    )
    here = work_calendar(service_centre_id=centre.pk)
    assert not here.is_working_day(D("2026-03-09"))
    assert here.add_working_days(D("2026-03-06"), 1).day == D("2026-03-10")
    assert work_calendar(service_centre_id=other.pk).is_working_day(D("2026-03-09"))
    assert work_calendar().is_working_day(D("2026-03-09"))
    assert AuditEntry.objects.filter(action="workcalendar.closure_add").count() == 1

    with pytest.raises(Conflict):
        local_closure_add(service_centre=centre, day=D("2026-03-09"), reason="再次", actor=None)
    with pytest.raises(ValidationFailed):
        local_closure_add(service_centre=centre, day=D("2026-03-10"), reason="  ", actor=None)

    local_closure_remove(closure=closure, actor=None)
    assert work_calendar(service_centre_id=centre.pk).is_working_day(D("2026-03-09"))


def test_a_confirmed_notice_is_never_replaced_by_a_provisional_file(holidays_loaded: None) -> None:
    holiday_notice_load(document=notice(2027, [("2027-02-08", True)]), actor=None)
    with pytest.raises(Conflict) as info:
        holiday_notice_load(document=notice(2027, [], papers=False), actor=None)
    assert info.value.code == "notice_downgrade"
    assert HolidayNotice.objects.get(year=2027).is_confirmed
    assert not work_calendar().is_working_day(D("2027-02-08"))
