"""Reads on 民说民评与问卷.

``staff_feedback_by_month`` is the contract the feedback context (星帮办) builds on: it may
import this module, never the other way round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from banhao.catalog.selectors import version_latest
from banhao.engagement.models import Question, Suggestion, SuggestionEvent, Survey, SurveyResponse
from banhao.notifications.masking import mask_text as mask_contacts
from banhao.privacy.logging import mask_text as mask_ids_and_mobiles
from banhao.shared import clock
from banhao.shared.errors import NotFound
from banhao.workcalendar.selectors import work_calendar
from banhao_core.calendar import WorkCalendar
from banhao_core.suggestions import Light, SuggestionStatus, deadline_light
from banhao_core.surveys import (
    Condition,
    Option,
    QuestionDef,
    QuestionKind,
    QuestionTally,
    SurveyDef,
    tally,
)


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


# -- surveys --------------------------------------------------------------------------------------


def survey_definition(questions: Iterable[Question]) -> SurveyDef:
    """The core's view of a survey's questions (in the given order)."""
    return SurveyDef(
        questions=tuple(
            QuestionDef(
                code=q.code,
                kind=QuestionKind(q.kind),
                text=q.text,
                options=tuple(
                    Option(code=str(o.get("code", "")), label=str(o.get("label", "")))
                    for o in (q.options or [])
                    if isinstance(o, dict)
                ),
                required=q.is_required,
                condition=Condition(
                    question=q.condition_question, values=frozenset(q.condition_values or [])
                )
                if q.condition_question
                else None,
            )
            for q in questions
        )
    )


def survey_questions(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("order", "id"))


@dataclass(frozen=True)
class ChannelTallies:
    """Per question: the tally of paper answers, online answers and both."""

    total: int
    paper: int
    online: int
    by_channel: dict[str, dict[str, QuestionTally]]  # "total" | "paper" | "online" → code → tally


def survey_results(survey: Survey) -> ChannelTallies:
    """Tallies of every answer, together and per channel (paper / online)."""
    definition = survey_definition(survey_questions(survey))
    rows = list(survey.responses.values_list("channel", "answers"))
    paper = [answers for channel, answers in rows if channel == SurveyResponse.Channel.PAPER]
    online = [answers for channel, answers in rows if channel == SurveyResponse.Channel.ONLINE]
    return ChannelTallies(
        total=len(rows),
        paper=len(paper),
        online=len(online),
        by_channel={
            "total": tally(definition, [a for _, a in rows]),
            "paper": tally(definition, paper),
            "online": tally(definition, online),
        },
    )


def _answer_text(question: Question, value: object) -> str:
    if value is None or value in ("", []):
        return ""
    labels = {str(o.get("code")): str(o.get("label")) for o in question.options or []}
    if isinstance(value, list):
        return "；".join(labels.get(str(v), str(v)) for v in value)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return labels.get(str(value), str(value))
    return str(value)


def survey_export_rows(survey: Survey) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the answer export. Columns: 序号, 渠道, 提交日期, then one per
    question. An **identified** survey adds 答卷人 and 纸质问卷流水号; an anonymous survey has
    no identity column at all — not the account, not the serial (a serial could be traced
    to the envelope it was handed out in), and the date without the time of day."""
    questions = survey_questions(survey)
    header = ["序号", "渠道", "提交日期"]
    if not survey.is_anonymous:
        header += ["答卷人", "纸质问卷流水号"]
    header += [f"{q.code} {q.text}" for q in questions]
    rows: list[list[str]] = []
    responses = survey.responses.select_related("respondent", "paper_copy").order_by(
        "submitted_at", "id"
    )
    for number, response in enumerate(responses, start=1):
        row = [
            str(number),
            response.get_channel_display(),
            timezone.localdate(response.submitted_at).isoformat(),
        ]
        if not survey.is_anonymous:
            row += [
                str(response.respondent) if response.respondent else "",
                response.paper_copy.serial if response.paper_copy else "",
            ]
        row += [_answer_text(q, (response.answers or {}).get(q.code)) for q in questions]
        rows.append(row)
    return header, rows


def paper_next_serial(survey: Survey) -> str:
    """The lowest printed serial of the survey not entered yet ("" when all are entered)."""
    serial = (
        survey.paper_copies.filter(response__isnull=True)
        .order_by("serial")
        .values_list("serial", flat=True)
        .first()
    )
    return serial or ""


