"""Staff pages: the 施工许可 story clicked through (window → three departments → approver →
delivery), refusals shown in Chinese, the permission matrix, stale pages, file access and the
review queue's query bound."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banhao.cases.models import Case, CaseEvent, CaseMaterial, CorrectionRequest, ReviewTask
from banhao.cases.selectors import case_view
from banhao.cases.services import (
    ReceivedMaterial,
    case_accept,
    case_extend,
    case_material_upload,
    case_register_at_window,
    case_start_special_procedure,
    materials_for,
    review_task_decide,
)
from banhao.cases.web.staff import ACTION_FORMS
from banhao.catalog.choices import MaterialNecessity, MaterialSource
from banhao.catalog.models import Material
from banhao.security.testing import login_staff

from .conftest import COMPANY_CODE, SHANGHAI, World, company_applicant

REVIEWERS = ("zhujian", "ziran", "xiaofang")
#: The smallest well-formed PDF: one blank A4 page (uploads are parsed, see cases.uploads).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n"
    b"0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


# -- helpers ---------------------------------------------------------------------------------


def client_for(world: World, username: str | None) -> Client:
    client = Client()
    if username is not None:
        login_staff(client, world.user(username))  # staff pass the second factor too
    return client


def answers(world: World, *, supervised: bool = True) -> dict[str, str]:
    """是否委托监理: 是/否; 是否委托他人: 本人办理."""
    result = {}
    for situation in world.permit.situations.order_by("sort_order", "id"):
        options = list(situation.options.order_by("sort_order", "id"))
        if "监理" in situation.question:
            chosen = options[0] if supervised else options[1]
        else:
            chosen = next(o for o in options if o.label.startswith("本人"))
        result[str(situation.pk)] = str(chosen.pk)
    return result


def collected(material: Material) -> bool:
    return material.necessity in (
        MaterialNecessity.REQUIRED,
        MaterialNecessity.DEFERRABLE,
    ) and (material.source_channel != MaterialSource.E_LICENCE)


def register_data(world: World, *, skip: tuple[str, ...] = (), **overrides: str) -> dict[str, str]:
    chosen = answers(world)
    data = {
        "item": str(world.permit.pk),
        "applicant_kind": "company",
        "applicant_name": "邹平市鲁信建设工程有限公司",
        "applicant_id_number": COMPANY_CODE,
        "contact_name": "刘经理",
        "contact_phone": "13805431234",
        "address": "邹平市黛溪街道",
    }
    data.update({f"situation_{sid}": oid for sid, oid in chosen.items()})
    for material in materials_for(world.permit, chosen):
        if collected(material) and material.name not in skip:
            data[f"material_{material.pk}"] = "on"
            data[f"material_{material.pk}_originals"] = "1"
            data[f"material_{material.pk}_copies"] = "1"
    data.update(overrides)
    return data


def register(world: World) -> Case:
    """A walk-in application registered through the services (for tests of later steps)."""
    chosen = answers(world)
    return case_register_at_window(
        actor=world.user("chuangkou"),
        item_version=world.permit,
        applicant=company_applicant(),
        situation_answers=chosen,
        received=[
            ReceivedMaterial(material_id=m.pk, originals=1, copies=1)
            for m in materials_for(world.permit, chosen)
            if collected(m)
        ],
    )


def accepted(world: World) -> Case:
    return case_accept(case=register(world), actor=world.user("chuangkou"))


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def case_url(case: Case) -> str:
    return reverse("cases:staff_case", args=[case.number])


def task_of(case: Case, reviewer: str, world: World) -> ReviewTask:
    return ReviewTask.objects.get(case=case, department=world.user(reviewer).department)


def act(client: Client, case: Case, command: str, **data: Any) -> Any:
    payload = {"command": command, "row_version": str(fresh(case).row_version), **data}
    return client.post(case_url(case), payload)


def assert_panel_matches_core(world: World, username: str, case: Case) -> str:
    """The page offers exactly the commands the core allows this user (with a form here)."""
    html = client_for(world, username).get(case_url(case)).content.decode()
    allowed = case_view(case=fresh(case), user=world.user(username)).commands
    for command in ACTION_FORMS:
        shown = f'id="action-{command.value}"' in html
        assert shown == (command in allowed), (username, command, fresh(case).state)
    return html


# -- the story -------------------------------------------------------------------------------


def test_construction_permit_story_through_the_staff_pages(world: World) -> None:
    clerk = client_for(world, "chuangkou")
    # 窗口登记: search the catalogue (any department), choose the item, fill in, register.
    search = clerk.get(reverse("cases:window_register"), {"q": "施工许可"})
    assert search.status_code == 200
    assert "建筑工程施工许可证核发" in search.content.decode()
    form = clerk.get(reverse("cases:window_register"), {"item": world.permit.pk})
    assert "是否属于按照规定应当委托监理的工程？" in form.content.decode()
    response = clerk.post(reverse("cases:window_register"), register_data(world))
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == case_url(case)
    assert case.state == "received"
    assert case.channel == "1"
    received = case.materials.get(name="施工合同及中标通知书")
    assert (received.status, received.originals_received, received.copies_received) == (
        "received",
        1,
        1,
    )

    queue = clerk.get(reverse("cases:window_queue")).content.decode()
    assert case.number in queue
    assert "2026-12-04" in queue  # received Fri 2026-11-27 + 5 working days
    page = assert_panel_matches_core(world, "chuangkou", case)
    assert f'name="row_version" value="{case.row_version}"' in page

    assert act(clerk, case, "accept").status_code == 302
    case = fresh(case)
    assert case.state == "in_progress"
    assert_panel_matches_core(world, "chuangkou", case)
    assert_panel_matches_core(world, "shenpi", case)

    for name in REVIEWERS:
        reviewer = client_for(world, name)
        task = task_of(case, name, world)
        assert case.number in reviewer.get(reverse("cases:review_queue")).content.decode()
        url = reverse("cases:review_task", args=[task.pk])
        page = reviewer.get(url).content.decode()
        assert 'id="action-review"' in page
        answer = reviewer.post(
            url,
            {
                "command": "review",
                "row_version": str(task.row_version),
                "decision": "approve",
                "opinion": "符合要求，同意",
            },
        )
        assert answer.status_code == 302
        assert answer["Location"] == reverse("cases:review_queue")
        assert ReviewTask.objects.get(pk=task.pk).state == "approved"

    approver = client_for(world, "shenpi")
    queue = approver.get(reverse("cases:approver_queue")).content.decode()
    assert case.number in queue and "待决定" in queue
    page = assert_panel_matches_core(world, "shenpi", case)
    assert "符合要求，同意" in page  # staff see every department's opinion
    assert act(approver, case, "decide_approve", reason="符合法定条件").status_code == 302
    assert fresh(case).state == "decided_approved"

    assert_panel_matches_core(world, "chuangkou", case)
    assert act(clerk, case, "start_delivery", method="electronic").status_code == 302
    assert act(clerk, case, "close").status_code == 302
    case = fresh(case)
    assert case.state == "closed"
    assert case.delivery_method == "electronic"
    assert_panel_matches_core(world, "chuangkou", case)
    page = clerk.get(case_url(case)).content.decode()
    assert "当前没有需要您办理的操作" in page
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "registered_at_window",
        "accepted",
        "review_started",
        "review_approved",
        "review_approved",
        "review_approved",
        "approved",
        "delivery_started",
        "closed",
    ]


def test_register_checklist_follows_the_situations_by_htmx(world: World) -> None:
    clerk = client_for(world, "chuangkou")
    data = register_data(world)
    supervision = next(k for k in data if k.startswith("situation_"))
    data["refresh"] = "1"
    with_supervision = clerk.post(reverse("cases:window_register"), data, HTTP_HX_REQUEST="true")
    assert with_supervision.status_code == 200
    fragment = with_supervision.content.decode()
    assert fragment.lstrip().startswith('<section id="register-materials">')
    assert "监理合同" in fragment
    data[supervision] = answers(world, supervised=False)[supervision.removeprefix("situation_")]
    without = clerk.post(reverse("cases:window_register"), data, HTTP_HX_REQUEST="true")
    assert "监理合同" not in without.content.decode()
    # Without htmx the same button re-renders the whole form, errors not shown yet.
    full = clerk.post(reverse("cases:window_register"), data).content.decode()
    assert "窗口登记" in full and "未能登记" not in full
    assert not Case.objects.exists()


def test_register_refuses_a_bad_identifier_and_creates_nothing(world: World) -> None:
    clerk = client_for(world, "chuangkou")
    bad = register_data(world, applicant_id_number="91371681MA3CBH0A1X")
    response = clerk.post(reverse("cases:window_register"), bad)
    assert response.status_code == 422
    html = response.content.decode()
    assert "未能登记" in html
    assert "统一社会信用代码" in html
    assert not Case.objects.exists()
    # Missing answers and a ticked material without a count are named too.
    data = register_data(world)
    del data[next(k for k in data if k.startswith("situation_"))]
    html = clerk.post(reverse("cases:window_register"), data).content.decode()
    assert "请回答办理情形：是否属于按照规定应当委托监理的工程？" in html
    data = register_data(world)
    ticked = next(k for k in data if k.endswith("_originals"))
    data[ticked] = "0"
    data[ticked.replace("_originals", "_copies")] = "0"
    html = clerk.post(reverse("cases:window_register"), data).content.decode()
    assert "已勾选收取，请填写原件或复印件份数" in html
    assert not Case.objects.exists()


def test_unknown_item_on_register_is_a_clear_404(world: World) -> None:
    clerk = client_for(world, "chuangkou")
    response = clerk.get(reverse("cases:window_register"), {"item": "999999"})
    assert response.status_code == 404
    assert "所选事项不存在或已停止施行" in response.content.decode()
    assert clerk.get(reverse("cases:window_register"), {"item": "abc"}).status_code == 404


# -- refusals in Chinese ---------------------------------------------------------------------


def test_correction_without_items_is_refused_then_issued(world: World) -> None:
    case = register(world)
    clerk = client_for(world, "chuangkou")
    response = act(clerk, case, "request_correction", items="  \n ")
    assert response.status_code == 422
    assert "补正告知须一次性列明需要补正的全部材料和内容" in response.content.decode()
    assert fresh(case).state == "received"
    assert not CorrectionRequest.objects.exists()
    response = act(
        clerk,
        case,
        "request_correction",
        picks=["施工图设计文件审查合格书"],
        items="施工合同缺少签章页\n施工图设计文件审查合格书",
    )
    assert response.status_code == 302
    notice = CorrectionRequest.objects.get(case=case)
    assert notice.items == ["施工图设计文件审查合格书", "施工合同缺少签章页"]
    assert fresh(case).state == "correction_requested"
    page = assert_panel_matches_core(world, "chuangkou", case)
    assert notice.notice_number in page


def test_refusal_without_the_rights_notice_is_refused(world: World) -> None:
    case = accepted(world)
    fire = task_of(case, "xiaofang", world)
    review_task_decide(
        task=fire, actor=world.user("xiaofang"), approve=False, opinion="消防车道宽度不足"
    )
    approver = client_for(world, "shenpi")
    page = assert_panel_matches_core(world, "shenpi", case)
    assert 'id="action-decide_approve"' not in page  # a rejection allows only a refusal
    response = act(approver, case, "decide_reject", reason="消防条件不符")
    assert response.status_code == 422
    assert "不予许可决定须告知申请人依法申请行政复议或者提起行政诉讼的权利" in (
        response.content.decode()
    )
    assert fresh(case).state == "in_progress"
    response = act(approver, case, "decide_reject", reason="消防条件不符", rights_notified="on")
    assert response.status_code == 302
    assert fresh(case).state == "decided_rejected"


def test_post_delivery_needs_a_tracking_number(world: World) -> None:
    case = accepted(world)
    for name in REVIEWERS:
        review_task_decide(
            task=task_of(case, name, world), actor=world.user(name), approve=True, opinion="同意"
        )
    approver = client_for(world, "shenpi")
    assert act(approver, fresh(case), "decide_approve").status_code == 302
    clerk = client_for(world, "chuangkou")
    response = act(clerk, case, "start_delivery", method="post", tracking_number=" ")
    assert response.status_code == 422
    assert "邮寄送达须填写物流单号" in response.content.decode()
    assert fresh(case).state == "decided_approved"
    response = act(clerk, case, "start_delivery", method="post", tracking_number="SF1234567890")
    assert response.status_code == 302
    assert fresh(case).tracking_number == "SF1234567890"


def test_tolerant_acceptance_lists_the_missing_materials(world: World) -> None:
    clerk = client_for(world, "chuangkou")
    data = register_data(world, skip=("工程质量安全承诺书",))
    clerk.post(reverse("cases:window_register"), data)
    case = Case.objects.get()
    page = clerk.get(case_url(case)).content.decode()
    assert "以下非关键材料尚未收齐" in page and "工程质量安全承诺书" in page
    response = act(clerk, case, "accept", tolerant="on")
    assert response.status_code == 422
    assert "容缺受理须申请人签署《容缺受理承诺书》" in response.content.decode()
    assert fresh(case).state == "received"
    assert act(clerk, case, "accept", tolerant="on", has_commitment_letter="on").status_code == 302
    case = fresh(case)
    assert case.state == "in_progress" and case.accepted_with_tolerance
    assert case.materials.get(name="工程质量安全承诺书").status == "deferred"


def test_reviewer_starts_and_ends_a_special_procedure_on_the_review_page(world: World) -> None:
    case = accepted(world)
    task = task_of(case, "zhujian", world)
    reviewer = client_for(world, "zhujian")
    url = reverse("cases:review_task", args=[task.pk])
    page = reviewer.get(url).content.decode()
    assert 'id="action-start_special_procedure"' in page
    bad = reviewer.post(
        url,
        {
            "command": "start_special_procedure",
            "row_version": str(fresh(case).row_version),
            "kind": "expert_review",
            "reason": "",
            "planned_working_days": "5",
        },
    )
    assert bad.status_code == 422
    assert "请填写理由" in bad.content.decode()
    started = reviewer.post(
        url,
        {
            "command": "start_special_procedure",
            "row_version": str(fresh(case).row_version),
            "kind": "expert_review",
            "reason": "超限高层建筑须专家评审",
            "planned_working_days": "5",
        },
    )
    assert started.status_code == 302
    assert fresh(case).state == "special_procedure"
    page = reviewer.get(url).content.decode()
    assert 'id="action-review"' not in page  # no review while the clock is paused
    assert 'id="action-end_special_procedure"' in page
    ended = reviewer.post(
        url,
        {
            "command": "end_special_procedure",
            "row_version": str(fresh(case).row_version),
            "result": "专家评审通过",
        },
    )
    assert ended.status_code == 302
    assert fresh(case).state == "in_progress"


def test_a_rejection_without_opinion_is_refused_on_the_review_page(world: World) -> None:
    case = accepted(world)
    task = task_of(case, "ziran", world)
    reviewer = client_for(world, "ziran")
    url = reverse("cases:review_task", args=[task.pk])
    response = reviewer.post(
        url,
        {"command": "review", "row_version": str(task.row_version), "decision": "reject"},
    )
    assert response.status_code == 422
    assert "审查意见" in response.content.decode()
    assert ReviewTask.objects.get(pk=task.pk).state == "pending"


# -- stale pages -----------------------------------------------------------------------------


def test_a_stale_page_shows_the_conflict_and_changes_nothing(world: World) -> None:
    case = register(world)
    seen = case.row_version
    clerk = client_for(world, "chuangkou")
    other = client_for(world, "chuangkou")
    assert other.post(case_url(case), {"command": "accept", "row_version": seen}).status_code == 302
    events = CaseEvent.objects.filter(case=case).count()
    # The first page is stale now: any action from it is refused with the conflict message.
    response = clerk.post(
        case_url(case), {"command": "start_delivery", "row_version": seen, "method": "window"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "该办件已被他人处理（页面内容已过期），请刷新后查看最新状态" in html
    assert f'name="row_version" value="{fresh(case).row_version}"' in html  # fresh forms
    assert CaseEvent.objects.filter(case=case).count() == events
    assert fresh(case).state == "in_progress"
    # A page without row_version is refused as well.
    response = clerk.post(case_url(case), {"command": "extend", "working_days": "3"})
    assert response.status_code == 422
    assert "页面数据不完整" in response.content.decode()


def test_a_stale_review_page_shows_the_conflict(world: World) -> None:
    case = accepted(world)
    task = task_of(case, "zhujian", world)
    seen = task.row_version
    reviewer = client_for(world, "zhujian")
    url = reverse("cases:review_task", args=[task.pk])
    first = {"command": "review", "row_version": seen, "decision": "approve", "opinion": "同意"}
    assert reviewer.post(url, first).status_code == 302
    second = {**first, "decision": "reject", "opinion": "不同意"}
    response = reviewer.post(url, second)
    assert response.status_code == 409
    assert "该审查任务已被他人处理" in response.content.decode()
    assert ReviewTask.objects.get(pk=task.pk).state == "approved"


def test_unknown_command_is_a_clear_message(world: World) -> None:
    case = register(world)
    response = client_for(world, "chuangkou").post(
        case_url(case), {"command": "drop_table", "row_version": "0"}
    )
    assert response.status_code == 400
    assert "无法识别的操作" in response.content.decode()


# -- who may see what ------------------------------------------------------------------------

ACCOUNTS = (
    "zhangsan",
    "qiye",
    "chuangkou",
    "zhujian",
    "ziran",
    "xiaofang",
    "shenpi",
    "lingdao",
    "bangban",
)
CENTRE_STAFF = {"chuangkou", "shenpi", "lingdao"}


@pytest.fixture
def uploaded(world: World, settings: Any, tmp_path: Any) -> tuple[Case, CaseMaterial]:
    settings.MEDIA_ROOT = tmp_path
    case = accepted(world)
    row = case.materials.get(name="工程质量安全承诺书")
    upload = SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf")
    row = case_material_upload(
        case=case, material_id=row.pk, upload=upload, actor=world.user("chuangkou")
    )
    return fresh(case), row


def test_permission_matrix_of_every_staff_url(
    world: World, uploaded: tuple[Case, CaseMaterial]
) -> None:
    case, row = uploaded
    housing_task = task_of(case, "zhujian", world)
    matrix = {
        reverse("cases:window_queue"): {"chuangkou"},
        reverse("cases:window_register"): {"chuangkou"},
        case_url(case): CENTRE_STAFF | set(REVIEWERS),
        reverse("cases:material_file", args=[case.number, row.pk]): CENTRE_STAFF
        | set(REVIEWERS)
        | {"qiye"},  # the applicant company's own case
        reverse("cases:review_queue"): set(REVIEWERS),
        reverse("cases:review_task", args=[housing_task.pk]): {"zhujian"},
        reverse("cases:approver_queue"): {"shenpi"},
    }
    login = reverse("accounts:login")
    for url, allowed in matrix.items():
        for name in ACCOUNTS:
            status = client_for(world, name).get(url).status_code
            assert status == (200 if name in allowed else 404), (url, name, status)
        anonymous = client_for(world, None).get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(login), url


def test_posting_without_the_role_changes_nothing(world: World) -> None:
    case = register(world)
    for name in ("zhangsan", "qiye", "zhujian", "bangban"):
        response = act(client_for(world, name), case, "accept")
        assert response.status_code == 404, name
    # The leader sees the case, but the core offers the leader no command and refuses one.
    assert_panel_matches_core(world, "lingdao", case)
    response = act(client_for(world, "lingdao"), case, "accept")
    assert response.status_code == 422
    assert "「受理」须由窗口人员办理" in response.content.decode()
    assert fresh(case).state == "received"


def test_a_reviewer_of_another_department_gets_404_on_a_task(world: World) -> None:
    case = accepted(world)
    task = task_of(case, "zhujian", world)
    url = reverse("cases:review_task", args=[task.pk])
    fire = client_for(world, "xiaofang")
    assert fire.get(url).status_code == 404
    response = fire.post(
        url,
        {"command": "review", "row_version": task.row_version, "decision": "approve"},
    )
    assert response.status_code == 404
    assert ReviewTask.objects.get(pk=task.pk).state == "pending"
    assert (
        client_for(world, "zhujian").get(reverse("cases:review_task", args=[99999])).status_code
        == 404
    )


def test_material_files_only_through_access(
    world: World, uploaded: tuple[Case, CaseMaterial]
) -> None:
    case, row = uploaded
    url = reverse("cases:material_file", args=[case.number, row.pk])
    page = client_for(world, "chuangkou").get(case_url(case)).content.decode()
    assert url in page
    assert row.file.url not in page  # never the public media URL
    download = client_for(world, "qiye").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert client_for(world, "zhangsan").get(url).status_code == 404
    other_row = case.materials.exclude(pk=row.pk).first()
    assert other_row is not None
    no_file = reverse("cases:material_file", args=[case.number, other_row.pk])
    assert client_for(world, "chuangkou").get(no_file).status_code == 404
    missing_case = reverse("cases:material_file", args=["37168120990101000001", row.pk])
    assert client_for(world, "chuangkou").get(missing_case).status_code == 404


# -- queues ----------------------------------------------------------------------------------


def test_window_queue_warns_before_the_correction_deadline_lapses(
    world: World, frozen: Any
) -> None:
    case = register(world)
    clerk = client_for(world, "chuangkou")
    assert "即将到期" not in clerk.get(reverse("cases:window_queue")).content.decode()
    frozen.move_to(dt.datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI))  # one working day left
    clerk = client_for(world, "chuangkou")  # days later: a new login (sessions end)
    assert "即将到期" in clerk.get(reverse("cases:window_queue")).content.decode()
    frozen.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))  # deadline was 12-04
    clerk = client_for(world, "chuangkou")
    html = clerk.get(reverse("cases:window_queue")).content.decode()
    assert case.number in html and "已逾期" in html


def test_review_queue_filters_and_bounded_queries(world: World) -> None:
    first = accepted(world)
    reviewer = client_for(world, "zhujian")
    url = reverse("cases:review_queue")
    reviewer.get(url)  # warm the calendar cache and the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = reviewer.get(url)
        assert response.status_code == 200
        return len(queries)

    one = count()
    cases = [first] + [accepted(world) for _ in range(19)]
    # Pauses and extensions are what the lights need: they must be prefetched, not per row.
    case_start_special_procedure(
        case=cases[3],
        actor=world.user("shenpi"),
        kind="hearing",
        reason="依申请举行听证",
        planned_working_days=10,
    )
    case_extend(case=cases[5], actor=world.user("shenpi"), working_days=3, reason="情况复杂")
    assert ReviewTask.objects.filter(department=world.user("zhujian").department).count() == 20
    twenty = count()
    assert twenty == one
    # Items, the lights' values, pauses, extensions, the page's tasks + session/auth reads.
    assert twenty <= 11
    html = reviewer.get(url).content.decode()
    assert all(c.number in html for c in cases)
    grey = reviewer.get(url, {"light": "grey"}).content.decode()
    assert cases[3].number in grey and cases[4].number not in grey
    assert "没有符合筛选条件的待办" in reviewer.get(url, {"light": "red"}).content.decode()
    assert "时限状态参数无效" in reviewer.get(url, {"light": "purple"}).content.decode()
    assert "事项参数无效" in reviewer.get(url, {"item": "x"}).content.decode()
    by_item = reviewer.get(url, {"item": world.permit.item_id}).content.decode()
    assert cases[0].number in by_item


def test_approver_queue_marks_cases_waiting_for_a_decision(world: World) -> None:
    waiting = accepted(world)
    ready = accepted(world)
    for name in REVIEWERS:
        review_task_decide(
            task=task_of(ready, name, world), actor=world.user(name), approve=True, opinion="同意"
        )
    html = client_for(world, "shenpi").get(reverse("cases:approver_queue")).content.decode()
    assert html.index(ready.number) < html.index(waiting.number)  # 待决定 first
    only = client_for(world, "shenpi").get(reverse("cases:approver_queue"), {"ready": "1"})
    assert ready.number in only.content.decode()
    assert waiting.number not in only.content.decode()


def test_staff_reads_of_a_case_and_its_files_are_audited(world: World) -> None:
    from banhao.audit.models import AuditEntry

    case = register(world)
    client = client_for(world, "chuangkou")
    assert client.get(case_url(case)).status_code == 200
    entry = AuditEntry.objects.filter(action="cases.staff_view").latest("seq")
    assert entry.actor_label == "chuangkou"
    assert entry.details == {"number": case.number}
