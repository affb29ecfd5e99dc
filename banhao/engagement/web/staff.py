"""Staff pages of 民说民评与问卷: forum planning, the suggestion work queue, the survey builder,
results and exports, paper questionnaires.

Every view: login first (anonymous → login page), then the engagement role check of
``banhao.engagement.access`` (wrong role, missing object and foreign object all answer the
same 404). Writes are POST forms calling one service; its Chinese message is shown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import quote

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl import Workbook

from banhao.accounts.models import User
from banhao.audit.services import audit_read
from banhao.engagement import access, printing, selectors, services
from banhao.engagement.models import (
    Forum,
    ForumInvitee,
    ParticipantCategory,
    Question,
    Suggestion,
    SuggestionEvidence,
    Survey,
)
from banhao.engagement.web import forms
from banhao.shared import clock
from banhao.shared.errors import BanhaoError, NotFound
from banhao_core.suggestions import SuggestionCommand, SuggestionStatus, allowed_commands
from banhao_core.surveys import QuestionKind

View = Callable[..., HttpResponseBase]
Check = Callable[[User], bool]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(
        request,
        "404.html",
        {"message": message or _("找不到该页面，可能链接有误，或您没有相应的权限。")},
        status=404,
    )


def _staff(check: Check) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(_user(request)):
                return _not_found(request)
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return _not_found(request, exc.message)

        return wrapped

    return decorate


manager_only = _staff(access.is_manager)
clerk_only = _staff(access.is_paper_clerk)
staff_only = _staff(access.may_use_staff_pages)


def _error(request: HttpRequest, exc: BanhaoError) -> None:
    messages.error(request, exc.message)


def _bureau() -> str:
    return str(getattr(settings, "BANHAO_BUREAU_NAME", "邹平市行政审批服务局"))


# -- home -----------------------------------------------------------------------------------------


@require_safe
@staff_only
def staff_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.suggestion_rows(
        access.visible_suggestions(user).exclude(status__in=("closed", "declined"))
    )
    return render(
        request,
        "engagement/staff/home.html",
        {
            "is_manager": access.is_manager(user),
            "is_clerk": access.is_paper_clerk(user),
            "open_rows": rows[:10],
            "open_count": len(rows),
        },
    )


# -- forums ---------------------------------------------------------------------------------------


@require_safe
@manager_only
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = access.visible_forums(_user(request)).order_by("-held_on", "-id")
    return render(request, "engagement/staff/forum_list.html", {"forums": forums})


@require_http_methods(["GET", "POST"])
@manager_only
def forum_create(request: HttpRequest) -> HttpResponseBase:
    form = forms.ForumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forum = services.forum_create(
                data=services.ForumInput(
                    theme=data["theme"],
                    held_on=data["held_on"],
                    start_time=data["start_time"],
                    place=data["place"],
                    agenda=data["agenda"],
                ),
                actor=_user(request),
            )
        except BanhaoError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已创建会议，请添加邀请对象和联系人名单。"))
            return redirect("engagement:forum_detail", forum.pk)
    return render(request, "engagement/staff/forum_form.html", {"form": form, "forum": None})


@require_safe
@manager_only
def forum_detail(request: HttpRequest, forum_id: int) -> HttpResponse:
    user = _user(request)
    forum = access.access_forum_for_manager(user, forum_id)
    invitees = list(forum.invitees.all())
    return render(
        request,
        "engagement/staff/forum_detail.html",
        {
            "forum": forum,
            "invitees": invitees,
            "contacts": list(forum.contacts.all()),
            "suggestions": selectors.suggestion_rows(forum.suggestions.all()),
            "invitee_form": forms.InviteeForm(),
            "contact_form": forms.ContactForm(),
            "categories": ParticipantCategory.choices,
            "not_invited": sum(1 for i in invitees if i.invited_at is None),
            "can_record_attendance": forum.held_on <= clock.today()
            and forum.status != Forum.Status.ARCHIVED,
            "replies": ForumInvitee.Reply.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@manager_only
def forum_edit(request: HttpRequest, forum_id: int) -> HttpResponseBase:
    forum = access.access_forum_for_manager(_user(request), forum_id)
    initial = {
        "theme": forum.theme,
        "held_on": forum.held_on,
        "start_time": forum.start_time,
        "place": forum.place,
        "agenda": forum.agenda,
        "minutes": forum.minutes,
        "status": forum.status,
    }
    form = forms.ForumEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.forum_update(
                forum=forum,
                data=services.ForumInput(
                    theme=data["theme"],
                    held_on=data["held_on"],
                    start_time=data["start_time"],
                    place=data["place"],
                    agenda=data["agenda"],
                ),
                minutes=data["minutes"],
                status=data["status"],
                actor=_user(request),
            )
        except BanhaoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("会议信息已保存。"))
            return redirect("engagement:forum_detail", forum.pk)
    return render(request, "engagement/staff/forum_form.html", {"form": form, "forum": forum})


@require_POST
@manager_only
def forum_invitee_add(request: HttpRequest, forum_id: int) -> HttpResponseBase:
    forum = access.access_forum_for_manager(_user(request), forum_id)
    form = forms.InviteeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写邀请对象的类别和姓名。"))
    else:
        try:
            services.forum_invitee_add(forum=forum, actor=_user(request), **form.cleaned_data)
        except BanhaoError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已添加邀请对象。"))
    return redirect("engagement:forum_detail", forum.pk)


@require_POST
@manager_only
def forum_invitations_send(request: HttpRequest, forum_id: int) -> HttpResponseBase:
    forum = access.access_forum_for_manager(_user(request), forum_id)
    try:
        count = services.forum_invitations_send(forum=forum, actor=_user(request))
    except BanhaoError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("已发送 %(n)s 份邀请（有平台账号的同时收到站内通知）。") % {"n": count}
        )
    return redirect("engagement:forum_detail", forum.pk)


@require_POST
@manager_only
def forum_invitee_reply(request: HttpRequest, forum_id: int, invitee_id: int) -> HttpResponseBase:
    forum = access.access_forum_for_manager(_user(request), forum_id)
    invitee = forum.invitees.filter(pk=invitee_id).first()
    form = forms.InviteeReplyForm(request.POST)
    if invitee is None:
        return _not_found(request)
    if form.is_valid():
        try:
            services.forum_invitee_reply(
                invitee=invitee, reply=form.cleaned_data["reply"], actor=_user(request)
            )
        except BanhaoError as exc:
            _error(request, exc)
    return redirect("engagement:forum_detail", forum.pk)


@require_POST
@manager_only
def forum_attendance(request: HttpRequest, forum_id: int) -> HttpResponseBase:
    forum = access.access_forum_for_manager(_user(request), forum_id)
    raw = request.POST.getlist("attended")
    ids = [int(value) for value in raw if value.isascii() and value.isdigit()]
    try:
        count = services.forum_attendance_record(
            forum=forum, attended_ids=ids, actor=_user(request)
        )
    except BanhaoError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已登记出席 %(n)s 人。") % {"n": count})
    return redirect("engagement:forum_detail", forum.pk)


@require_POST
@manager_only
def forum_contact_add(request: HttpRequest, forum_id: int) -> HttpResponseBase:
    forum = access.access_forum_for_manager(_user(request), forum_id)
    form = forms.ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写联系人的姓名、职务和电话。"))
    else:
        try:
            services.forum_contact_add(forum=forum, actor=_user(request), **form.cleaned_data)
        except BanhaoError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已添加联系人。"))
    return redirect("engagement:forum_detail", forum.pk)


def _sheet(forum: Forum) -> printing.ForumSheet:
    return printing.ForumSheet(
        bureau_name=_bureau(),
        theme=forum.theme,
        held_on=forum.held_on,
        start_time=forum.start_time.strftime("%H:%M") if forum.start_time else "",
        place=forum.place,
        agenda=forum.agenda,
        contacts=[
            (c.name, c.position, c.unit, c.phone, c.available_24h) for c in forum.contacts.all()
        ],
    )


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _quote(filename: str) -> str:
    return quote(filename)


@require_safe
@manager_only
def forum_invitations_pdf(request: HttpRequest, forum_id: int) -> HttpResponse:
    """邀请函 for every invitee (names are printed: the letters go to the invitees)."""
    user = _user(request)
    forum = access.access_forum_for_manager(user, forum_id)
    invitations = [
        printing.Invitation(
            name=i.name, organisation=i.organisation, category=i.get_category_display()
        )
        for i in forum.invitees.all()
    ]
    if not invitations:
        messages.error(request, _("请先添加邀请对象。"))
        return cast(HttpResponse, redirect("engagement:forum_detail", forum.pk))
    audit_read(
        actor=user,
        action="engagement.forum_invitations_print",
        obj=forum,
        details={"count": len(invitations)},
    )
    return _pdf(printing.invitation_letters(_sheet(forum), invitations), f"邀请函-{forum.pk}.pdf")


@require_safe
@manager_only
def forum_contacts_pdf(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = access.access_forum_for_manager(_user(request), forum_id)
    if not forum.contacts.exists():
        messages.error(request, _("请先添加联系人。"))
        return cast(HttpResponse, redirect("engagement:forum_detail", forum.pk))
    return _pdf(printing.contact_list(_sheet(forum)), f"联系人名单-{forum.pk}.pdf")


# -- suggestions ----------------------------------------------------------------------------------


@require_safe
@staff_only
def suggestion_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    status = request.GET.get("status", "")
    qs = access.visible_suggestions(user)
    if status in SuggestionStatus._value2member_map_:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.exclude(status__in=("closed", "declined"))
    else:
        status = ""
    return render(
        request,
        "engagement/staff/suggestion_queue.html",
        {
            "rows": selectors.suggestion_rows(qs),
            "status": status,
            "statuses": [(s.value, s.label) for s in SuggestionStatus],
            "is_manager": access.is_manager(user),
        },
    )


def _staff_choices(user: User) -> list[tuple[int, str]]:
    staff = User.objects.filter(
        kind=User.Kind.STAFF, is_active=True, service_centre_id=user.service_centre_id
    ).order_by("username")
    return [(u.pk, str(u)) for u in staff]


@require_http_methods(["GET", "POST"])
@manager_only
def suggestion_create(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    forums = access.visible_forums(user).order_by("-held_on")
    initial: dict[str, Any] = {"source": Suggestion.Source.FORUM, "sentiment": "neutral"}
    raw_forum = request.GET.get("forum", "")
    if raw_forum.isascii() and raw_forum.isdigit():
        initial["forum"] = forums.filter(pk=int(raw_forum)).first()
    form = forms.SuggestionForm(
        request.POST or None, initial=initial, forums=forums, staff=_staff_choices(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_register(
                data=services.SuggestionInput(
                    kind=data["kind"],
                    title=data["title"],
                    content=data["content"],
                    raiser_name=data["raiser_name"],
                    raiser_phone=data["raiser_phone"],
                    raiser_category=data["raiser_category"],
                    department_ids=[d.pk for d in data["departments"]],
                    service_item_codes=data["service_items"].replace("，", ",").split(","),
                    about_staff_id=data["about_staff"],
                    sentiment=data["sentiment"],
                ),
                source=data["source"],
                forum=data["forum"],
                actor=user,
            )
        except BanhaoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已登记意见建议 %(n)s。") % {"n": suggestion.number})
            if suggestion.forum_id and "another" in request.POST:
                return redirect(
                    reverse("engagement:suggestion_create") + f"?forum={suggestion.forum_id}"
                )
            return redirect("engagement:suggestion_detail", suggestion.number)
    return render(request, "engagement/staff/suggestion_form.html", {"form": form})


def _action_forms(suggestion: Suggestion, user: User) -> dict[str, Any]:
    version = {"row_version": suggestion.row_version}
    commands = set(allowed_commands(SuggestionStatus(suggestion.status)))
    manage = access.may_manage_suggestion(user, suggestion)
    handle = access.may_handle_suggestion(user, suggestion)
    found: dict[str, Any] = {}
    if manage and SuggestionCommand.ASSIGN in commands:
        found["assign"] = forms.AssignForm(
            initial={
                **version,
                "department": suggestion.owner_department_id,
                "working_days": suggestion.answer_working_days,
            },
            auto_id="id_assign_%s",
        )
    if handle and SuggestionCommand.START in commands:
        found["start"] = forms.VersionForm(initial=version, auto_id="id_start_%s")
    if handle and SuggestionCommand.ANSWER in commands:
        found["answer"] = forms.AnswerForm(
            initial={
                **version,
                "response": suggestion.response,
                "public_summary": suggestion.public_summary,
            },
            auto_id="id_answer_%s",
        )
    if handle and SuggestionCommand.CLOSE in commands:
        found["close"] = forms.VersionForm(initial=version, auto_id="id_close_%s")
    if handle and SuggestionCommand.DECLINE in commands:
        found["decline"] = forms.DeclineForm(initial=version, auto_id="id_decline_%s")
    if handle and suggestion.status not in ("registered", "declined"):
        found["evidence"] = forms.EvidenceForm(auto_id="id_evidence_%s")
    return found


@require_safe
@staff_only
def suggestion_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    suggestion = access.access_suggestion(user, number)
    manage = access.may_manage_suggestion(user, suggestion)
    if manage and (suggestion.raiser_name or suggestion.raiser_phone):
        # Managers see the raiser (masked on screen); the read is recorded.
        audit_read(
            actor=user,
            action="engagement.suggestion_raiser_view",
            obj=suggestion,
            details={"number": suggestion.number},
        )
    return render(
        request,
        "engagement/staff/suggestion_detail.html",
        {
            "row": selectors.suggestion_row(suggestion),
            "s": suggestion,
            "show_raiser": manage,
            "events": selectors.suggestion_timeline(suggestion),
            "evidence": list(suggestion.evidence.all()),
            "forms": _action_forms(suggestion, user),
            "items": selectors.linked_items(suggestion),
            "departments": list(suggestion.departments.all()),
        },
    )


ACTIONS = ("assign", "start", "answer", "close", "decline")


@require_POST
@staff_only
def suggestion_action(request: HttpRequest, number: str, action: str) -> HttpResponseBase:
    user = _user(request)
    suggestion = access.access_suggestion(user, number)
    if action not in ACTIONS:
        return _not_found(request)
    form_class: type[django_forms.Form] = {
        "assign": forms.AssignForm,
        "start": forms.VersionForm,
        "answer": forms.AnswerForm,
        "close": forms.VersionForm,
        "decline": forms.DeclineForm,
    }[action]
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("请完整填写后再提交。"))
        return redirect("engagement:suggestion_detail", suggestion.number)
    data = form.cleaned_data
    common: dict[str, Any] = {
        "suggestion": suggestion,
        "actor": user,
        "expected_version": data["row_version"],
    }
    try:
        if action == "assign":
            services.suggestion_assign(
                department=data["department"], working_days=data["working_days"], **common
            )
        elif action == "start":
            services.suggestion_start(**common)
        elif action == "answer":
            services.suggestion_answer(
                response=data["response"], public_summary=data["public_summary"], **common
            )
        elif action == "close":
            services.suggestion_close(**common)
        else:
            services.suggestion_decline(reason=data["reason"], **common)
    except BanhaoError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已%(a)s。") % {"a": SuggestionCommand(action).label})
    return redirect("engagement:suggestion_detail", suggestion.number)


@require_POST
@staff_only
def suggestion_evidence_upload(request: HttpRequest, number: str) -> HttpResponseBase:
    user = _user(request)
    suggestion = access.access_suggestion(user, number)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的照片或 PDF。"))
    else:
        try:
            services.suggestion_evidence_add(
                suggestion=suggestion,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                actor=user,
            )
        except BanhaoError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已上传办理结果佐证。"))
    return redirect("engagement:suggestion_detail", suggestion.number)


@require_safe
@staff_only
def suggestion_evidence_file(
    request: HttpRequest, number: str, evidence_id: int
) -> HttpResponseBase:
    suggestion = access.access_suggestion(_user(request), number)
    row: SuggestionEvidence | None = suggestion.evidence.filter(pk=evidence_id).first()
    if row is None:
        return _not_found(request)
    try:
        handle = row.file.open("rb")
    except OSError:
        return _not_found(request, _("文件不存在，请联系系统管理员。"))
    response = FileResponse(
        handle, as_attachment=True, filename=row.original_filename, content_type=row.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# -- surveys --------------------------------------------------------------------------------------


@require_safe
@clerk_only
def survey_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "engagement/staff/survey_list.html",
        {"surveys": access.visible_surveys(user), "is_manager": access.is_manager(user)},
    )


@require_http_methods(["GET", "POST"])
@manager_only
def survey_create(request: HttpRequest) -> HttpResponseBase:
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=_user(request), **form.cleaned_data)
        except BanhaoError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("engagement:survey_builder", survey.pk)
    return render(request, "engagement/staff/survey_form.html", {"form": form})


def _condition_text(question: Question) -> str:
    if not question.condition_question:
        return ""
    return _("（第 %(q)s 题选 %(v)s 时作答）") % {
        "q": question.condition_question,
        "v": "、".join(question.condition_values or []),
    }


@require_safe
@manager_only
def survey_builder(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access.access_survey_for_manager(_user(request), survey_id)
    questions = selectors.survey_questions(survey)
    return render(
        request,
        "engagement/staff/survey_builder.html",
        {
            "survey": survey,
            "questions": [(q, _condition_text(q)) for q in questions],
            "form": forms.QuestionForm(initial={"is_required": True}),
            "batch_form": forms.PaperBatchForm(),
            "progress": selectors.paper_progress(survey),
            "batches": sorted(set(survey.paper_copies.values_list("batch", flat=True))),
            "public_url": request.build_absolute_uri(
                reverse("engagement:survey_answer", args=[survey.code])
            ),
        },
    )


@require_POST
@manager_only
def survey_question_add(request: HttpRequest, survey_id: int) -> HttpResponseBase:
    user = _user(request)
    survey = access.access_survey_for_manager(user, survey_id)
    form = forms.QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择题型并填写题目。"))
    else:
        data = form.cleaned_data
        try:
            question = services.survey_question_add(
                survey=survey,
                data=services.QuestionInput(
                    kind=data["kind"],
                    text=data["text"],
                    options=form.option_lines(),
                    is_required=data["is_required"],
                    condition_question=data["condition_question"],
                    condition_values=form.condition_list(),
                ),
                actor=user,
            )
        except BanhaoError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已添加第 %(q)s 题。") % {"q": question.code})
    return redirect("engagement:survey_builder", survey.pk)


@require_POST
@manager_only
def survey_question_remove(
    request: HttpRequest, survey_id: int, question_id: int
) -> HttpResponseBase:
    user = _user(request)
    survey = access.access_survey_for_manager(user, survey_id)
    question = survey.questions.filter(pk=question_id).first()
    if question is None:
        return _not_found(request)
    try:
        services.survey_question_remove(survey=survey, question=question, actor=user)
    except BanhaoError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已删除题目。"))
    return redirect("engagement:survey_builder", survey.pk)


@require_POST
@manager_only
def survey_status(request: HttpRequest, survey_id: int) -> HttpResponseBase:
    user = _user(request)
    survey = access.access_survey_for_manager(user, survey_id)
    try:
        survey = services.survey_set_status(
            survey=survey, status=request.POST.get("status", ""), actor=user
        )
    except BanhaoError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("问卷状态：%(s)s。") % {"s": survey.get_status_display()})
    return redirect("engagement:survey_builder", survey.pk)


def _chart_data(survey: Survey, results: selectors.ChannelTallies) -> list[dict[str, Any]]:
    data = []
    for question in selectors.survey_questions(survey):
        if question.kind == QuestionKind.TEXT:
            continue
        labels = (
            {str(o.get("code")): str(o.get("label")) for o in question.options}
            if question.kind != QuestionKind.SCALE
            else {str(n): f"{n} 分" for n in range(1, 6)}
        )
        series = {
            channel: [
                results.by_channel[channel][question.code].counts.get(code, 0) for code in labels
            ]
            for channel in ("paper", "online", "total")
        }
        data.append(
            {
                "code": question.code,
                "text": question.text,
                "labels": list(labels.values()),
                **series,
            }
        )
    return data


@require_safe
@manager_only
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access.access_survey_for_manager(_user(request), survey_id)
    results = selectors.survey_results(survey)
    questions = selectors.survey_questions(survey)
    table = []
    for question in questions:
        tallies = {c: results.by_channel[c][question.code] for c in ("total", "paper", "online")}
        labels = (
            [(str(o.get("code")), str(o.get("label"))) for o in question.options]
            if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            else [(str(n), f"{n} 分") for n in range(1, 6)]
            if question.kind == QuestionKind.SCALE
            else []
        )
        table.append(
            {
                "q": question,
                "tallies": tallies,
                "rows": [
                    (label, [tallies[c].counts.get(code, 0) for c in ("total", "paper", "online")])
                    for code, label in labels
                ],
            }
        )
    return render(
        request,
        "engagement/staff/survey_results.html",
        {
            "survey": survey,
            "results": results,
            "table": table,
            "chart_data": _chart_data(survey, results),
        },
    )


@require_safe
@manager_only
def survey_export(request: HttpRequest, survey_id: int, fmt: str) -> HttpResponseBase:
    """CSV (UTF-8 with BOM, opens in Excel) or .xlsx; anonymous surveys carry no identity
    column (``selectors.survey_export_rows``)."""
    user = _user(request)
    survey = access.access_survey_for_manager(user, survey_id)
    if fmt not in ("csv", "xlsx"):
        return _not_found(request)
    header, rows = selectors.survey_export_rows(survey)
    audit_read(
        actor=user,
        action="engagement.survey_export",
        obj=survey,
        details={"format": fmt, "rows": len(rows)},
    )
    filename = f"{survey.code}-answers.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([_safe_cell(v) for v in row] for row in rows)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "答卷"
        sheet.append(header)
        for row in rows:
            sheet.append([_safe_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _safe_cell(value: str) -> str:
    """Free text starting with = + - @ would run as a formula in a spreadsheet (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@require_POST
@manager_only
def survey_paper_batch(request: HttpRequest, survey_id: int) -> HttpResponseBase:
    user = _user(request)
    survey = access.access_survey_for_manager(user, survey_id)
    form = forms.PaperBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("印制份数应为 1–500。"))
        return redirect("engagement:survey_builder", survey.pk)
    try:
        copies = services.survey_paper_batch_create(
            survey=survey, count=form.cleaned_data["count"], actor=user
        )
    except BanhaoError as exc:
        _error(request, exc)
        return redirect("engagement:survey_builder", survey.pk)
    messages.success(
        request,
        _("已生成第 %(b)s 批 %(n)s 份（%(f)s 至 %(l)s），请下载打印。")
        % {"b": copies[0].batch, "n": len(copies), "f": copies[0].serial, "l": copies[-1].serial},
    )
    return redirect("engagement:survey_builder", survey.pk)


