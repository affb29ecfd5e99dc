"""The applicant's pages: 在线申请 → 上传材料 → 提交申报, 补正, 撤回, 我的办件 — through the web,
with every bad input answered in Chinese on the page and nothing created or changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from banhao.cases.models import Case, CaseMaterial, CorrectionRequest, ReviewTask
from banhao.cases.services import (
    ReceivedMaterial,
    case_accept,
    case_create_draft,
    case_decide,
    case_receive,
    case_register_at_window,
    case_request_correction,
    case_submit,
    materials_for,
    review_task_decide,
)
from banhao.catalog.models import ServiceItemVersion
from banhao.security.testing import login_staff

from .conftest import COMPANY_CODE, CONSTRUCTION_PERMIT, World, company_applicant
from .test_services import PDF, upload_all

PERSON_ID = "11010519491231002X"
BAD_PERSON_ID = "110105194912310021"  # wrong check digit


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def login(world: World, username: str) -> Client:
    client = Client()
    login_staff(client, world.user(username))  # force_login; staff also pass the second factor
    return client


def situations(world: World) -> list[tuple[str, list[str]]]:
    """[(situation id, [option ids])] of the construction permit, in order."""
    return [
        (str(s.pk), [str(o.pk) for o in s.options.all()])
        for s in world.permit.situations.all().order_by("sort_order", "id")
    ]


def answers(world: World) -> dict[str, str]:
    """监理: 否 (second option); 委托: 本人办理 (first option)."""
    (first, first_options), (second, second_options) = situations(world)
    return {first: first_options[1], second: second_options[0]}


def apply_post(world: World, **overrides: str) -> dict[str, str]:
    data = {f"situation_{k}": v for k, v in answers(world).items()}
    data |= {
        "applicant_name": "邹平市鲁信建设工程有限公司",
        "contact_name": "刘经理",
        "contact_phone": "13805431234",
        "address": "邹平市黛溪街道",
    }
    data |= overrides
    return {k: v for k, v in data.items() if v is not None}


def text(response: Any) -> str:
    return str(response.content.decode())


def draft(world: World, username: str = "qiye") -> Case:
    return case_create_draft(
        actor=world.user(username),
        item_version=world.permit,
        service_centre=world.centre,
        applicant=company_applicant(),
        situation_answers=answers(world),
    )


def submitted(world: World) -> Case:
    case = draft(world)
    upload_all(case, world)
    return case_submit(case=case, actor=world.user("qiye"))


def case_url(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.number])


def action_url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", args=[case.number])


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# -- the full flow ----------------------------------------------------------------------------


def test_company_applies_uploads_every_material_and_submits(world: World) -> None:
    client = login(world, "qiye")
    url = reverse("cases:apply", args=[CONSTRUCTION_PERMIT])
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "是否属于按照规定应当委托监理的工程？" in body
    assert "邹平市鲁信建设工程有限公司" in body  # prefilled from the account
    assert COMPANY_CODE in body

    # The code comes from the account even if the page is tampered with.
    response = client.post(url, apply_post(world, applicant_id_number="91350100M000100Y43"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == case_url(case)
    assert case.state == "draft"
    assert case.applicant == world.user("qiye")
    assert case.applicant_kind == "company"
    assert case.organisation_code == COMPANY_CODE

    page = client.get(case_url(case))
    body = text(page)
    assert page.status_code == 200
    # Exactly the materials that apply: no 监理合同 (否), no power of attorney (本人办理).
    assert "施工合同及中标通知书" in body
    assert "监理合同" not in body
    assert "授权委托书" not in body
    assert "免交（由电子证照库调取）" in body
    assert "建设工程规划许可证" in body
    assert 'name="row_version"' in body
    assert "提交申报" in body

    for row in case.materials.filter(status=CaseMaterial.Status.MISSING):
        case.refresh_from_db()
        response = client.post(
            reverse("cases:material_upload", args=[case.number, row.pk]),
            {"row_version": case.row_version, "file": pdf()},
        )
        assert response.status_code == 302, text(response)
    assert not case.materials.filter(status=CaseMaterial.Status.MISSING).exists()

    case.refresh_from_db()
    response = client.post(
        action_url("submit", case),
        {
            "row_version": case.row_version,
            "project_name": "鲁信科技园1号厂房",
            "description": "新建厂房一栋",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "submitted"
    assert case.form_data["project_name"] == "鲁信科技园1号厂房"

    body = text(client.get(case_url(case), follow=True))
    assert "已申报" in body
    assert "鲁信科技园1号厂房" in body
    assert "网上申报" in body  # the timeline
    assert "2026-11-27 09:30" in body  # bureau time (Asia/Shanghai), not UTC
    assert "尚未受理" in body  # the clock has not started
    assert "撤回申请" in body


def test_a_person_applies_with_a_checked_resident_id(world: World) -> None:
    client = login(world, "zhangsan")
    url = reverse("cases:apply", args=[CONSTRUCTION_PERMIT])
    assert "身份证号" in text(client.get(url))
    response = client.post(
        url, apply_post(world, applicant_name="张三", applicant_id_number=BAD_PERSON_ID)
    )
    assert response.status_code == 422
    assert "身份证号校验位不正确" in text(response)
    assert Case.objects.count() == 0

    response = client.post(
        url, apply_post(world, applicant_name="张三", applicant_id_number=PERSON_ID)
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.applicant_kind, case.applicant_id_type) == ("person", "111")
    body = text(client.get(case_url(case)))
    assert PERSON_ID not in body  # shown masked
    assert "110105********002X" in body  # banhao.privacy.masking.mask_id_number


# -- bad inputs -------------------------------------------------------------------------------


def test_unanswered_situation_is_named_and_creates_nothing(world: World) -> None:
    client = login(world, "qiye")
    (_first, _), (second, _) = situations(world)
    data = apply_post(world)
    del data[f"situation_{second}"]
    response = client.post(reverse("cases:apply", args=[CONSTRUCTION_PERMIT]), data)
    assert response.status_code == 422
    body = text(response)
    assert "请回答办理情形：" in body
    assert "还有 1 个办理情形未回答" in body
    assert Case.objects.count() == 0


def test_an_option_of_another_question_is_refused(world: World) -> None:
    client = login(world, "qiye")
    (_first, first_options), (second, _) = situations(world)
    data = apply_post(world) | {f"situation_{second}": first_options[0]}
    response = client.post(reverse("cases:apply", args=[CONSTRUCTION_PERMIT]), data)
    assert response.status_code == 422
    assert "所选选项无效" in text(response)
    assert Case.objects.count() == 0


def test_bad_phone_is_shown_next_to_the_field(world: World) -> None:
    client = login(world, "qiye")
    response = client.post(
        reverse("cases:apply", args=[CONSTRUCTION_PERMIT]), apply_post(world, contact_phone="123")
    )
    assert response.status_code == 422
    assert "联系电话格式不正确" in text(response)
    assert Case.objects.count() == 0


def test_unknown_or_unpublished_items_cannot_be_applied_for(world: World) -> None:
    client = login(world, "qiye")
    response = client.get(reverse("cases:apply", args=["371681-XX-9999"]))
    assert response.status_code == 404
    assert "未发布或已停止施行" in text(response)
    other = ServiceItemVersion.objects.exclude(pk=world.permit.pk).filter(state="published")
    version = other.first()
    assert version is not None
    other.filter(item=version.item).update(state="draft")
    response = client.post(
        reverse("cases:apply", args=[version.item.code]), {"contact_name": "刘经理"}
    )
    assert response.status_code == 404
    assert "暂不能在线申请" in text(response)
    assert Case.objects.count() == 0


def test_wrong_file_type_is_refused_next_to_its_material(world: World) -> None:
    case = draft(world)
    client = login(world, "qiye")
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    url = reverse("cases:material_upload", args=[case.number, row.pk])
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"row_version": case.row_version, "file": fake})
    assert response.status_code == 422
    assert "文件类型不支持" in text(response)
    assert f'id="material-{row.pk}" class=" flagged"' in text(response)
    response = client.post(url, {"row_version": case.row_version})
    assert response.status_code == 422
    assert "请选择要上传的文件" in text(response)
    row.refresh_from_db()
    assert row.status == CaseMaterial.Status.MISSING and not row.file


def test_submit_with_a_missing_material_lists_it_and_changes_nothing(world: World) -> None:
    case = draft(world)
    upload_all(case, world, skip=("施工合同及中标通知书",))
    case.refresh_from_db()
    version, form_data = case.row_version, dict(case.form_data)
    client = login(world, "qiye")
    response = client.post(
        action_url("submit", case),
        {"row_version": case.row_version, "project_name": "不该被保存"},
    )
    assert response.status_code == 422
    body = text(response)
    assert "以下必要材料尚未上传：施工合同及中标通知书" in body
    assert "此项为必要材料，请上传后再提交" in body
    assert "不该被保存" in body  # the typed text is kept on the form…
    case.refresh_from_db()
    assert case.state == "draft"
    assert (case.row_version, case.form_data) == (version, form_data)  # …but not stored


def test_saving_the_draft_form_and_its_length_limits(world: World) -> None:
    case = draft(world)
    client = login(world, "qiye")
    response = client.post(
        action_url("draft_save", case),
        {"row_version": case.row_version, "project_name": "甲" * 201},
    )
    assert response.status_code == 422
    assert "项目名称不能超过 200 个字" in text(response)
    response = client.post(
        action_url("draft_save", case),
        {"row_version": case.row_version, "project_name": "鲁信科技园", "project_code": "X-1"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.form_data["project_name"] == "鲁信科技园"
    assert case.state == "draft"


def test_a_stale_page_gets_the_conflict_message(world: World) -> None:
    case = draft(world)
    client = login(world, "qiye")
    seen = case.row_version
    first = client.post(
        action_url("draft_save", case), {"row_version": seen, "project_name": "第一次"}
    )
    assert first.status_code == 302
    response = client.post(
        action_url("draft_save", case), {"row_version": seen, "project_name": "旧页面"}
    )
    assert response.status_code == 409
    assert "已被他人处理（页面内容已过期）" in text(response)
    case.refresh_from_db()
    assert case.form_data["project_name"] == "第一次"

    # The window receives the case while the applicant's page still offers 撤回.
    case = submitted(world)
    seen = case.row_version
    case_receive(case=case, actor=world.user("chuangkou"))
    response = client.post(action_url("withdraw", case), {"row_version": seen, "reason": "不办了"})
    assert response.status_code == 409
    assert "已被他人处理" in text(response)
    case.refresh_from_db()
    assert case.state == "received"

    contract = case.materials.get(name="施工合同及中标通知书")
    response = client.post(
        reverse("cases:material_upload", args=[case.number, contract.pk]),
        {"row_version": seen, "file": pdf()},
    )
    assert response.status_code == 409
    assert "已被他人处理" in text(response)

    response = client.post(action_url("withdraw", case), {"row_version": "abc", "reason": "x"})
    assert response.status_code == 422
    assert "页面已过期，请刷新后重试" in text(response)


# -- who may see and act ----------------------------------------------------------------------


def test_another_applicant_gets_404_on_the_page_and_every_action(world: World) -> None:
    case = draft(world)
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    other = login(world, "zhangsan")
    assert other.get(case_url(case)).status_code == 404
    posts: list[tuple[str, dict[str, Any]]] = [
        (action_url("draft_save", case), {"project_name": "x"}),
        (action_url("submit", case), {"project_name": "x"}),
        (reverse("cases:material_upload", args=[case.number, row.pk]), {"file": pdf()}),
        (action_url("resubmit", case), {}),
        (action_url("withdraw", case), {"reason": "x"}),
    ]
    for url, data in posts:
        response = other.post(url, {"row_version": case.row_version, **data})
        assert response.status_code == 404, url
        assert "找不到该办件" in text(response)
    assert other.get(reverse("cases:case_detail", args=["99999999999999999999"])).status_code == 404
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.row_version, fresh.form_data) == ("draft", case.row_version, {})
    row.refresh_from_db()
    assert not row.file


def test_anonymous_users_are_sent_to_login(world: World) -> None:
    case = draft(world)
    client = Client()
    login_url = reverse("accounts:login")
    for response in (
        client.get(reverse("cases:my_cases")),
        client.get(case_url(case)),
        client.get(reverse("cases:apply", args=[CONSTRUCTION_PERMIT])),
        client.post(action_url("submit", case), {"row_version": case.row_version}),
        client.post(action_url("withdraw", case), {"row_version": case.row_version}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(login_url + "?next=")
    assert Case.objects.get(pk=case.pk).state == "draft"


def test_actions_need_post(world: World) -> None:
    case = draft(world)
    client = login(world, "qiye")
    assert client.get(action_url("submit", case)).status_code == 405


# -- 撤回, 补正, progress -------------------------------------------------------------------------


def test_withdraw_needs_a_reason_and_then_the_button_disappears(world: World) -> None:
    case = submitted(world)
    client = login(world, "qiye")
    withdraw = action_url("withdraw", case)
    assert withdraw in text(client.get(case_url(case)))
    response = client.post(withdraw, {"row_version": case.row_version, "reason": "  "})
    assert response.status_code == 422
    assert "请填写撤回理由" in text(response)
    assert Case.objects.get(pk=case.pk).state == "submitted"

    response = client.post(withdraw, {"row_version": case.row_version, "reason": "项目暂缓"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "withdrawn"
    body = text(client.get(case_url(case)))
    assert withdraw not in body
    assert "已撤回" in body and "项目暂缓" in body


def test_correction_round_trip_from_the_applicant_side(world: World) -> None:
    case = submitted(world)
    case = case_receive(case=case, actor=world.user("chuangkou"))
    case = case_request_correction(
        case=case, actor=world.user("chuangkou"), items=["施工合同缺少骑缝章", "照片不清晰"]
    )
    client = login(world, "qiye")
    body = text(client.get(case_url(case)))
    assert "补正告知" in body
    assert "施工合同缺少骑缝章" in body and "照片不清晰" in body
    notice = CorrectionRequest.objects.get(case=case)
    assert notice.notice_number in body
    assert "提交补正" in body

    contract = case.materials.get(name="施工合同及中标通知书")
    response = client.post(
        reverse("cases:material_upload", args=[case.number, contract.pk]),
        {"row_version": case.row_version, "file": pdf("合同（盖章）.pdf")},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.original_filename == "合同（盖章）.pdf"

    response = client.post(action_url("resubmit", case), {"row_version": case.row_version})
    assert response.status_code == 302
    case.refresh_from_db()
    notice.refresh_from_db()
    assert case.state == "received"
    assert notice.resolved_at is not None
    body = text(client.get(case_url(case)))
    assert action_url("resubmit", case) not in body
    assert "一次性告知补正" in body and "提交补正材料" in body  # the timeline keeps both


def _accepted_online(world: World) -> Case:
    case = submitted(world)
    case = case_receive(case=case, actor=world.user("chuangkou"))
    return case_accept(case=case, actor=world.user("chuangkou"))


def test_review_opinions_reach_the_applicant_with_the_decision(world: World) -> None:
    case = _accepted_online(world)
    client = login(world, "qiye")
    body = text(client.get(case_url(case)))
    assert "办理中" in body
    assert case.acceptance_number in body
    assert "2026-11-30" in body  # promised due: 1 working day after Friday's acceptance
    assert "2026-12-08" in body  # legal due
    assert "剩余时间" in body
    assert "住房和城乡建设局" in body and "待审查" in body

    tasks = {t.department.name: t for t in ReviewTask.objects.filter(case=case)}
    review_task_decide(
        task=tasks["住房和城乡建设局"],
        actor=world.user("zhujian"),
        approve=True,
        opinion="施工图审查合格，内部意见",
    )
    body = text(client.get(case_url(case)))
    assert "同意" in body
    assert "施工图审查合格，内部意见" not in body  # neither in progress nor in the timeline

    for name, reviewer in (("自然资源和规划局", "ziran"), ("消防救援大队", "xiaofang")):
        review_task_decide(
            task=tasks[name], actor=world.user(reviewer), approve=True, opinion="同意"
        )
    case_decide(
        case=Case.objects.get(pk=case.pk),
        actor=world.user("shenpi"),
        approve=True,
        reason="符合条件",
    )
    body = text(client.get(case_url(case)))
    assert "准予许可" in body and "符合条件" in body
    assert "施工图审查合格，内部意见" in body
    assert "已停止计时" in body


# -- 我的办件 -----------------------------------------------------------------------------------


def _window_case(world: World) -> Case:
    """A walk-in case of the company (no applicant account, the company's code)."""
    received = [
        ReceivedMaterial(material_id=m.pk, originals=1)
        for m in materials_for(world.permit, answers(world))
        if m.necessity in ("required", "deferrable")
    ]
    return case_register_at_window(
        actor=world.user("chuangkou"),
        item_version=world.permit,
        applicant=company_applicant(),
        situation_answers=answers(world),
        received=received,
    )


def test_my_cases_lists_only_own_cases_with_filters(world: World) -> None:
    own_draft = draft(world)
    own_submitted = submitted(world)
    walk_in = case_accept(case=_window_case(world), actor=world.user("chuangkou"))
    client = login(world, "zhangsan")
    empty = text(client.get(reverse("cases:my_cases")))
    assert "您还没有办件" in empty
    for case in (own_draft, own_submitted, walk_in):
        assert case.number not in empty

    client = login(world, "qiye")
    body = text(client.get(reverse("cases:my_cases")))
    for case in (own_draft, own_submitted, walk_in):
        assert case.number in body
    # Newest first.
    assert body.index(walk_in.number) < body.index(own_submitted.number)
    assert body.index(own_submitted.number) < body.index(own_draft.number)
    assert "2026-11-30" in body  # the accepted case's promised due, with its light
    assert "badge light yellow" in body  # 1 working day left of a 1-day promise: 预警

    drafts = text(client.get(reverse("cases:my_cases"), {"group": "draft"}))
    assert own_draft.number in drafts and own_submitted.number not in drafts
    running = text(client.get(reverse("cases:my_cases"), {"group": "open"}))
    assert own_submitted.number in running and walk_in.number in running
    assert own_draft.number not in running
    done = text(client.get(reverse("cases:my_cases"), {"group": "done"}))
    assert "没有“已办结”的办件" in done
    # Junk filter and page values are ignored, not errors.
    assert client.get(reverse("cases:my_cases"), {"group": "x", "page": "abc"}).status_code == 200

    # The company sees the walk-in case of its code and may view it.
    assert client.get(case_url(walk_in)).status_code == 200


def test_my_cases_is_paginated_with_bounded_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(20):
        draft(world)
    for _ in range(5):
        case_accept(case=_window_case(world), actor=world.user("chuangkou"))
    client = login(world, "qiye")
    url = reverse("cases:my_cases")
    client.get(url)  # warm the calendar cache
    with django_assert_max_num_queries(10):
        first = client.get(url)
    body = text(first)
    assert body.count('class="number"') == 20
    assert "第 1 / 2 页，共 25 件" in body
    with django_assert_max_num_queries(10):
        second = client.get(url, {"page": 2})
    assert text(second).count('class="number"') == 5


def test_staff_who_may_see_a_case_get_the_page_read_only(world: World) -> None:
    case = submitted(world)
    clerk = login(world, "chuangkou")
    response = clerk.get(case_url(case))
    assert response.status_code == 200
    body = text(response)
    assert "只有申请人可以办理操作" in body
    assert action_url("withdraw", case) not in body
    response = clerk.post(
        action_url("withdraw", case), {"row_version": case.row_version, "reason": "x"}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == "submitted"
