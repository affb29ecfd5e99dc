from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from banhao.cases.models import Case
from banhao.cases.notices import notice_pdf
from banhao.cases.services import (
    case_accept,
    case_refuse_acceptance,
    case_request_correction,
)
from banhao.security.testing import login_staff
from banhao.shared.errors import NotFound

from .conftest import World
from .test_story import register


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_acceptance_notice_carries_the_case_facts(world: World) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    name, pdf = notice_pdf(case, "acceptance")
    assert name.endswith("受理通知书.pdf")
    text = text_of(pdf)
    for fact in (
        case.number,
        "建筑工程施工许可证核发",
        "邹平市鲁信建设工程有限公司",
        case.acceptance_number,
        "2026年11月30日",
    ):
        assert fact in text.replace(" ", "").replace("\n", ""), fact
    with pytest.raises(NotFound):
        notice_pdf(case, "refusal")


def test_correction_and_refusal_notices(world: World) -> None:
    case = register(world)
    case = case_request_correction(
        case=case, actor=world.user("chuangkou"), items=["施工合同：缺少骑缝章", "现场照片不清晰"]
    )
    text = text_of(notice_pdf(case, "correction")[1]).replace("\n", "")
    assert "施工合同" in text and "缺少骑缝章" in text and "现场照片不清晰" in text
    other = register(world)
    other = case_refuse_acceptance(
        case=other,
        actor=world.user("chuangkou"),
        ground="outside_competence",
        reason="不属于本机关职权",
        referral_agency="滨州市行政审批服务局",
    )
    text = text_of(notice_pdf(other, "refusal")[1]).replace("\n", "")
    assert "滨州市行政审批服务局" in text
    assert "行政复议" in text


def test_notice_download_goes_through_access(world: World, client: Client) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    url = f"/cases/{case.number}/notices/acceptance.pdf"
    assert client.get(url).status_code == 302  # login first
    client.force_login(world.user("qiye"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(world.user("zhangsan"))
    assert client.get(url).status_code == 404
    client.force_login(world.user("qiye"))
    assert client.get(f"/cases/{case.number}/notices/refusal.pdf").status_code == 404
    assert client.get(f"/cases/{case.number}/notices/unknown.pdf").status_code == 404
    assert Case.objects.filter(pk=case.pk).exists()


def test_case_pages_link_the_notices(world: World, client: Client) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    link = f"/cases/{case.number}/notices/acceptance.pdf"
    client.force_login(world.user("qiye"))
    assert link in client.get(f"/cases/{case.number}/").content.decode()
    login_staff(client, world.user("chuangkou"))
    page = client.get(f"/cases/staff/case/{case.number}/").content.decode()
    assert link in page
    assert "/notices/refusal.pdf" not in page
