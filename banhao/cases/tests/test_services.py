"""Services of the case spine: online path, 补正, 容缺, 特别程序, 延长审批, withdrawal, uploads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banhao.cases.models import Case, CaseMaterial, CorrectionRequest
from banhao.cases.services import (
    ApplicantData,
    case_accept,
    case_create_draft,
    case_end_special_procedure,
    case_extend,
    case_material_upload,
    case_receive,
    case_refuse_acceptance,
    case_register_at_window,
    case_request_correction,
    case_resubmit,
    case_start_special_procedure,
    case_submit,
    case_withdraw,
    materials_for,
)
from banhao.shared.errors import Conflict, ValidationFailed

from .conftest import SHANGHAI, World, company_applicant, permit_answers

#: The smallest well-formed PDF: one blank A4 page (uploads are parsed, see cases.uploads).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n"
    b"0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def answers(world: World) -> dict[str, str]:
    """No supervision contract needed, applying in person."""
    return permit_answers(world.permit, supervised=False, agent=False)


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def online_draft(world: World) -> Case:
    return case_create_draft(
        actor=world.user("qiye"),
        item_version=world.permit,
        service_centre=world.centre,
        applicant=company_applicant(),
        situation_answers=answers(world),
    )


def upload_all(case: Case, world: World, *, skip: tuple[str, ...] = ()) -> None:
    for row in case.materials.filter(status=CaseMaterial.Status.MISSING):
        if row.name in skip:
            continue
        case_material_upload(case=case, material_id=row.pk, upload=pdf(), actor=world.user("qiye"))


def test_online_application_submitted_received_and_accepted(world: World) -> None:
    case = online_draft(world)
    assert case.state == "draft"
    with pytest.raises(ValidationFailed) as missing:
        case_submit(case=case, actor=world.user("qiye"))
    assert missing.value.code == "materials_missing"
    assert "建筑工程施工许可证申请表" in missing.value.details["missing"]
    upload_all(case, world)
    case = case_submit(case=case, actor=world.user("qiye"))
    assert case.state == "submitted"
    case = case_receive(case=case, actor=world.user("chuangkou"))
    case = case_accept(case=case, actor=world.user("chuangkou"))
    assert case.state == "in_progress"


def test_applicants_cannot_act_on_others_cases(world: World) -> None:
    case = online_draft(world)
    upload_all(case, world)
    from banhao.shared.errors import NotFound

    with pytest.raises(NotFound):
        case_submit(case=case, actor=world.user("zhangsan"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "91371681MA3CBH0A1D", "校验位"),
        ("id_number", "123", "长度"),
        ("contact_phone", "12345", "联系电话"),
        ("name", "  ", "申请人名称"),
    ],
)
def test_bad_applicant_data_leaves_no_case(
    world: World, field: str, value: str, message: str
) -> None:
    data = company_applicant().__dict__ | {field: value}
    with pytest.raises(ValidationFailed, match=message):
        case_create_draft(
            actor=world.user("qiye"),
            item_version=world.permit,
            service_centre=world.centre,
            applicant=ApplicantData(**data),
            situation_answers=answers(world),
        )
    assert Case.objects.count() == 0


def test_a_person_applies_with_a_checked_resident_id(world: World) -> None:
    person = ApplicantData(
        kind="person",
        name="张三",
        id_number="11010519491231002X",
        contact_name="张三",
        contact_phone="13905431234",
    )
    case = case_create_draft(
        actor=world.user("zhangsan"),
        item_version=world.permit,
        service_centre=world.centre,
        applicant=person,
        situation_answers=answers(world),
    )
    assert case.applicant_id_type == "111"
    bad = ApplicantData(**(person.__dict__ | {"id_number": "110105194912310021"}))
    with pytest.raises(ValidationFailed, match="身份证号校验位"):
        case_create_draft(
            actor=world.user("zhangsan"),
            item_version=world.permit,
            service_centre=world.centre,
            applicant=bad,
            situation_answers=answers(world),
        )


def test_a_company_account_applies_only_for_its_own_code(world: World) -> None:
    other = ApplicantData(**(company_applicant().__dict__ | {"id_number": "91350100M000100Y43"}))
    with pytest.raises(ValidationFailed, match="本单位"):
        case_create_draft(
            actor=world.user("qiye"),
            item_version=world.permit,
            service_centre=world.centre,
            applicant=other,
            situation_answers=answers(world),
        )


def test_situation_answers_are_required_and_select_materials(world: World) -> None:
    full = permit_answers(world.permit, supervised=True, agent=True)
    first, second = list(full)
    with pytest.raises(ValidationFailed, match="请回答办理情形"):
        materials_for(world.permit, {first: full[first]})
    with pytest.raises(ValidationFailed, match="选项无效"):
        materials_for(world.permit, {first: full[first], second: full[first]})
    names = {m.name for m in materials_for(world.permit, full)}
    assert "监理合同" in names
    assert "授权委托书及受托人身份证明" in names


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "a.pdf", "upload_empty"),
        (b"MZ\x90\x00 not a pdf", "a.pdf", "upload_type"),
        (b"<html><script>", "a.png", "upload_type"),
    ],
)
def test_uploads_are_checked_by_content(world: World, content: bytes, name: str, code: str) -> None:
    case = online_draft(world)
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    with pytest.raises(ValidationFailed) as info:
        case_material_upload(
            case=case,
            material_id=row.pk,
            upload=SimpleUploadedFile(name, content),
            actor=world.user("qiye"),
        )
    assert info.value.code == code
    row.refresh_from_db()
    assert row.status == CaseMaterial.Status.MISSING and not row.file


def test_oversized_upload_is_refused(world: World, settings: Any) -> None:
    settings.BANHAO_MAX_UPLOAD_MB = 1
    case = online_draft(world)
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationFailed, match="不能超过 1 MB"):
        case_material_upload(case=case, material_id=row.pk, upload=big, actor=world.user("qiye"))


def test_correction_round_trip_is_one_time(world: World) -> None:
    case = online_draft(world)
    upload_all(case, world)
    case = case_submit(case=case, actor=world.user("qiye"))
    case = case_receive(case=case, actor=world.user("chuangkou"))
    with pytest.raises(ValidationFailed) as empty:
        case_request_correction(case=case, actor=world.user("chuangkou"), items=[" "])
    assert empty.value.code == "correction_items_required"
    case = case_request_correction(
        case=case, actor=world.user("chuangkou"), items=["施工合同缺少骑缝章", "现场照片不清晰"]
    )
    assert case.state == "correction_requested"
    notice = CorrectionRequest.objects.get(case=case)
    assert notice.items == ["施工合同缺少骑缝章", "现场照片不清晰"]
    case = case_resubmit(case=case, actor=world.user("qiye"))
    assert case.state == "received"
    with pytest.raises(ValidationFailed) as second:
        case_request_correction(case=case, actor=world.user("chuangkou"), items=["再补"])
    assert second.value.code == "correction_already_issued"
    case = case_refuse_acceptance(
        case=case,
        actor=world.user("chuangkou"),
        ground="not_corrected",
        reason="补正后仍不符合法定形式",
    )
    assert case.state == "not_accepted"


def test_tolerant_acceptance_defers_non_key_materials(world: World) -> None:
    received = [
        {"material_id": m.pk, "originals": 1}
        for m in materials_for(world.permit, answers(world))
        if m.necessity == "required"
    ]
    from banhao.cases.services import ReceivedMaterial

    case = case_register_at_window(
        actor=world.user("chuangkou"),
        item_version=world.permit,
        applicant=company_applicant(),
        situation_answers=answers(world),
        received=[ReceivedMaterial(**r) for r in received],
    )
    with pytest.raises(ValidationFailed) as plain:
        case_accept(case=case, actor=world.user("chuangkou"))
    assert plain.value.code == "materials_missing"
    with pytest.raises(ValidationFailed) as no_letter:
        case_accept(case=case, actor=world.user("chuangkou"), tolerant=True)
    assert no_letter.value.code == "commitment_letter_missing"
    case = case_accept(
        case=case, actor=world.user("chuangkou"), tolerant=True, has_commitment_letter=True
    )
    assert case.accepted_with_tolerance
    assert case.materials.filter(status=CaseMaterial.Status.DEFERRED).count() == 2


def accepted_case(world: World) -> Case:
    from banhao.cases.services import ReceivedMaterial

    received = [
        ReceivedMaterial(material_id=m.pk, originals=1)
        for m in materials_for(world.permit, answers(world))
        if m.necessity in ("required", "deferrable")
    ]
    case = case_register_at_window(
        actor=world.user("chuangkou"),
        item_version=world.permit,
        applicant=company_applicant(),
        situation_answers=answers(world),
        received=received,
    )
    return case_accept(case=case, actor=world.user("chuangkou"))


def test_special_procedure_pauses_the_clock_across_a_holiday(world: World, frozen: Any) -> None:
    """Accepted Fri 2026-09-25 (1 working day → Mon 09-28). An expert review from Mon 09-28
    to Fri 10-09 stops the clock over 国庆 (10-01..10-07 off; 10-10 Sat is a make-up day):
    the paused working days 09-28, 09-29, 09-30, 10-08, 10-09 push the due date to the first
    unpaused working day, Sat 2026-10-10."""
    frozen.move_to(dt.datetime(2026, 9, 25, 10, 0, tzinfo=SHANGHAI))
    case = accepted_case(world)
    assert case.promised_due == dt.date(2026, 9, 28)
    frozen.move_to(dt.datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(ValidationFailed):
        case_start_special_procedure(
            case=case,
            actor=world.user("zhujian"),
            kind="expert_review",
            reason=" ",
            planned_working_days=5,
        )
    case = case_start_special_procedure(
        case=case,
        actor=world.user("zhujian"),
        kind="expert_review",
        reason="结构安全专家论证",
        planned_working_days=5,
    )
    assert case.state == "special_procedure"
    frozen.move_to(dt.datetime(2026, 10, 9, 16, 0, tzinfo=SHANGHAI))
    case = case_end_special_procedure(case=case, actor=world.user("zhujian"), result="专家论证通过")
    assert case.state == "in_progress"
    assert case.promised_due == dt.date(2026, 10, 10)
    assert case.review_tasks.first().due == dt.date(2026, 10, 10)  # type: ignore[union-attr]


def test_extension_is_bounded_by_law(world: World) -> None:
    case = accepted_case(world)
    with pytest.raises(ValidationFailed) as reviewer:
        case_extend(case=case, actor=world.user("zhujian"), working_days=5, reason="复杂")
    assert reviewer.value.code == "role_not_allowed"
    case = case_extend(
        case=case, actor=world.user("shenpi"), working_days=6, reason="涉及多部门现场核查"
    )
    # Legal 7 working days from Fri 2026-11-27 = 12-08; +6 → 12-16.
    assert case.legal_due == dt.date(2026, 12, 16)
    with pytest.raises(ValidationFailed) as too_long:
        case_extend(case=case, actor=world.user("shenpi"), working_days=5, reason="再延长")
    assert too_long.value.code == "extension_exceeds_limit"


def test_withdraw_before_a_decision_and_stale_pages(world: World) -> None:
    case = online_draft(world)
    upload_all(case, world)
    case = case_submit(case=case, actor=world.user("qiye"))
    seen = case.row_version
    case_receive(case=case, actor=world.user("chuangkou"))
    with pytest.raises(Conflict, match="已被他人处理"):
        case_withdraw(case=case, actor=world.user("qiye"), reason="不再需要", expected_version=seen)
    case = case_withdraw(case=case, actor=world.user("qiye"), reason="不再需要")
    assert case.state == "withdrawn"
    with pytest.raises(Conflict):
        case_withdraw(case=case, actor=world.user("qiye"), reason="再次")


def test_the_applicant_is_notified_after_commit(world: World) -> None:
    from banhao.notifications.models import Notification

    case = online_draft(world)
    upload_all(case, world)
    case = case_submit(case=case, actor=world.user("qiye"))
    assert not Notification.objects.exists()  # the applicant's own action: no message
    case = case_receive(case=case, actor=world.user("chuangkou"))
    case = case_accept(case=case, actor=world.user("chuangkou"))
    titles = list(
        Notification.objects.filter(recipient=world.user("qiye"))
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert titles == ["申请已接件：建筑工程施工许可证核发", "申请已受理：建筑工程施工许可证核发"]


def test_only_the_applicant_side_changes_a_draft_or_its_files(world: World) -> None:
    from banhao.cases.services import case_update_draft
    from banhao.shared.errors import NotFound

    case = online_draft(world)
    row = case.materials.filter(status=CaseMaterial.Status.MISSING).first()
    assert row is not None
    for outsider in ("zhangsan", "zhujian", "shenpi"):
        with pytest.raises(NotFound):
            case_update_draft(case=case, actor=world.user(outsider), form_data={"x": 1})
        with pytest.raises(NotFound):
            case_material_upload(
                case=case, material_id=row.pk, upload=pdf(), actor=world.user(outsider)
            )
    case_material_upload(
        case=case, material_id=row.pk, upload=pdf(), actor=world.user("chuangkou")
    )  # the window scans for the applicant
    seen = Case.objects.get(pk=case.pk).row_version
    case_update_draft(case=case, actor=world.user("qiye"), form_data={"说明": "新"})
    with pytest.raises(Conflict):
        case_material_upload(
            case=case,
            material_id=row.pk,
            upload=pdf(),
            actor=world.user("qiye"),
            expected_version=seen,
        )
