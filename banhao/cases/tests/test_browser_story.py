"""The 施工许可 story in real headless Chromium, on one simulated working day: the company
applies online, the window accepts, three departments approve in parallel, the approver
decides, the window delivers and closes the case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import time_machine

from banhao.accounts.demo import DEMO_PASSWORD
from banhao.accounts.models import User
from banhao.cases.models import Case
from banhao.security.testing import totp_code

from .conftest import CONSTRUCTION_PERMIT, START, build_world

#: The smallest well-formed PDF: one blank A4 page (uploads are parsed, see cases.uploads).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n"
    b"0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/security/mfa/" in page.url:  # staff: the second factor
        pass_second_factor(page, User.objects.get(username=username))


def pass_second_factor(page: Any, user: User) -> None:
    """Type the code the user's authenticator app would show (pyotp on the device's secret in
    the test database). At the first login the device is enrolled: the page shows the QR code
    and the secret, the code confirms it, then the ten recovery codes are shown once."""
    enrolling = "/security/mfa/enrol/" in page.url
    if enrolling:
        assert page.locator("figure.qr svg").count() == 1
    page.get_by_role("textbox", name="动态口令").fill(totp_code(user))
    page.get_by_role("button", name="完成绑定" if enrolling else "验证").click()
    page.wait_for_load_state()
    if enrolling:
        assert page.locator("ol.recovery-codes li").count() == 10
        page.get_by_role("link", name="我已保存，继续").click()
        page.wait_for_load_state()
    assert "/security/mfa/" not in page.url, page.url


def test_construction_permit_story_in_the_browser(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    with time_machine.travel(START, tick=True):
        build_world()
        base = live_server.url
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(PDF)

        # The company finds the guide and applies online.
        log_in(page, base, "qiye")
        page.goto(f"{base}/items/{CONSTRUCTION_PERMIT}/")
        page.get_by_role("link", name="在线申请").click()
        page.get_by_role("radio", name="否").first.check()  # 不属于应当委托监理的工程
        page.get_by_role("radio", name="本人（法定代表人）办理").check()
        page.get_by_label("联系人").fill("刘经理")
        page.get_by_label("联系电话").fill("13805431234")
        page.get_by_role("button", name="下一步：暂存并上传材料").click()
        page.wait_for_url("**/cases/*/")
        number = page.url.rstrip("/").rsplit("/", 1)[-1]
        pending = page.locator(
            "form.upload", has=page.get_by_role("button", name="上传", exact=True)
        )
        while pending.count():
            form = pending.first
            form.locator("input[type=file]").set_input_files(str(scan))
            form.get_by_role("button", name="上传", exact=True).click()
            page.wait_for_load_state()
        page.get_by_role("button", name="提交申报").click()
        page.wait_for_load_state()
        assert Case.objects.get(number=number).state == "submitted"

        # 一窗受理: the window receives and accepts.
        log_in(page, base, "chuangkou")
        page.goto(f"{base}/cases/staff/window/")
        page.locator(f"a[href='/cases/staff/case/{number}/']").first.click()
        page.get_by_role("button", name="接件").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="受理", exact=True).click()
        page.wait_for_load_state()
        assert Case.objects.get(number=number).state == "in_progress"

        # 并联审批: three departments approve.
        for reviewer in ("zhujian", "ziran", "xiaofang"):
            log_in(page, base, reviewer)
            page.goto(f"{base}/cases/staff/review/")
            page.get_by_role("link", name="审查", exact=True).first.click()
            page.get_by_label("审查意见").fill("经审查，符合条件，同意")
            page.get_by_role("button", name="同意", exact=True).click()
            page.wait_for_load_state()

        # The approver decides; the window delivers and closes.
        log_in(page, base, "shenpi")
        page.goto(f"{base}/cases/staff/case/{number}/")
        page.locator("#action-decide_approve").get_by_role("textbox").fill("符合法定条件，准予许可")
        page.get_by_role("button", name="作出准予许可决定").click()
        page.wait_for_load_state()
        log_in(page, base, "chuangkou")
        page.goto(f"{base}/cases/staff/case/{number}/")
        page.locator("#action-start_delivery").get_by_role("radio", name="电子送达").check()
        page.locator("#action-start_delivery").get_by_role("button", name="送达").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="办结").click()
        page.wait_for_load_state()

        case = Case.objects.get(number=number)
        assert case.state == "closed"
        assert case.accepted_at is not None and case.closed_at is not None
        assert case.accepted_at.date() == case.closed_at.date()  # one working day

        # The applicant sees the result and the timeline.
        log_in(page, base, "qiye")
        page.goto(f"{base}/cases/{number}/")
        body = page.locator("main").inner_text()
        assert "办结" in body
        assert "准予" in body
        page.screenshot(path=str(tmp_path / "closed.png"), full_page=True)
