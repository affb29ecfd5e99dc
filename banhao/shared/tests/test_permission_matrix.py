"""The global permission matrix: every URL of the project × every role, on own and foreign
objects (issue "Security baseline").

``ROWS`` holds, for every named URL pattern outside the Django admin, one or more requests and
the status each of the twelve roles gets. ``test_every_route_has_a_row`` walks
``get_resolver().url_patterns`` (ninja's ``/api/`` operations included) and fails listing any
route without a row, so a new endpoint cannot ship without a decision on who may use it.

The Django admin is in the matrix too, without a hand-written row per URL: its index and the
changelist of every registered model (``admin.site._registry``) are rows, and
``test_every_admin_model_has_a_row`` fails for a model registered without an entry in
``ADMIN_CHANGELISTS``. Add/change/delete pages follow the model admins' ``has_*_permission``
and are covered by the apps' own admin tests.

How requests are made:

* Web pages: a session client per role; staff are logged in with ``login_staff`` (MFA passed).
  POST-only routes get a POST with an empty body from a client that does not enforce CSRF, so
  that the status shows the permission decision, not the CSRF check (CSRF is under test in
  ``banhao.cases.tests.test_api`` and the security tests).
* ``/api/`` operations: a bearer token per role (none for anonymous). Commands carry the
  case's ``expected_version`` so that a permitted role gets past validation; bodies are
  otherwise empty (the full API matrix with real bodies is ``banhao.cases.tests.test_api``).
* Redirects are not followed: 302 to the login page is how pages refuse anonymous users.

The world (calendar, catalogue, demo accounts, one draft and one case under review, both
张三's) is built once per module inside an outer transaction with the clock frozen; every test
runs in a savepoint of it, so writes made by a request are rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from banhao.accounts.demo import DEMO_RESIDENT_ID
from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.accounts.tokens import api_token_create
from banhao.cases.models import Case, CaseMaterial, ReviewTask
from banhao.cases.services import (
    ApplicantData,
    case_accept,
    case_create_draft,
    case_material_upload,
    case_receive,
    case_submit,
)
from banhao.cases.tests.conftest import (
    CONSTRUCTION_PERMIT,
    START,
    World,
    build_world,
    company_applicant,
)
from banhao.cases.tests.conftest import permit_answers as _permit_answers
from banhao.engagement.tests.factories import MatrixObjects, matrix_objects
from banhao.feedback.tests.factories import matrix_appeal, matrix_complaint, matrix_rating_token
from banhao.org.models import Department
from banhao.security.testing import login_staff

#: The smallest well-formed PDF: one blank A4 page (uploads are parsed, see cases.uploads).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n"
    b"0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)

ANON, OWNER, FOREIGN, COMPANY = "anonymous", "owner", "foreign_applicant", "company"
CLERK, REVIEWER, UNRELATED = "clerk", "reviewer", "unrelated_reviewer"
APPROVER, LEADER = "approver", "leader"
SYSADMIN, SECADMIN, AUDITADMIN = "system_admin", "security_admin", "audit_admin"
ROLES = (
    ANON,
    OWNER,
    FOREIGN,
    COMPANY,
    CLERK,
    REVIEWER,
    UNRELATED,
    APPROVER,
    LEADER,
    SYSADMIN,
    SECADMIN,
    AUDITADMIN,
)
#: The accounts behind the roles; ``lisi`` and ``shichang`` are made by ``scene``.
USERNAMES = {
    OWNER: "zhangsan",  # files both cases of the scene, as a person
    FOREIGN: "lisi",  # another person, no case of their own here
    COMPANY: "qiye",  # a company account; the scene's cases are not filed for its code
    CLERK: "chuangkou",
    REVIEWER: "zhujian",  # 住房和城乡建设局, on the construction permit's review route
    UNRELATED: "shichang",  # 市场监督管理局, not on the route
    APPROVER: "shenpi",
    LEADER: "lingdao",
    SYSADMIN: "admin",
    SECADMIN: "anquan",
    AUDITADMIN: "shenji",
}


# -- the scene -------------------------------------------------------------------------------


@dataclass
class Scene:
    world: World
    users: dict[str, User]  # role → account
    tokens: dict[str, str]  # role → bearer token
    draft: Case  # 张三's draft, every required material uploaded
    active: Case  # 张三's case, accepted and under review (办理中)
    task: ReviewTask  # the 住房和城乡建设局 task of ``active``
    draft_material: CaseMaterial
    active_material: CaseMaterial  # with an uploaded file

    def fresh(self, case: Case) -> Case:
        return Case.objects.get(pk=case.pk)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")


def _zhangsan() -> ApplicantData:
    return ApplicantData(
        kind="person",
        name="张三",
        id_number=DEMO_RESIDENT_ID,
        contact_name="张三",
        contact_phone="13905431234",
        address="邹平市黛溪街道",
    )


def _ready_draft(world: World, owner: User) -> Case:
    case = case_create_draft(
        actor=owner,
        item_version=world.permit,
        service_centre=world.centre,
        applicant=_zhangsan(),
        situation_answers=_permit_answers(world.permit, supervised=True, agent=False),
    )
    for row in case.materials.filter(is_required=True, status=CaseMaterial.Status.MISSING):
        case_material_upload(case=case, material_id=row.pk, upload=_pdf(), actor=owner)
    return Case.objects.get(pk=case.pk)


def build_scene(world: World) -> Scene:
    foreign = user_create(
        username="lisi",
        password=None,
        kind=User.Kind.PERSON,
        display_name="李四",
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
    everyone = {**world.users, "lisi": foreign, "shichang": unrelated}
    users = {role: everyone[name] for role, name in USERNAMES.items()}
    tokens = {
        role: api_token_create(user=user, name="matrix", actor=None)[1]
        for role, user in users.items()
    }
    owner, clerk = users[OWNER], users[CLERK]
    draft = _ready_draft(world, owner)
    active = _ready_draft(world, owner)
    active = case_submit(case=active, actor=owner)
    active = case_receive(case=active, actor=clerk)
    active = case_accept(case=active, actor=clerk)
    assert active.state == "in_progress"
    task = ReviewTask.objects.get(case=active, department__name="住房和城乡建设局")
    draft_material = draft.materials.filter(is_required=True).exclude(status="shared").first()
    active_material = active.materials.exclude(file="").first()
    assert draft_material is not None and active_material is not None
    return Scene(
        world=world,
        users=users,
        tokens=tokens,
        draft=draft,
        active=active,
        task=task,
        draft_material=draft_material,
        active_material=active_material,
    )


@pytest.fixture(scope="module")
def scene(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Scene]:
    """Built once per module in an outer transaction that is rolled back at the end; each
    test's ``db`` fixture then runs in a savepoint inside it."""
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        time_machine.travel(START, tick=False),
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        built = build_scene(build_world())
        yield built
        transaction.set_rollback(True)


