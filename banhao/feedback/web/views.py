"""好差评 pages.

* 评价 (applicant): ``rate_case`` — from 我的办件, each service event (受理, 办结) of an own case
  within the rating window: the first rating, then one 追评; the 差评 results to rate.
* 扫码评价 (public): ``qr_rate`` — the signed link printed on the notices as a QR code.
* 差评处理 (unit staff, leaders): the queue with lights and one 差评's forms (回访, 处置, 整改,
  反馈, 申诉). The page shows the case and the rating, never who rated.
* 申诉复核 (leaders): the queue and the decision; the audited reveal of the rater.
* 月度公示 (public) and 星帮办 ranking (staff; leaders choose the month's 星级帮办员).

Every view reaches protected objects through ``banhao.feedback.access``; a wrong role, a
missing object and a foreign one are the same 404. Service errors are shown in Chinese and
change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.audit.services import audit_read
from banhao.cases.models import Case
from banhao.cases.notices import read_rating_token
from banhao.feedback import services
from banhao.feedback.access import (
    access_appeal_for_leader,
    access_case_for_rater,
    access_complaint_for_rater,
    access_complaint_for_unit,
    complaints_for_unit,
    is_case_applicant,
    is_leader,
    is_unit_staff,
)
from banhao.feedback.models import Appeal, Complaint, StarHelperAward
from banhao.feedback.selectors import (
    appeal_list_decided,
    appeal_list_pending,
    case_rating_status,
    complaint_row,
    complaint_rows,
    policy_get,
    publication_month,
    ranking_month,
)
from banhao.shared import clock
from banhao.shared.errors import BanhaoError, Conflict, NotFound
from banhao_core.ratings import (
    BAD_OPTION_LISTS,
    LEVELS,
    AppealGround,
    ComplaintState,
    Disposition,
    FixVerdict,
    Level,
    RatingChannel,
    ServiceEvent,
)

View = Callable[..., HttpResponse]
LEVEL_CHOICES = [(level.value, level.label) for level in LEVELS]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(
        request,
        "404.html",
        {"message": message or "找不到该页面，可能链接有误，或您没有相应的权限。"},
        status=404,
    )


def _status(exc: BanhaoError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def _staff_only(check: Callable[[User], bool]) -> Callable[[View], View]:
    """Login first (anonymous → login page), then ``check`` (otherwise 404)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(_user(request)):
                return _not_found(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _unit_or_leader(user: User) -> bool:
    return is_unit_staff(user) or is_leader(user)


def _staff(user: User) -> bool:
    return bool(user.is_active and user.role_set() & {Role.WINDOW_CLERK, Role.HELPER, Role.LEADER})


# -- the rating form -------------------------------------------------------------------------


class RatingForm(forms.Form):
    level = forms.ChoiceField(label="满意度", choices=LEVEL_CHOICES, widget=forms.RadioSelect)
    options = forms.MultipleChoiceField(
        label="存在的问题（差评时必选）", required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label="文字评价（选填）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, channel: RatingChannel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option_list = BAD_OPTION_LISTS[policy_get().bad_option_version]
        cast(forms.MultipleChoiceField, self.fields["options"]).choices = list(option_list.options)
        self.indicator_keys: list[str] = []
        for key, label in channel.indicator_set.indicators[1:]:
            self.fields[f"ind_{key}"] = forms.ChoiceField(
                label=label, required=False, choices=[("", "不评"), *LEVEL_CHOICES]
            )
            self.indicator_keys.append(key)

    def rating_input(self, *, event: ServiceEvent, channel: RatingChannel) -> services.RatingInput:
        data = self.cleaned_data
        indicators = {
            key: Level(data[f"ind_{key}"]) for key in self.indicator_keys if data.get(f"ind_{key}")
        }
        return services.RatingInput(
            event=event,
            channel=channel,
            level=Level(data["level"]),
            indicators=indicators,
            option_codes=data.get("options") or [],
            text=data.get("text") or "",
        )


def _event(raw: str) -> ServiceEvent | None:
    try:
        return ServiceEvent(raw)
    except ValueError:
        return None


# -- 评价 (applicant) ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate_case(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's rating page of one of their cases."""
    user = _user(request)
    try:
        case = access_case_for_rater(user, number)
    except NotFound:
        return _not_found(request)
    channel = RatingChannel.PC
    forms_by_event: dict[str, RatingForm] = {}
    status = 200
    if request.method == "POST":
        event = _event(request.POST.get("event", ""))
        follow_up = request.POST.get("kind") == "follow_up"
        form = RatingForm(
            request.POST, channel=channel, auto_id=f"id_{event.value if event else 'x'}_%s"
        )
        if event is None:
            messages.error(request, "评价环节无效")
            status = 422
        elif form.is_valid():
            try:
                data = form.rating_input(event=event, channel=channel)
                if follow_up:
                    services.rating_follow_up(case=case, data=data, actor=user)
                else:
                    services.rating_submit(case=case, data=data, actor=user)
            except BanhaoError as exc:
                form.add_error(None, exc.message)
                forms_by_event[event.value] = form
                status = _status(exc)
            else:
                messages.success(request, "感谢您的评价！您的评价将用于改进政务服务。")
                return redirect("feedback:rate_case", number=case.number)
        else:
            forms_by_event[event.value] = form
            status = 422
    rating_status = case_rating_status(case, rater=user)
    blocks = [
        {
            "status": event_status,
            "form": forms_by_event.get(event_status.event.value)
            or RatingForm(channel=channel, auto_id=f"id_{event_status.event.value}_%s"),
        }
        for event_status in rating_status.events
    ]
    return render(
        request,
        "feedback/rate_case.html",
        {
            "case": case,
            "blocks": blocks,
            "complaints": rating_status.complaints,
            "policy": policy_get(),
            "channel": channel,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def qr_rate(request: HttpRequest, token: str) -> HttpResponse:
    """扫码评价: the signed link on a notice or at the window; no login needed. The page shows
    the item and the service, never personal data of the case."""
    try:
        number, raw_event = read_rating_token(token)
        event = _event(raw_event)
        case = (
            Case.objects.select_related("item_version", "service_centre")
            .filter(number=number)
            .first()
        )
        if case is None or event is None:
            raise NotFound("评价链接无效")
    except NotFound as exc:
        return _not_found(request, exc.message)
    channel = RatingChannel.QR_CODE
    form = RatingForm(request.POST or None, channel=channel)
    status = 200
    done = False
    if request.method == "POST":
        if form.is_valid():
            # The case's own applicant, if logged in, is recorded as the rater; anyone else
            # (a walk-in, or a staff account left logged in on a hall tablet) rates anonymously.
            user = _user(request)
            rater = user if is_case_applicant(user, case) else None
            try:
                services.rating_submit(
                    case=case, data=form.rating_input(event=event, channel=channel), actor=rater
                )
            except BanhaoError as exc:
                form.add_error(None, exc.message)
                status = _status(exc)
            else:
                done = True
        else:
            status = 422
    event_status = next(e for e in case_rating_status(case).events if e.event is event)
    return render(
        request,
        "feedback/qr_rate.html",
        {"case": case, "event": event, "status": event_status, "form": form, "done": done},
        status=status,
    )


class FixForm(forms.Form):
    verdict = forms.ChoiceField(
        label="您对整改结果的评价",
        choices=[(v.value, v.label) for v in FixVerdict],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="意见（选填）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate_fix(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The rater reads the result of their 差评 and rates the fix."""
    user = _user(request)
    try:
        complaint = access_complaint_for_rater(user, complaint_id)
    except NotFound:
        return _not_found(request)
    form = FixForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complaint_rate_fix(
                    complaint=complaint,
                    verdict=FixVerdict(form.cleaned_data["verdict"]),
                    comment=form.cleaned_data["comment"],
                    actor=user,
                )
            except BanhaoError as exc:
                form.add_error(None, exc.message)
                status = _status(exc)
            else:
                messages.success(request, "感谢您对整改结果的评价。")
                return redirect("feedback:rate_fix", complaint_id=complaint.pk)
        else:
            status = 422
    return render(
        request,
        "feedback/rate_fix.html",
        {
            "complaint": complaint,
            "form": form,
            "can_rate": complaint.state == ComplaintState.FED_BACK,
        },
        status=status,
    )


# -- 差评处理 (unit) -----------------------------------------------------------------------------


@require_safe
@_staff_only(_unit_or_leader)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    """The unit's 差评, most urgent first, with the 回访/整改 lights."""
    user = _user(request)
    show_all = request.GET.get("all") == "1"
    rows = complaint_rows(complaints_for_unit(user), open_only=not show_all)
    return render(
        request,
        "feedback/unit_queue.html",
        {
            "rows": rows,
            "show_all": show_all,
            "department": user.department,
            "leader": is_leader(user),
        },
    )


class NotesForm(forms.Form):
    notes = forms.CharField(label="说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class DisposeForm(NotesForm):
    disposition = forms.ChoiceField(
        label="处置方式",
        choices=[(d.value, d.label) for d in Disposition],
        widget=forms.RadioSelect,
    )


class AppealForm(forms.Form):
    ground = forms.ChoiceField(label="申诉理由", choices=[(g.value, g.label) for g in AppealGround])
    statement = forms.CharField(
        label="申诉说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label="证据材料（PDF或图片，选填）", required=False)


def _complaint_post(request: HttpRequest, complaint: Complaint) -> tuple[str, forms.Form, int]:
    """Run the posted step; returns (action, bound form, status) — status 0 on success."""
    user = _user(request)
    action = request.POST.get("action", "")
    form: forms.Form
    try:
        if action == "appeal":
            form = AppealForm(request.POST, request.FILES)
            if not form.is_valid():
                return action, form, 422
            services.appeal_file(
                complaint=complaint,
                ground=AppealGround(form.cleaned_data["ground"]),
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data.get("evidence"),
                actor=user,
            )
            return action, form, 0
        form = DisposeForm(request.POST) if action == "dispose" else NotesForm(request.POST)
        if not form.is_valid():
            return action, form, 422
        notes, version = form.cleaned_data["notes"], form.cleaned_data["row_version"]
        if action == "callback":
            services.complaint_callback(
                complaint=complaint, notes=notes, actor=user, expected_version=version
            )
        elif action == "dispose":
            services.complaint_dispose(
                complaint=complaint,
                disposition=Disposition(form.cleaned_data["disposition"]),
                notes=notes,
                actor=user,
                expected_version=version,
            )
        elif action == "rectified":
            services.complaint_rectification_complete(
                complaint=complaint, result=notes, actor=user, expected_version=version
            )
        elif action == "feedback":
            services.complaint_feedback_to_rater(
                complaint=complaint, text=notes, actor=user, expected_version=version
            )
        else:
            form.add_error(None, "未知的操作")
            return action, form, 422
    except BanhaoError as exc:
        form.add_error(None, exc.message)
        return action, form, _status(exc)
    return action, form, 0


@require_http_methods(["GET", "HEAD", "POST"])
@_staff_only(_unit_or_leader)
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """One 差评: the rating (no rater), the deadlines with lights, the next step's form."""
    user = _user(request)
    try:
        complaint = access_complaint_for_unit(user, complaint_id)
    except NotFound:
        return _not_found(request)
    posted: tuple[str, forms.Form] | None = None
    status = 200
    if request.method == "POST":
        action, form, status = _complaint_post(request, complaint)
        if status == 0:
            messages.success(request, "已保存。")
            return redirect("feedback:complaint_detail", complaint_id=complaint.pk)
        posted = (action, form)
    complaint = access_complaint_for_unit(user, complaint_id)
    rating = complaint.rating
    option_list = BAD_OPTION_LISTS.get(rating.option_version)
    own_unit = is_unit_staff(user) and user.department_id == complaint.department_id
    appeals = list(complaint.appeals.order_by("-filed_at"))
    initial = {"row_version": complaint.row_version}

    def form_for(action: str, cls: type[forms.Form]) -> forms.Form:
        if posted is not None and posted[0] == action:
            return posted[1]
        return cls(initial=initial) if cls is not AppealForm else cls()

    state = complaint.state_enum
    return render(
        request,
        "feedback/complaint.html",
        {
            "complaint": complaint,
            "rating": rating,
            "row": complaint_row(complaint),
            "options": [option_list.label(c) if option_list else c for c in rating.option_codes],
            "indicators": _indicator_rows(rating.indicators, RatingChannel(rating.channel)),
            "state": state,
            "callback_form": form_for("callback", NotesForm)
            if state is ComplaintState.AWAITING_CALLBACK
            else None,
            "dispose_form": form_for("dispose", DisposeForm)
            if state is ComplaintState.AWAITING_DISPOSITION
            else None,
            "rectified_form": form_for("rectified", NotesForm)
            if state is ComplaintState.RECTIFYING
            else None,
            "feedback_form": form_for("feedback", NotesForm)
            if state is ComplaintState.AWAITING_FEEDBACK
            else None,
            "appeal_form": form_for("appeal", AppealForm)
            if own_unit
            and state not in (ComplaintState.CLOSED, ComplaintState.ANNULLED)
            and not any(a.outcome == "pending" for a in appeals)
            else None,
            "appeals": appeals,
            "posted_action": posted[0] if posted else "",
        },
        status=status,
    )


def _indicator_rows(indicators: dict[str, str], channel: RatingChannel) -> list[tuple[str, str]]:
    labels = dict(channel.indicator_set.indicators)
    rows = []
    for key, value in indicators.items():
        try:
            rows.append((labels.get(key, key), Level(value).label))
        except ValueError:
            continue
    return rows


# -- 申诉复核 (leaders) ---------------------------------------------------------------------------


@require_safe
@_staff_only(is_leader)
def appeal_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "feedback/appeal_queue.html",
        {
            "pending": appeal_list_pending(service_centre_id=user.service_centre_id),
            "decided": appeal_list_decided(service_centre_id=user.service_centre_id),
        },
    )


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="复核结果",
        choices=[("1", "申诉成立（差评撤销，不计入统计）"), ("0", "申诉不成立（差评保留）")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="复核意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由", max_length=200)


@require_http_methods(["GET", "HEAD", "POST"])
@_staff_only(is_leader)
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user = _user(request)
    try:
        appeal = access_appeal_for_leader(user, appeal_id)
    except NotFound:
        return _not_found(request)
    decide_form = (
        DecideForm(request.POST or None) if request.POST.get("action") != "reveal" else DecideForm()
    )
    reveal_form = RevealForm(request.POST if request.POST.get("action") == "reveal" else None)
    revealed = ""
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reveal":
                if reveal_form.is_valid():
                    revealed = services.rating_rater_reveal(
                        rating=appeal.complaint.rating,
                        actor=user,
                        reason=reveal_form.cleaned_data["reason"],
                    )
                else:
                    status = 422
            elif decide_form.is_valid():
                services.appeal_decide(
                    appeal=appeal,
                    upheld=decide_form.cleaned_data["upheld"],
                    reason=decide_form.cleaned_data["reason"],
                    actor=user,
                )
                messages.success(request, "复核结果已记录。")
                return redirect("feedback:appeal_detail", appeal_id=appeal.pk)
            else:
                status = 422
        except BanhaoError as exc:
            decide_form.add_error(None, exc.message)
            status = _status(exc)
    appeal = access_appeal_for_leader(user, appeal_id)
    rating = appeal.complaint.rating
    option_list = BAD_OPTION_LISTS.get(rating.option_version)
    return render(
        request,
        "feedback/appeal.html",
        {
            "appeal": appeal,
            "complaint": appeal.complaint,
            "rating": rating,
            "options": [option_list.label(c) if option_list else c for c in rating.option_codes],
            "decide_form": decide_form if appeal.outcome == "pending" else None,
            "reveal_form": reveal_form,
            "revealed": revealed,
        },
        status=status,
    )


@require_safe
def appeal_evidence(request: HttpRequest, appeal_id: int) -> HttpResponseBase:
    """The appeal's evidence file: the leaders and the appealing unit."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = _user(request)
    appeal = (
        Appeal.objects.select_related("complaint", "complaint__rating__case")
        .filter(pk=appeal_id)
        .first()
    )
    allowed = appeal is not None and (
        (
            is_leader(user)
            and appeal.complaint.rating.case.service_centre_id == user.service_centre_id
        )
        or (is_unit_staff(user) and user.department_id == appeal.complaint.department_id)
    )
    if appeal is None or not allowed or not appeal.evidence:
        return _not_found(request)
    audit_read(actor=user, obj=appeal, action="feedback.appeal_evidence_read")
    response = FileResponse(
        appeal.evidence.open("rb"), content_type=appeal.evidence_type or "application/octet-stream"
    )
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- 月度公示 and 星帮办 --------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[int, int, list[str]]:
    """The month asked for (``?month=YYYY-MM``), else the current one; notices for bad input."""
    today = clock.today()
    raw = request.GET.get("month", "").strip()
    if raw:
        try:
            parsed = dt.datetime.strptime(raw, "%Y-%m").date()  # noqa: DTZ007 - a month, no time
        except ValueError:
            return today.year, today.month, ["月份格式应为 YYYY-MM，已显示本月。"]
        if (parsed.year, parsed.month) > (today.year, today.month) or parsed.year < 2000:
            return today.year, today.month, ["不能查看该月份，已显示本月。"]
        return parsed.year, parsed.month, []
    return today.year, today.month, []


def _previous_months(year: int, month: int, count: int = 12) -> list[str]:
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rate_shown(value: float, whole: int) -> str:
    """A rate of the ranking; one without data says it counts as 0.5 (the formula's rule)."""
    return _percent(value) if whole else "无数据（按 50% 计）"


@require_safe
def publication(request: HttpRequest) -> HttpResponse:
    """月度公示 (public): 好评率 and 差评整改率 by department and window, appeal outcomes and
    the rectification outcomes — aggregates only, no rater data, no case numbers."""
    year, month, notices = _month(request)
    report = publication_month(year=year, month=month)
    today = clock.today()
    chart = {
        "departments": [d.short_name or d.name for d in report.departments],
        "goodRates": [
            None if d.summary.good_rate is None else round(d.summary.good_rate * 100, 1)
            for d in report.departments
        ],
        "rectificationRates": [
            None if d.rectification_rate is None else round(d.rectification_rate * 100, 1)
            for d in report.departments
        ],
        "levels": [level.label for level, _count in report.overall.by_level],
        "levelCounts": [count for _level, count in report.overall.by_level],
    }
    return render(
        request,
        "feedback/publication.html",
        {
            "report": report,
            "month_value": f"{year:04d}-{month:02d}",
            "months": _previous_months(today.year, today.month),
            "notices": notices,
            "good_rate": _percent(report.overall.good_rate),
            "rectification_rate": _percent(report.rectification_rate),
            "departments": [
                (d, _percent(d.summary.good_rate), _percent(d.rectification_rate))
                for d in report.departments
            ],
            "windows": [(w, _percent(w.summary.good_rate)) for w in report.windows],
            "chart": chart,
            "awards": StarHelperAward.objects.filter(year=year, month=month).select_related(
                "staff"
            ),
        },
    )


class ChooseForm(forms.Form):
    month = forms.CharField(widget=forms.HiddenInput)
    staff = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="评选说明", required=False, max_length=300)


@require_safe
@_staff_only(_staff)
def ranking(request: HttpRequest) -> HttpResponse:
    """星帮办 monthly ranking (staff): the formula and weights, each factor, the awards."""
    user = _user(request)
    year, month, notices = _month(request)
    result = ranking_month(year=year, month=month, service_centre_id=user.service_centre_id)
    today = clock.today()
    awards = StarHelperAward.objects.filter(year=year, month=month).select_related("staff")
    awarded = {a.staff_id for a in awards}
    return render(
        request,
        "feedback/ranking.html",
        {
            "ranking": result,
            "rows": [
                (
                    row,
                    _rate_shown(row.ranked.satisfaction, row.ranked.facts.ratings),
                    _rate_shown(row.ranked.on_time, row.ranked.facts.cases_closed),
                    _percent(row.ranked.volume),
                    _rate_shown(
                        row.ranked.forum, row.ranked.facts.praise + row.ranked.facts.criticism
                    ),
                )
                for row in result.rows
            ],
            "month_value": f"{year:04d}-{month:02d}",
            "months": _previous_months(today.year, today.month),
            "notices": notices,
            "awards": awards,
            "awarded": awarded,
            "may_choose": is_leader(user),
            "history": StarHelperAward.objects.select_related("staff")[:24],
        },
    )


@require_POST
@_staff_only(is_leader)
def star_choose(request: HttpRequest) -> HttpResponse:
    """A leader records a 星级帮办员 of the month from the ranking."""
    user = _user(request)
    form = ChooseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效，请从排名表中选择。")
        return redirect("feedback:ranking")
    raw_month = form.cleaned_data["month"]
    try:
        parsed = dt.datetime.strptime(raw_month, "%Y-%m").date()  # noqa: DTZ007 - a month
    except ValueError:
        messages.error(request, "月份格式应为 YYYY-MM。")
        return redirect("feedback:ranking")
    staff = User.objects.filter(pk=form.cleaned_data["staff"], is_active=True).first()
    try:
        if staff is None:
            raise NotFound("找不到该人员")
        services.star_helper_choose(
            year=parsed.year,
            month=parsed.month,
            staff=staff,
            note=form.cleaned_data["note"],
            actor=user,
        )
    except BanhaoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已将 {staff} 评为 {parsed.year} 年 {parsed.month} 月星级帮办员。"
        )
    return redirect(f"{reverse('feedback:ranking')}?month={raw_month}")
