"""Writes to the calendar table. Each is one transaction with an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.org.models import ServiceCentre
from banhao.shared import clock
from banhao.shared.errors import Conflict, ValidationFailed
from banhao.workcalendar.models import CalendarRevision, HolidayNotice, LocalClosure, OfficialDay
from banhao_core.calendar import CalendarError, parse_holiday_cn


@dataclass(frozen=True)
class NoticeLoadResult:
    year: int
    is_confirmed: bool
    created: int
    updated: int
    unchanged: int
    removed: int


def _bump_revision() -> None:
    CalendarRevision.objects.get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=1).update(revision=F("revision") + 1)


@transaction.atomic
def holiday_notice_load(
    *, document: Mapping[str, object], actor: User | None, source: str = ""
) -> NoticeLoadResult:
    """Load one year's State Council notice (holiday-cn JSON format).

    Idempotent: loading the same notice again changes nothing. Loading a newer version of a
    year's notice replaces that year's entries. A notice without papers is stored as
    provisional (暂定) and never replaces a confirmed one (``Conflict``, code
    ``notice_downgrade``). Raises ``ValidationFailed`` for malformed documents; nothing is
    written then.
    """
    try:
        year, confirmed, days = parse_holiday_cn(document)
    except CalendarError as exc:
        raise ValidationFailed(str(exc), code="invalid_holiday_file") from exc
    if not 2000 <= year <= 2100:
        raise ValidationFailed(f"年度超出范围：{year}", code="invalid_holiday_file", field="year")
    seen: set[dt.date] = set()
    for day in days:
        if day.day in seen:
            raise ValidationFailed(f"日期重复：{day.day}", code="invalid_holiday_file")
        seen.add(day.day)
        # holiday-cn files are keyed by the notice's year and may list 12-31 of the year before.
        if day.day.year not in (year, year - 1):
            raise ValidationFailed(
                f"{year} 年通知中出现不属于该年度的日期：{day.day}", code="invalid_holiday_file"
            )
    papers = document.get("papers") or []
    notice = HolidayNotice.objects.filter(year=year).first()
    notice_changed = False
    if notice is None:
        notice = HolidayNotice.objects.create(
            year=year,
            is_confirmed=confirmed,
            papers=papers,
            source=source,
            loaded_at=clock.now(),
        )
        notice_changed = True
    elif notice.is_confirmed and not confirmed:
        raise Conflict(
            f"{year} 年已有已发布的放假通知，不能用未附通知的暂定文件覆盖",
            code="notice_downgrade",
        )
    elif notice.is_confirmed != confirmed or notice.papers != papers:
        HolidayNotice.objects.filter(pk=notice.pk).update(
            is_confirmed=confirmed, papers=papers, source=source, loaded_at=clock.now()
        )
        notice_changed = True

    existing = {row.day: row for row in OfficialDay.objects.filter(notice=notice)}
    other_notice_days = set(
        OfficialDay.objects.filter(day__in=seen)
        .exclude(notice=notice)
        .values_list("day", flat=True)
    )
    if other_notice_days:
        first = min(other_notice_days)
        raise Conflict(f"{first} 已由另一年度的通知规定，请先核对", code="calendar_day_conflict")
    created = updated = unchanged = 0
    for day in days:
        row = existing.pop(day.day, None)
        if row is None:
            OfficialDay.objects.create(
                notice=notice, day=day.day, is_day_off=day.is_day_off, name=day.name
            )
            created += 1
        elif row.is_day_off != day.is_day_off or row.name != day.name:
            OfficialDay.objects.filter(pk=row.pk).update(is_day_off=day.is_day_off, name=day.name)
            updated += 1
        else:
            unchanged += 1
    removed = len(existing)
    if existing:
        OfficialDay.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    result = NoticeLoadResult(year, confirmed, created, updated, unchanged, removed)
    if notice_changed or created or updated or removed:
        _bump_revision()
        audit_record(
            actor=actor,
            action="workcalendar.notice_load",
            obj=notice,
            details={
                "year": year,
                "confirmed": confirmed,
                "created": created,
                "updated": updated,
                "removed": removed,
                "source": source,
            },
        )
    return result


@transaction.atomic
def local_closure_add(
    *, service_centre: ServiceCentre, day: dt.date, reason: str, actor: User | None
) -> LocalClosure:
    """Close one service centre on one extra day (the day stops being a working day there)."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写闭厅原因", field="reason")
    try:
        with transaction.atomic():
            closure = LocalClosure.objects.create(
                service_centre=service_centre, day=day, reason=reason
            )
    except IntegrityError as exc:
        raise Conflict(f"{service_centre} 在 {day} 已登记闭厅", field="day") from exc
    _bump_revision()
    audit_record(
        actor=actor,
        action="workcalendar.closure_add",
        obj=closure,
        details={"day": day.isoformat(), "reason": reason},
    )
    return closure


@transaction.atomic
def local_closure_remove(*, closure: LocalClosure, actor: User | None) -> None:
    """Reopen a day closed by ``local_closure_add``."""
    details = {"day": closure.day.isoformat(), "centre": closure.service_centre_id}
    audit_record(actor=actor, action="workcalendar.closure_remove", obj=closure, details=details)
    LocalClosure.objects.filter(pk=closure.pk).delete()
    _bump_revision()
