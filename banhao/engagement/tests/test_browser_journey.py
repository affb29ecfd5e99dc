"""民说民评 in real headless Chromium: the leader plans a forum and records two suggestions
raised there, assigns both to 住房和城乡建设局; the department answers, uploads evidence and
closes them; the public accountability page shows both 已办结. A second journey answers a
questionnaire whose conditional question appears only after the triggering choice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from PIL import Image

from banhao.cases.tests.test_browser_story import log_in
from banhao.engagement.models import Forum, Suggestion, SurveyResponse
from banhao.engagement.tests.factories import make_survey

from .conftest import START, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUGGESTIONS = (
    (
        "午间窗口无人值守",
        "中午住建窗口无人，建议午间轮岗。",
        "孙代表",
        "已实行午间轮岗值守（12:00–13:30）。",
    ),
    (
        "施工许可材料重复提交",
        "营业执照每次都要复印，建议共享免交。",
        "刘经理",
        "营业执照已通过电子证照共享免交。",
    ),
)


def test_forum_with_two_suggestions_tracked_to_closed(
    page: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "现场照片.png"
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, "PNG")
    photo.write_bytes(out.getvalue())
    with time_machine.travel(START, tick=True):
        build_world()
        base = live_server.url

        # The leader plans the forum.
        log_in(page, base, "lingdao")
        page.goto(f"{base}/engagement/staff/forums/new/")
        page.get_by_label("会议主题").fill("第四季度“民说民评”恳谈会")
        page.get_by_label("召开日期").fill("2026-11-27")
        page.get_by_label("地点").fill("政务服务中心三楼会议室")
        page.get_by_label("议程").fill("一、通报工作\n二、代表发言\n三、现场答复")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url("**/engagement/staff/forums/*/")
        forum = Forum.objects.get()
        page.get_by_label("类别").select_option(label="人大代表")
        page.get_by_label("姓名").first.fill("孙建国")
        page.get_by_role("button", name="添加").first.click()
        page.wait_for_load_state()
        assert forum.invitees.count() == 1

        # Two suggestions raised at the forum, the second right after the first.
        page.get_by_role("link", name="登记意见建议").click()
        for index, (title, content, raiser, _summary) in enumerate(SUGGESTIONS):
            page.get_by_label("标题").fill(title)
            page.get_by_label("内容").fill(content)
            page.get_by_label("提出人", exact=True).fill(raiser)
            last = index == len(SUGGESTIONS) - 1
            page.get_by_role(
                "button", name="登记" if last else "登记并继续登记本次会议的下一条", exact=True
            ).click()
            page.wait_for_load_state()
        assert Suggestion.objects.filter(forum=forum).count() == 2

        # Both are assigned to 住房和城乡建设局 with the default 5 working days.
        for suggestion in Suggestion.objects.order_by("number"):
            page.goto(f"{base}/engagement/staff/suggestions/{suggestion.number}/")
            page.get_by_label("承办部门").select_option(label="住房和城乡建设局")
            page.get_by_role("button", name="交办", exact=True).click()
            page.wait_for_load_state()
        assert set(Suggestion.objects.values_list("status", flat=True)) == {"assigned"}

        # The department answers, uploads evidence and closes each from its queue.
        log_in(page, base, "zhujian")
        for title, _content, _raiser, summary in SUGGESTIONS:
            page.goto(f"{base}/engagement/staff/suggestions/")
            page.get_by_role("row", name=title).get_by_role("link").click()
            page.get_by_role("button", name="开始办理").click()
            page.wait_for_load_state()
            page.get_by_label("答复意见").fill(summary)
            page.get_by_label("公开办理结果", exact=False).fill(summary)
            page.get_by_role("button", name="提交答复").click()
            page.wait_for_load_state()
            page.get_by_label("办理结果佐证（照片或 PDF）").set_input_files(str(photo))
            page.get_by_role("button", name="上传", exact=True).click()
            page.wait_for_load_state()
            page.get_by_role("button", name="办结", exact=True).click()
            page.wait_for_load_state()
            assert page.locator(".status-closed").first.inner_text() == "已办结"
        assert set(Suggestion.objects.values_list("status", flat=True)) == {"closed"}

        # Anyone sees both results on the accountability page, without the raisers' names.
        page.context.clear_cookies()
        page.goto(f"{base}/engagement/accountability/")
        for title, _content, raiser, summary in SUGGESTIONS:
            row = page.get_by_role("row", name=title)
            assert row.locator(".status").inner_text() == "已办结"
            assert summary[:10] in row.inner_text()
            assert raiser not in page.content()


def test_conditional_question_appears_after_the_triggering_choice(
    page: Any, live_server: Any
) -> None:
    with time_machine.travel(START, tick=True):
        world = build_world()
        survey = make_survey(world.user("lingdao"))
        page.goto(f"{live_server.url}/engagement/s/{survey.code}/")
        reason = page.locator("#question-Q2")
        assert reason.is_hidden()
        page.get_by_role("radio", name="B. 否").check()
        assert reason.is_visible()
        reason.get_by_role("textbox").fill("材料退回了两次")
        page.get_by_role("radio", name="A. 是").check()  # hides Q2 again and clears it
        assert reason.is_hidden()
        page.get_by_role("radio", name="B. 否").check()
        assert reason.get_by_role("textbox").input_value() == ""
        reason.get_by_role("textbox").fill("系统故障")
        page.get_by_role("checkbox", name="A. 窗口").check()
        page.get_by_role("radio", name="2", exact=True).check()
        page.locator("#question-Q5").get_by_role("textbox").fill("等候太久")
        page.get_by_role("button", name="提交问卷").click()
        page.wait_for_url("**/thanks/")
        response = SurveyResponse.objects.get()
        assert response.answers == {
            "Q1": "B",
            "Q2": "系统故障",
            "Q3": ["A"],
            "Q4": 2,
            "Q5": "等候太久",
        }
