"""The applicant's pages: 在线申请, the case page (暂存 → 申报, 补正, 撤回, progress and
timeline) and 我的办件.

Every case is reached through ``access_case`` (missing and forbidden both give the 404 page);
every write goes through ``banhao.cases.services`` and every action form carries the case's
``row_version``, passed on as ``expected_version`` so a stale page gets the conflict message.
Service errors are shown in Chinese next to the input at fault; nothing here answers with 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banhao.accounts.models import User
from banhao.cases.access import access_case
from banhao.cases.models import Case, CaseEvent, CaseMaterial, CorrectionRequest
from banhao.cases.selectors import (
    OPEN_STATES,
    case_list_for_applicant,
    case_timeline,
    case_view,
    thresholds,
)
from banhao.cases.services import (
    case_create_draft,
    case_material_upload,
    case_resubmit,
    case_submit,
    case_update_draft,
    case_withdraw,
)
from banhao.cases.snapshots import case_clock
from banhao.cases.uploads import max_upload_bytes
from banhao.cases.web.forms_applicant import (
    FORM_DATA_KEYS,
    ApplyForm,
    DraftForm,
    MaterialUploadForm,
    RowVersionForm,
    WithdrawForm,
    add_service_error,
)
from banhao.catalog.choices import MaterialNecessity, MaterialSource, label_of
from banhao.catalog.models import ServiceItemVersion, Situation
from banhao.catalog.selectors import item_get_published
from banhao.org.models import ServiceCentre
from banhao.shared import clock
from banhao.shared.errors import BanhaoError, Conflict, NotFound, ValidationFailed
from banhao.workcalendar.selectors import work_calendar
from banhao_core.calendar import WorkCalendar
from banhao_core.time_limits import ClockStatus, TimeLimitError, evaluate
from banhao_core.workflow import CaseState, ClockPhase, Command, Decision, ReviewTaskState

PAGE_SIZE = 20

#: 我的办件 filter: group key → (label, states).
STATE_GROUPS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "open": (gettext_lazy("进行中"), OPEN_STATES),
    "done": (gettext_lazy("已办结"), tuple(s.value for s in CaseState if s.is_terminal)),
    "draft": (gettext_lazy("暂存"), (CaseState.DRAFT.value,)),
}

#: States in which the services accept a material file.
_UPLOAD_STATES = frozenset(
    {
        CaseState.DRAFT,
        CaseState.CORRECTION_REQUESTED,
        CaseState.RECEIVED,
        CaseState.ACCEPTED,
        CaseState.IN_PROGRESS,
        CaseState.SPECIAL_PROCEDURE,
    }
)
#: In these states every material the applicant hands in may be (re)uploaded; in the other
#: upload states only the missing and 容缺后补 ones.
_FREE_UPLOAD_STATES = frozenset({CaseState.DRAFT, CaseState.CORRECTION_REQUESTED})
_NO_FILE_STATUSES = frozenset({CaseMaterial.Status.SHARED, CaseMaterial.Status.NOT_APPLICABLE})

_STATE_CLASS: dict[CaseState, str] = {
    CaseState.DRAFT: "grey",
    CaseState.CORRECTION_REQUESTED: "yellow",
    CaseState.SPECIAL_PROCEDURE: "yellow",
    CaseState.DECIDED_APPROVED: "green",
    CaseState.DELIVERING: "green",
    CaseState.CLOSED: "green",
    CaseState.DECIDED_REJECTED: "red",
    CaseState.NOT_ACCEPTED: "red",
    CaseState.WITHDRAWN: "grey",
    CaseState.TERMINATED: "grey",
}
_NECESSITY_CLASS: dict[str, str] = {
    MaterialNecessity.REQUIRED: "red",
    MaterialNecessity.OPTIONAL: "grey",
    MaterialNecessity.DEFERRABLE: "yellow",
    MaterialNecessity.COMMITMENT: "green",
    MaterialNecessity.SHARED: "green",
}
_TASK_CLASS: dict[ReviewTaskState, str] = {
    ReviewTaskState.PENDING: "blue",
    ReviewTaskState.WAITING: "grey",
    ReviewTaskState.APPROVED: "green",
    ReviewTaskState.REJECTED: "red",
    ReviewTaskState.CANCELLED: "grey",
}
#: Events carrying a department's review opinion, which the applicant sees after the decision.
_REVIEW_OPINION_EVENTS = frozenset({"review_approved", "review_rejected"})


# -- small helpers ----------------------------------------------------------------------------


View = Callable[..., HttpResponse]


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "404.html", {"message": message}, status=404)


def _answers_404(view: View) -> View:
    """``NotFound`` anywhere in the view → the 404 page with its Chinese message."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return _not_found(request, exc.message)

    return wrapper


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every view here is login_required
    return user


