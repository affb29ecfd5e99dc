"""An applicant's journey in real headless Chromium: home → search → guide → 工作日历."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from banhao.catalog.demo import demo_catalogue_load

PERMIT = "建筑工程施工许可证核发"
SCREENSHOT = "/tmp/banhao-guide.png"


def _load_holidays() -> None:
    # The root conftest's ``holidays_loaded`` needs the ``db`` fixture, which cannot be mixed
    # with ``transaction=True``; load the shipped notices the same way.
    from banhao.workcalendar.services import holiday_notice_load

    for path in sorted((Path(settings.BASE_DIR) / "data" / "holidays").glob("holiday-cn_*.json")):
        holiday_notice_load(
            document=json.loads(path.read_text(encoding="utf-8")), actor=None, source=path.name
        )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_applicant_finds_the_construction_permit_guide(page: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    demo_catalogue_load()
    _load_holidays()

    # Home: search in Chinese
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("邹平市行政审批服务局")
    page.get_by_role("searchbox", name="搜索事项").fill("施工许可")
    page.get_by_role("button", name="搜索").click()

    # Result list
    expect(page).to_have_url(re.compile(r"/items/\?q="))
    expect(page.locator(".result-count")).to_contain_text("共 1 项")
    page.get_by_role("link", name=PERMIT).click()

    # Guide
    expect(page).to_have_url(re.compile(r"/items/371681-XK-0001/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PERMIT)
    materials = page.locator("table.materials")
    expect(materials).to_be_visible()
    expect(materials.locator("tbody tr")).to_have_count(11)
    expect(materials).to_contain_text("建筑工程施工许可证申请表")
    expect(materials).to_contain_text("容缺后补")
    route = page.locator("#route")
    expect(route).to_contain_text("会签")
    steps = route.locator("ol.steps li")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text("住房和城乡建设局")
    expect(steps.nth(1)).to_contain_text("自然资源和规划局")
    expect(steps.nth(2)).to_contain_text("消防救援大队")
    expect(page.locator(".stats")).to_contain_text("1个工作日")
    page.screenshot(path=SCREENSHOT, full_page=True)  # for people to look at; not asserted

    # Calendar through the navigation
    page.locator("header nav").get_by_role("link", name="工作日历", exact=True).click()
    expect(page).to_have_url(re.compile(r"/calendar/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("工作日历")
    expect(page.locator("table.month td strong").first).to_be_visible()
    page.goto(live_server.url + "/calendar/?year=2026&month=10")
    expect(page.locator("table.month")).to_contain_text("国庆节")
