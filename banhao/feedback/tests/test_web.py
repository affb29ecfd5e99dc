"""好差评 pages: each page's success and its refusals (role, foreign object, bad input)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.audit.models import AuditEntry
from banhao.cases.models import Case
from banhao.cases.notices import notice_pdf, rating_token, read_rating_token
from banhao.feedback import services
from banhao.feedback.models import Appeal, Complaint, Rating, StarHelperAward
from banhao.feedback.tests.factories import PDF, accepted_case, rate
from banhao.security.testing import login_staff
from banhao.shared.errors import NotFound
from banhao_core.ratings import AppealGround, Disposition

from .conftest import SHANGHAI_AT, World, company_applicant

pytestmark = pytest.mark.django_db


def client_for(world: World, username: str | None) -> Client:
    client = Client()
    if username:
        login_staff(client, world.user(username))
    return client


# -- applicant rating page ---------------------------------------------------------------------


def test_applicant_rates_from_the_page(world: World, closed: Case) -> None:
    client = client_for(world, "zhangsan")
    url = reverse("feedback:rate_case", args=[closed.number])
    page = client.get(url)
    assert page.status_code == 200
    assert "提交评价" in page.content.decode()
    response = client.post(
        url, {"event": "close", "kind": "first", "level": "dissatisfied", "options": ["B03"]}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.option_codes) == ("dissatisfied", "1", ["B03"])
    after = client.get(url).content.decode()
    assert "提交追评" in after and "差评处理情况" in after


def test_bad_rating_without_option_shows_the_rule_and_writes_nothing(
    world: World, closed: Case
) -> None:
    client = client_for(world, "zhangsan")
    response = client.post(
        reverse("feedback:rate_case", args=[closed.number]),
        {"event": "close", "kind": "first", "level": "very_dissatisfied"},
    )
    assert response.status_code == 422
    assert "差评请至少选择一项问题" in response.content.decode()
    assert not Rating.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("lisi", 404), ("chuangkou", 404), (None, 302)])
def test_rate_page_refuses_others(
    world: World, closed: Case, username: str | None, status: int
) -> None:
    world.users["lisi"] = user_create(
        username="lisi",
        password=None,
        kind=User.Kind.PERSON,
        display_name="李四",
        roles=[Role.APPLICANT],
        actor=None,
    )
    response = client_for(world, username).get(reverse("feedback:rate_case", args=[closed.number]))
    assert response.status_code == status
    assert not Rating.objects.exists()


def test_rate_page_after_the_window(world: World, closed: Case) -> None:
    with time_machine.travel(SHANGHAI_AT(dt.datetime(2026, 12, 7, 9)), tick=False):
        page = client_for(world, "zhangsan").get(
            reverse("feedback:rate_case", args=[closed.number])
        )
    assert "评价期限已过" in page.content.decode()


# -- the QR link ---------------------------------------------------------------------------------


def test_walk_in_rates_by_the_signed_link_without_login(world: World) -> None:
    case = accepted_case(world.permit, world.users, company_applicant())
    url = reverse("feedback:qr_rate", args=[rating_token(case, "acceptance")])
    page = Client().get(url)
    assert page.status_code == 200
    assert case.applicant_name not in page.content.decode()
    response = Client().post(url, {"level": "satisfied", "ind_service_attitude": "very_satisfied"})
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.rater, rating.channel, rating.indicators["service_attitude"]) == (
        None,
        "3",
        "very_satisfied",
    )
    assert "本次服务已评价" in Client().get(url).content.decode()


def test_tampered_or_foreign_token_is_404(world: World) -> None:
    case = accepted_case(world.permit, world.users, company_applicant())
    token = rating_token(case, "acceptance")
    assert Client().get(reverse("feedback:qr_rate", args=[token[:-2] + "xx"])).status_code == 404
    assert read_rating_token(token) == (case.number, "acceptance")
    with pytest.raises(NotFound):
        read_rating_token("not-a-token")


def test_notices_print_the_rating_qr(world: World, closed: Case) -> None:
    name, pdf = notice_pdf(closed, "completion", base_url="https://banhao.example/")
    assert name.endswith("办结通知书.pdf") and pdf.startswith(b"%PDF")
    _name, without = notice_pdf(closed, "completion")
    assert len(pdf) != len(without)  # the QR code is drawn only with a base URL
    client = client_for(world, "zhangsan")
    response = client.get(reverse("cases:notice", args=[closed.number, "completion"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    open_case = accepted_case(world.permit, world.users, company_applicant())
    with pytest.raises(NotFound):
        notice_pdf(open_case, "completion")


def test_my_cases_links_closed_cases_to_rating(world: World, closed: Case) -> None:
    page = client_for(world, "zhangsan").get(reverse("cases:my_cases")).content.decode()
    assert reverse("feedback:rate_case", args=[closed.number]) in page


# -- the unit's 差评 pages -----------------------------------------------------------------------


def test_unit_works_the_loop_on_its_pages(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    complaint = Complaint.objects.get()
    client = client_for(world, "shenpi")
    queue = client.get(reverse("feedback:complaint_queue")).content.decode()
    assert f"#{complaint.pk}" in queue and "回访期限 2026-11-30" in queue
    assert "张三" not in queue
    url = reverse("feedback:complaint_detail", args=[complaint.pk])
    detail = client.get(url).content.decode()
    assert "记录回访" in detail and "张三" not in detail and "13905431234" not in detail
    assert (
        client.post(url, {"action": "callback", "notes": "", "row_version": 0}).status_code == 422
    )
    assert (
        client.post(url, {"action": "callback", "notes": "已回访", "row_version": 0}).status_code
        == 302
    )
    stale = client.post(
        url, {"action": "dispose", "disposition": "rectify", "notes": "x", "row_version": 0}
    )
    assert stale.status_code == 409
    client.post(
        url,
        {"action": "dispose", "disposition": "rectify", "notes": "增设叫号机", "row_version": 1},
    )
    assert "整改期限：2026-12-04" in client.get(url).content.decode()
    client.post(url, {"action": "rectified", "notes": "叫号机已启用", "row_version": 2})
    client.post(url, {"action": "feedback", "notes": "已增设叫号机", "row_version": 3})
    assert Complaint.objects.get().state == "fed_back"
    # Nothing left for the unit: off the 待办 list, still under 全部.
    queue_url = reverse("feedback:complaint_queue")
    assert f"#{complaint.pk}" not in client.get(queue_url).content.decode()
    assert f"#{complaint.pk}" in client.get(queue_url + "?all=1").content.decode()


@pytest.mark.parametrize(
    ("username", "queue", "detail"),
    [
        (None, 302, 302),
        ("zhangsan", 404, 404),
        ("zhujian", 200, 404),  # another unit: its own (empty) queue, not this 差评
        ("shenpi", 200, 200),
        ("lingdao", 200, 200),
        ("admin", 404, 404),
        ("shenji", 404, 404),
    ],
)
def test_complaint_pages_permissions(
    world: World, closed: Case, username: str | None, queue: int, detail: int
) -> None:
    rate(closed, world.user("zhangsan"))
    client = client_for(world, username)
    assert client.get(reverse("feedback:complaint_queue")).status_code == queue
    complaint = Complaint.objects.get()
    assert (
        client.get(reverse("feedback:complaint_detail", args=[complaint.pk])).status_code == detail
    )


def test_rater_rates_the_fix_on_the_page(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    shenpi = world.user("shenpi")
    complaint = services.complaint_callback(
        complaint=Complaint.objects.get(), notes="回访", actor=shenpi
    )
    complaint = services.complaint_dispose(
        complaint=complaint, disposition=Disposition.EXPLAIN, notes="依法需现场核验", actor=shenpi
    )
    complaint = services.complaint_feedback_to_rater(
        complaint=complaint, text="已解释", actor=shenpi
    )
    url = reverse("feedback:rate_fix", args=[complaint.pk])
    assert client_for(world, "shenpi").get(url).status_code == 404
    client = client_for(world, "zhangsan")
    assert "已解释" in client.get(url).content.decode()
    assert client.post(url, {"verdict": "basically_satisfied"}).status_code == 302
    assert Complaint.objects.get().fix_verdict == "basically_satisfied"


# -- appeals ------------------------------------------------------------------------------------


def test_appeal_filed_on_the_page_and_decided_by_the_leader(
    world: World, closed: Case, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    rate(closed, world.user("zhangsan"))
    complaint = Complaint.objects.get()
    unit = client_for(world, "shenpi")
    evidence = SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")
    response = unit.post(
        reverse("feedback:complaint_detail", args=[complaint.pk]),
        {
            "action": "appeal",
            "ground": "malicious",
            "statement": "系恶意差评",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert unit.get(reverse("feedback:appeal_evidence", args=[appeal.pk])).status_code == 200
    assert unit.get(reverse("feedback:appeal_queue")).status_code == 404
    leader = client_for(world, "lingdao")
    assert "恶意差评" in leader.get(reverse("feedback:appeal_queue")).content.decode()
    url = reverse("feedback:appeal_detail", args=[appeal.pk])
    page = leader.get(url).content.decode()
    assert "张三" not in page
    revealed = leader.post(url, {"action": "reveal", "reason": "核实申诉"})
    assert "张三" in revealed.content.decode()
    assert AuditEntry.objects.filter(action="feedback.rater_reveal").count() == 1
    assert (
        leader.post(url, {"action": "decide", "upheld": "1", "reason": "经核实"}).status_code == 302
    )
    assert Complaint.objects.get().state == "annulled"
    assert client_for(world, "zhujian").get(url).status_code == 404


def test_appeal_pages_refuse_non_leaders(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    appeal = services.appeal_file(
        complaint=Complaint.objects.get(),
        ground=AppealGround.MISTAKEN,
        statement="误评",
        actor=world.user("shenpi"),
    )
    for username, status in (("zhangsan", 404), ("shenpi", 404), ("admin", 404), (None, 302)):
        client = client_for(world, username)
        assert client.get(reverse("feedback:appeal_detail", args=[appeal.pk])).status_code == status
    assert (
        client_for(world, "zhujian")
        .get(reverse("feedback:appeal_evidence", args=[appeal.pk]))
        .status_code
        == 404
    )


# -- publication and ranking --------------------------------------------------------------------


def test_publication_page_is_public_without_rater_data(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    page = Client().get(reverse("feedback:publication") + "?month=2026-11")
    assert page.status_code == 200
    text = page.content.decode()
    assert "行政审批服务局（投资建设审批科）" in text and "0.0%" in text
    assert "张三" not in text and closed.number not in text
    assert 'id="feedback-chart-data"' in text and "echarts-5.6.0.min.js" in text
    bad = Client().get(reverse("feedback:publication") + "?month=2099-01").content.decode()
    assert "不能查看该月份" in bad


def test_ranking_page_shows_formula_and_leader_chooses(world: World, closed: Case) -> None:
    for username, status in (("zhangsan", 404), ("zhujian", 404), (None, 302), ("chuangkou", 200)):
        assert client_for(world, username).get(reverse("feedback:ranking")).status_code == status
    leader = client_for(world, "lingdao")
    page = leader.get(reverse("feedback:ranking") + "?month=2026-11").content.decode()
    assert "群众评议指数" in page and "w₁ 好评率 40%" in page and "评为星级帮办员" in page
    clerk = world.user("chuangkou")
    response = leader.post(
        reverse("feedback:star_choose"), {"month": "2026-11", "staff": clerk.pk, "note": "窗口之星"}
    )
    assert response.status_code == 302
    award = StarHelperAward.objects.get()
    assert (award.staff, award.rank) == (clerk, 1)
    assert (
        client_for(world, "chuangkou")
        .post(reverse("feedback:star_choose"), {"month": "2026-11", "staff": clerk.pk})
        .status_code
        == 404
    )
    leader.post(reverse("feedback:star_choose"), {"month": "2026-11", "staff": clerk.pk})
    assert StarHelperAward.objects.count() == 1
    assert (
        "窗口之星"
        in Client().get(reverse("feedback:publication") + "?month=2026-11").content.decode()
    )