def paper_sheet(survey: Survey) -> printing.PaperSheet:
    return printing.PaperSheet(
        bureau_name=_bureau(),
        title=survey.title,
        intro=survey.intro,
        questions=[
            printing.PrintedQuestion(
                code=q.code,
                kind=q.kind,
                text=q.text,
                options=[(str(o.get("code")), str(o.get("label"))) for o in q.options],
                required=q.is_required,
                condition=_condition_text(q),
            )
            for q in selectors.survey_questions(survey)
        ],
    )


@require_safe
@manager_only
def survey_paper_pdf(request: HttpRequest, survey_id: int, batch: int) -> HttpResponseBase:
    survey = access.access_survey_for_manager(_user(request), survey_id)
    copies = list(survey.paper_copies.filter(batch=batch).order_by("serial"))
    if not copies:
        return _not_found(request)
    base = request.build_absolute_uri(reverse("engagement:survey_answer", args=[survey.code]))
    data = printing.paper_questionnaires(
        paper_sheet(survey), [(c.serial, f"{base}?copy={c.serial}") for c in copies]
    )
    return _pdf(data, f"{survey.code}-batch{batch}.pdf")


def question_views(
    questions: list[Question], submitted: dict[str, object], errors: dict[str, str]
) -> list[dict[str, Any]]:
    """What an answer form needs per question: the previous value (options marked chosen),
    its error, and the condition for the static script (``data-show-if``)."""
    views = []
    for question in questions:
        value = submitted.get(question.code)
        chosen = {str(v) for v in value} if isinstance(value, list) else {str(value)}
        if question.kind == QuestionKind.SCALE:
            options = [(str(n), f"{n}", str(n) in chosen) for n in range(1, 6)]
        else:
            options = [
                (str(o.get("code")), str(o.get("label")), str(o.get("code")) in chosen)
                for o in question.options
            ]
        views.append(
            {
                "q": question,
                "name": f"q_{question.code}",
                "text_value": value if isinstance(value, str) else "",
                "options": options,
                "error": errors.get(question.code, ""),
                "condition": _condition_text(question),
                "show_if": f"{question.condition_question}:{','.join(question.condition_values)}"
                if question.condition_question
                else "",
            }
        )
    return views