# -- the rows --------------------------------------------------------------------------------

Url = Callable[[Scene], str]
Body = Callable[[Scene], Any]


@dataclass(frozen=True)
class Row:
    route: str  # the URL pattern's name, namespaced ("cases:staff_case", "api:submit_api")
    method: str
    url: Url
    expect: dict[str, int]
    body: Body | None = None
    note: str = ""
    upload: bool = False  # a multipart POST with one PDF as ``file``

    @property
    def id(self) -> str:
        return f"{self.route}{' ' + self.note if self.note else ''} {self.method}"


def expect(*statuses: int) -> dict[str, int]:
    """The statuses in the order of ``ROLES``."""
    return dict(zip(ROLES, statuses, strict=True))


def rev(name: str, *args: Callable[[Scene], Any]) -> Url:
    return lambda s: reverse(name, args=[str(a(s)) for a in args])


def const(value: Any) -> Callable[[Scene], Any]:
    return lambda s: value


def draft_no(s: Scene) -> str:
    return s.draft.number


def active_no(s: Scene) -> str:
    return s.active.number


def versioned(case: Callable[[Scene], Case], **extra: Any) -> Body:
    return lambda s: {"expected_version": s.fresh(case(s)).row_version, **extra}


def new_draft(s: Scene) -> dict[str, Any]:
    return {
        "item": CONSTRUCTION_PERMIT,
        "applicant": dict(company_applicant().__dict__),
        "situation_answers": _permit_answers(s.world.permit, supervised=True, agent=False),
    }


def the_draft(s: Scene) -> Case:
    return s.draft


def the_active(s: Scene) -> Case:
    return s.active


API = "/api/v1"
ITEM = const(CONSTRUCTION_PERMIT)
OWNER_PK = lambda s: s.users[OWNER].pk  # noqa: E731 - a table of small accessors


def cmd(name: str, case: Callable[[Scene], Case] = the_active) -> Url:
    return lambda s: f"{API}/cases/{case(s).number}/commands/{name}"


def api(path: str) -> Url:
    return lambda s: API + path.format(s=s)


def _eng(s: Scene) -> MatrixObjects:
    """The engagement objects (banhao.engagement.tests.factories.matrix_objects)."""
    return matrix_objects(s.users[LEADER])


