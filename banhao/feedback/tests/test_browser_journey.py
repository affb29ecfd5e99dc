"""The 差评 closed loop in real headless Chromium: 张三 rates his closed construction permit
不满意 from 我的办件, 投资建设审批科 (周审批) calls him back and fixes it at once, and 张三 rates
the fix — all on one simulated working day."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from banhao.cases.tests.test_browser_story import log_in
from banhao.feedback.models import Complaint, Rating
from banhao.feedback.tests.factories import closed_case

from .conftest import START, build_world, zhangsan_applicant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bad_rating_is_called_back_fixed_and_the_fix_rated(page: Any, live_server: Any) -> None:
    with time_machine.travel(START, tick=True):
        world = build_world()
        case = closed_case(
            world.permit, world.users, zhangsan_applicant(), owner=world.user("zhangsan")
        )
        base = live_server.url

        # 张三 finds the closed case in 我的办件 and rates it 不满意.
        log_in(page, base, "zhangsan")
        page.goto(f"{base}/cases/mine/")
        row = page.get_by_role("row").filter(has_text=case.number)
        row.get_by_role("link", name="评价").click()
        page.wait_for_url(f"**/feedback/cases/{case.number}/")
        close = page.locator("#event-close")
        options = close.locator("[data-bad-options]")
        close.get_by_label("满意", exact=True).check()
        assert options.is_hidden()  # the 差评 options only show for a 差评
        close.get_by_label("不满意", exact=True).check()
        assert options.is_visible()
        close.get_by_label("等候时间长").check()
        close.get_by_label("文字评价（选填）").fill("排队等了一个多小时")
        close.get_by_role("button", name="提交评价").click()
        page.wait_for_load_state()
        assert "感谢您的评价" in page.content()
        rating = Rating.objects.get(case=case)
        assert (rating.level, rating.option_codes) == ("dissatisfied", ["B03"])

        # 周审批 (投资建设审批科, the item's 实施主体) sees the 差评 with its 回访 deadline —
        # but not who gave it — calls back, fixes it at once and tells the rater.
        log_in(page, base, "shenpi")
        page.goto(f"{base}/feedback/unit/")
        queue_row = page.get_by_role("row").filter(has_text=case.item_version.name)
        assert "回访期限 2026-11-30" in queue_row.inner_text()
        queue_row.get_by_role("link", name="处理").click()
        page.wait_for_load_state()
        assert "张三" not in page.content()
        page.get_by_label("回访核实情况").fill("已电话回访，当天综合窗口排队较长，情况属实")
        page.get_by_role("button", name="记录回访").click()
        page.wait_for_load_state()
        page.get_by_label("立行立改").check()
        page.get_by_label("处置说明").fill("当即增开 A05 综合受理窗口，高峰期弹性排班")
        page.get_by_role("button", name="提交处置").click()
        page.wait_for_load_state()
        page.get_by_label("反馈内容").fill("您反映的等候时间长问题已整改：增开窗口、高峰期弹性排班")
        page.get_by_role("button", name="反馈评价人").click()
        page.wait_for_load_state()
        assert "已反馈待评价" in page.content()

        # 张三 reads the result and rates the fix 满意: the loop is closed.
        log_in(page, base, "zhangsan")
        page.goto(f"{base}/feedback/cases/{case.number}/")
        page.get_by_role("link", name="查看处理结果并评价整改").click()
        page.wait_for_load_state()
        assert "增开窗口" in page.content()
        page.get_by_label("满意", exact=True).check()
        page.get_by_role("button", name="提交整改评价").click()
        page.wait_for_load_state()
        assert "已办结" in page.content()
        complaint = Complaint.objects.get(rating=rating)
        assert (complaint.state, complaint.disposition, complaint.fix_verdict) == (
            "closed",
            "immediate",
            "satisfied",
        )

        # The month's publication counts it as rectified, without rater data.
        page.goto(f"{base}/feedback/publication/?month=2026-11")
        assert page.locator("#rectification-rate").inner_text() == "100.0%"
        assert "张三" not in page.locator("main").inner_text()  # (the header shows who is in)