def _may_act(user: User, case: Case) -> bool:
    """The applicant's side of a case: the account that filed it or, for a company account,
    its 统一社会信用代码. Staff who may see a case get this page read-only."""
    if case.applicant_id is not None and case.applicant_id == user.pk:
        return True
    return bool(
        user.kind == User.Kind.COMPANY
        and user.organisation_code
        and case.organisation_code == user.organisation_code
    )


def _case_for_action(request: HttpRequest, number: str) -> Case:
    """The case for a POST action: visible *and* the user's own (else 404)."""
    case = access_case(_user(request), number)
    if not _may_act(_user(request), case):
        raise NotFound("找不到该办件")
    return case


def _centre_for(version: ServiceItemVersion) -> ServiceCentre | None:
    """Private read: the centre that receives online applications for the item — the one of
    the implementing department, else the only (first) centre."""
    department = version.item.department
    if department.service_centre_id is not None:
        return department.service_centre
    return ServiceCentre.objects.order_by("code").first()


# -- 在线申请 ---------------------------------------------------------------------------------


@login_required
def apply_view(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1: 办理情形 and applicant data → a draft (暂存), then the draft page."""
    user = _user(request)
    try:
        version = item_get_published(code=code)
    except NotFound:
        return _not_found(
            request,
            _(
                "编码为“%(code)s”的事项未发布或已停止施行，暂不能在线申请。"
                "请查看办事指南，或到政务服务中心窗口咨询。"
            )
            % {"code": code[:64]},
        )
    situations = list(version.situations.all())
    form = ApplyForm(
        request.POST if request.method == "POST" else None, user=user, situations=situations
    )
    status = 200
    if request.method == "POST":
        status = 422
        centre = _centre_for(version)
        if centre is None:
            form.add_error(None, _("本事项暂未指定受理的政务服务中心，请到窗口咨询"))
        elif form.is_valid():
            try:
                case = case_create_draft(
                    actor=user,
                    item_version=version,
                    service_centre=centre,
                    applicant=form.applicant(),
                    situation_answers=form.answers(),
                )
            except BanhaoError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("申请已暂存，办件编号 %(number)s。请上传材料后提交申报。")
                    % {"number": case.number},
                )
                return redirect("cases:case_detail", number=case.number)
    context = {"version": version, "item": version.item, "form": form}
    return render(request, "cases/applicant/apply.html", context, status=status)


# -- the case page ----------------------------------------------------------------------------


@dataclass
class PageErrors:
    """What went wrong with the last action, for the page that shows it."""

    top: list[str] = field(default_factory=list)
    materials: dict[int, str] = field(default_factory=dict)
    missing: frozenset[str] = frozenset()

    @classmethod
    def of(cls, error: BanhaoError) -> PageErrors:
        errors = cls()
        errors.add(error)
        return errors

    def add(self, error: BanhaoError) -> None:
        field_name = error.field or ""
        if field_name.startswith("material_") and field_name.removeprefix("material_").isdigit():
            self.materials[int(field_name.removeprefix("material_"))] = error.message
            return
        self.top.append(error.message)
        missing = error.details.get("missing") if error.details else None
        if missing:
            self.missing = frozenset(str(name) for name in missing)


@dataclass(frozen=True)
class MaterialRow:
    row: CaseMaterial
    necessity_label: str
    necessity_class: str
    source_label: str
    status_label: str
    status_class: str
    is_waived: bool
    can_upload: bool
    error: str
    is_flagged_missing: bool


@dataclass(frozen=True)
class TaskRow:
    department: str
    step_name: str
    state_label: str
    state_class: str
    decided_at: dt.datetime | None
    opinion: str


@dataclass(frozen=True)
class AnswerRow:
    question: str
    answer: str


def _materials(case: Case) -> list[CaseMaterial]:
    """Private read: the case's material rows with their catalogue material."""
    return list(
        CaseMaterial.objects.filter(case=case)
        .select_related("material")
        .order_by("material__sort_order", "id")
    )


def _open_correction(case: Case) -> CorrectionRequest | None:
    """Private read: the 补正告知 the applicant still has to answer."""
    return (
        CorrectionRequest.objects.filter(case=case, resolved_at__isnull=True)
        .order_by("-issued_at", "-id")
        .first()
    )


def _answer_rows(case: Case) -> list[AnswerRow]:
    """Private read: the 办理情形 questions with the options chosen."""
    situations = Situation.objects.filter(version_id=case.item_version_id).prefetch_related(
        "options"
    )
    rows = []
    for situation in situations:
        chosen = str(case.situation_answers.get(str(situation.pk), ""))
        labels = [o.label for o in situation.options.all() if str(o.pk) == chosen]
        rows.append(AnswerRow(situation.question, labels[0] if labels else _("未回答")))
    return rows


#: How a material row's status reads to the applicant: (label, badge class).
_STATUS_DISPLAY: dict[str, tuple[Promise, str]] = {
    CaseMaterial.Status.SHARED: (gettext_lazy("免交（由电子证照库调取）"), "green"),
    CaseMaterial.Status.NOT_APPLICABLE: (gettext_lazy("不适用"), "grey"),
    CaseMaterial.Status.SUBMITTED: (gettext_lazy("已上传"), "blue"),
    CaseMaterial.Status.RECEIVED: (gettext_lazy("已核验"), "green"),
    CaseMaterial.Status.DEFERRED: (gettext_lazy("容缺后补"), "yellow"),
}


def _status_of(row: CaseMaterial) -> tuple[str, str]:
    necessity = row.material.necessity
    if row.status == CaseMaterial.Status.MISSING:
        return _("未上传"), "red" if necessity == MaterialNecessity.REQUIRED else "grey"
    if row.status == CaseMaterial.Status.NOT_APPLICABLE and (
        necessity == MaterialNecessity.COMMITMENT
    ):
        return _("告知承诺免交"), "green"
    label, css = _STATUS_DISPLAY.get(row.status, (gettext_lazy("未知"), "grey"))
    return str(label), css


def _material_rows(
    case: Case, state: CaseState, *, may_act: bool, errors: PageErrors
) -> list[MaterialRow]:
    rows = []
    upload_open = may_act and state in _UPLOAD_STATES
    for row in _materials(case):
        material = row.material
        # A 电子证照库 material is waived while it is shared; when no licence could be attached
        # (licences set it back to 未提交) the applicant uploads it like any other.
        waived = row.status in _NO_FILE_STATUSES
        can_upload = upload_open and not waived
        if can_upload and state not in _FREE_UPLOAD_STATES:
            can_upload = row.status in (CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFERRED)
        status_label, status_class = _status_of(row)
        rows.append(
            MaterialRow(
                row=row,
                necessity_label=label_of(MaterialNecessity, material.necessity),
                necessity_class=_NECESSITY_CLASS.get(material.necessity, "grey"),
                source_label=label_of(MaterialSource, material.source_channel),
                status_label=status_label,
                status_class=status_class,
                is_waived=waived,
                can_upload=can_upload,
                error=errors.materials.get(row.pk, ""),
                is_flagged_missing=row.name in errors.missing,
            )
        )
    return rows


def _task_rows(case: Case, tasks: Iterable[Any], *, decided: bool) -> list[TaskRow]:
    return [
        TaskRow(
            department=task.department.name,
            step_name=task.step_name,
            state_label=ReviewTaskState(task.state).label,
            state_class=_TASK_CLASS.get(ReviewTaskState(task.state), "grey"),
            decided_at=task.decided_at,
            # Departments' opinions reach the applicant with the decision, not before.
            opinion=task.opinion if decided else "",
        )
        for task in tasks
    ]


def _applicant_timeline(case: Case, *, decided: bool) -> list[CaseEvent]:
    events = case_timeline(case=case)
    if not decided:
        for event in events:
            if event.kind in _REVIEW_OPINION_EVENTS:
                event.opinion = ""  # in memory only: the record itself is never changed
    return events


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    errors: PageErrors | None = None,
    draft_form: DraftForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    errors = errors or PageErrors()
    view = case_view(case=case, user=user)
    case = view.case
    state = CaseState(case.state)
    may_act = _may_act(user, case)
    decided = bool(case.decision)
    if draft_form is None:
        draft_form = DraftForm(initial={key: case.form_data.get(key, "") for key in FORM_DATA_KEYS})
    material_rows = _material_rows(case, state, may_act=may_act, errors=errors)
    form_data_rows = [
        (draft_form.fields[key].label, str(case.form_data.get(key, "")))
        for key in FORM_DATA_KEYS
        if case.form_data.get(key)
    ]
    context = {
        "case": case,
        "item": case.item_version.item,
        "version": case.item_version,
        "state": state,
        "state_label": state.label,
        "state_class": _STATE_CLASS.get(state, "blue"),
        "is_draft": state is CaseState.DRAFT,
        "may_act": may_act,
        "clock_status": view.status,
        "clock_phase": state.clock_phase,
        "materials": material_rows,
        "upload_column": any(m.can_upload or m.error for m in material_rows),
        "missing_count": sum(
            1
            for m in material_rows
            if m.row.status == CaseMaterial.Status.MISSING
            and m.row.material.necessity == MaterialNecessity.REQUIRED
        ),
        "max_upload_mb": max_upload_bytes() // 1024 // 1024,
        "answers": _answer_rows(case),
        "form_data_rows": form_data_rows,
        "tasks": _task_rows(case, view.tasks, decided=decided),
        "decided": decided,
        "decision_label": Decision(case.decision).label if decided else "",
        "correction": _open_correction(case) if state is CaseState.CORRECTION_REQUESTED else None,
        "can_submit": may_act and Command.SUBMIT in view.commands,
        "can_resubmit": may_act and Command.RESUBMIT in view.commands,
        "can_withdraw": may_act and Command.WITHDRAW in view.commands,
        "draft_form": draft_form,
        "withdraw_form": withdraw_form or WithdrawForm(),
        "errors": errors,
        "events": _applicant_timeline(case, decided=decided),
    }
    return render(request, "cases/applicant/case_detail.html", context, status=status)


def _error_status(error: BanhaoError) -> int:
    return 409 if isinstance(error, Conflict) else 422


def _stale(form: RowVersionForm, case: Case) -> Conflict | None:
    """The conflict to show when the page's ``row_version`` is missing or out of date."""
    if "row_version" in form.errors or form.cleaned_data.get("row_version") != case.row_version:
        return Conflict(
            "该办件已被他人处理（页面内容已过期），请刷新后查看最新状态", code="stale_case"
        )
    return None


@login_required
@_answers_404
def case_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    return _case_page(request, access_case(_user(request), number))


@login_required
@require_POST
@_answers_404
def draft_save_view(request: HttpRequest, number: str) -> HttpResponse:
    """保存: the 申请表 fields of a draft."""
    case = _case_for_action(request, number)
    form = DraftForm(request.POST)
    if not form.is_valid():
        errors = PageErrors()
        if "row_version" in form.errors:
            errors.top.append(_("页面已过期，请刷新后重试"))
        return _case_page(request, case, errors=errors, draft_form=form, status=422)
    try:
        case_update_draft(
            case=case,
            actor=_user(request),
            form_data=form.form_data(case.form_data),
            expected_version=form.cleaned_data["row_version"],
        )
    except BanhaoError as exc:
        return _case_page(
            request, case, errors=PageErrors.of(exc), draft_form=form, status=_error_status(exc)
        )
    messages.success(request, _("已保存"))
    return redirect("cases:case_detail", number=case.number)


@login_required
@require_POST
@_answers_404
def submit_view(request: HttpRequest, number: str) -> HttpResponse:
    """提交申报: save the 申请表 and submit, both or neither."""
    case = _case_for_action(request, number)
    form = DraftForm(request.POST)
    if not form.is_valid():
        errors = PageErrors()
        if "row_version" in form.errors:
            errors.top.append(_("页面已过期，请刷新后重试"))
        return _case_page(request, case, errors=errors, draft_form=form, status=422)
    user = _user(request)
    try:
        with transaction.atomic():
            saved = case_update_draft(
                case=case,
                actor=user,
                form_data=form.form_data(case.form_data),
                expected_version=form.cleaned_data["row_version"],
            )
            submitted = case_submit(case=saved, actor=user, expected_version=saved.row_version)
    except BanhaoError as exc:
        return _case_page(
            request, case, errors=PageErrors.of(exc), draft_form=form, status=_error_status(exc)
        )
    messages.success(
        request,
        _("已提交申报，办件编号 %(number)s。窗口接件后您会收到通知。")
        % {"number": submitted.number},
    )
    return redirect("cases:case_detail", number=case.number)


@login_required
@require_POST
@_answers_404
def material_upload_view(request: HttpRequest, number: str, material_id: str) -> HttpResponse:
    """上传 one material's file (draft, 补正, or 容缺后补)."""
    case = _case_for_action(request, number)
    row_id = int(material_id)
    form = MaterialUploadForm(request.POST, request.FILES)
    valid = form.is_valid()
    stale = _stale(form, case)
    if stale is not None:
        return _case_page(request, case, errors=PageErrors.of(stale), status=409)
    if not valid:
        errors = PageErrors()
        errors.materials[row_id] = "；".join(str(e) for e in form.errors.get("file", []))
        return _case_page(request, case, errors=errors, status=422)
    try:
        row = case_material_upload(
            case=case,
            material_id=row_id,
            upload=form.cleaned_data["file"],
            actor=_user(request),
            expected_version=form.cleaned_data["row_version"],
        )
    except NotFound:
        raise  # not a material of this case: the 404 page
    except BanhaoError as exc:
        return _case_page(request, case, errors=PageErrors.of(exc), status=_error_status(exc))
    messages.success(request, _("「%(name)s」已上传") % {"name": row.name})
    return redirect("cases:case_detail", number=case.number)


@login_required
@require_POST
@_answers_404
def resubmit_view(request: HttpRequest, number: str) -> HttpResponse:
    """提交补正."""
    case = _case_for_action(request, number)
    form = RowVersionForm(request.POST)
    form.is_valid()
    stale = _stale(form, case)
    if stale is not None:
        return _case_page(request, case, errors=PageErrors.of(stale), status=409)
    try:
        case_resubmit(
            case=case, actor=_user(request), expected_version=form.cleaned_data["row_version"]
        )
    except BanhaoError as exc:
        return _case_page(request, case, errors=PageErrors.of(exc), status=_error_status(exc))
    messages.success(request, _("补正材料已提交，等待窗口审核"))
    return redirect("cases:case_detail", number=case.number)


@login_required
@require_POST
@_answers_404
def withdraw_view(request: HttpRequest, number: str) -> HttpResponse:
    """撤回 with a reason, before a decision."""
    case = _case_for_action(request, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        errors = PageErrors()
        if "row_version" in form.errors:
            errors.top.append(_("页面已过期，请刷新后重试"))
        return _case_page(request, case, errors=errors, withdraw_form=form, status=422)
    try:
        case_withdraw(
            case=case,
            actor=_user(request),
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["row_version"],
        )
    except BanhaoError as exc:
        if isinstance(exc, ValidationFailed) and exc.field == "reason":
            form.add_error("reason", exc.message)
            return _case_page(request, case, withdraw_form=form, status=422)
        return _case_page(
            request,
            case,
            errors=PageErrors.of(exc),
            withdraw_form=form,
            status=_error_status(exc),
        )
    messages.success(request, _("申请已撤回"))
    return redirect("cases:case_detail", number=case.number)


# -- 我的办件 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    state_label: str
    state_class: str
    clock_status: ClockStatus | None
    clock_phase: ClockPhase


def _clock_statuses(cases: list[Case]) -> dict[int, ClockStatus]:
    """Private read: the clock of each accepted case, with one calendar per centre (the
    cases must come with ``pauses`` and ``extensions`` prefetched)."""
    today = clock.today()
    limits = thresholds()
    calendars: dict[int, WorkCalendar] = {}
    found: dict[int, ClockStatus] = {}
    for case in cases:
        if case.accepted_at is None:
            continue
        calendar = calendars.get(case.service_centre_id)
        if calendar is None:
            calendar = work_calendar(service_centre_id=case.service_centre_id)
            calendars[case.service_centre_id] = calendar
        try:
            found[case.pk] = evaluate(case_clock(case), calendar, today, limits)
        except TimeLimitError:
            continue
    return found


def _group_counts(cases: QuerySet[Case]) -> dict[str, int]:
    """Private read: how many of ``cases`` are in each 我的办件 group (one query)."""
    by_state = {
        row["state"]: row["n"]
        for row in cases.order_by().values("state").annotate(n=Count("id", distinct=True))
    }
    counts = {
        key: sum(by_state.get(state, 0) for state in states)
        for key, (_label, states) in STATE_GROUPS.items()
    }
    counts["all"] = sum(by_state.values())
    return counts


@login_required
def my_cases_view(request: HttpRequest) -> HttpResponse:
    """我的办件: newest first, 20 a page, filtered by 进行中 / 已办结 / 暂存."""
    user = _user(request)
    group = request.GET.get("group", "")
    if group not in STATE_GROUPS:
        group = ""
    mine = case_list_for_applicant(user=user)
    counts = _group_counts(mine)
    cases = mine.filter(state__in=STATE_GROUPS[group][1]) if group else mine
    page = Paginator(cases.prefetch_related("pauses", "extensions"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page_cases = list(page.object_list)
    statuses = _clock_statuses(page_cases)
    rows = []
    for case in page_cases:
        state = CaseState(case.state)
        rows.append(
            CaseRow(
                case=case,
                state_label=state.label,
                state_class=_STATE_CLASS.get(state, "blue"),
                clock_status=statuses.get(case.pk),
                clock_phase=state.clock_phase,
            )
        )
    tabs = [("", _("全部"), counts["all"])] + [
        (key, str(label), counts[key]) for key, (label, _states) in STATE_GROUPS.items()
    ]
    context = {
        "rows": rows,
        "page": page,
        "group": group,
        "group_label": str(STATE_GROUPS[group][0]) if group else "",
        "tabs": tabs,
    }
    return render(request, "cases/applicant/my_cases.html", context)


#: Case numbers are digits (行政区划 + date + sequence); the pattern keeps ``mine/``,
#: ``apply/`` and ``staff/`` out of the case routes.
_NUMBER = r"(?P<number>[0-9]{1,50})"

urlpatterns = [
    path("apply/<str:code>/", apply_view, name="apply"),
    path("mine/", my_cases_view, name="my_cases"),
    re_path(rf"^{_NUMBER}/$", case_detail_view, name="case_detail"),
    re_path(rf"^{_NUMBER}/save/$", draft_save_view, name="draft_save"),
    re_path(rf"^{_NUMBER}/submit/$", submit_view, name="submit"),
    re_path(
        rf"^{_NUMBER}/materials/(?P<material_id>[0-9]{{1,12}})/upload/$",
        material_upload_view,
        name="material_upload",
    ),
    re_path(rf"^{_NUMBER}/resubmit/$", resubmit_view, name="resubmit"),
    re_path(rf"^{_NUMBER}/withdraw/$", withdraw_view, name="withdraw"),
]

__all__ = ["urlpatterns"]
