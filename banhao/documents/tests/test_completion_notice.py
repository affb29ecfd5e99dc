"""办结通知书: the result, delivery and the 好差评 QR invitation."""

from __future__ import annotations

import datetime as dt

import pytest

from banhao.documents.notices import CaseInfo, IssuingOffice, completion_notice
from banhao.documents.pdf import render_notice

OFFICE = IssuingOffice(
    bureau_name="邹平市行政审批服务局", hall_address="邹平市政务服务中心", phone="0543-0000000"
)
CASE = CaseInfo(
    case_number="37168120261127000001",
    item_name="建筑工程施工许可证核发",
    applicant="邹平市鲁信建设工程有限公司",
    applied_on=dt.date(2026, 11, 27),
)


def test_completion_notice_with_rating_qr() -> None:
    notice = completion_notice(
        office=OFFICE,
        case=CASE,
        document_number="邹审服受字〔2026〕1号",
        closed_on=dt.date(2026, 11, 27),
        result="准予行政许可",
        delivery="电子送达",
        rating_url="https://banhao.example/feedback/r/abc/",
        rating_days=5,
    )
    assert notice.title == "办结通知书"
    assert ("办理结果", "准予行政许可") in notice.table
    assert notice.qr_url == "https://banhao.example/feedback/r/abc/"
    assert any("5个工作日内" in p and "好差评" in p for p in notice.closing_paragraphs)
    assert render_notice(notice).startswith(b"%PDF")


def test_completion_notice_without_link_has_no_invitation() -> None:
    notice = completion_notice(
        office=OFFICE,
        case=CASE,
        document_number="1",
        closed_on=dt.date(2026, 11, 30),
        result="已办结",
    )
    assert notice.qr_url is None
    assert not any("好差评" in p for p in notice.closing_paragraphs)


@pytest.mark.parametrize(
    ("closed_on", "result", "days"),
    [
        (dt.date(2026, 11, 26), "准予", None),
        (dt.date(2026, 11, 30), " ", None),
        (dt.date(2026, 11, 30), "准予", 0),
    ],
)
def test_completion_notice_checks_its_input(
    closed_on: dt.date, result: str, days: int | None
) -> None:
    with pytest.raises(ValueError):
        completion_notice(
            office=OFFICE,
            case=CASE,
            document_number="1",
            closed_on=closed_on,
            result=result,
            rating_url="https://x/",
            rating_days=days,
        )
