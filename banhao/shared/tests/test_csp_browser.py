"""The Content-Security-Policy in real headless Chromium: htmx search, the auto-submitting
calendar select, the Swagger UI at /api/docs and the account pages work, and the browser
reports no violation anywhere."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from banhao.cases.tests.conftest import START, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Logged by the init script below for every ``securitypolicyviolation`` event.
MARK = "CSP-VIOLATION"


def test_pages_work_under_the_policy_without_violations(page: Any, live_server: Any) -> None:
    violations: list[str] = []

    def on_console(message: Any) -> None:
        if MARK in message.text or "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    # Every violation the page sees, also those Chromium does not log by itself.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        f"'{MARK} ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    with time_machine.travel(START, tick=True):
        build_world()
        base = live_server.url

        # htmx: typing in the search box swaps the results in place.
        page.goto(f"{base}/items/")
        with page.expect_response(lambda r: "q=%E6%96%BD%E5%B7%A5" in r.url):
            page.get_by_placeholder("输入事项名称或编码", exact=False).fill("施工")
        page.wait_for_url("**/items/?q=*")
        assert page.locator("#catalogue").get_by_text("施工许可", exact=False).first.is_visible()

        # site.js: choosing a centre submits the calendar form (formerly an inline onchange).
        page.goto(f"{base}/calendar/")
        page.locator("select[name=centre]").select_option(index=1)
        page.wait_for_url("**/calendar/?*centre=*")
        closed = page.locator("table.month td.off").first
        # The colour comes from site.css, no longer from a style attribute.
        assert closed.evaluate("cell => getComputedStyle(cell).backgroundColor") == (
            "rgb(253, 241, 240)"
        )

        # Swagger UI renders from our own static files and can try an operation.
        page.goto(f"{base}/api/docs")
        title = page.locator(".swagger-ui .info .title")
        title.wait_for()
        assert "办好 Banhao API" in title.inner_text()
        page.locator(".opblock-summary").first.click()
        page.get_by_role("button", name="Try it out").first.click()
        page.get_by_role("button", name="Execute").first.click()
        page.locator(".responses-table .response").first.wait_for()

        # A page whose inline style attribute moved to site.css.
        page.goto(f"{base}/accounts/register/")
        card = page.locator(".card.medium")
        assert card.evaluate("card => getComputedStyle(card).maxWidth") == "560px"

        assert violations == []

        # The check itself works: a style attribute set from script is reported.
        page.evaluate("document.body.setAttribute('style', 'color: red')")
        page.wait_for_timeout(300)
        assert any(MARK in v and "style-src" in v for v in violations), violations