@dataclass(frozen=True)
class PaperProgress:
    printed: int
    entered: int


def paper_progress(survey: Survey) -> PaperProgress:
    printed = survey.paper_copies.count()
    entered = survey.responses.filter(channel=SurveyResponse.Channel.PAPER).count()
    return PaperProgress(printed=printed, entered=entered)


# -- suggestions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRow:
    suggestion: Suggestion
    light: Light
    remaining_working_days: int | None


def _light(
    suggestion: Suggestion, calendar: WorkCalendar, today: dt.date
) -> tuple[Light, int | None]:
    status = SuggestionStatus(suggestion.status)
    light = deadline_light(calendar, status=status, deadline=suggestion.deadline, today=today)
    remaining = (
        calendar.working_days_between(today, suggestion.deadline)
        if suggestion.deadline is not None and light != Light.NONE
        else None
    )
    return light, remaining


def suggestion_rows(suggestions: QuerySet[Suggestion], *, limit: int = 500) -> list[SuggestionRow]:
    """Rows with deadline lights, open ones first by deadline, then the rest newest first."""
    today = clock.today()
    calendars: dict[int, WorkCalendar] = {}
    rows = []
    for suggestion in suggestions.select_related("owner_department", "forum")[:limit]:
        calendar = calendars.get(suggestion.service_centre_id)
        if calendar is None:
            calendar = work_calendar(service_centre_id=suggestion.service_centre_id)
            calendars[suggestion.service_centre_id] = calendar
        light, remaining = _light(suggestion, calendar, today)
        rows.append(SuggestionRow(suggestion, light, remaining))
    rank = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2, Light.NONE: 3}
    rows.sort(
        key=lambda r: (
            rank[r.light],
            r.suggestion.deadline or dt.date.max,
            -r.suggestion.raised_at.timestamp(),
        )
    )
    return rows


def suggestion_row(suggestion: Suggestion) -> SuggestionRow:
    calendar = work_calendar(service_centre_id=suggestion.service_centre_id)
    light, remaining = _light(suggestion, calendar, clock.today())
    return SuggestionRow(suggestion, light, remaining)


def suggestion_timeline(suggestion: Suggestion) -> list[SuggestionEvent]:
    return list(suggestion.events.select_related("actor").order_by("seq"))


def accountability_list(*, status: str = "") -> QuerySet[Suggestion]:
    """The public accountability page: every suggestion with what was done (no raiser data:
    callers show only number, kind, title, source, owner department, status, deadline, the
    public summary and dates)."""
    qs = Suggestion.objects.select_related("owner_department", "forum").prefetch_related(
        "service_items"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_at", "-id")


def accountability_get(number: str) -> Suggestion:
    suggestion = accountability_list().filter(number=number).first()
    if suggestion is None:
        raise NotFound("找不到该意见建议")
    return suggestion


@dataclass(frozen=True)
class AccountabilityStats:
    total: int
    closed: int
    declined: int
    open: int


def accountability_stats() -> AccountabilityStats:
    counts = dict(
        Suggestion.objects.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    total = sum(counts.values())
    closed = counts.get(SuggestionStatus.CLOSED.value, 0)
    declined = counts.get(SuggestionStatus.DECLINED.value, 0)
    return AccountabilityStats(
        total=total, closed=closed, declined=declined, open=total - closed - declined
    )


def linked_items(suggestion: Suggestion) -> list[tuple[str, str]]:
    """(事项编码, name of its latest version) of the service items a suggestion concerns."""
    linked = []
    for item in suggestion.service_items.order_by("code"):
        version = version_latest(item=item)
        linked.append((item.code, version.name if version is not None else item.code))
    return linked


def public_text(text: str) -> str:
    """Free text written by a raiser, for the public: 身份证号, mobile numbers and e-mail
    addresses inside it are masked (GB/T 35273 展示限制)."""
    return mask_contacts(mask_ids_and_mobiles(text))


def public_timeline(suggestion: Suggestion) -> list[tuple[dt.datetime, str]]:
    """Progress for the public: when and which step (no names of staff or raisers)."""
    return [(event.at, event.kind) for event in suggestion.events.order_by("seq")]