def answers_from_post(survey: Survey, post: Any) -> dict[str, object]:
    """Answers from a form: ``q_<code>`` fields (lists for multiple choice)."""
    answers: dict[str, object] = {}
    for question in selectors.survey_questions(survey):
        key = f"q_{question.code}"
        if question.kind == QuestionKind.MULTIPLE:
            values = [v for v in post.getlist(key) if v]
            if values:
                answers[question.code] = values
        else:
            value = post.get(key, "")
            if value:
                answers[question.code] = value
    return answers


@require_http_methods(["GET", "POST"])
@clerk_only
def survey_paper_entry(request: HttpRequest, survey_id: int) -> HttpResponseBase:
    """Keyboard-first entry of returned paper forms: the serial field has focus (a scanner
    may read the QR code into it), Tab walks the answers, Enter submits; after saving the
    next unentered serial is prefilled."""
    user = _user(request)
    survey = access.access_survey_for_clerk(user, survey_id)
    errors: dict[str, str] = {}
    submitted: dict[str, object] = {}
    serial = ""
    if request.method == "POST":
        serial = request.POST.get("serial", "")
        submitted = answers_from_post(survey, request.POST)
        try:
            response = services.survey_paper_enter(
                survey=survey, serial=serial, answers=submitted, actor=user
            )
        except BanhaoError as exc:
            errors = {str(k): str(v) for k, v in (exc.details.get("problems") or {}).items()}
            messages.error(request, exc.message)
        else:
            assert response.paper_copy is not None
            messages.success(request, _("已录入 %(s)s。") % {"s": response.paper_copy.serial})
            return redirect("engagement:survey_paper_entry", survey.pk)
    return render(
        request,
        "engagement/staff/paper_entry.html",
        {
            "survey": survey,
            "items": question_views(selectors.survey_questions(survey), submitted, errors),
            "serial": serial or selectors.paper_next_serial(survey),
            "submitted": submitted,
            "errors": errors,
            "progress": selectors.paper_progress(survey),
        },
    )


