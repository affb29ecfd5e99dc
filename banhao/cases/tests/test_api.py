"""The 办件 API: the 施工许可 story with bearer tokens, the permission matrix of every endpoint
× role (with a meta-test that fails when an endpoint has no row), error shapes and session
auth with CSRF."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from ninja.utils import normalize_path

from banhao.accounts.demo import DEMO_PASSWORD
from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.accounts.tokens import api_token_create
from banhao.cases.models import Case, CaseMaterial, ReviewTask
from banhao.cases.services import (
    case_accept,
    case_create_draft,
    case_decide,
    case_deliver,
    case_material_upload,
    case_receive,
    case_request_correction,
    case_start_special_procedure,
    case_submit,
    review_task_decide,
)
from banhao.config.api import api
from banhao.org.models import Department

from .conftest import CONSTRUCTION_PERMIT, World, company_applicant, permit_answers

#: The smallest well-formed PDF: one blank A4 page (uploads are parsed, see cases.uploads).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n"
    b"0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
BASE = "/api/v1/cases"

ANON, OWNER, OTHER, COMPANY = "anonymous", "owner", "other_applicant", "company"
CLERK, REVIEWER, UNRELATED = "clerk", "reviewer", "unrelated_reviewer"
APPROVER, LEADER = "approver", "leader"
ROLES = (ANON, OWNER, OTHER, COMPANY, CLERK, REVIEWER, UNRELATED, APPROVER, LEADER)
#: Demo usernames behind the roles; ``yuangong`` and ``shichang`` are made by ``cast``.
USERNAMES = {
    OWNER: "yuangong",  # a person filing for 鲁信建设 (the company code of the case)
    OTHER: "zhangsan",
    COMPANY: "qiye",  # the company account of that code
    CLERK: "chuangkou",
    REVIEWER: "zhujian",  # 住房和城乡建设局, on the permit's review route
    UNRELATED: "shichang",  # 市场监督管理局, not on the route
    APPROVER: "shenpi",
    LEADER: "lingdao",
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Cast:
    world: World
    users: dict[str, User]
    tokens: dict[str, str]  # role or username → bearer token
    answers: dict[str, str]

    def user(self, role: str) -> User:
        return self.users[role]


@pytest.fixture
def cast(world: World) -> Cast:
    owner = user_create(
        username="yuangong",
        password=None,
        kind=User.Kind.PERSON,
        display_name="鲁信员工",
        roles=[Role.APPLICANT],
        actor=None,
    )
    market = Department.objects.get_or_create(name="市场监督管理局")[0]
    unrelated = user_create(
        username="shichang",
        password=None,
        kind=User.Kind.STAFF,
        display_name="钱市监",
        roles=[Role.REVIEWER],
        actor=None,
        service_centre=world.centre,
        department=market,
    )
    everyone = {**world.users, "yuangong": owner, "shichang": unrelated}
    users = {role: everyone[name] for role, name in USERNAMES.items()}
    tokens: dict[str, str] = {}
    for name, user in everyone.items():
        tokens[name] = api_token_create(user=user, name="test", actor=None)[1]
    for role, name in USERNAMES.items():
        tokens[role] = tokens[name]
    return Cast(
        world=world,
        users=users,
        tokens=tokens,
        answers=permit_answers(world.permit, supervised=True, agent=False),
    )


def call(
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    *,
    files: dict[str, Any] | None = None,
    client: Client | None = None,
) -> Any:
    """One request; ``token`` goes into ``Authorization: Bearer``; JSON unless ``files``."""
    client = client or Client()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if files is not None:
        return client.post(path, files, headers=headers)
    if method == "GET":
        return client.get(path, body or {}, headers=headers)
    payload = json.dumps(body if body is not None else {})
    send = getattr(client, method.lower())
    return send(path, payload, content_type="application/json", headers=headers)


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()
    return json.loads(response.content)


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "field", "details"}
    return dict(body["error"])


def company_json() -> dict[str, str]:
    return dict(company_applicant().__dict__)


# --------------------------------------------------------------------------------------------
# (a) The story through the API


def test_construction_permit_story_through_the_api(cast: Cast) -> None:
    t = cast.tokens
    form = ok(call("GET", f"{BASE}/forms/{CONSTRUCTION_PERMIT}", t["qiye"]))
    answers = {}
    for situation in form["situations"]:
        wanted = "是" if "监理" in situation["question"] else "本人"
        option = next(o for o in situation["options"] if o["label"].startswith(wanted))
        answers[str(situation["id"])] = str(option["id"])
    assert answers == cast.answers

    draft = ok(
        call(
            "POST",
            f"{BASE}/",
            t["qiye"],
            {
                "item": CONSTRUCTION_PERMIT,
                "applicant": company_json(),
                "situation_answers": answers,
            },
        ),
        201,
    )
    number = draft["number"]
    assert draft["state"] == {"code": "draft", "label": "暂存"}
    assert draft["channel"]["code"] == "2"
    assert draft["service_centre"]["code"] == "zouping"
    assert [c["code"] for c in draft["allowed_commands"]] == ["submit"]

    needed = [m for m in draft["materials"] if m["required"] and m["status"]["code"] == "missing"]
    assert needed
    for material in needed:
        row = ok(
            call(
                "POST",
                f"{BASE}/{number}/materials/{material['id']}",
                t["qiye"],
                files={"file": pdf("申请材料.pdf")},
            )
        )
        assert row["status"]["code"] == "submitted"
        assert row["file"] == {
            "filename": "申请材料.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        }

    case = ok(call("GET", f"{BASE}/{number}", t["qiye"]))
    case = ok(
        call(
            "POST",
            f"{BASE}/{number}/commands/submit",
            t["qiye"],
            {"expected_version": case["row_version"]},
        )
    )
    assert case["state"]["code"] == "submitted"

    listed = ok(call("GET", f"{BASE}/", t["chuangkou"], {"state": "submitted"}))
    assert [c["number"] for c in listed["items"]] == [number]
    case = ok(call("GET", f"{BASE}/{number}", t["chuangkou"]))
    assert [c["code"] for c in case["allowed_commands"]] == [
        "receive",
        "withdraw",
    ]
    for command in ("receive", "accept"):
        case = ok(
            call(
                "POST",
                f"{BASE}/{number}/commands/{command}",
                t["chuangkou"],
                {"expected_version": case["row_version"]},
            )
        )
    assert case["state"]["code"] == "in_progress"
    assert "受字〔2026〕" in case["acceptance_number"]
    assert case["accepted_at"] == "2026-11-27T09:30:00+08:00"  # the bureau's time zone
    assert case["promised_due"] == "2026-11-30"
    assert case["legal_due"] == "2026-12-08"
    assert case["light"] == {"code": "yellow", "label": "预警"}  # 1 working day left
    assert case["clock"]["remaining_working_days"] == 1
    assert [task["state"]["code"] for task in case["review_tasks"]] == ["pending"] * 3

    for reviewer in ("zhujian", "ziran", "xiaofang"):
        queue = ok(call("GET", f"{BASE}/review-tasks", t[reviewer]))
        assert queue["count"] == 1
        task = queue["items"][0]
        assert task["case"]["number"] == number
        decided = ok(
            call(
                "POST",
                f"{BASE}/review-tasks/{task['id']}/decision",
                t[reviewer],
                {"approve": True, "opinion": "同意", "expected_version": task["row_version"]},
            )
        )
        assert decided["state"]["code"] == "approved"
        assert decided["opinion"] == "同意"
        assert ok(call("GET", f"{BASE}/review-tasks", t[reviewer]))["count"] == 0

    case = ok(call("GET", f"{BASE}/{number}", t["shenpi"]))
    assert [c["code"] for c in case["allowed_commands"]] == [
        "start_special_procedure",
        "extend",
        "decide_approve",
        "decide_reject",
    ]
    case = ok(
        call(
            "POST",
            f"{BASE}/{number}/commands/decide_approve",
            t["shenpi"],
            {"expected_version": case["row_version"], "reason": "符合条件"},
        )
    )
    assert case["decision"] == {"code": "approve", "label": "准予许可"}
    case = ok(
        call(
            "POST",
            f"{BASE}/{number}/commands/deliver",
            t["chuangkou"],
            {"expected_version": case["row_version"], "method": "electronic"},
        )
    )
    case = ok(
        call(
            "POST",
            f"{BASE}/{number}/commands/close",
            t["chuangkou"],
            {"expected_version": case["row_version"]},
        )
    )
    assert case["state"] == {"code": "closed", "label": "办结"}
    assert case["allowed_commands"] == []

    events = ok(call("GET", f"{BASE}/{number}/events", t["qiye"]))
    assert [e["kind"] for e in events] == [
        "draft_saved",
        "submitted",
        "received",
        "accepted",
        "review_started",
        "review_approved",
        "review_approved",
        "review_approved",
        "approved",
        "delivery_started",
        "closed",
    ]
    assert events[-2]["command"] == "deliver"
    assert events[3]["action"] == {"code": "pass", "label": "通过"}
    assert events[3]["status"] == {"code": "2", "label": "已办"}
    # Department opinions are for staff; the decision's reasons are for everyone.
    assert {e["opinion"] for e in events if e["kind"] == "review_approved"} == {None}
    assert events[8]["opinion"] == "符合条件"
    staff_view = ok(call("GET", f"{BASE}/{number}/events", t["lingdao"]))
    assert {e["opinion"] for e in staff_view if e["kind"] == "review_approved"} == {"同意"}
    applicant_view = ok(call("GET", f"{BASE}/{number}", t["qiye"]))
    assert {task["opinion"] for task in applicant_view["review_tasks"]} == {None}


def test_window_registration_and_the_list_filters(cast: Cast) -> None:
    form = ok(call("GET", f"{BASE}/forms/{CONSTRUCTION_PERMIT}", cast.tokens[CLERK]))
    received = [
        {"material_id": m["material_id"], "originals": 1, "copies": 1}
        for m in form["materials"]
        if m["necessity"]["code"] in ("required", "deferrable")
        and (not m["only_for_options"] or set(m["only_for_options"]) & _chosen(cast))
    ]
    case = ok(
        call(
            "POST",
            f"{BASE}/window",
            cast.tokens[CLERK],
            {
                "item": CONSTRUCTION_PERMIT,
                "applicant": company_json(),
                "situation_answers": cast.answers,
                "received": received,
            },
        ),
        201,
    )
    assert case["state"]["code"] == "received"
    assert case["channel"] == {"code": "1", "label": "窗口"}
    assert all(
        m["status"]["code"] in ("received", "shared", "not_applicable") for m in case["materials"]
    )
    # The company sees its code's case; another applicant does not.
    assert ok(call("GET", f"{BASE}/", cast.tokens[COMPANY]))["count"] == 1
    assert ok(call("GET", f"{BASE}/", cast.tokens[OTHER]))["count"] == 0
    assert ok(call("GET", f"{BASE}/", cast.tokens[CLERK], {"state": "draft"}))["count"] == 0
    page = ok(call("GET", f"{BASE}/", cast.tokens[CLERK], {"page": 2, "page_size": 1}))
    assert page["count"] == 1
    assert page["items"] == []


def _chosen(cast: Cast) -> set[int]:
    return {int(option) for option in cast.answers.values()}


# --------------------------------------------------------------------------------------------
# (b) Permission matrix: every endpoint × role


def _ready_draft(cast: Cast) -> Case:
    owner = cast.user(OWNER)
    case = case_create_draft(
        actor=owner,
        item_version=cast.world.permit,
        service_centre=cast.world.centre,
        applicant=company_applicant(),
        situation_answers=cast.answers,
    )
    for row in case.materials.filter(is_required=True, status=CaseMaterial.Status.MISSING):
        case_material_upload(case=case, material_id=row.pk, upload=pdf(), actor=owner)
    return Case.objects.get(pk=case.pk)


STAGES = (
    "draft",
    "submitted",
    "received",
    "correction_requested",
    "in_progress",
    "special_procedure",
    "reviewed",
    "decided_approved",
    "delivering",
)


def build(cast: Cast, stage: str) -> Case:
    """A case of ``yuangong`` (for 鲁信建设) brought to ``stage`` through the services."""
    clerk, approver = cast.user(CLERK), cast.user(APPROVER)
    case = _ready_draft(cast)
    steps: list[tuple[str, Callable[[Case], Case]]] = [
        ("submitted", lambda c: case_submit(case=c, actor=cast.user(OWNER))),
        ("received", lambda c: case_receive(case=c, actor=clerk)),
        (
            "correction_requested",
            lambda c: case_request_correction(case=c, actor=clerk, items=["申请表缺少签字"]),
        ),
        ("in_progress", lambda c: case_accept(case=c, actor=clerk)),
        (
            "special_procedure",
            lambda c: case_start_special_procedure(
                case=c,
                actor=approver,
                kind="expert_review",
                reason="组织专家评审",
                planned_working_days=5,
            ),
        ),
        ("reviewed", lambda c: _approve_all(cast, c)),
        (
            "decided_approved",
            lambda c: case_decide(case=c, actor=approver, approve=True, reason="符合条件"),
        ),
        ("delivering", lambda c: case_deliver(case=c, actor=clerk, method="electronic")),
    ]
    branches = {"correction_requested", "special_procedure"}  # side steps, not on the way
    for name, step in steps:
        if stage == "draft":
            break
        if name in branches and name != stage:
            continue
        case = step(case)
        if name == stage:
            break
    assert stage == "reviewed" or case.state == stage, (stage, case.state)
    return Case.objects.get(pk=case.pk)


def _approve_all(cast: Cast, case: Case) -> Case:
    reviewers = {
        u.department_id: u
        for u in User.objects.filter(groups__name=Role.REVIEWER.value).exclude(username="shichang")
    }
    for task in ReviewTask.objects.filter(case=case).order_by("order"):
        review_task_decide(
            task=task, actor=reviewers[task.department_id], approve=True, opinion="同意"
        )
    return Case.objects.get(pk=case.pk)


def _version(case: Case) -> int:
    return Case.objects.get(pk=case.pk).row_version


def _housing_task(case: Case) -> ReviewTask:
    return ReviewTask.objects.get(case=case, department__name="住房和城乡建设局")


Body = Callable[[Cast, Case], Any]


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # the registered template, e.g. "/api/v1/cases/{number}"
    stage: str  # the state the case is brought to first (see STAGES)
    body: Body | None
    expect: tuple[int, ...] = ()  # one status per entry of ROLES
    upload: bool = False
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path.removeprefix(BASE)} @{self.stage}{self.note}"


def v(cast: Cast, case: Case) -> dict[str, Any]:
    return {"expected_version": _version(case)}


def with_v(**extra: Any) -> Body:
    return lambda cast, case: {"expected_version": _version(case), **extra}


def new_draft(cast: Cast, case: Case | None = None) -> dict[str, Any]:
    return {
        "item": CONSTRUCTION_PERMIT,
        "applicant": company_json(),
        "situation_answers": cast.answers,
    }


def window_body(cast: Cast, case: Case) -> dict[str, Any]:
    return {**new_draft(cast, case), "received": []}


def decision_body(cast: Cast, case: Case) -> dict[str, Any]:
    return {"approve": True, "opinion": "同意", "expected_version": _housing_task(case).row_version}


C = f"{BASE}/{{number}}/commands"
N = f"{BASE}/{{number}}"
# Each row: the request, then the status per role, in the order of ROLES:
#                   anon owner other comp clerk rev  unrel appr lead
# fmt: off
MATRIX: tuple[Row, ...] = (
    Row("GET", f"{BASE}/", "draft", None,
        expect=(401, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("POST", f"{BASE}/", "draft", new_draft,
        expect=(401, 201, 201, 201, 403, 403, 403, 403, 403)),
    Row("POST", f"{BASE}/", "draft", lambda cast, case: {"item": ""}, note=" bad body",
        expect=(401, 422, 422, 422, 422, 422, 422, 422, 422)),
    Row("GET", f"{BASE}/forms/{{item_code}}", "draft", None,
        expect=(401, 200, 200, 200, 200, 200, 200, 200, 200)),
    Row("POST", f"{BASE}/window", "draft", window_body,
        expect=(401, 403, 403, 403, 201, 403, 403, 403, 403)),
    Row("GET", f"{BASE}/review-tasks", "in_progress", None,
        expect=(401, 403, 403, 403, 403, 200, 200, 403, 403)),
    Row("POST", f"{BASE}/review-tasks/{{task_id}}/decision", "in_progress", decision_body,
        expect=(401, 404, 404, 404, 404, 200, 404, 404, 404)),
    Row("GET", N, "draft", None,  # a draft is the applicant's own until submitted
        expect=(401, 200, 404, 200, 404, 404, 404, 404, 404)),
    Row("GET", N, "in_progress", None,
        expect=(401, 200, 404, 200, 200, 200, 404, 200, 200)),
    Row("PATCH", N, "draft", with_v(form_data={"x": 1}),
        expect=(401, 200, 404, 403, 404, 404, 404, 404, 404)),
    Row("PATCH", N, "submitted", with_v(form_data={"x": 1}),
        expect=(401, 409, 404, 403, 403, 404, 404, 403, 403)),
    Row("GET", f"{N}/events", "in_progress", None,
        expect=(401, 200, 404, 200, 200, 200, 404, 200, 200)),
    Row("POST", f"{N}/materials/{{material_row_id}}", "draft", None, upload=True,
        expect=(401, 200, 404, 403, 404, 404, 404, 404, 404)),
    Row("POST", f"{N}/materials/{{material_row_id}}", "delivering", None, upload=True,
        expect=(401, 409, 404, 403, 409, 403, 404, 403, 403)),
    Row("POST", f"{C}/submit", "draft", v,
        expect=(401, 200, 404, 403, 404, 404, 404, 404, 404)),
    Row("POST", f"{C}/receive", "submitted", v,
        expect=(401, 403, 404, 403, 200, 404, 404, 403, 403)),
    Row("POST", f"{C}/receive", "draft", v, note=" wrong state",
        expect=(401, 409, 404, 409, 404, 404, 404, 404, 404)),
    Row("POST", f"{C}/request_correction", "received", with_v(items=["缺少签字"]),
        expect=(401, 403, 404, 403, 200, 404, 404, 403, 403)),
    Row("POST", f"{C}/resubmit", "correction_requested", v,
        expect=(401, 200, 404, 403, 200, 404, 404, 403, 403)),
    Row("POST", f"{C}/refuse_acceptance", "received", with_v(ground="other", reason="其他"),
        expect=(401, 403, 404, 403, 200, 404, 404, 403, 403)),
    Row("POST", f"{C}/accept", "received", v,
        expect=(401, 403, 404, 403, 200, 404, 404, 403, 403)),
    Row("POST", f"{C}/start_special_procedure", "in_progress",
        with_v(kind="hearing", reason="听证", planned_working_days=5),
        expect=(401, 403, 404, 403, 403, 200, 404, 200, 403)),
    Row("POST", f"{C}/end_special_procedure", "special_procedure", with_v(result="听证完毕"),
        expect=(401, 403, 404, 403, 403, 200, 404, 200, 403)),
    Row("POST", f"{C}/extend", "in_progress", with_v(working_days=3, reason="需补充意见"),
        expect=(401, 403, 404, 403, 403, 403, 404, 200, 403)),
    Row("POST", f"{C}/decide_approve", "reviewed", with_v(reason="符合条件"),
        expect=(401, 403, 404, 403, 403, 403, 404, 200, 403)),
    Row("POST", f"{C}/decide_approve", "in_progress", with_v(reason="符合条件"), note=" open",
        expect=(401, 403, 404, 403, 403, 403, 404, 422, 403)),
    Row("POST", f"{C}/decide_reject", "reviewed", with_v(reason="不符合", rights_notified=True),
        expect=(401, 403, 404, 403, 403, 403, 404, 200, 403)),
    Row("POST", f"{C}/deliver", "decided_approved", with_v(method="window"),
        expect=(401, 403, 404, 403, 200, 403, 404, 403, 403)),
    Row("POST", f"{C}/close", "delivering", v,
        expect=(401, 403, 404, 403, 200, 403, 404, 403, 403)),
    Row("POST", f"{C}/withdraw", "submitted", with_v(reason="项目调整"),
        expect=(401, 200, 404, 403, 200, 404, 404, 403, 403)),
    Row("POST", f"{C}/{{command}}", "submitted", v, extra={"command": "fly"},
        expect=(401, 404, 404, 404, 404, 404, 404, 404, 404)),
)
# fmt: on


def _fill(row: Row, cast: Cast, case: Case) -> str:
    values = {
        "number": case.number,
        "item_code": CONSTRUCTION_PERMIT,
        **row.extra,
    }
    if "{task_id}" in row.path:
        values["task_id"] = str(_housing_task(case).pk)
    if "{material_row_id}" in row.path:
        material = case.materials.filter(is_required=True).exclude(status="shared").first()
        assert material is not None
        values["material_row_id"] = str(material.pk)
    return row.path.format(**values)


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_permission_matrix(cast: Cast, row: Row) -> None:
    case = build(cast, row.stage)
    path = _fill(row, cast, case)
    got: dict[str, int] = {}
    for role in ROLES:
        # Each role acts on the same prepared case: every request is rolled back.
        with transaction.atomic():
            token = cast.tokens.get(role)
            body = row.body(cast, case) if row.body else None
            if row.upload:
                response = call("POST", path, token, files={"file": pdf()})
            else:
                response = call(row.method, path, token, body)
            got[role] = response.status_code
            if response.status_code >= 400:
                error(response, response.status_code)  # always the one error shape
            transaction.set_rollback(True)
    assert got == dict(zip(ROLES, row.expect, strict=True))


def _registered_operations() -> set[tuple[str, str]]:
    """(method, path template) of every operation the NinjaAPI serves under /v1/cases/."""
    api.urls  # noqa: B018 - binds the routers
    found: set[tuple[str, str]] = set()
    for bound in api._get_bound_routers():
        if not bound.prefix.startswith("/v1/cases"):
            continue
        for path, view in bound.path_operations.items():
            for operation in view.operations:
                assert operation.auth_callbacks, f"{path} has no authentication"
                for method in operation.methods:
                    template = normalize_path("/api/" + bound.prefix + "/" + path)
                    found.add((method, template))
    return found


def test_every_case_endpoint_has_a_row_in_the_matrix() -> None:
    registered = _registered_operations()
    assert len(registered) >= 20
    in_matrix = {(row.method, row.path) for row in MATRIX}
    assert registered - in_matrix == set(), "endpoints without a permission-matrix row"
    assert in_matrix - registered == set(), "matrix rows for endpoints that do not exist"


def test_matrix_rows_are_well_formed() -> None:
    for row in MATRIX:
        assert len(row.expect) == len(ROLES), row.id
        assert row.stage in STAGES, row.id
        assert row.expect[0] == 401, row.id  # anonymous is never let in


# --------------------------------------------------------------------------------------------
# (c) Error shapes


def test_401_without_credentials_has_the_error_shape(cast: Cast) -> None:
    body = error(call("GET", f"{BASE}/"), 401)
    assert body == {"code": "not_authenticated", "message": "请先登录"}
    assert error(call("POST", f"{BASE}/", None, new_draft(cast)), 401)


def test_404_for_missing_and_forbidden_cases_is_the_same(cast: Cast) -> None:
    case = build(cast, "draft")
    hidden = error(call("GET", f"{BASE}/{case.number}", cast.tokens[OTHER]), 404)
    missing = error(call("GET", f"{BASE}/37168100000000000000", cast.tokens[OTHER]), 404)
    assert hidden == missing == {"code": "not_found", "message": "找不到该办件"}
    unknown = error(
        call("POST", f"{BASE}/{case.number}/commands/fly", cast.tokens[OWNER], v(cast, case)), 404
    )
    assert unknown["code"] == "unknown_command"
    assert unknown["field"] == "command"
    item = error(call("GET", f"{BASE}/forms/371681-XX-9999", cast.tokens[OWNER]), 404)
    assert item["code"] == "not_found"


def test_409_for_a_stale_version_and_for_a_second_review(cast: Cast) -> None:
    case = build(cast, "received")
    stale = error(
        call(
            "POST",
            f"{BASE}/{case.number}/commands/accept",
            cast.tokens[CLERK],
            {"expected_version": case.row_version - 1},
        ),
        409,
    )
    assert stale["code"] == "stale_case"
    assert "已被他人处理" in stale["message"]
    assert Case.objects.get(pk=case.pk).state == "received"

    case = case_accept(case=case, actor=cast.user(CLERK))
    task = _housing_task(case)
    path = f"{BASE}/review-tasks/{task.pk}/decision"
    body = {"approve": True, "opinion": "同意", "expected_version": task.row_version}
    ok(call("POST", path, cast.tokens[REVIEWER], body))
    again = error(call("POST", path, cast.tokens[REVIEWER], body), 409)
    assert again["code"] == "stale_task"
    body["expected_version"] = _housing_task(case).row_version
    decided = error(call("POST", path, cast.tokens[REVIEWER], body), 409)
    assert decided["code"] == "task_already_decided"


def test_422_carries_the_services_code_field_and_details(cast: Cast) -> None:
    owner = cast.tokens[OWNER]
    draft = ok(call("POST", f"{BASE}/", owner, new_draft(cast)), 201)
    missing = error(
        call(
            "POST",
            f"{BASE}/{draft['number']}/commands/submit",
            owner,
            {"expected_version": draft["row_version"]},
        ),
        422,
    )
    assert missing["code"] == "materials_missing"
    assert missing["field"] == "materials"
    assert "建筑工程施工许可证申请表" in missing["details"]["missing"]

    bad_id = error(
        call(
            "POST",
            f"{BASE}/",
            owner,
            {**new_draft(cast), "applicant": company_json() | {"id_number": "91371681MA3CBH0A1D"}},
        ),
        422,
    )
    assert bad_id["field"] == "applicant_id_number"
    assert "校验" in bad_id["message"]

    schema = error(
        call("POST", f"{BASE}/{draft['number']}/commands/submit", owner, {"expected_version": -1}),
        422,
    )
    assert schema["code"] == "validation_failed"
    assert schema["field"].endswith("expected_version")
    assert "不能小于 0" in schema["message"]

    page = error(call("GET", f"{BASE}/", owner, {"page_size": 101}), 422)
    assert "不能大于 100" in page["message"]

    upload = error(
        call(
            "POST",
            f"{BASE}/{draft['number']}/materials/{draft['materials'][0]['id']}",
            owner,
            files={"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
        ),
        422,
    )
    assert upload["code"] == "upload_type"

    item = error(
        call("POST", f"{BASE}/", owner, {**new_draft(cast), "item": "371681-XX-9999"}),
        422,
    )
    assert (item["code"], item["field"]) == ("item_not_found", "item")


def test_403_names_the_refusal_of_the_state_table(cast: Cast) -> None:
    case = build(cast, "submitted")
    body = error(
        call("POST", f"{BASE}/{case.number}/commands/receive", cast.tokens[OWNER], v(cast, case)),
        403,
    )
    assert body["code"] == "role_not_allowed"
    company = error(
        call(
            "POST",
            f"{BASE}/{case.number}/commands/withdraw",
            cast.tokens[COMPANY],
            with_v(reason="x")(cast, case),
        ),
        403,
    )
    assert company["code"] == "not_case_applicant"


# --------------------------------------------------------------------------------------------
# (d) Session authentication and CSRF (bearer-token cases: banhao/accounts/tests)


def _logged_in(cast: Cast, *, enforce_csrf: bool) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    assert client.login(username="qiye", password=DEMO_PASSWORD)
    return client


def test_session_auth_reads_without_csrf_but_writes_need_the_token(cast: Cast) -> None:
    client = _logged_in(cast, enforce_csrf=True)
    assert ok(call("GET", f"{BASE}/", client=client))["count"] == 0
    refused = error(call("POST", f"{BASE}/", None, new_draft(cast), client=client), 403)
    assert refused["code"] == "csrf_failed"
    assert "CSRF" in refused["message"]
    assert Case.objects.count() == 0

    # The CSRF cookie's token in X-CSRFToken (what /api/docs sends) lets it through.
    client.cookies["csrftoken"] = "A" * 32
    response = client.post(
        f"{BASE}/",
        json.dumps(new_draft(cast)),
        content_type="application/json",
        HTTP_X_CSRFTOKEN="A" * 32,
    )
    assert response.status_code == 201, response.content.decode()


def test_a_bearer_token_needs_no_csrf_even_with_a_session(cast: Cast) -> None:
    client = _logged_in(cast, enforce_csrf=True)
    response = call("POST", f"{BASE}/", cast.tokens["qiye"], new_draft(cast), client=client)
    assert response.status_code == 201


def test_a_bad_bearer_token_does_not_fall_back_to_the_session(cast: Cast) -> None:
    client = _logged_in(cast, enforce_csrf=False)
    body = error(call("GET", f"{BASE}/", "bh_" + "x" * 43, client=client), 401)
    assert body["code"] == "not_authenticated"
    assert "令牌" in body["message"]


def test_openapi_documents_the_case_endpoints_and_both_auth_schemes(cast: Cast) -> None:
    schema = ok(Client().get("/api/openapi.json"))
    paths = schema["paths"]
    assert f"{BASE}/{{number}}/commands/accept" in paths
    assert f"{BASE}/{{number}}/commands/{{command}}" not in paths  # the catch-all is hidden
    accept = paths[f"{BASE}/{{number}}/commands/accept"]["post"]
    assert accept["summary"] == "受理（含容缺受理，窗口）"
    assert "200" in accept["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(accept["responses"])
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    for path, operations in paths.items():
        if path.startswith(BASE):
            for operation in operations.values():
                assert operation["summary"], path
                assert operation["security"], path


def test_staff_api_reads_are_audited(world: World) -> None:
    from banhao.audit.models import AuditEntry
    from banhao.cases.services import case_accept

    from .test_story import register as register_at_window

    case = case_accept(case=register_at_window(world), actor=world.user("chuangkou"))
    token = api_token_create(user=world.user("shenpi"), name="t", actor=None)[1]
    response = call("GET", f"{BASE}/{case.number}", token)
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="cases.api_view").latest("seq")
    assert entry.actor_label == "shenpi"
