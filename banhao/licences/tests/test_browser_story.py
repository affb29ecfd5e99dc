"""The end of the 施工许可 story in headless Chromium: the approver decides 准予 on the page,
the company downloads its electronic licence from the case page and opens the verification page
at the URL its QR code carries."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from banhao.cases.models import Case, ReviewTask
from banhao.cases.services import case_accept, review_task_decide
from banhao.cases.tests.conftest import START, build_world
from banhao.cases.tests.test_browser_story import log_in
from banhao.documents.licence import read_seal
from banhao.licences.demo import demo_licence_types_load
from banhao.licences.models import Licence

from .conftest import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_applicant_downloads_the_licence_and_verifies_it(
    page: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.BANHAO_PUBLIC_URL = live_server.url  # what the QR code on the licence opens
    with time_machine.travel(START, tick=True):
        world = build_world()
        demo_licence_types_load()
        base = live_server.url
        case = case_accept(case=register(world), actor=world.user("chuangkou"))
        for name in ("zhujian", "ziran", "xiaofang"):
            reviewer = world.user(name)
            task = ReviewTask.objects.get(case=case, department=reviewer.department)
            review_task_decide(task=task, actor=reviewer, approve=True, opinion="同意")

        # The approver decides on the page: the licence is issued with the decision.
        log_in(page, base, "shenpi")
        page.goto(f"{base}/cases/staff/case/{case.number}/")
        page.locator("#action-decide_approve").get_by_role("textbox").fill("符合法定条件，准予许可")
        page.get_by_role("button", name="作出准予许可决定").click()
        page.wait_for_load_state()
        assert Case.objects.get(pk=case.pk).state == "decided_approved"
        licence = Licence.objects.get(case=case)

        # The company finds it on the case page and downloads it.
        log_in(page, base, "qiye")
        page.goto(f"{base}/cases/{case.number}/")
        assert "电子证照" in page.locator("#licence").inner_text()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="下载电子证照").click()
        saved = tmp_path / "licence.pdf"
        download_info.value.save_as(saved)
        content = saved.read_bytes()
        assert content == licence.document

        # The URL in the QR code (the same string is printed under it) opens the public page.
        _, payload = read_seal(content)
        qr_url = payload["data"]["verify_url"]
        text = PdfReader(io.BytesIO(content)).pages[0].extract_text().replace("\n", "")
        assert qr_url in text
        page.context.clear_cookies()  # anyone can verify, without logging in
        page.goto(qr_url)
        verdict = page.locator("section.verdict").inner_text()
        assert "验证通过：证照有效" in verdict
        assert licence.identifier in verdict and "有效" in verdict
        page.screenshot(path=str(tmp_path / "verified.png"), full_page=True)

        # 我的证照 lists it too.
        log_in(page, base, "qiye")
        page.goto(f"{base}/licences/mine/")
        assert licence.number in page.locator("main").inner_text()
