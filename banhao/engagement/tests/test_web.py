"""Engagement pages: success paths and who may open them (login → role → 404)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from banhao.engagement import services as s
from banhao.engagement.models import PaperCopy, Suggestion, SurveyResponse
from banhao.engagement.tests.factories import make_forum, make_suggestion, make_survey, photo
from banhao.org.models import Department
from banhao.security.testing import login_staff


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(world, name: str | None) -> Client:
    client = Client()
    if name:
        login_staff(client, world.user(name))
    return client


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# -- forums -------------------------------------------------------------------------------------


def test_leader_plans_a_forum_with_invitees_contacts_and_letters(world):
    c = client_for(world, "lingdao")
    response = c.post(
        reverse("engagement:forum_create"),
        {
            "theme": "第四季度民说民评",
            "held_on": "2026-12-03",
            "start_time": "09:00",
            "place": "三楼会议室",
            "agenda": "一、通报\n二、发言",
        },
    )
    assert response.status_code == 302
    forum_id = int(response["Location"].rstrip("/").split("/")[-1])

    def url(name: str) -> str:
        return reverse(f"engagement:{name}", args=[forum_id])

    c.post(
        url("forum_invitee_add"),
        {
            "category": "npc_deputy",
            "name": "孙建国",
            "organisation": "市人大",
            "phone": "13605431111",
        },
    )
    c.post(
        url("forum_contact_add"),
        {
            "name": "郑局长",
            "position": "局长",
            "unit": "局领导",
            "phone": "0543-4321000",
            "available_24h": "on",
        },
    )
    page = c.get(url("forum_detail")).content.decode()
    assert "孙*国" in page and "136****1111" in page and "13605431111" not in page
    assert "0543-4321000" in page  # official contact numbers are printed in full
    c.post(url("forum_invitations_send"))
    letters = c.get(url("forum_invitations_pdf"))
    assert letters["Content-Type"] == "application/pdf"
    text = pdf_text(letters.content)
    assert "邀 请 函" in text and "孙建国" in text and "第四季度民说民评" in text
    contacts = pdf_text(c.get(url("forum_contacts_pdf")).content)
    assert "郑局长" in contacts and "0543-4321000" in contacts


@pytest.mark.parametrize("name", [None, "zhangsan", "chuangkou", "zhujian", "anquan"])
def test_forum_pages_are_for_managers_only(world, name):
    forum = make_forum(world.user("lingdao"), held_on=dt.date(2026, 12, 3))
    response = client_for(world, name).get(reverse("engagement:forum_detail", args=[forum.pk]))
    assert response.status_code == (302 if name is None else 404)


# -- suggestions --------------------------------------------------------------------------------


def test_suggestion_work_queue_and_actions(world):
    leader, reviewer = client_for(world, "lingdao"), client_for(world, "zhujian")
    forum = make_forum(world.user("lingdao"), held_on=dt.date(2026, 11, 20))
    response = leader.post(
        reverse("engagement:suggestion_create"),
        {
            "source": "forum",
            "forum": forum.pk,
            "kind": "complaint",
            "title": "排队时间长",
            "content": "上午取号后等了一个半小时",
            "raiser_category": "enterprise",
            "raiser_name": "刘经理",
            "raiser_phone": "13805431234",
            "sentiment": "neutral",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    suggestion = Suggestion.objects.get()
    detail = reverse("engagement:suggestion_detail", args=[suggestion.number])
    housing = Department.objects.get(name="住房和城乡建设局")

    def act(action: str) -> str:
        return reverse("engagement:suggestion_action", args=[suggestion.number, action])

    leader.post(act("assign"), {"row_version": 0, "department": housing.pk, "working_days": 5})
    queue = reviewer.get(reverse("engagement:suggestion_queue")).content.decode()
    assert suggestion.number in queue and "badge light green" in queue
    page = reviewer.get(detail).content.decode()
    assert "刘经理" not in page and "刘*理" not in page  # handlers do not see the raiser
    leader_page = leader.get(detail).content.decode()
    assert "刘*理" in leader_page and "138****1234" in leader_page
    reviewer.post(
        act("answer"),
        {"row_version": 1, "response": "增设两个综合窗口", "public_summary": "已增设两个综合窗口"},
    )
    stale = reviewer.post(act("close"), {"row_version": 1}, follow=True).content.decode()
    assert "已被他人更新" in stale
    refused = reviewer.post(act("close"), {"row_version": 2}, follow=True).content.decode()
    assert "办结前请上传办理结果佐证" in refused
    reviewer.post(
        reverse("engagement:suggestion_evidence_upload", args=[suggestion.number]),
        {"file": photo(), "description": "新窗口照片"},
    )
    suggestion.refresh_from_db()
    reviewer.post(act("close"), {"row_version": suggestion.row_version})
    suggestion.refresh_from_db()
    assert suggestion.status == "closed"
    evidence = suggestion.evidence.get()
    download = reviewer.get(
        reverse("engagement:suggestion_evidence_file", args=[suggestion.number, evidence.pk])
    )
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    # Another department's reviewer: 404 for the page, the file and the actions.
    other = client_for(world, "ziran")
    assert other.get(detail).status_code == 404
    assert (
        other.get(
            reverse("engagement:suggestion_evidence_file", args=[suggestion.number, evidence.pk])
        ).status_code
        == 404
    )
    assert other.post(act("close"), {"row_version": 9}).status_code == 404


def test_public_submission_and_accountability_without_personal_data(world):
    c = Client()
    response = c.post(
        reverse("engagement:suggest"),
        {
            "kind": "gripe",
            "title": "停车难",
            "content": "中心门口车位太少",
            "raiser_name": "王小五",
            "raiser_phone": "13912345678",
        },
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.raiser_name == "王小五"
    listing = c.get(reverse("engagement:accountability")).content.decode()
    detail = c.get(response["Location"]).content.decode()
    for page in (listing, detail):
        assert "停车难" in page
        assert (
            "王小五" not in page
            and "王*五" not in page
            and "1391234" not in page
            and "5678" not in page
        )
    assert c.get(reverse("engagement:accountability_detail", args=["JY000"])).status_code == 404


def test_public_submission_form_errors_are_shown_in_chinese(world):
    page = (
        Client()
        .post(
            reverse("engagement:suggest"),
            {"kind": "suggestion", "title": "建议", "content": "内容"},
        )
        .content.decode()
    )
    assert "请填写姓名，或选择匿名提交" in page
    assert not Suggestion.objects.exists()


def test_public_submissions_are_rate_limited(world):
    c = Client()
    data = {"kind": "suggestion", "title": "建议", "content": "内容", "is_anonymous": "on"}
    statuses = [c.post(reverse("engagement:suggest"), data).status_code for _ in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[-1] == 429


# -- surveys ------------------------------------------------------------------------------------


def test_builder_adds_conditional_questions_and_publishes(world):
    c = client_for(world, "lingdao")
    response = c.post(
        reverse("engagement:survey_create"),
        {"title": "窗口服务问卷", "code": "chuangkou", "intro": "", "is_anonymous": "on"},
    )
    assert response.status_code == 302
    survey_id = int(response["Location"].rstrip("/").split("/")[-1])
    add = reverse("engagement:survey_question_add", args=[survey_id])
    c.post(
        add, {"kind": "single", "text": "是否一次办好", "options": "是\n否", "is_required": "on"}
    )
    c.post(
        add,
        {
            "kind": "text",
            "text": "原因",
            "condition_question": "q1",
            "condition_values": "b",
            "is_required": "on",
        },
    )
    bad = c.post(
        add,
        {"kind": "text", "text": "坏条件", "condition_question": "Q1", "condition_values": "Z"},
        follow=True,
    )
    assert "不存在的选项" in bad.content.decode()
    c.post(reverse("engagement:survey_status", args=[survey_id]), {"status": "open"})
    page = c.get(reverse("engagement:survey_builder", args=[survey_id])).content.decode()
    assert "收集中" in page and "第 Q1 题选 B 时作答" in page
    answer = Client().get(reverse("engagement:survey_answer", args=["chuangkou"])).content.decode()
    assert 'data-show-if="Q1:B"' in answer and "engagement-survey.js" in answer


def test_online_answer_page_server_validation_is_authoritative(world):
    survey = make_survey(world.user("lingdao"))
    url = reverse("engagement:survey_answer", args=[survey.code])
    # Q2 is hidden when Q1 = A: the server refuses a smuggled answer and keeps nothing.
    refused = Client().post(url, {"q_Q1": "A", "q_Q2": "夹带", "q_Q3": ["A"], "q_Q4": "5"})
    assert refused.status_code == 422
    assert "不需要作答" in refused.content.decode()
    ok = Client().post(
        url, {"q_Q1": "B", "q_Q2": "跑了两次", "q_Q3": ["A", "C"], "q_Q4": "2", "q_Q5": "慢"}
    )
    assert ok.status_code == 302
    assert SurveyResponse.objects.get().answers["Q3"] == ["A", "C"]
    draft = make_survey(world.user("lingdao"), code="draft-one", publish=False)
    assert Client().get(reverse("engagement:survey_answer", args=[draft.code])).status_code == 404


def test_paper_copies_print_and_are_entered_once_by_keyboard(world):
    leader, clerk = client_for(world, "lingdao"), client_for(world, "chuangkou")
    survey = make_survey(world.user("lingdao"))
    leader.post(reverse("engagement:survey_paper_batch", args=[survey.pk]), {"count": 3})
    pdf = leader.get(reverse("engagement:survey_paper_pdf", args=[survey.pk, 1]))
    text = pdf_text(pdf.content)
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) >= 3
    for n in (1, 2, 3):
        assert f"msmp-2026q4-0000{n}" in text
    assert "总体满意度" in text and "□" in text
    entry = reverse("engagement:survey_paper_entry", args=[survey.pk])
    page = clerk.get(entry).content.decode()
    assert re.search(r'name="serial" value="msmp-2026q4-00001" autofocus', page)
    answers = {"q_Q1": "A", "q_Q3": ["A"], "q_Q4": "4"}
    assert clerk.post(entry, {"serial": "msmp-2026q4-00001", **answers}).status_code == 302
    page = clerk.get(entry).content.decode()
    assert 'value="msmp-2026q4-00002"' in page  # next serial prefilled
    again = clerk.post(entry, {"serial": "msmp-2026q4-00001", **answers}).content.decode()
    assert "不能重复录入" in again
    # A scanner reading the QR code types the URL: its serial is used.
    scanned = f"http://testserver/engagement/s/{survey.code}/?copy=msmp-2026q4-00003"
    assert clerk.post(entry, {"serial": scanned, **answers}).status_code == 302
    assert SurveyResponse.objects.filter(channel="paper").count() == 2
    assert client_for(world, "zhangsan").get(entry).status_code == 404


def test_answering_through_a_copy_qr_uses_the_copy_up(world):
    survey = make_survey(world.user("lingdao"))
    s.survey_paper_batch_create(survey=survey, count=1, actor=world.user("lingdao"))
    copy = PaperCopy.objects.get()
    url = reverse("engagement:survey_answer", args=[survey.code]) + f"?copy={copy.serial}"
    page = Client().get(url).content.decode()
    assert f'name="copy" value="{copy.serial}"' in page
    assert (
        Client()
        .post(url, {"copy": copy.serial, "q_Q1": "A", "q_Q3": ["B"], "q_Q4": "5"})
        .status_code
        == 302
    )
    response = SurveyResponse.objects.get()
    assert (response.channel, response.paper_copy) == ("online", copy)
    clerk = client_for(world, "chuangkou")
    refused = clerk.post(
        reverse("engagement:survey_paper_entry", args=[survey.pk]),
        {"serial": copy.serial, "q_Q1": "A", "q_Q3": ["B"], "q_Q4": "5"},
    ).content.decode()
    assert "不能重复录入" in refused


def test_results_page_and_exports_keep_anonymity(world):
    leader = client_for(world, "lingdao")
    survey = make_survey(world.user("lingdao"))
    copy = s.survey_paper_batch_create(survey=survey, count=1, actor=world.user("lingdao"))[0]
    s.survey_paper_enter(
        survey=survey,
        serial=copy.serial,
        answers={"Q1": "A", "Q3": ["A"], "Q4": 5, "Q6": "=1+1"},
        actor=world.user("chuangkou"),
    )
    s.survey_response_submit(
        survey=survey,
        answers={"Q1": "B", "Q2": "两次", "Q3": ["B"], "Q4": 2, "Q5": "慢"},
        actor=world.user("zhangsan"),
    )
    page = leader.get(reverse("engagement:survey_results", args=[survey.pk])).content.decode()
    assert "共回收 2 份：纸质 1 份，网上 1 份" in page
    assert 'id="survey-chart-data"' in page and "echarts-5.6.0.min.js" in page
    raw = leader.get(reverse("engagement:survey_export", args=[survey.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0][:3] == ["序号", "渠道", "提交日期"] and len(rows) == 3
    assert "答卷人" not in rows[0] and copy.serial not in raw and "张三" not in raw
    assert "'=1+1" in raw  # formula injection neutralised
    xlsx = leader.get(reverse("engagement:survey_export", args=[survey.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["序号", "渠道", "提交日期"] and len(values) == 3
    assert all(copy.serial not in str(v) for row in values for v in row)
    assert (
        leader.get(reverse("engagement:survey_export", args=[survey.pk, "pdf"])).status_code == 404
    )
    assert (
        client_for(world, "chuangkou")
        .get(reverse("engagement:survey_results", args=[survey.pk]))
        .status_code
        == 404
    )


def test_staff_home_for_each_staff_role(world):
    for name, status in (
        ("lingdao", 200),
        ("zhujian", 200),
        ("chuangkou", 200),
        ("bangban", 200),
        ("zhangsan", 404),
        ("anquan", 404),
    ):
        assert (
            client_for(world, name).get(reverse("engagement:staff_home")).status_code == status
        ), name
    make_suggestion(world.user("lingdao"))
    assert (
        "JY20261127"
        in client_for(world, "lingdao").get(reverse("engagement:staff_home")).content.decode()
    )


def test_accountability_masks_contact_data_written_into_the_text(world):
    c = Client()
    c.post(
        reverse("engagement:suggest"),
        {
            "kind": "complaint",
            "title": "请回电 13912345678",
            "content": "我的身份证 371681198503121237，邮箱 wangwu@example.com，电话 13912345678",
            "is_anonymous": "on",
        },
    )
    number = Suggestion.objects.get().number
    pages = [
        c.get(reverse("engagement:accountability")).content.decode(),
        c.get(reverse("engagement:accountability_detail", args=[number])).content.decode(),
        c.get(f"/api/v1/engagement/public/suggestions/{number}").content.decode(),
    ]
    for page in pages:
        assert "13912345678" not in page and "139****5678" in page
    assert "371681198503121237" not in pages[1] and "371681********1237" in pages[1]
    assert "wangwu@example.com" not in pages[1] and "w***@example.com" in pages[1]
