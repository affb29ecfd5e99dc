"""Public pages: submit a suggestion online (anonymous allowed, rate limited), the
accountability page (what was done with every suggestion — no personal data of the raiser),
and answering an open survey (conditional questions shown by a small static script; the
server's check is authoritative)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from banhao.accounts.models import User
from banhao.engagement import access, selectors, services
from banhao.engagement.models import Survey
from banhao.engagement.web import forms
from banhao.engagement.web.staff import answers_from_post, question_views
from banhao.org.models import ServiceCentre
from banhao.shared.errors import BanhaoError, NotFound
from banhao_core.suggestions import SuggestionStatus

PAGE_SIZE = 50


def _centre() -> ServiceCentre:
    centre = ServiceCentre.objects.order_by("id").first()
    if centre is None:
        raise NotFound("尚未设置政务服务中心")
    return centre


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest) -> HttpResponseBase:
    form = forms.PublicSuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_submit_online(
                data=services.SuggestionInput(
                    kind=data["kind"],
                    title=data["title"],
                    content=data["content"],
                    raiser_name=data["raiser_name"],
                    raiser_phone=data["raiser_phone"],
                    is_anonymous=data["is_anonymous"],
                ),
                centre=_centre(),
                actor=_actor(request),
            )
        except BanhaoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("已收到您的意见建议，编号 %(n)s。办理进度和结果将在本页公开。")
                % {"n": suggestion.number},
            )
            return redirect("engagement:accountability_detail", suggestion.number)
    return render(request, "engagement/public/suggest.html", {"form": form})


@require_safe
def accountability(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in SuggestionStatus._value2member_map_:
        status = ""
    suggestions = [
        (s, selectors.public_text(s.title))
        for s in selectors.accountability_list(status=status)[:PAGE_SIZE]
    ]
    return render(
        request,
        "engagement/public/accountability.html",
        {
            "suggestions": suggestions,
            "stats": selectors.accountability_stats(),
            "status": status,
            "statuses": [(s.value, s.label) for s in SuggestionStatus],
        },
    )


@require_safe
def accountability_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        suggestion = selectors.accountability_get(number)
    except NotFound:
        return render(request, "404.html", {"message": _("找不到该意见建议。")}, status=404)
    return render(
        request,
        "engagement/public/accountability_detail.html",
        {
            "s": suggestion,
            "title": selectors.public_text(suggestion.title),
            "content": selectors.public_text(suggestion.content),
            "timeline": selectors.public_timeline(suggestion),
            "evidence_count": suggestion.evidence.count(),
            "items": selectors.linked_items(suggestion),
        },
    )


def _survey_context(
    survey: Survey, *, submitted: dict[str, object], errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    return {
        "survey": survey,
        "items": question_views(selectors.survey_questions(survey), submitted, errors),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, code: str) -> HttpResponseBase:
    try:
        survey = access.access_open_survey(code)
    except NotFound:
        return render(
            request, "404.html", {"message": _("找不到该问卷，或问卷已结束。")}, status=404
        )
    copy = request.GET.get("copy", "") or request.POST.get("copy", "")
    if request.method == "POST":
        answers = answers_from_post(survey, request.POST)
        try:
            services.survey_response_submit(
                survey=survey, answers=answers, actor=_actor(request), serial=copy
            )
        except BanhaoError as exc:
            problems = exc.details.get("problems") or {}
            return render(
                request,
                "engagement/public/survey_answer.html",
                _survey_context(
                    survey,
                    submitted=answers,
                    errors={str(k): str(v) for k, v in problems.items()},
                    error=exc.message,
                    copy=copy,
                ),
                status=422 if exc.status_code == 422 else 409,
            )
        return redirect("engagement:survey_thanks", survey.code)
    return render(
        request,
        "engagement/public/survey_answer.html",
        _survey_context(survey, submitted={}, errors={}, copy=copy),
    )


@require_safe
def survey_thanks(request: HttpRequest, code: str) -> HttpResponse:
    survey = Survey.objects.filter(code=code).exclude(status=Survey.Status.DRAFT).first()
    if survey is None:
        return render(request, "404.html", {"message": _("找不到该问卷。")}, status=404)
    return render(request, "engagement/public/survey_thanks.html", {"survey": survey})


urlpatterns = [
    path("suggest/", suggest, name="suggest"),
    path("accountability/", accountability, name="accountability"),
    path("accountability/<str:number>/", accountability_detail, name="accountability_detail"),
    path("s/<slug:code>/", survey_answer, name="survey_answer"),
    path("s/<slug:code>/thanks/", survey_thanks, name="survey_thanks"),
]
