"""Staff pages: 窗口受理 (queue and 窗口登记), the staff case page with its action panel,
部门审查 (queue and task page) and 审批决定 (the approver's queue).

Rules every view here follows:

* login first (anonymous → login page), then the role; a wrong role, a missing case and a
  case the user may not see all answer the same 404;
* a case is only reached through ``access.access_case`` and a review task through
  ``access.access_review_task_for_reviewer``;
* an action is a POST form carrying the ``row_version`` the page showed; it is offered exactly
  when its command is in ``CaseView.commands`` (the core's ``allowed_commands``), and the
  service decides again — its Chinese message is shown on the page, nothing is changed;
* material files are served through ``material_file`` after ``access_case``, never from a
  public media URL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.audit.services import audit_read
from banhao.cases.access import access_case, access_review_task_for_reviewer
from banhao.cases.models import Case, CaseExtension, CaseMaterial, CasePause, ReviewTask
from banhao.cases.selectors import (
    case_list_for_approver,
    case_list_for_window,
    case_timeline,
    case_view,
    review_queue,
    thresholds,
)
from banhao.cases.services import (
    case_accept,
    case_close,
    case_decide,
    case_deliver,
    case_end_special_procedure,
    case_extend,
    case_receive,
    case_refuse_acceptance,
    case_register_at_window,
    case_request_correction,
    case_resubmit,
    case_start_special_procedure,
    case_withdraw,
    review_task_decide,
)
from banhao.cases.snapshots import (
    CORRECTION_NOTICE_WORKING_DAYS,
    case_clock,
    clock_from_parts,
    core_tasks,
    local_date,
)
from banhao.cases.web.forms_staff import (
    AcceptForm,
    ActionForm,
    CloseForm,
    CorrectionForm,
    DecideApproveForm,
    DecideRejectForm,
    DeliverForm,
    ExtendForm,
    ReceiveForm,
    RefuseAcceptanceForm,
    RegisterForm,
    ResubmitForm,
    ReviewDecisionForm,
    SpecialEndForm,
    SpecialStartForm,
    WithdrawForm,
    material_field_name,
)
from banhao.catalog.choices import MaterialNecessity, MaterialSource
from banhao.catalog.models import Material, ServiceItemVersion, Situation, SituationOption
from banhao.catalog.selectors import item_list
from banhao.catalog.snapshots import time_limit
from banhao.privacy.services import may_reveal
from banhao.security.web.session import client_address
from banhao.shared import clock
from banhao.shared.errors import BanhaoError, Conflict, NotFound, ValidationFailed
from banhao.workcalendar.selectors import work_calendar
from banhao_core.calendar import WorkCalendar
from banhao_core.situations import applicable_materials
from banhao_core.time_limits import ClockStatus, Light, TimeLimitError, evaluate
from banhao_core.workflow import (
    CaseState,
    Command,
    ReviewMode,
    ReviewOutcome,
    ReviewTaskState,
    review_outcome,
)

PAGE_SIZE = 50
#: Upper bound of rows a queue computes lights for (the queues are per centre/department).
QUEUE_LIMIT = 500
#: Case columns the review queue does not show (applicant_name is shown, masked).
QUEUE_DEFERRED = tuple(
    f"case__{name}"
    for name in (
        "applicant_id_number",
        "contact_name",
        "contact_phone",
        "address",
        "situation_answers",
        "form_data",
        "decision_reason",
    )
)
SEARCH_RESULTS = 20
MAX_QUERY_LENGTH = 100

#: Roles that may open the staff case page (scope is decided by ``access_case``).
CASE_PAGE_ROLES = (Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.LEADER)

View = Callable[..., HttpResponse]


# -- access -----------------------------------------------------------------------------------


def _not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(
        request,
        "404.html",
        {"message": message or _("找不到该页面或办件，可能链接有误，或您没有相应的办理权限。")},
        status=404,
    )


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _staff_only(*roles: Role) -> Callable[[View], View]:
    """Login required (anonymous → login page), then one of ``roles`` (otherwise 404, the
    same answer as for a missing page)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user = _user(request)
            if not user.is_active or not any(user.has_role(role) for role in roles):
                return _not_found(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# -- private reads ----------------------------------------------------------------------------


def _clock_status(case: Case, calendar: WorkCalendar, today: dt.date) -> ClockStatus | None:
    """``selectors.case_clock_status`` with the calendar passed in, so a queue asks for the
    calendar once instead of once per row. Needs ``pauses``, ``extensions`` and
    ``item_version`` loaded on ``case``."""
    if case.accepted_at is None:
        return None
    try:
        return evaluate(case_clock(case), calendar, today, thresholds())
    except TimeLimitError:
        return None


#: What a queue row's light needs: task id, case id, centre, 受理 time, the version's limits.
_QUEUE_CLOCK_COLUMNS = (
    "pk",
    "case_id",
    "case__service_centre_id",
    "case__accepted_at",
    "case__item_version__legal_limit_amount",
    "case__item_version__legal_limit_unit",
    "case__item_version__promised_limit_amount",
    "case__item_version__promised_limit_unit",
)


def _queue_statuses(head: list[tuple[Any, ...]], today: dt.date) -> dict[int, ClockStatus | None]:
    """Clock status per task id for rows of ``_QUEUE_CLOCK_COLUMNS``: two queries (pauses,
    extensions of those cases) whatever the number of rows."""
    case_ids = {row[1] for row in head}
    pauses: dict[int, list[CasePause]] = defaultdict(list)
    for pause in CasePause.objects.filter(case_id__in=case_ids).order_by("start", "id"):
        pauses[pause.case_id].append(pause)
    extensions: dict[int, list[CaseExtension]] = defaultdict(list)
    for extension in CaseExtension.objects.filter(case_id__in=case_ids).order_by(
        "approved_on", "id"
    ):
        extensions[extension.case_id].append(extension)
    calendars = _Calendars()
    limits = thresholds()
    statuses: dict[int, ClockStatus | None] = {}
    for task_id, case_id, centre_id, accepted_at, la, lu, pa, pu in head:
        status = None
        if accepted_at is not None:
            case_clock_ = clock_from_parts(
                accepted_at=accepted_at,
                legal=time_limit(la, lu),
                promised=time_limit(pa, pu),
                pauses=pauses[case_id],
                extensions=extensions[case_id],
            )
            try:
                status = evaluate(case_clock_, calendars.get(centre_id), today, limits)
            except TimeLimitError:
                status = None
        statuses[task_id] = status
    return statuses


class _Calendars:
    """``work_calendar`` per service centre, asked once per request."""

    def __init__(self) -> None:
        self._by_centre: dict[int, WorkCalendar] = {}

    def get(self, service_centre_id: int) -> WorkCalendar:
        if service_centre_id not in self._by_centre:
            self._by_centre[service_centre_id] = work_calendar(service_centre_id=service_centre_id)
        return self._by_centre[service_centre_id]


@dataclass(frozen=True)
class NoticeDeadline:
    """The Art.32 deadline of the one-time 补正 notice (receipt + 5 working days)."""

    due: dt.date
    is_provisional: bool
    warning: str  # "" | "soon" (lapses within 1 working day) | "lapsed"

    @property
    def label(self) -> str:
        if self.warning == "lapsed":
            return _("已逾期")
        if self.warning == "soon":
            return _("即将到期")
        return ""


def _notice_deadline(case: Case, calendar: WorkCalendar, today: dt.date) -> NoticeDeadline | None:
    if case.state != CaseState.RECEIVED.value or case.received_at is None:
        return None
    result = calendar.add_working_days(local_date(case.received_at), CORRECTION_NOTICE_WORKING_DAYS)
    if today > result.day:
        warning = "lapsed"
    elif calendar.working_days_between(today, result.day) <= 1:
        warning = "soon"
    else:
        warning = ""
    return NoticeDeadline(due=result.day, is_provisional=result.is_provisional, warning=warning)


def _situation_answers(case: Case) -> list[tuple[str, str]]:
    """The case's 办理情形 as (question, chosen option) in the version's order."""
    answers = {str(k): str(v) for k, v in (case.situation_answers or {}).items()}
    if not answers:
        return []
    options = dict(
        SituationOption.objects.filter(
            situation__version_id=case.item_version_id,
            pk__in=[int(v) for v in answers.values() if v.isdigit()],
        ).values_list("pk", "label")
    )
    rows = []
    for situation in Situation.objects.filter(version_id=case.item_version_id).order_by(
        "sort_order", "id"
    ):
        chosen = answers.get(str(situation.pk), "")
        label = options.get(int(chosen)) if chosen.isdigit() else None
        rows.append((situation.question, label or _("未回答")))
    return rows


def _outcome(tasks: list[ReviewTask]) -> ReviewOutcome | None:
    if not tasks:
        return None
    try:
        return review_outcome(ReviewMode(tasks[0].mode), core_tasks(tasks))
    except ValueError:
        return None


def _page_query(request: HttpRequest, **changes: str) -> str:
    """The current query string with ``changes`` applied (empty values removed)."""
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value:
            params[key] = value
        else:
            params.pop(key, None)
    return params.urlencode()


# -- 窗口受理 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowRow:
    case: Case
    deadline: NoticeDeadline | None


@require_safe
@_staff_only(Role.WINDOW_CLERK)
def window_queue(request: HttpRequest) -> HttpResponse:
    """The centre's cases waiting for the window, oldest first, with the 补正告知 deadline."""
    user = _user(request)
    page = Paginator(case_list_for_window(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    calendars = _Calendars()
    rows = [
        WindowRow(case, _notice_deadline(case, calendars.get(case.service_centre_id), today))
        for case in page
    ]
    return render(
        request,
        "cases/staff/window_queue.html",
        {"rows": rows, "page": page, "today": today},
    )


# -- 窗口登记 -----------------------------------------------------------------------------------


def _register_version(raw: str) -> ServiceItemVersion | None:
    """A version in force today (any department: 一窗受理), with its situations and
    materials loaded; ``None`` for anything else."""
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    if not item_list().filter(pk=int(raw)).exists():
        return None
    situations: QuerySet[Situation] = Situation.objects.order_by(
        "sort_order", "id"
    ).prefetch_related(
        Prefetch("options", queryset=SituationOption.objects.order_by("sort_order", "id"))
    )
    materials: QuerySet[Material] = Material.objects.order_by("sort_order", "id").prefetch_related(
        "situation_options"
    )
    versions: QuerySet[ServiceItemVersion] = ServiceItemVersion.objects.filter(pk=int(raw))
    return (
        versions.select_related("item", "item__department")
        .prefetch_related(
            Prefetch("situations", queryset=situations),
            Prefetch("materials", queryset=materials),
        )
        .first()
    )


def _applicable(materials: Iterable[Material], answers: dict[str, str]) -> list[Material]:
    """The materials that apply to the answers given so far (the rule of
    ``services.materials_for``, without requiring every situation to be answered)."""
    materials = list(materials)
    selectors = {
        str(m.pk): frozenset(str(o.pk) for o in m.situation_options.all()) for m in materials
    }
    wanted = set(applicable_materials(selectors, frozenset(answers.values())))
    return [m for m in materials if str(m.pk) in wanted]


def _exemption(material: Material) -> str:
    """Why the window collects nothing for this material (as ``services`` records it)."""
    if material.necessity == MaterialNecessity.SHARED or (
        material.source_channel == MaterialSource.E_LICENCE
    ):
        return _("信息共享免交")
    if material.necessity == MaterialNecessity.COMMITMENT:
        return _("告知承诺免交")
    return ""


@dataclass(frozen=True)
class RegisterMaterialRow:
    material: Material
    exemption: str
    received: Any  # BoundField
    originals: Any
    copies: Any


def _register_rows(form: RegisterForm, materials: list[Material]) -> list[RegisterMaterialRow]:
    return [
        RegisterMaterialRow(
            material=m,
            exemption=_exemption(m),
            received=form[material_field_name(m)],
            originals=form[material_field_name(m, "originals")],
            copies=form[material_field_name(m, "copies")],
        )
        for m in materials
    ]


def _initial_from(data: QueryDict) -> dict[str, Any]:
    """Unbound initial values from a posted form (used when only the checklist changes, so no
    errors are shown yet)."""
    return {key: data.get(key) for key in data if key != "csrfmiddlewaretoken"}


def _item_search(request: HttpRequest, notice: str = "") -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = list(item_list(query=query)[:SEARCH_RESULTS])
    return render(
        request,
        "cases/staff/register_search.html",
        {"query": query, "results": results, "notice": notice},
        status=404 if notice else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@_staff_only(Role.WINDOW_CLERK)
def window_register(request: HttpRequest) -> HttpResponse:
    """窗口登记: choose any published item, then the applicant, 办理情形 and the materials
    received → ``case_register_at_window`` → the staff case page."""
    source = request.POST if request.method == "POST" else request.GET
    raw_item = source.get("item", "")
    if not raw_item:
        return _item_search(request)
    version = _register_version(raw_item)
    if version is None:
        return _item_search(request, _("所选事项不存在或已停止施行，请重新检索选择。"))
    situations = list(version.situations.all())
    materials = list(version.materials.all())
    kwargs: dict[str, Any] = {"situations": situations, "materials": materials}
    refresh = request.method == "POST" and bool(request.POST.get("refresh"))
    status = 200
    if request.method != "POST":
        form = RegisterForm(**kwargs)
    elif refresh:
        form = RegisterForm(initial=_initial_from(request.POST), **kwargs)
    else:
        form = RegisterForm(request.POST, **kwargs)
        response = _register_submit(request, form, version)
        if response is not None:
            return response
        status = 422
    rows = _register_rows(form, _applicable(materials, form.answers()))
    context = {
        "version": version,
        "form": form,
        "rows": rows,
        "all_answered": len(form.answers()) == len(situations),
    }
    if refresh and request.headers.get("HX-Request"):
        return render(request, "cases/staff/_register_materials.html", context)
    return render(request, "cases/staff/register.html", context, status=status)


def _register_submit(
    request: HttpRequest, form: RegisterForm, version: ServiceItemVersion
) -> HttpResponse | None:
    """Register the case, or return ``None`` with the errors on ``form``."""
    if not form.is_valid():
        return None
    received = form.received(_applicable(form.all_materials, form.answers()))
    if form.errors:
        return None
    try:
        case = case_register_at_window(
            actor=_user(request),
            item_version=version,
            applicant=form.applicant(),
            situation_answers=form.answers(),
            received=received,
        )
    except BanhaoError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    messages.success(
        request,
        _("已登记办件 %(number)s（%(item)s），请核对材料后受理或一次性告知补正。")
        % {"number": case.number, "item": version.name},
    )
    return redirect("cases:staff_case", number=case.number)


# -- the staff case page --------------------------------------------------------------------

#: The action panel, in the order the procedure runs. Commands without a form here (预审,
#: 容缺补齐, 终止) are not offered on these pages.
ACTION_FORMS: dict[Command, type[ActionForm]] = {
    Command.RECEIVE: ReceiveForm,
    Command.REQUEST_CORRECTION: CorrectionForm,
    Command.RESUBMIT: ResubmitForm,
    Command.ACCEPT: AcceptForm,
    Command.REFUSE_ACCEPTANCE: RefuseAcceptanceForm,
    Command.START_SPECIAL_PROCEDURE: SpecialStartForm,
    Command.END_SPECIAL_PROCEDURE: SpecialEndForm,
    Command.EXTEND: ExtendForm,
    Command.DECIDE_APPROVE: DecideApproveForm,
    Command.DECIDE_REJECT: DecideRejectForm,
    Command.START_DELIVERY: DeliverForm,
    Command.CLOSE: CloseForm,
    Command.WITHDRAW: WithdrawForm,
}

STATUS_CLASSES: dict[str, str] = {
    CaseMaterial.Status.MISSING: "red",
    CaseMaterial.Status.SUBMITTED: "yellow",
    CaseMaterial.Status.RECEIVED: "green",
    CaseMaterial.Status.DEFERRED: "yellow",
    CaseMaterial.Status.SHARED: "green",
    CaseMaterial.Status.NOT_APPLICABLE: "grey",
}
TASK_CLASSES: dict[str, str] = {
    ReviewTaskState.PENDING: "yellow",
    ReviewTaskState.WAITING: "grey",
    ReviewTaskState.APPROVED: "green",
    ReviewTaskState.REJECTED: "red",
    ReviewTaskState.CANCELLED: "grey",
}


def _action_form(
    command: Command, case: Case, materials: list[CaseMaterial], data: QueryDict | None = None
) -> ActionForm:
    kwargs: dict[str, Any] = {
        "initial": {"row_version": case.row_version},
        "auto_id": f"id_{command.value}_%s",
    }
    if command is Command.REQUEST_CORRECTION:
        exempt = (CaseMaterial.Status.SHARED, CaseMaterial.Status.NOT_APPLICABLE)
        kwargs["material_names"] = [m.name for m in materials if m.status not in exempt]
    return ACTION_FORMS[command](data, **kwargs)


def _perform(command: Command, form: ActionForm, case: Case, user: User) -> str:
    """Run the service for ``command``; the success message. Raises the services' errors."""
    data = form.cleaned_data
    version = data["row_version"]
    common: dict[str, Any] = {"case": case, "actor": user, "expected_version": version}
    if command is Command.RECEIVE:
        case_receive(**common)
    elif command is Command.REQUEST_CORRECTION:
        done = case_request_correction(items=cast(CorrectionForm, form).listed_items(), **common)
        notice = done.corrections.order_by("-issued_at", "-id").first()
        if notice is not None:
            return _("已出具补正告知书 %(n)s，请交申请人。") % {"n": notice.notice_number}
    elif command is Command.RESUBMIT:
        case_resubmit(**common)
    elif command is Command.ACCEPT:
        done = case_accept(
            tolerant=data["tolerant"], has_commitment_letter=data["has_commitment_letter"], **common
        )
        return _("已受理，受理通知书编号 %(n)s；已分送部门审查。") % {"n": done.acceptance_number}
    elif command is Command.REFUSE_ACCEPTANCE:
        done = case_refuse_acceptance(
            ground=data["ground"],
            reason=data["reason"],
            referral_agency=data["referral_agency"],
            **common,
        )
        return _("已出具不予受理通知书 %(n)s。") % {"n": done.acceptance_number}
    elif command is Command.START_SPECIAL_PROCEDURE:
        case_start_special_procedure(
            kind=data["kind"],
            reason=data["reason"],
            planned_working_days=data["planned_working_days"],
            **common,
        )
    elif command is Command.END_SPECIAL_PROCEDURE:
        case_end_special_procedure(result=data["result"], **common)
    elif command is Command.EXTEND:
        case_extend(working_days=data["working_days"] or 0, reason=data["reason"], **common)
    elif command in (Command.DECIDE_APPROVE, Command.DECIDE_REJECT):
        case_decide(
            approve=command is Command.DECIDE_APPROVE,
            reason=data["reason"],
            rights_notified=bool(data.get("rights_notified")),
            **common,
        )
    elif command is Command.START_DELIVERY:
        case_deliver(method=data["method"], tracking_number=data["tracking_number"], **common)
    elif command is Command.CLOSE:
        case_close(**common)
    elif command is Command.WITHDRAW:
        case_withdraw(reason=data["reason"], **common)
    return _("已办理：%(action)s。") % {"action": command.label}


@dataclass(frozen=True)
class PostedAction:
    """A refused POST: the message, and the bound form when it is shown again."""

    command: Command | None
    form: ActionForm | None
    error: str
    is_conflict: bool = False


def _case_context(
    request: HttpRequest, case: Case, posted: PostedAction | None = None
) -> dict[str, Any]:
    user = _user(request)
    view = case_view(case=case, user=user)
    case = view.case
    materials = list(case.materials.all())
    today = clock.today()
    calendar = work_calendar(service_centre_id=case.service_centre_id)
    forms: dict[str, ActionForm] = {}
    for command in ACTION_FORMS:
        if command not in view.commands:
            continue
        if (
            posted is not None
            and posted.command is command
            and posted.form is not None
            and not posted.is_conflict
        ):
            forms[command.value] = posted.form
        else:
            forms[command.value] = _action_form(command, case, materials)
    missing = CaseMaterial.Status.MISSING, CaseMaterial.Status.DEFERRED
    return {
        "case": case,
        "view": view,
        "status": view.status,
        "state_label": CaseState(case.state).label,
        "materials": [(m, STATUS_CLASSES.get(m.status, "grey")) for m in materials],
        "missing_key": [
            m.name for m in materials if m.is_required and m.is_key and m.status in missing
        ],
        "missing_non_key": [
            m.name for m in materials if m.is_required and not m.is_key and m.status in missing
        ],
        "tasks": [(t, TASK_CLASSES.get(t.state, "grey")) for t in view.tasks],
        "outcome": _outcome(view.tasks),
        "corrections": list(case.corrections.order_by("issued_at", "id")),
        "pauses": list(case.pauses.all()),
        "extensions": list(case.extensions.all()),
        "events": case_timeline(case=case),
        "answers": _situation_answers(case),
        "deadline": _notice_deadline(case, calendar, today),
        # Personal data is shown masked; these roles may reveal a field (audited).
        "may_reveal": may_reveal(user=user, case=case),
        "forms": forms,
        "posted": posted,
        # The message is already on the re-shown form: the panel does not repeat it.
        "posted_in_form": posted is not None
        and posted.command is not None
        and posted.form is not None
        and forms.get(posted.command.value) is posted.form
        and bool(posted.form.non_field_errors()),
    }


def _case_post(request: HttpRequest, case: Case) -> HttpResponse:
    raw = request.POST.get("command", "")
    command = next((c for c in ACTION_FORMS if c.value == raw), None)
    if command is None:
        posted = PostedAction(None, None, _("无法识别的操作，请刷新页面后重试。"))
        context = _case_context(request, case, posted)
        return render(request, "cases/staff/case.html", context, status=400)
    materials = list(case.materials.all())
    form = _action_form(command, case, materials, request.POST)
    if not form.is_valid():
        stale = "row_version" in form.errors
        message = (
            str(form.errors["row_version"][0])
            if stale
            else _("请检查填写的内容：%(action)s") % {"action": command.label}
        )
        if not stale:
            form.add_error(None, message)
        posted = PostedAction(command, form, message, is_conflict=stale)
        context = _case_context(request, case, posted)
        return render(request, "cases/staff/case.html", context, status=422)
    try:
        message = _perform(command, form, case, _user(request))
    except NotFound:
        return _not_found(request)
    except (ValidationFailed, Conflict) as exc:
        is_conflict = isinstance(exc, Conflict)
        if not is_conflict:
            form.add_error(None, exc.message)
        posted = PostedAction(command, form, exc.message, is_conflict=is_conflict)
        context = _case_context(request, case, posted)
        return render(request, "cases/staff/case.html", context, status=409 if is_conflict else 422)
    messages.success(request, message)
    return redirect("cases:staff_case", number=case.number)


@require_http_methods(["GET", "HEAD", "POST"])
@_staff_only(*CASE_PAGE_ROLES)
def staff_case(request: HttpRequest, number: str) -> HttpResponse:
    """Everything about one case, and one form per command the user may run now."""
    try:
        case = access_case(_user(request), number)
    except NotFound:
        return _not_found(request)
    if request.method == "POST":
        return _case_post(request, case)
    _record_read(request, case, "cases.staff_view")
    return render(request, "cases/staff/case.html", _case_context(request, case))


def _record_read(
    request: HttpRequest, case: Case, action: str, details: dict[str, str] | None = None
) -> None:
    """Staff reads of a case (personal data, ID scans) go into the audit chain (domain §8.5)."""
    with transaction.atomic():
        audit_read(
            actor=_user(request),
            obj=case,
            action=action,
            address=client_address(request),
            details=details or {"number": case.number},
        )


@require_safe
def material_file(request: HttpRequest, number: str, material_id: int) -> HttpResponseBase:
    """An uploaded material file, for whoever may see the case (``access_case``): staff in
    scope and the applicant. Never a public media URL."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        case = access_case(_user(request), number)
    except NotFound:
        return _not_found(request)
    row = CaseMaterial.objects.filter(case=case, pk=material_id).first()
    if row is None or not row.file:
        return _not_found(request, _("该材料没有电子件。"))
    try:
        handle = row.file.open("rb")
    except OSError:
        return _not_found(request, _("电子件文件不存在，请联系系统管理员。"))
    _record_read(
        request, case, "cases.material_download", {"number": case.number, "material": row.name}
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=row.original_filename or f"{case.number}-{row.pk}",
        content_type=row.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# -- 部门审查 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    task: ReviewTask
    status: ClockStatus | None


def _light_of(status: ClockStatus | None) -> str:
    return status.light.value if status is not None and status.light is not None else ""


def _positive_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    return int(raw) or None


@require_safe
@_staff_only(Role.REVIEWER)
def review_queue_view(request: HttpRequest) -> HttpResponse:
    """The department's pending tasks, most urgent first, with lights; filters by light and
    item. A bounded number of queries whatever the number of tasks."""
    user = _user(request)
    notices: list[str] = []
    base = review_queue(user=user)
    light = request.GET.get("light", "")
    if light and light not in {value.value for value in Light}:
        notices.append(_("时限状态参数无效，已忽略该筛选条件。"))
        light = ""
    item_id = None
    if request.GET.get("item"):
        item_id = _positive_int(request.GET["item"])
        if item_id is None:
            notices.append(_("事项参数无效，已忽略该筛选条件。"))
    items = list(
        base.order_by()
        .values_list("case__item_version__item_id", "case__item_version__name")
        .distinct()
    )
    items.sort(key=lambda pair: pair[1])
    if item_id is not None:
        base = base.filter(case__item_version__item_id=item_id)
    today = clock.today()
    # The lights of up to QUEUE_LIMIT tasks (for the counts and the light filter) come from
    # plain values — no model rows, no decryption; only the page's tasks are loaded in full.
    head = list(base.values_list(*_QUEUE_CLOCK_COLUMNS)[:QUEUE_LIMIT])
    statuses = _queue_statuses(head, today)
    counts = dict.fromkeys(Light, 0)
    for status in statuses.values():
        if status is not None and status.light is not None:
            counts[status.light] += 1
    wanted = [row[0] for row in head if not light or _light_of(statuses[row[0]]) == light]
    page = Paginator(wanted, PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    loaded = {
        task.pk: task
        for task in base.select_related("case__item_version__item")
        .defer(*QUEUE_DEFERRED)
        .filter(pk__in=on_page)
    }
    rows = [QueueRow(loaded[pk], statuses[pk]) for pk in on_page if pk in loaded]
    light_filters = [
        (value.value, value.label, counts[value], _page_query(request, light=value.value))
        for value in (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)
    ]
    return render(
        request,
        "cases/staff/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "light": light,
            "item_id": item_id,
            "items": items,
            "light_filters": light_filters,
            "clear_light": _page_query(request, light=""),
            "notices": notices,
            "query_string": _page_query(request),
            "department": user.department,
            "truncated": len(head) >= QUEUE_LIMIT,
        },
    )


#: Case commands a reviewer may run from the review page (when the core allows them).
REVIEW_CASE_COMMANDS = (Command.START_SPECIAL_PROCEDURE, Command.END_SPECIAL_PROCEDURE)
REVIEW_CASE_COMMAND_VALUES = frozenset(c.value for c in REVIEW_CASE_COMMANDS)


def _review_context(
    request: HttpRequest,
    task: ReviewTask,
    posted: PostedAction | None = None,
    decision_form: ReviewDecisionForm | None = None,
) -> dict[str, Any]:
    # A refusal of the review decision (or an unknown command) has no case command: it is
    # shown in the review box; a refused 特别程序 form is shown in the action panel.
    review_error = posted if posted is not None and posted.command is None else None
    context = _case_context(request, task.case, None if review_error else posted)
    view = context["view"]
    fresh = next((t for t in view.tasks if t.pk == task.pk), task)
    can_decide = (
        fresh.state == ReviewTaskState.PENDING.value and view.case.state == CaseState.IN_PROGRESS
    )
    context["forms"] = {
        key: form for key, form in context["forms"].items() if key in REVIEW_CASE_COMMAND_VALUES
    }
    context.update(
        {
            "task": fresh,
            "review_error": review_error,
            "task_state_label": ReviewTaskState(fresh.state).label,
            "can_decide": can_decide,
            "decision_form": decision_form
            or ReviewDecisionForm(
                initial={"row_version": fresh.row_version}, auto_id="id_review_%s"
            ),
        }
    )
    return context


def _error_status(exc: BanhaoError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def _review_decide(request: HttpRequest, task: ReviewTask) -> HttpResponse:
    """同意 / 不同意 with an opinion → ``review_task_decide``."""
    form = ReviewDecisionForm(request.POST, auto_id="id_review_%s")
    if not form.is_valid():
        stale = "row_version" in form.errors
        message = str(next(iter(form.errors.values()))[0])
        posted = PostedAction(None, None, message, is_conflict=stale)
        context = _review_context(request, task, posted, None if stale else form)
        return render(request, "cases/staff/review_task.html", context, status=422)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        review_task_decide(
            task=task,
            actor=_user(request),
            approve=approve,
            opinion=form.cleaned_data["opinion"],
            expected_version=form.cleaned_data["row_version"],
        )
    except NotFound:
        return _not_found(request)
    except (ValidationFailed, Conflict) as exc:
        is_conflict = isinstance(exc, Conflict)
        posted = PostedAction(None, None, exc.message, is_conflict=is_conflict)
        context = _review_context(request, task, posted, None if is_conflict else form)
        return render(request, "cases/staff/review_task.html", context, status=_error_status(exc))
    messages.success(
        request,
        _("已提交审查意见（%(decision)s）：办件 %(number)s。")
        % {"decision": _("同意") if approve else _("不同意"), "number": task.case.number},
    )
    return redirect("cases:review_queue")


def _review_case_command(request: HttpRequest, task: ReviewTask, command: Command) -> HttpResponse:
    """特别程序 start/end from the review page (the same services as the case page)."""
    case = task.case
    form = _action_form(command, case, list(case.materials.all()), request.POST)
    if not form.is_valid():
        stale = "row_version" in form.errors
        message = str(form.errors["row_version"][0]) if stale else _("请检查填写的内容")
        if not stale:
            form.add_error(None, message)
        posted = PostedAction(command, form, message, is_conflict=stale)
        context = _review_context(request, task, posted)
        return render(request, "cases/staff/review_task.html", context, status=422)
    try:
        message = _perform(command, form, case, _user(request))
    except NotFound:
        return _not_found(request)
    except (ValidationFailed, Conflict) as exc:
        is_conflict = isinstance(exc, Conflict)
        if not is_conflict:
            form.add_error(None, exc.message)
        posted = PostedAction(command, form, exc.message, is_conflict=is_conflict)
        context = _review_context(request, task, posted)
        return render(request, "cases/staff/review_task.html", context, status=_error_status(exc))
    messages.success(request, message)
    return redirect("cases:review_task", task_id=task.pk)


def _review_post(request: HttpRequest, task: ReviewTask) -> HttpResponse:
    raw = request.POST.get("command", "")
    if raw == "review":
        return _review_decide(request, task)
    command = next((c for c in REVIEW_CASE_COMMANDS if c.value == raw), None)
    if command is None:
        posted = PostedAction(None, None, _("无法识别的操作，请刷新页面后重试。"))
        context = _review_context(request, task, posted)
        return render(request, "cases/staff/review_task.html", context, status=400)
    return _review_case_command(request, task, command)


@require_http_methods(["GET", "HEAD", "POST"])
@_staff_only(Role.REVIEWER)
def review_task_view(request: HttpRequest, task_id: int) -> HttpResponse:
    """One department's review of a case: the case, the other departments' opinions, the
    同意/不同意 form, and 特别程序 when allowed."""
    try:
        task = access_review_task_for_reviewer(_user(request), task_id)
    except NotFound:
        return _not_found(request)
    if request.method == "POST":
        return _review_post(request, task)
    return render(request, "cases/staff/review_task.html", _review_context(request, task))


# -- 审批决定 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApproverRow:
    case: Case
    status: ClockStatus | None
    outcome: ReviewOutcome | None
    decided_tasks: int
    total_tasks: int

    @property
    def ready(self) -> bool:
        """待决定: the review has its outcome and the decision is still to be made."""
        return (
            self.case.state == CaseState.IN_PROGRESS
            and self.outcome is not None
            and self.outcome.is_complete
        )

    @property
    def stage(self) -> str:
        state = CaseState(self.case.state)
        if self.ready:
            return _("待决定")
        if state is CaseState.IN_PROGRESS:
            return _("审查中")
        if state in (CaseState.DECIDED_APPROVED, CaseState.DECIDED_REJECTED):
            return _("待送达")
        return state.label


@require_safe
@_staff_only(Role.APPROVER)
def approver_queue(request: HttpRequest) -> HttpResponse:
    """Cases under review or waiting for decision or delivery; 待决定 marked and first."""
    user = _user(request)
    cases = case_list_for_approver(user=user).prefetch_related(
        "pauses",
        "extensions",
        Prefetch("review_tasks", queryset=ReviewTask.objects.order_by("order", "id")),
    )
    today = clock.today()
    calendars = _Calendars()
    rows = []
    for case in cases[:QUEUE_LIMIT]:
        tasks = list(case.review_tasks.all())
        rows.append(
            ApproverRow(
                case=case,
                status=_clock_status(case, calendars.get(case.service_centre_id), today),
                outcome=_outcome(tasks),
                decided_tasks=sum(1 for t in tasks if ReviewTaskState(t.state).is_decided),
                total_tasks=sum(1 for t in tasks if t.state != ReviewTaskState.CANCELLED.value),
            )
        )
    ready_count = sum(1 for row in rows if row.ready)
    only_ready = request.GET.get("ready") == "1"
    if only_ready:
        rows = [row for row in rows if row.ready]
    rows.sort(key=lambda row: not row.ready)  # stable: 待决定 first, then by due date
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/staff/approver_queue.html",
        {
            "page": page,
            "rows": page.object_list,
            "ready_count": ready_count,
            "only_ready": only_ready,
            "query_string": _page_query(request),
            "truncated": len(rows) >= QUEUE_LIMIT,
        },
    )


urlpatterns = [
    path("window/", window_queue, name="window_queue"),
    path("window/register/", window_register, name="window_register"),
    path("case/<str:number>/", staff_case, name="staff_case"),
    path(
        "case/<str:number>/materials/<int:material_id>/file/",
        material_file,
        name="material_file",
    ),
    path("review/", review_queue_view, name="review_queue"),
    path("review/<int:task_id>/", review_task_view, name="review_task"),
    path("approve/", approver_queue, name="approver_queue"),
]