urlpatterns = [
    path("", staff_home, name="staff_home"),
    path("forums/", forum_list, name="forum_list"),
    path("forums/new/", forum_create, name="forum_create"),
    path("forums/<int:forum_id>/", forum_detail, name="forum_detail"),
    path("forums/<int:forum_id>/edit/", forum_edit, name="forum_edit"),
    path("forums/<int:forum_id>/invitees/", forum_invitee_add, name="forum_invitee_add"),
    path(
        "forums/<int:forum_id>/invitees/<int:invitee_id>/reply/",
        forum_invitee_reply,
        name="forum_invitee_reply",
    ),
    path(
        "forums/<int:forum_id>/invitations/send/",
        forum_invitations_send,
        name="forum_invitations_send",
    ),
    path("forums/<int:forum_id>/attendance/", forum_attendance, name="forum_attendance"),
    path("forums/<int:forum_id>/contacts/", forum_contact_add, name="forum_contact_add"),
    path(
        "forums/<int:forum_id>/invitations.pdf",
        forum_invitations_pdf,
        name="forum_invitations_pdf",
    ),
    path("forums/<int:forum_id>/contacts.pdf", forum_contacts_pdf, name="forum_contacts_pdf"),
    path("suggestions/", suggestion_queue, name="suggestion_queue"),
    path("suggestions/new/", suggestion_create, name="suggestion_create"),
    path("suggestions/<str:number>/", suggestion_detail, name="suggestion_detail"),
    path(
        "suggestions/<str:number>/evidence/",
        suggestion_evidence_upload,
        name="suggestion_evidence_upload",
    ),
    path(
        "suggestions/<str:number>/evidence/<int:evidence_id>/",
        suggestion_evidence_file,
        name="suggestion_evidence_file",
    ),
    path("suggestions/<str:number>/do/<str:action>/", suggestion_action, name="suggestion_action"),
    path("surveys/", survey_list, name="survey_list"),
    path("surveys/new/", survey_create, name="survey_create"),
    path("surveys/<int:survey_id>/", survey_builder, name="survey_builder"),
    path("surveys/<int:survey_id>/questions/", survey_question_add, name="survey_question_add"),
    path(
        "surveys/<int:survey_id>/questions/<int:question_id>/remove/",
        survey_question_remove,
        name="survey_question_remove",
    ),
    path("surveys/<int:survey_id>/status/", survey_status, name="survey_status"),
    path("surveys/<int:survey_id>/results/", survey_results, name="survey_results"),
    path("surveys/<int:survey_id>/export/<str:fmt>/", survey_export, name="survey_export"),
    path("surveys/<int:survey_id>/paper/", survey_paper_batch, name="survey_paper_batch"),
    path(
        "surveys/<int:survey_id>/paper/<int:batch>.pdf", survey_paper_pdf, name="survey_paper_pdf"
    ),
    path("surveys/<int:survey_id>/entry/", survey_paper_entry, name="survey_paper_entry"),
]
