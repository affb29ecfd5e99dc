"""/api/v1/engagement/: public endpoints (no login, no raiser data) and staff endpoints
(token; missing and foreign are both 404)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from banhao.accounts.tokens import api_token_create
from banhao.engagement import services as s
from banhao.engagement.models import Suggestion, SurveyResponse
from banhao.engagement.tests.factories import make_suggestion, make_survey, photo
from banhao.org.models import Department

API = "/api/v1/engagement"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def call(method: str, path: str, body: object = None, *, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Client()
    if method == "GET":
        return client.get(API + path, headers=headers)
    return client.post(
        API + path, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def token(world, name: str) -> str:
    return api_token_create(user=world.user(name), name="test", actor=None)[1]


def test_public_submission_and_accountability(world):
    created = call(
        "POST",
        "/public/suggestions",
        {
            "kind": "gripe",
            "title": "停车难",
            "content": "车位少",
            "raiser_name": "王小五",
            "raiser_phone": "13912345678",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["number"] == "JY202611270001" and body["status"] == {
        "code": "registered",
        "label": "已登记",
    }
    listing = call("GET", "/public/suggestions")
    assert listing.status_code == 200 and listing.json()["total"] == 1
    detail = call("GET", f"/public/suggestions/{body['number']}")
    assert detail.json()["timeline"][0]["step"] == "网上提交"
    for response in (created, listing, detail):
        text = response.content.decode()
        assert "王小五" not in text and "13912345678" not in text and "raiser" not in text
    assert Suggestion.objects.get().raiser_name == "王小五"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "suggestion", "title": "t", "content": "c"}, 422, "name_or_anonymous"),
        ({"kind": "rant", "title": "t", "content": "c", "is_anonymous": True}, 422, None),
        (
            {"kind": "suggestion", "title": "", "content": "c", "is_anonymous": True},
            422,
            "required",
        ),
    ],
)
def test_public_submission_bad_input(world, body, status, code):
    response = call("POST", "/public/suggestions", body)
    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
    assert not Suggestion.objects.exists()


def test_public_survey_definition_and_answer(world):
    survey = make_survey(world.user("lingdao"))
    definition = call("GET", f"/public/surveys/{survey.code}").json()
    assert [q["code"] for q in definition["questions"]] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    assert definition["questions"][1]["show_if"] == {"question": "Q1", "values": ["B"]}
    ok = call(
        "POST",
        f"/public/surveys/{survey.code}/responses",
        {"answers": {"Q1": "A", "Q3": ["A"], "Q4": 5}},
    )
    assert ok.status_code == 201 and ok.json()["channel"]["code"] == "online"
    hidden = call(
        "POST",
        f"/public/surveys/{survey.code}/responses",
        {"answers": {"Q1": "A", "Q2": "x", "Q3": ["A"], "Q4": 5}},
    )
    assert hidden.status_code == 422
    assert hidden.json()["error"]["code"] == "hidden_question_answered"
    assert SurveyResponse.objects.count() == 1
    named = make_survey(world.user("lingdao"), code="shiming", anonymous=False)
    assert (
        call("POST", f"/public/surveys/{named.code}/responses", {"answers": {}}).json()["error"][
            "code"
        ]
        == "login_required"
    )
    draft = make_survey(world.user("lingdao"), code="caogao", publish=False)
    assert call("GET", f"/public/surveys/{draft.code}").status_code == 404


def test_staff_queue_and_commands(world):
    leader, reviewer, other = (
        token(world, "lingdao"),
        token(world, "zhujian"),
        token(world, "ziran"),
    )
    suggestion = make_suggestion(world.user("lingdao"))
    housing = Department.objects.get(name="住房和城乡建设局")
    assert call("GET", "/suggestions").status_code == 401
    assert call("GET", "/suggestions", token=token(world, "zhangsan")).json()["items"] == []
    row = call("GET", f"/suggestions/{suggestion.number}", token=leader).json()
    assert row["allowed_commands"] == ["assign", "decline"]
    assert (
        call(
            "POST",
            f"/suggestions/{suggestion.number}/assign",
            {"expected_version": 0, "department_id": housing.pk},
            token=reviewer,
        ).status_code
        == 404
    )
    assigned = call(
        "POST",
        f"/suggestions/{suggestion.number}/assign",
        {"expected_version": 0, "department_id": housing.pk, "working_days": 5},
        token=leader,
    )
    assert assigned.status_code == 200 and assigned.json()["deadline"] == "2026-12-04"
    assert assigned.json()["light"] == "green"
    assert call("GET", f"/suggestions/{suggestion.number}", token=other).status_code == 404
    queue = call("GET", "/suggestions", token=reviewer).json()["items"]
    assert [r["number"] for r in queue] == [suggestion.number]
    assert "assign" not in queue[0]["allowed_commands"] and "answer" in queue[0]["allowed_commands"]
    stale = call(
        "POST",
        f"/suggestions/{suggestion.number}/answer",
        {"expected_version": 0, "response": "r", "public_summary": "p"},
        token=reviewer,
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    answered = call(
        "POST",
        f"/suggestions/{suggestion.number}/answer",
        {"expected_version": 1, "response": "已延时", "public_summary": "已实行午间延时"},
        token=reviewer,
    )
    assert answered.status_code == 200
    no_evidence = call(
        "POST", f"/suggestions/{suggestion.number}/close", {"expected_version": 2}, token=reviewer
    )
    assert (
        no_evidence.status_code == 422
        and no_evidence.json()["error"]["code"] == "evidence_required"
    )
    s.suggestion_evidence_add(
        suggestion=Suggestion.objects.get(pk=suggestion.pk),
        upload=photo(),
        actor=world.user("zhujian"),
    )
    closed = call(
        "POST", f"/suggestions/{suggestion.number}/close", {"expected_version": 3}, token=reviewer
    )
    assert closed.status_code == 200 and closed.json()["status"]["code"] == "closed"


def test_start_and_decline_through_the_api(world):
    leader, reviewer = token(world, "lingdao"), token(world, "zhujian")
    first, second = make_suggestion(world.user("lingdao")), make_suggestion(world.user("lingdao"))
    housing = Department.objects.get(name="住房和城乡建设局")
    for suggestion in (first, second):
        s.suggestion_assign(suggestion=suggestion, department=housing, actor=world.user("lingdao"))
    started = call(
        "POST", f"/suggestions/{first.number}/start", {"expected_version": 1}, token=reviewer
    )
    assert started.status_code == 200 and started.json()["status"]["code"] == "in_progress"
    again = call(
        "POST", f"/suggestions/{first.number}/start", {"expected_version": 2}, token=reviewer
    )
    assert again.status_code == 409
    empty = call(
        "POST",
        f"/suggestions/{second.number}/decline",
        {"expected_version": 1, "reason": " "},
        token=leader,
    )
    assert empty.status_code == 422
    declined = call(
        "POST",
        f"/suggestions/{second.number}/decline",
        {"expected_version": 1, "reason": "法律法规另有规定"},
        token=leader,
    )
    assert declined.status_code == 200 and declined.json()["public_summary"] == "法律法规另有规定"
    assert (
        call(
            "POST",
            f"/suggestions/{second.number}/decline",
            {"expected_version": 2, "reason": "x"},
            token=token(world, "ziran"),
        ).status_code
        == 404
    )


def test_survey_results_and_paper_entry(world):
    leader, clerk = token(world, "lingdao"), token(world, "chuangkou")
    survey = make_survey(world.user("lingdao"))
    copies = s.survey_paper_batch_create(survey=survey, count=2, actor=world.user("lingdao"))
    entry = {"serial": copies[0].serial, "answers": {"Q1": "A", "Q3": ["B"], "Q4": 4}}
    assert (
        call("POST", f"/surveys/{survey.pk}/paper-responses", entry, token=clerk).status_code == 201
    )
    again = call("POST", f"/surveys/{survey.pk}/paper-responses", entry, token=clerk)
    assert again.status_code == 409 and again.json()["error"]["code"] == "serial_already_entered"
    assert (
        call(
            "POST", f"/surveys/{survey.pk}/paper-responses", entry, token=token(world, "zhangsan")
        ).status_code
        == 404
    )
    results = call("GET", f"/surveys/{survey.pk}/results", token=leader).json()
    assert (results["total"], results["paper"], results["online"]) == (1, 1, 0)
    assert results["questions"][0]["paper"]["counts"] == {"A": 1, "B": 0}
    assert call("GET", f"/surveys/{survey.pk}/results", token=clerk).status_code == 404
