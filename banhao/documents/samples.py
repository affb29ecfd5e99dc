"""Sample notices with the demo bureau's data, for previews, tests and the demo.

python -m banhao.documents.samples /tmp      # writes /tmp/banhao-notice-*.pdf
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

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

OFFICE = IssuingOffice(
    bureau_name="邹平市行政审批服务局",
    hall_address="邹平市政务服务中心（黛溪三路）一楼综合受理窗口（A01—A08）",
    phone="0543-0000101（演示）",
    complaint_phone="12345",
    office_hours="工作日上午8:30—12:00，下午13:30—17:30（夏季14:00—18:00）",
    progress_channel="“爱山东”App、山东政务服务网（邹平市站点）“办件查询”栏目",
    online_channel="山东政务服务网（邹平市站点）",
)

CONSTRUCTION_CASE = CaseInfo(
    case_number="ZP20261120000123",
    item_name="建筑工程施工许可证核发",
    applicant="邹平市鲁信建设工程有限公司",
    applied_on=dt.date(2026, 11, 20),
)


def sample_acceptance() -> Notice:
    """A 容缺受理 with a provisional due date and a rating link."""
    return acceptance_notice(
        office=OFFICE,
        case=CONSTRUCTION_CASE,
        document_number="邹审服受字〔2026〕第 000123 号",
        accepted_on=dt.date(2026, 11, 20),
        time_limit="5个工作日",
        due_on=dt.date(2026, 11, 27),
        due_is_provisional=True,
        deferred_materials=(
            "施工图设计文件审查合格书（原件）",
            "监理合同（加盖建设单位、监理单位公章的复印件）",
        ),
        supplement_due_on=dt.date(2026, 12, 4),
        rating_url="https://banhao.example/pj/ZP20261120000123",
    )


def sample_refusal() -> Notice:
    """Outside the bureau's competence: referred to the tobacco monopoly bureau."""
    return refusal_of_acceptance_notice(
        office=OFFICE,
        case=CaseInfo(
            case_number="ZP20261126000457",
            item_name="烟草专卖零售许可证核发",
            applicant="张晓梅",
            applied_on=dt.date(2026, 11, 26),
            applicant_is_organisation=False,
        ),
        document_number="邹审服不受字〔2026〕第 000017 号",
        decided_on=dt.date(2026, 11, 26),
        ground=RefusalGround.OUTSIDE_COMPETENCE,
        reason="烟草专卖零售许可证核发事项依法由烟草专卖行政主管部门负责，不属于本局职权范围",
        referral_agency="邹平市烟草专卖局",
        reconsideration_body="邹平市人民政府",
        rating_url="https://banhao.example/pj/ZP20261126000457",
    )


def sample_correction(count: int | None = None) -> Notice:
    """A one-time correction list; ``count`` repeats the list to that length (layout tests)."""
    corrections = [
        CorrectionItem(
            material="建筑工程施工许可证申请表",
            requirement="“建设规模”与施工合同不一致，请核对后重新填写，并加盖建设单位公章",
        ),
        CorrectionItem(
            material="施工合同及中标通知书",
            requirement="缺少中标通知书，请补充提交中标通知书复印件（加盖建设单位公章）",
        ),
        CorrectionItem(
            material="建设资金已经落实承诺书",
            requirement="未由法定代表人签字，请法定代表人签字并加盖单位公章",
        ),
        CorrectionItem(
            material="施工现场具备施工条件的情况说明（含现场照片）",
            requirement="现场照片不能反映施工现场“三通一平”情况，请补充现场全景照片",
        ),
    ]
    if count is not None:
        corrections = [
            dataclasses.replace(
                corrections[n % len(corrections)],
                material=f"{corrections[n % len(corrections)].material}（第{n + 1}份）",
            )
            for n in range(count)
        ]
    return correction_notice(
        office=OFFICE,
        case=CONSTRUCTION_CASE,
        document_number="邹审服补字〔2026〕第 000088 号",
        notified_on=dt.date(2026, 11, 20),
        corrections=corrections,
        submit_by=dt.date(2026, 12, 18),
        rating_url="https://banhao.example/pj/ZP20261120000123",
    )


SAMPLES = {
    "acceptance": sample_acceptance,
    "refusal": sample_refusal,
    "correction": sample_correction,
}


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path()
    for name, build in SAMPLES.items():
        path = folder / f"banhao-notice-{name}.pdf"
        path.write_bytes(render_notice(build()))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
