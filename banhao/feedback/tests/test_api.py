"""The 好差评 API: provincial field names, code systems, 追评, errors, who may call what."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from banhao.accounts.tokens import api_token_create
from banhao.cases.models import Case
from banhao.feedback.models import Complaint, Rating
from banhao.feedback.tests.factories import rate

from .conftest import SHANGHAI_AT, World

pytestmark = pytest.mark.django_db
URL = "/api/v1/feedback"


def bearer(world: World, username: str) -> dict[str, str]:
    token = api_token_create(user=world.user(username), name="t", actor=None)[1]
    return {"Authorization": f"Bearer {token}"}


def post(world: World, username: str | None, body: dict[str, Any]) -> Any:
    headers = bearer(world, username) if username else {}
    return Client().post(
        f"{URL}/ratings", json.dumps(body), content_type="application/json", headers=headers
    )


def test_submit_with_provincial_code_and_follow_up(world: World, closed: Case) -> None:
    response = post(
        world,
        "zhangsan",
        {
            "projectNo": closed.number,
            "pf": "2",
            "satisfaction": 2,
            "codeSystem": "provincial_satisfaction",
            "evalDetail": "B03,B04",
            "writingEvaluation": "等候时间较长",
            "indicators": {"efficiency": "dissatisfied"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == {"code": "dissatisfied", "label": "不满意"}
    assert body["satisfaction"] == {"gbt39046A8": 4, "provincialSatisfaction": 2}
    assert (body["assessNumber"], body["evalDetail"], body["complaintRouted"]) == (
        1,
        "B03,B04",
        True,
    )
    again = post(world, "zhangsan", {"projectNo": closed.number, "level": "satisfied"})
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "already_rated"
    follow_up = post(
        world, "zhangsan", {"projectNo": closed.number, "level": "satisfied", "assessNumber": 2}
    )
    assert follow_up.status_code == 201
    assert follow_up.json()["assessNumber"] == 2
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"satisfaction": 5}, 422, "code_system_required"),
        ({"satisfaction": 9, "codeSystem": "gbt39046_a8"}, 422, "validation_failed"),
        ({"level": "dissatisfied"}, 422, "option_required"),
        ({"level": "satisfied", "pf": "7"}, 422, "validation_failed"),
        ({"level": "satisfied", "assessNumber": 2}, 422, "no_first_rating"),
    ],
)
def test_bad_bodies_are_refused(
    world: World, closed: Case, body: dict[str, Any], status: int, code: str
) -> None:
    response = post(world, "zhangsan", {"projectNo": closed.number, **body})
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"), [(None, 401), ("qiye", 404), ("chuangkou", 404), ("lingdao", 404)]
)
def test_only_the_applicant_rates(
    world: World, closed: Case, username: str | None, status: int
) -> None:
    response = post(world, username, {"projectNo": closed.number, "level": "satisfied"})
    assert response.status_code == status
    assert not Rating.objects.exists()


def test_window_closed_is_422(world: World, closed: Case) -> None:
    with time_machine.travel(SHANGHAI_AT(dt.datetime(2026, 12, 7, 9)), tick=False):
        response = post(world, "zhangsan", {"projectNo": closed.number, "level": "satisfied"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "rating_window_closed"


def test_publication_is_public_and_has_no_rater_data(world: World, closed: Case) -> None:
    rate(closed, world.user("zhangsan"))
    response = Client().get(f"{URL}/publication?month=2026-11")
    assert response.status_code == 200
    body = response.json()
    assert body["overall"]["total"] == 1
    assert body["departments"][0]["complaints"] == 1
    text = response.content.decode()
    assert "张三" not in text and closed.number not in text and "zhangsan" not in text
    assert Client().get(f"{URL}/publication?month=2026-13").status_code == 422


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (None, 401),
        ("zhangsan", 403),
        ("zhujian", 403),
        ("chuangkou", 200),
        ("bangban", 200),
        ("lingdao", 200),
    ],
)
def test_ranking_for_window_staff_helpers_and_leaders(
    world: World, closed: Case, username: str | None, status: int
) -> None:
    headers = bearer(world, username) if username else {}
    response = Client().get(f"{URL}/ranking?month=2026-11", headers=headers)
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["weights"] == {"satisfaction": 40, "on_time": 30, "volume": 20, "forum": 10}
        first = body["rows"][0]
        assert (first["name"], first["casesClosed"], first["casesOnTime"]) == ("李窗口", 1, 1)
