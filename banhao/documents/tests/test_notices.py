"""The three notices: wording, legal grounds, and the checks on their inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from banhao.documents.notices import (
    CaseInfo,
    CorrectionItem,
    IssuingOffice,
    RefusalGround,
    acceptance_notice,
    correction_notice,
    refusal_of_acceptance_notice,
)
from banhao.documents.pdf import Notice, render_notice
from banhao.documents.samples import (
    CONSTRUCTION_CASE,
    OFFICE,
    sample_acceptance,
    sample_correction,
    sample_refusal,
)
from banhao.documents.tests import helpers

D = dt.date
RIGHTS = (
    "如不服本决定，可在收到本通知书之日起六十日内向邹平市人民政府申请行政复议，"
    "或者在六个月内依法向人民法院提起行政诉讼。"
)


def rendered_text(notice: Notice) -> str:
    return helpers.text(render_notice(notice))


def plain(text: str) -> str:
    return "".join(text.split())


# -- 受理通知书 ---------------------------------------------------------------------------------


def accept(**changes: object) -> Notice:
    values: dict[str, object] = {
        "office": OFFICE,
        "case": CONSTRUCTION_CASE,
        "document_number": "邹审服受字〔2026〕第 000124 号",
        "accepted_on": D(2026, 11, 20),
        "time_limit": "5个工作日",
        "due_on": D(2026, 11, 27),
    }
    values.update(changes)
    return acceptance_notice(**values)  # type: ignore[arg-type]


def test_acceptance_notice() -> None:
    notice = accept(rating_url="https://banhao.example/pj/ZP20261120000123")
    assert notice.title == "受理通知书"
    assert notice.addressee == "邹平市鲁信建设工程有限公司："
    assert notice.issuer == "邹平市行政审批服务局（受理专用章）"
    assert notice.seal_text == "邹平市行政审批服务局\n受理专用章"
    assert notice.issued_on == D(2026, 11, 20)
    assert notice.qr_url == "https://banhao.example/pj/ZP20261120000123"
    assert dict(notice.table) == {
        "办件编号": "ZP20261120000123",
        "事项名称": "建筑工程施工许可证核发",
        "申请人": "邹平市鲁信建设工程有限公司",
        "申请日期": "2026年11月20日",
        "受理日期": "2026年11月20日",
        "受理方式": "一般受理",
        "承诺时限": "5个工作日",
        "承诺办结日期": "2026年11月27日",
    }
    assert not notice.items and notice.items_heading is None
    text = rendered_text(notice)
    for expected in (
        "受理通知书",
        "邹审服受字〔2026〕第000124号",
        "你单位于2026年11月20日提出的建筑工程施工许可证核发申请（办件编号：ZP20261120000123）",
        "第三十二条第一款第（五）项",
        "本局决定予以受理。",
        "“爱山东”App、山东政务服务网（邹平市站点）“办件查询”栏目查询办理进度",
        "好差评",
        "特此通知。",
    ):
        assert expected in text, expected
    assert "暂定" not in text and "容缺" not in text


def test_provisional_due_date_and_deferred_materials() -> None:
    notice = sample_acceptance()
    assert dict(notice.table)["承诺办结日期"] == "2026年11月27日（暂定）"
    assert dict(notice.table)["受理方式"] == "容缺受理"
    assert notice.items == (
        "施工图设计文件审查合格书（原件）",
        "监理合同（加盖建设单位、监理单位公章的复印件）",
    )
    text = rendered_text(notice)
    for expected in (
        "《容缺受理承诺书》",
        "本局决定予以容缺受理。",
        "容缺材料（共2项），请你单位按照承诺于2026年12月4日前补齐：",
        "1.施工图设计文件审查合格书（原件）",
        "2.监理合同（加盖建设单位、监理单位公章的复印件）",
        "逾期未补齐的，本局将按规定终止办理",
        "承诺办结日期为暂定日期",
        "不计算在承诺时限内",
    ):
        assert expected in text, expected


def test_provisional_note_can_be_worded_by_the_caller() -> None:
    notice = accept(due_is_provisional=True, provisional_note="需现场勘验，办结日期另行告知。")
    assert "需现场勘验，办结日期另行告知。" in notice.closing_paragraphs


def test_progress_without_an_online_channel_points_to_phone_and_hall() -> None:
    office = dataclasses.replace(OFFICE, progress_channel=None)
    notice = accept(office=office)
    assert any(
        "拨打咨询电话0543-0000101（演示）或到本局政务服务大厅" in p
        for p in (notice.closing_paragraphs)
    )


def test_person_applicant_is_addressed_as_you() -> None:
    case = dataclasses.replace(
        CONSTRUCTION_CASE, applicant="张晓梅", applicant_is_organisation=False
    )
    notice = accept(case=case)
    assert notice.addressee == "张晓梅："
    assert notice.paragraphs[0].startswith("你于2026年11月20日提出的")
    assert "你单位" not in "".join(notice.paragraphs + notice.closing_paragraphs)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deferred_materials": ("监理合同",)}, "容缺受理须注明容缺材料的补齐期限"),
        ({"supplement_due_on": D(2026, 12, 4)}, "没有容缺材料时不应填写补齐期限"),
        (
            {"deferred_materials": ("监理合同",), "supplement_due_on": D(2026, 11, 19)},
            "容缺材料补齐期限不能早于受理日期",
        ),
        (
            {"deferred_materials": ("监理合同", " "), "supplement_due_on": D(2026, 12, 4)},
            "容缺材料第2项不能为空",
        ),
        ({"due_on": D(2026, 11, 19)}, "承诺办结日期不能早于受理日期"),
        ({"accepted_on": D(2026, 11, 19), "due_on": D(2026, 11, 27)}, "受理日期不能早于申请日期"),
        ({"time_limit": ""}, "承诺时限不能为空"),
        ({"document_number": " "}, "文书编号不能为空"),
    ],
)
def test_acceptance_inputs_are_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        accept(**changes)


# -- 不予受理通知书 -----------------------------------------------------------------------------


def refuse(**changes: object) -> Notice:
    values: dict[str, object] = {
        "office": OFFICE,
        "case": CONSTRUCTION_CASE,
        "document_number": "邹审服不受字〔2026〕第 000018 号",
        "decided_on": D(2026, 11, 20),
        "ground": RefusalGround.NOT_REQUIRED,
        "reason": "该申请事项依法不需要取得行政许可",
        "reconsideration_body": "邹平市人民政府",
    }
    values.update(changes)
    return refusal_of_acceptance_notice(**values)  # type: ignore[arg-type]


def test_refusal_outside_competence_refers_to_the_competent_agency() -> None:
    notice = sample_refusal()
    assert notice.title == "不予受理通知书"
    assert notice.addressee == "张晓梅："
    text = rendered_text(notice)
    for expected in (
        "不予受理通知书",
        "邹审服不受字〔2026〕第000017号",
        "ZP20261126000457",
        "烟草专卖零售许可证核发",
        "不属于本局职权范围。",
        "根据《中华人民共和国行政许可法》第三十二条第一款第（二）项的规定，本局决定不予受理。",
        "该申请事项依法属于邹平市烟草专卖局的职权范围，请你向邹平市烟草专卖局提出申请。",
        RIGHTS,
        "邹平市行政审批服务局（受理专用章）",
        "2026年11月26日",
    ):
        assert expected in text, expected


def test_refusal_as_not_requiring_a_licence() -> None:
    notice = refuse()
    text = plain("".join(notice.paragraphs))
    assert "经审查，该申请事项依法不需要取得行政许可。" in text
    assert "第三十二条第一款第（一）项" in text
    assert "提出申请。" not in text


def test_refusal_names_the_reconsideration_body_given() -> None:
    notice = refuse(reconsideration_body="滨州市人民政府")
    assert notice.closing_paragraphs[0] == (
        "如不服本决定，可在收到本通知书之日起六十日内向滨州市人民政府申请行政复议，"
        "或者在六个月内依法向人民法院提起行政诉讼。"
    )


def test_refusal_on_another_ground_states_its_legal_basis() -> None:
    basis = "《中华人民共和国行政许可法》第三十二条第一款和《山东省某某条例》第十条"
    notice = refuse(ground=RefusalGround.OTHER, reason="申请人不具备申请资格", legal_basis=basis)
    assert f"根据{basis}的规定，本局决定不予受理。" in notice.paragraphs[0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ground": RefusalGround.OUTSIDE_COMPETENCE}, "有权受理的行政机关不能为空"),
        ({"referral_agency": "邹平市烟草专卖局"}, "只有申请事项不属于本局职权范围时"),
        ({"ground": RefusalGround.OTHER}, "不予受理的法律依据不能为空"),
        ({"reason": ""}, "不予受理的理由不能为空"),
        ({"reconsideration_body": ""}, "行政复议机关不能为空"),
        ({"decided_on": D(2026, 11, 19)}, "不予受理决定日期不能早于申请日期"),
    ],
)
def test_refusal_inputs_are_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        refuse(**changes)


# -- 补正材料通知书 -----------------------------------------------------------------------------


def test_correction_notice_lists_everything_at_once() -> None:
    notice = sample_correction()
    assert notice.title == "补正材料通知书"
    assert len(notice.items) == 4
    assert notice.items[0] == (
        "建筑工程施工许可证申请表：“建设规模”与施工合同不一致，请核对后重新填写，并加盖建设单位公章"
    )
    assert dict(notice.table)["补正期限"] == "2026年12月18日前"
    text = rendered_text(notice)
    for expected in (
        "补正材料通知书",
        "邹审服补字〔2026〕第000088号",
        "ZP20261120000123",
        "第三十二条第一款第（四）项",
        "现将需要补正的全部内容一次性告知如下：",
        "需要补正的材料及要求（共4项）：",
        "4.施工现场具备施工条件的情况说明（含现场照片）：",
        "请你单位于2026年12月18日前将补正材料提交至邹平市政务服务中心（黛溪三路）",
        "也可通过山东政务服务网（邹平市站点）在线提交",
        "本局不再要求补正其他材料",
        "补正全部材料后，本局将依法受理并办理你单位的申请",
        "逾期未补正且未说明正当理由的，视为撤回本次申请。",
    ):
        assert expected in text, expected
    # The deemed-acceptance rule (逾期不告知的，自收到申请材料之日起即为受理) binds the bureau;
    # it is not something to tell the applicant in this notice.
    assert "即为受理" not in text and "视为受理" not in text
    assert "五日内" not in text


def test_correction_without_deadline_or_online_channel() -> None:
    office = dataclasses.replace(OFFICE, online_channel=None)
    notice = correction_notice(
        office=office,
        case=CONSTRUCTION_CASE,
        document_number="邹审服补字〔2026〕第 000089 号",
        notified_on=D(2026, 11, 21),
        corrections=[CorrectionItem(material="监理合同", requirement="请提交复印件")],
        submit_to="邹平市政务服务中心二楼工程建设项目审批窗口（B05）",
    )
    closing = "".join(notice.closing_paragraphs)
    assert closing.startswith(
        "请你单位将补正材料提交至邹平市政务服务中心二楼工程建设项目审批窗口（B05）"
    )
    assert "在线提交" not in closing and "视为撤回" not in closing
    assert "补正期限" not in dict(notice.table)
    assert notice.items == ("监理合同：请提交复印件",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"corrections": []}, "补正材料清单不能为空"),
        ({"submit_by": D(2026, 11, 19)}, "补正期限不能早于告知日期"),
        ({"notified_on": D(2026, 11, 19)}, "告知日期不能早于申请日期"),
        ({"submit_to": " "}, "补正材料提交地点不能为空"),
    ],
)
def test_correction_inputs_are_checked(changes: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "office": OFFICE,
        "case": CONSTRUCTION_CASE,
        "document_number": "邹审服补字〔2026〕第 000090 号",
        "notified_on": D(2026, 11, 20),
        "corrections": [CorrectionItem(material="监理合同", requirement="请提交复印件")],
    }
    values.update(changes)
    with pytest.raises(ValueError, match=re.escape(message)):
        correction_notice(**values)  # type: ignore[arg-type]


def test_correction_items_must_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="“监理合同”的补正要求不能为空"):
        CorrectionItem(material="监理合同", requirement=" ")
    with pytest.raises(ValueError, match="补正材料名称不能为空"):
        CorrectionItem(material="", requirement="请提交")


def test_office_and_case_are_checked() -> None:
    with pytest.raises(ValueError, match="咨询电话不能为空"):
        IssuingOffice(bureau_name="邹平市行政审批服务局", hall_address="政务服务中心", phone="")
    with pytest.raises(ValueError, match="办件编号不能为空"):
        CaseInfo(case_number="", item_name="事项", applicant="申请人", applied_on=D(2026, 1, 5))


# -- the three samples, as written for a person to look at -------------------------------------


@pytest.mark.parametrize("build", [sample_acceptance, sample_refusal, sample_correction])
def test_samples_fit_on_one_page(build: object) -> None:
    """The realistic samples are one sheet each (layout regressions show up here first)."""
    data = render_notice(build())  # type: ignore[operator]
    assert len(helpers.reader(data).pages) == 1
