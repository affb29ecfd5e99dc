"""Reads on 民说民评与问卷.

``staff_feedback_by_month`` is the contract the feedback context (星帮办) builds on: it may
import this module, never the other way round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from banhao.engagement.models import Suggestion


@dataclass(frozen=True)
class StaffForumFeedback:
    """How many forum/online/questionnaire items praised or criticised one staff member."""

    praise: int
    criticism: int


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in the bureau's time zone, as aware datetimes."""
    if not 1 <= month <= 12:
        raise ValueError("month must be 1…12")
    zone = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def staff_feedback_by_month(*, year: int, month: int) -> dict[int, StaffForumFeedback]:
    """Praise and criticism per staff user id, from suggestions that name a staff member
    (``about_staff``) and were raised in that month (bureau time zone). Neutral items and
    items naming nobody are not counted; staff without any item are absent."""
    start, end = month_bounds(year, month)
    rows = (
        Suggestion.objects.filter(
            about_staff__isnull=False, raised_at__gte=start, raised_at__lt=end
        )
        .values("about_staff_id")
        .annotate(
            praise=Count("id", filter=Q(sentiment=Suggestion.Sentiment.PRAISE)),
            criticism=Count("id", filter=Q(sentiment=Suggestion.Sentiment.CRITICISM)),
        )
        .order_by("about_staff_id")
    )
    return {
        row["about_staff_id"]: StaffForumFeedback(praise=row["praise"], criticism=row["criticism"])
        for row in rows
        if row["praise"] or row["criticism"]
    }