#: Statuses in the order of ROLES: anon own frgn comp clrk rev unrl appr lead sysa seca auda
ROWS: tuple[Row, ...] = (
    # -- public pages and the public API
    Row(
        "home",
        "GET",
        rev("home"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "healthz",
        "GET",
        rev("healthz"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "catalog:item_list",
        "GET",
        rev("catalog:item_list"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "catalog:item_detail",
        "GET",
        rev("catalog:item_detail", ITEM),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "catalog:department_list",
        "GET",
        rev("catalog:department_list"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "workcalendar:month",
        "GET",
        rev("workcalendar:month"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:api-root",
        "GET",
        const("/api/"),
        expect(404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "api:openapi-json",
        "GET",
        rev("api:openapi-json"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:openapi-view",
        "GET",
        rev("api:openapi-view"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:item_list_api",
        "GET",
        api("/catalog/items"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:item_detail_api",
        "GET",
        api("/catalog/items/" + CONSTRUCTION_PERMIT),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:theme_list_api",
        "GET",
        api("/catalog/themes"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:department_list_api",
        "GET",
        api("/org/departments"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:workdays",
        "GET",
        api("/calendar/workdays?from=2026-11-27&days=5"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:days",
        "GET",
        api("/calendar/days?year=2026&month=11"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    # -- accounts
    Row(
        "accounts:login",
        "GET",
        rev("accounts:login"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "accounts:register",
        "GET",
        rev("accounts:register"),
        expect(200, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ),
    Row(
        "accounts:logout",
        "POST",
        rev("accounts:logout"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    # -- security: own account pages
    Row(
        "security:mfa_enrol",
        "GET",
        rev("security:mfa_enrol"),
        expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ),
    Row(
        "security:mfa_verify",
        "GET",
        rev("security:mfa_verify"),
        expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ),
    Row(
        "security:reauth",
        "GET",
        rev("security:reauth"),
        expect(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "security:account",
        "GET",
        rev("security:account"),
        expect(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "security:recovery_codes_new",
        "POST",
        rev("security:recovery_codes_new"),
        expect(302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    # -- security: 三权分立
    Row(
        "security:user_list",
        "GET",
        rev("security:user_list"),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404),
    ),
    Row(
        "security:user_detail",
        "GET",
        rev("security:user_detail", OWNER_PK),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404),
    ),
    Row(
        "security:user_action",
        "POST",
        rev("security:user_action", OWNER_PK, const("unlock")),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 302, 404),
    ),
    Row(
        "security:audit_log",
        "GET",
        rev("security:audit_log"),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200),
    ),
    # -- privacy: 查看完整个人信息 (a reason is required)
    Row(
        "privacy:reveal",
        "POST",
        rev("privacy:reveal", active_no, const("applicant_id_number")),
        expect(302, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404),
        body=const({"reason": "核对身份"}),
    ),
    # -- applicant pages
    Row(
        "cases:apply",
        "GET",
        rev("cases:apply", ITEM),
        expect(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "cases:my_cases",
        "GET",
        rev("cases:my_cases"),
        expect(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "cases:case_detail",
        "GET",
        rev("cases:case_detail", draft_no),
        expect(302, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        note="draft",
    ),
    Row(
        "cases:case_detail",
        "GET",
        rev("cases:case_detail", active_no),
        expect(302, 200, 404, 404, 200, 200, 404, 200, 200, 404, 404, 404),
        note="in_progress",
    ),
    Row(
        "cases:draft_save",
        "POST",
        rev("cases:draft_save", draft_no),
        expect(302, 422, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:submit",
        "POST",
        rev("cases:submit", draft_no),
        expect(302, 422, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:material_upload",
        "POST",
        rev("cases:material_upload", draft_no, lambda s: s.draft_material.pk),
        expect(302, 409, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:resubmit",
        "POST",
        rev("cases:resubmit", active_no),
        expect(302, 409, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:withdraw",
        "POST",
        rev("cases:withdraw", active_no),
        expect(302, 422, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:notice",
        "GET",
        rev("cases:notice", active_no, const("acceptance")),
        expect(302, 200, 404, 404, 200, 200, 404, 200, 200, 404, 404, 404),
    ),
    # -- staff pages
    Row(
        "cases:window_queue",
        "GET",
        rev("cases:window_queue"),
        expect(302, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:window_register",
        "GET",
        rev("cases:window_register"),
        expect(302, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:staff_case",
        "GET",
        rev("cases:staff_case", draft_no),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        note="draft",
    ),
    Row(
        "cases:staff_case",
        "GET",
        rev("cases:staff_case", active_no),
        expect(302, 404, 404, 404, 200, 200, 404, 200, 200, 404, 404, 404),
        note="in_progress",
    ),
    Row(
        "cases:material_file",
        "GET",
        rev("cases:material_file", active_no, lambda s: s.active_material.pk),
        expect(302, 200, 404, 404, 200, 200, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "cases:review_queue",
        "GET",
        rev("cases:review_queue"),
        expect(302, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:review_task",
        "GET",
        rev("cases:review_task", lambda s: s.task.pk),
        expect(302, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "cases:approver_queue",
        "GET",
        rev("cases:approver_queue"),
        expect(302, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404),
    ),
    # -- the case API
    Row(
        "api:case_list_api",
        "GET",
        api("/cases/"),
        expect(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:case_create_api",
        "POST",
        api("/cases/"),
        expect(401, 201, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403),
        body=new_draft,
    ),
    Row(
        "api:application_form_api",
        "GET",
        api("/cases/forms/" + CONSTRUCTION_PERMIT),
        expect(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:window_register_api",
        "POST",
        api("/cases/window"),
        expect(401, 403, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403),
        body=lambda s: {**new_draft(s), "received": []},
    ),
    Row(
        "api:review_queue_api",
        "GET",
        api("/cases/review-tasks"),
        expect(401, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 403),
    ),
    Row(
        "api:review_decision_api",
        "POST",
        api("/cases/review-tasks/{s.task.pk}/decision"),
        expect(401, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        body=lambda s: {
            "approve": True,
            "opinion": "同意",
            "expected_version": ReviewTask.objects.get(pk=s.task.pk).row_version,
        },
    ),
    Row(
        "api:case_detail_api",
        "GET",
        api("/cases/{s.draft.number}"),
        expect(401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        note="draft",
    ),
    Row(
        "api:case_detail_api",
        "GET",
        api("/cases/{s.active.number}"),
        expect(401, 200, 404, 404, 200, 200, 404, 200, 200, 404, 404, 404),
        note="in_progress",
    ),
    Row(
        "api:case_update_api",
        "PATCH",
        api("/cases/{s.draft.number}"),
        expect(401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        body=lambda s: {"expected_version": s.fresh(s.draft).row_version, "form_data": {}},
    ),
    Row(
        "api:case_events_api",
        "GET",
        api("/cases/{s.active.number}/events"),
        expect(401, 200, 404, 404, 200, 200, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "api:material_upload_api",
        "POST",
        api("/cases/{s.draft.number}/materials/{s.draft_material.pk}"),
        expect(401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        upload=True,
    ),
    Row(
        "api:submit_api",
        "POST",
        cmd("submit", the_draft),
        expect(401, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        body=versioned(the_draft),
    ),
    Row(
        "api:receive_api",
        "POST",
        cmd("receive"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active),
    ),
    Row(
        "api:request_correction_api",
        "POST",
        cmd("request_correction"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active, items=["申请表缺少签字"]),
    ),
    Row(
        "api:resubmit_api",
        "POST",
        cmd("resubmit"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active),
    ),
    Row(
        "api:refuse_acceptance_api",
        "POST",
        cmd("refuse_acceptance"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active, ground="other", reason="其他"),
    ),
    Row(
        "api:accept_api",
        "POST",
        cmd("accept"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active),
    ),
    Row(
        "api:start_special_procedure_api",
        "POST",
        cmd("start_special_procedure"),
        expect(401, 403, 404, 404, 403, 200, 404, 200, 403, 404, 404, 404),
        body=lambda s: {
            "expected_version": s.fresh(s.active).row_version,
            "kind": "hearing",
            "reason": "听证",
            "planned_working_days": 5,
        },
    ),
    Row(
        "api:end_special_procedure_api",
        "POST",
        cmd("end_special_procedure"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active, result="听证完毕"),
    ),
    Row(
        "api:extend_api",
        "POST",
        cmd("extend"),
        expect(401, 403, 404, 404, 403, 403, 404, 200, 403, 404, 404, 404),
        body=lambda s: {
            "expected_version": s.fresh(s.active).row_version,
            "working_days": 3,
            "reason": "需补充意见",
        },
    ),
    Row(
        "api:decide_approve_api",
        "POST",
        cmd("decide_approve"),
        expect(401, 403, 404, 404, 403, 403, 404, 422, 403, 404, 404, 404),
        body=versioned(the_active, reason="符合条件"),
    ),
    Row(
        "api:decide_reject_api",
        "POST",
        cmd("decide_reject"),
        expect(401, 403, 404, 404, 403, 403, 404, 422, 403, 404, 404, 404),
        body=versioned(the_active, reason="不符合", rights_notified=True),
    ),
    Row(
        "api:deliver_api",
        "POST",
        cmd("deliver"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active, method="window"),
    ),
    Row(
        "api:close_api",
        "POST",
        cmd("close"),
        expect(401, 409, 404, 404, 409, 409, 404, 409, 409, 404, 404, 404),
        body=versioned(the_active),
    ),
    Row(
        "api:withdraw_api",
        "POST",
        cmd("withdraw"),
        expect(401, 200, 404, 404, 200, 403, 404, 403, 403, 404, 404, 404),
        body=lambda s: {"expected_version": s.fresh(s.active).row_version, "reason": "项目调整"},
    ),
    Row(
        "api:unknown_command_api",
        "POST",
        cmd("fly"),
        expect(401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        body=versioned(the_active),
    ),
    # -- licences --
    Row(
        "licences:verify_upload",
        "GET",
        rev("licences:verify_upload"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "licences:verify",
        "GET",
        lambda s: reverse("licences:verify", args=[scene_licence(s)]),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "licences:mine",
        "GET",
        rev("licences:mine"),
        expect(302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "licences:detail",
        "GET",
        lambda s: reverse("licences:detail", args=[scene_licence(s)]),
        expect(302, 200, 404, 404, 200, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "licences:download",
        "GET",
        lambda s: reverse("licences:download", args=[scene_licence(s)]),
        expect(302, 200, 404, 404, 200, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "licences:register",
        "GET",
        rev("licences:register"),
        expect(302, 404, 404, 404, 200, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "licences:operate",
        "POST",
        lambda s: reverse("licences:operate", args=[scene_licence(s)]),
        expect(302, 404, 404, 404, 404, 404, 404, 422, 422, 404, 404, 404),
    ),
    Row(
        "api:licence_verify_api",
        "GET",
        lambda s: f"{API}/licences/verify/{scene_licence(s)}",
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:licence_verify_file_api",
        "POST",
        api("/licences/verify"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        upload=True,
    ),
    Row(
        "api:licence_mine_api",
        "GET",
        api("/licences/mine"),
        expect(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:licence_detail_api",
        "GET",
        lambda s: f"{API}/licences/{scene_licence(s)}",
        expect(401, 200, 404, 404, 200, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "api:licence_document_api",
        "GET",
        lambda s: f"{API}/licences/{scene_licence(s)}/document",
        expect(401, 200, 404, 404, 200, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "api:licence_operation_api",
        "POST",
        lambda s: f"{API}/licences/{scene_licence(s)}/operations",
        expect(401, 403, 404, 404, 403, 404, 404, 200, 200, 404, 404, 404),
        body=lambda s: {"operation": "suspend", "reason": "整改", "expected_version": 0},
    ),
    # -- feedback --
    # 好差评: 张三 rates his active case's 受理; its 差评 goes to 投资建设审批科 (周审批, the
    # "approver" account); 局领导 decides appeals. Objects are made in each test's savepoint.
    Row(
        "feedback:rate_case",
        "GET",
        rev("feedback:rate_case", active_no),
        expect(302, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "feedback:qr_rate",
        "GET",
        rev("feedback:qr_rate", lambda s: matrix_rating_token(s.active)),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "feedback:rate_fix",
        "GET",
        rev("feedback:rate_fix", lambda s: matrix_complaint(s.active, s.users[OWNER]).pk),
        expect(302, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    Row(
        "feedback:complaint_queue",
        "GET",
        rev("feedback:complaint_queue"),
        expect(302, 404, 404, 404, 404, 200, 200, 200, 200, 404, 404, 404),
    ),
    Row(
        "feedback:complaint_detail",
        "GET",
        rev("feedback:complaint_detail", lambda s: matrix_complaint(s.active, s.users[OWNER]).pk),
        expect(302, 404, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "feedback:appeal_queue",
        "GET",
        rev("feedback:appeal_queue"),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404),
    ),
    Row(
        "feedback:appeal_detail",
        "GET",
        rev(
            "feedback:appeal_detail",
            lambda s: matrix_appeal(s.active, s.users[OWNER], s.users[APPROVER]).pk,
        ),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404),
    ),
    Row(
        "feedback:appeal_evidence",
        "GET",
        rev(
            "feedback:appeal_evidence",
            lambda s: matrix_appeal(s.active, s.users[OWNER], s.users[APPROVER]).pk,
        ),
        expect(302, 404, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "feedback:publication",
        "GET",
        rev("feedback:publication"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "feedback:ranking",
        "GET",
        rev("feedback:ranking"),
        expect(302, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404, 404),
    ),
    Row(
        "feedback:star_choose",
        "POST",
        rev("feedback:star_choose"),
        expect(302, 404, 404, 404, 404, 404, 404, 404, 302, 404, 404, 404),
        body=lambda s: {"month": "2026-11", "staff": s.users[CLERK].pk},
    ),
    Row(
        "api:rating_submit_api",
        "POST",
        api("/feedback/ratings"),
        expect(401, 201, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        body=lambda s: {"projectNo": s.active.number, "event": "acceptance", "level": "satisfied"},
    ),
    Row(
        "api:publication_api",
        "GET",
        api("/feedback/publication"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:ranking_api",
        "GET",
        api("/feedback/ranking"),
        expect(401, 403, 403, 403, 200, 403, 403, 403, 200, 403, 403, 403),
    ),
    # -- engagement --
    # 民说民评: 局领导 and 审批负责人 manage; the matrix suggestion is assigned to 住房和城乡建设局
    # (the "reviewer" account handles it); 窗口 enters paper forms. Objects are made in each
    # test's savepoint by banhao.engagement.tests.factories.matrix_objects.
    Row(
        "engagement:suggest",
        "GET",
        rev("engagement:suggest"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "engagement:accountability",
        "GET",
        rev("engagement:accountability"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "engagement:accountability_detail",
        "GET",
        rev("engagement:accountability_detail", lambda s: _eng(s).suggestion.number),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "engagement:survey_answer",
        "GET",
        rev("engagement:survey_answer", lambda s: _eng(s).survey.code),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "engagement:survey_thanks",
        "GET",
        rev("engagement:survey_thanks", lambda s: _eng(s).survey.code),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "engagement:staff_home",
        "GET",
        rev("engagement:staff_home"),
        expect(302, 404, 404, 404, 200, 200, 200, 200, 200, 404, 404, 404),
    ),
    *(
        Row(
            f"engagement:{name}",
            "GET",
            rev(f"engagement:{name}", *args),
            expect(302, 404, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404),
        )
        for name, args in (
            ("forum_list", ()),
            ("forum_create", ()),
            ("forum_detail", (lambda s: _eng(s).forum.pk,)),
            ("forum_edit", (lambda s: _eng(s).forum.pk,)),
            ("forum_invitations_pdf", (lambda s: _eng(s).forum.pk,)),
            ("forum_contacts_pdf", (lambda s: _eng(s).forum.pk,)),
            ("suggestion_create", ()),
            ("survey_create", ()),
            ("survey_builder", (lambda s: _eng(s).survey.pk,)),
            ("survey_results", (lambda s: _eng(s).survey.pk,)),
            ("survey_export", (lambda s: _eng(s).survey.pk, const("csv"))),
            ("survey_paper_pdf", (lambda s: _eng(s).survey.pk, const(1))),
        )
    ),
    *(
        Row(
            f"engagement:{name}",
            "POST",
            rev(f"engagement:{name}", *args),
            expect(302, 404, 404, 404, 404, 404, 404, 302, 302, 404, 404, 404),
        )
        for name, args in (
            ("forum_invitee_add", (lambda s: _eng(s).forum.pk,)),
            ("forum_invitee_reply", (lambda s: _eng(s).forum.pk, lambda s: _eng(s).invitee_id)),
            ("forum_invitations_send", (lambda s: _eng(s).forum.pk,)),
            ("forum_attendance", (lambda s: _eng(s).forum.pk,)),
            ("forum_contact_add", (lambda s: _eng(s).forum.pk,)),
            ("survey_question_add", (lambda s: _eng(s).survey.pk,)),
            (
                "survey_question_remove",
                (lambda s: _eng(s).survey.pk, lambda s: _eng(s).question_id),
            ),
            ("survey_status", (lambda s: _eng(s).survey.pk,)),
            ("survey_paper_batch", (lambda s: _eng(s).survey.pk,)),
        )
    ),
    Row(
        "engagement:forum_create",
        "POST",
        rev("engagement:forum_create"),
        expect(302, 404, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404),
        note="empty form shown again",
    ),
    Row(
        "engagement:suggestion_queue",
        "GET",
        rev("engagement:suggestion_queue"),
        expect(302, 404, 404, 404, 200, 200, 200, 200, 200, 404, 404, 404),
    ),
    Row(
        "engagement:suggestion_detail",
        "GET",
        rev("engagement:suggestion_detail", lambda s: _eng(s).suggestion.number),
        expect(302, 404, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "engagement:suggestion_evidence_file",
        "GET",
        rev(
            "engagement:suggestion_evidence_file",
            lambda s: _eng(s).suggestion.number,
            lambda s: _eng(s).evidence_id,
        ),
        expect(302, 404, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "engagement:suggestion_action",
        "POST",
        rev("engagement:suggestion_action", lambda s: _eng(s).suggestion.number, const("start")),
        expect(302, 404, 404, 404, 404, 302, 404, 302, 302, 404, 404, 404),
    ),
    Row(
        "engagement:suggestion_evidence_upload",
        "POST",
        rev("engagement:suggestion_evidence_upload", lambda s: _eng(s).suggestion.number),
        expect(302, 404, 404, 404, 404, 302, 404, 302, 302, 404, 404, 404),
    ),
    Row(
        "engagement:survey_list",
        "GET",
        rev("engagement:survey_list"),
        expect(302, 404, 404, 404, 200, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "engagement:survey_paper_entry",
        "GET",
        rev("engagement:survey_paper_entry", lambda s: _eng(s).survey.pk),
        expect(302, 404, 404, 404, 200, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "api:engagement_accountability_api",
        "GET",
        api("/engagement/public/suggestions"),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:engagement_suggest_api",
        "POST",
        api("/engagement/public/suggestions"),
        expect(201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201),
        body=const({"kind": "gripe", "title": "停车难", "content": "车位少", "is_anonymous": True}),
    ),
    Row(
        "api:engagement_accountability_detail_api",
        "GET",
        lambda s: f"{API}/engagement/public/suggestions/{_eng(s).suggestion.number}",
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:engagement_survey_definition_api",
        "GET",
        lambda s: f"{API}/engagement/public/surveys/{_eng(s).survey.code}",
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:engagement_survey_respond_api",
        "POST",
        lambda s: f"{API}/engagement/public/surveys/{_eng(s).survey.code}/responses",
        expect(201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201),
        body=const({"answers": {"Q1": "A", "Q3": ["A"], "Q4": 5}}),
    ),
    Row(
        "api:engagement_suggestion_list_api",
        "GET",
        api("/engagement/suggestions"),
        expect(401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Row(
        "api:engagement_suggestion_detail_api",
        "GET",
        lambda s: f"{API}/engagement/suggestions/{_eng(s).suggestion.number}",
        expect(401, 404, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "api:engagement_suggestion_assign_api",
        "POST",
        lambda s: f"{API}/engagement/suggestions/{_eng(s).suggestion.number}/assign",
        expect(401, 404, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404),
        body=lambda s: {
            "expected_version": _eng(s).suggestion.row_version,
            "department_id": Department.objects.get(name="住房和城乡建设局").pk,
        },
    ),
    Row(
        "api:engagement_suggestion_answer_api",
        "POST",
        lambda s: f"{API}/engagement/suggestions/{_eng(s).suggestion.number}/answer",
        expect(401, 404, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404),
        body=lambda s: {
            "expected_version": _eng(s).suggestion.row_version,
            "response": "已办理",
            "public_summary": "已办理",
        },
    ),
    Row(
        "api:engagement_suggestion_close_api",
        "POST",
        lambda s: f"{API}/engagement/suggestions/{_eng(s).suggestion.number}/close",
        expect(401, 404, 404, 404, 404, 409, 404, 409, 409, 404, 404, 404),
        body=lambda s: {"expected_version": _eng(s).suggestion.row_version},
    ),
    Row(
        "api:engagement_suggestion_start_api",
        "POST",
        lambda s: f"{API}/engagement/suggestions/{_eng(s).suggestion.number}/start",
        expect(401, 404, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404),
        body=lambda s: {"expected_version": _eng(s).suggestion.row_version},
    ),
    Row(
        "api:engagement_suggestion_decline_api",
        "POST",
        lambda s: f"{API}/engagement/suggestions/{_eng(s).suggestion.number}/decline",
        expect(401, 404, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404),
        body=lambda s: {"expected_version": _eng(s).suggestion.row_version, "reason": "无法采纳"},
    ),
    Row(
        "api:engagement_survey_results_api",
        "GET",
        lambda s: f"{API}/engagement/surveys/{_eng(s).survey.pk}/results",
        expect(401, 404, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404),
    ),
    Row(
        "api:engagement_paper_entry_api",
        "POST",
        lambda s: f"{API}/engagement/surveys/{_eng(s).survey.pk}/paper-responses",
        expect(401, 404, 404, 404, 201, 404, 404, 201, 201, 404, 404, 404),
        body=lambda s: {
            "serial": _eng(s).spare_serial,
            "answers": {"Q1": "A", "Q3": ["A"], "Q4": 5},
        },
    ),
)


def scene_licence(s: Scene) -> str:
    """The licence of 张三's active case, decided 准予 inside the test's savepoint (the
    decision issues it). Imported here so the licence block stays in one place."""
    from banhao.cases.services import case_decide, review_task_decide
    from banhao.licences.demo import demo_licence_types_load
    from banhao.licences.models import Licence

    found = Licence.objects.filter(case=s.active).first()
    if found is None:
        demo_licence_types_load()
        for task in ReviewTask.objects.filter(case=s.active, state="pending"):
            reviewer = User.objects.filter(department=task.department).first()
            assert reviewer is not None
            review_task_decide(task=task, actor=reviewer, approve=True, opinion="同意")
        case_decide(case=s.fresh(s.active), actor=s.users[APPROVER], approve=True, reason="符合")
        found = Licence.objects.get(case=s.active)
    return found.identifier


# -- the admin -------------------------------------------------------------------------------

#: The changelist of every registered model, by ``app_label.model``.
ADMIN_CHANGELISTS: dict[str, dict[str, int]] = {
    #                    anon own  frgn comp clrk rev  unrl appr lead sysa seca auda
    "audit.auditanchor": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 403, 302, 200),
    "audit.auditentry": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 403, 302, 200),
    "cases.case": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "catalog.parentitem": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "catalog.serviceitem": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "catalog.serviceitemversion": expect(
        302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403
    ),
    "catalog.situation": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "catalog.theme": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "django_tasks_database.dbtaskresult": expect(
        302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403
    ),
    "notifications.notification": expect(
        302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403
    ),
    "org.department": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "org.servicecentre": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "org.window": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "workcalendar.holidaynotice": expect(
        302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403
    ),
    "workcalendar.localclosure": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "licences.licence": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "licences.licencetype": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
    "feedback.feedbackpolicy": expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 403),
}
ADMIN_INDEX: dict[str, int] = expect(302, 302, 302, 302, 302, 302, 302, 302, 302, 200, 302, 200)


def admin_rows() -> tuple[Row, ...]:
    rows = [Row("admin:index", "GET", rev("admin:index"), ADMIN_INDEX)]
    for label, statuses in sorted(ADMIN_CHANGELISTS.items()):
        app, model = label.split(".")
        rows.append(Row(f"admin:{label}", "GET", rev(f"admin:{app}_{model}_changelist"), statuses))
    return tuple(rows)


# -- requests --------------------------------------------------------------------------------


def request(scene: Scene, row: Row, role: str) -> int:
    path = row.url(scene)
    client = Client()
    if path.startswith("/api/"):
        token = scene.tokens.get(role)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if row.method == "GET":
            return client.get(path, headers=headers).status_code
        if row.upload:
            return client.post(path, {"file": _pdf()}, headers=headers).status_code
        body = row.body(scene) if row.body else {}
        send = getattr(client, row.method.lower())
        return int(
            send(
                path, json.dumps(body), content_type="application/json", headers=headers
            ).status_code
        )
    if role != ANON:
        login_staff(client, scene.users[role])
    if row.method == "GET":
        return client.get(path).status_code
    return client.post(path, row.body(scene) if row.body else {}).status_code


ALL_ROWS = ROWS + admin_rows()
CELLS = [pytest.param(row, role, id=f"{row.id} × {role}") for row in ALL_ROWS for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), CELLS)
def test_permission_matrix(scene: Scene, row: Row, role: str) -> None:
    got = request(scene, row, role)
    want = row.expect[role]
    assert got == want, f"{row.id} as {role}: got {got}, expected {want}"


# -- the meta-tests --------------------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or "")


def project_routes() -> dict[str, str]:
    """Name → route of every URL pattern outside the Django admin."""
    routes: dict[str, str] = {}
    for route, name in _walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        assert name and not name.endswith(":"), f"unnamed URL pattern {route!r}"
        routes[name] = route
    return routes


def test_every_route_has_a_row() -> None:
    routes = project_routes()
    assert len(routes) >= 60
    covered = {row.route for row in ROWS}
    missing = sorted(f"{name} ({routes[name]})" for name in set(routes) - covered)
    assert not missing, "routes without a permission-matrix row:\n" + "\n".join(missing)
    assert covered - set(routes) == set(), "rows for routes that do not exist"


def test_every_admin_model_has_a_row() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - set(ADMIN_CHANGELISTS) == set(), "admin models without a row"
    assert set(ADMIN_CHANGELISTS) - registered == set(), "rows for unregistered admin models"


def test_rows_are_well_formed() -> None:
    for row in ALL_ROWS:
        assert set(row.expect) == set(ROLES), row.id
    assert len({row.id for row in ALL_ROWS}) == len(ALL_ROWS), "two rows share an id"
