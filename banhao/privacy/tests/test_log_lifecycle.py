"""Nothing sensitive reaches the log: a whole 施工许可 case of a natural person — through the
services and through the pages, with a reveal, a failed login and 404s — leaves neither the
applicant's 身份证号 nor the phone number in the log output."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import path, reverse

from banhao.cases.models import Case
from banhao.cases.services import (
    case_accept,
    case_close,
    case_decide,
    case_deliver,
    review_task_decide,
)
from banhao.cases.tests.conftest import World, frozen, world
from banhao.cases.tests.test_web_staff import act, client_for, register_data, task_of
from banhao.privacy.logging import MaskPersonalDataFilter, mask_text

from .test_masking_applied import ADDRESS, NAME, PERSON_ID, PHONE, register_person

__all__ = ["frozen", "world"]  # pytest fixtures used by the tests below

REVIEWERS = ("zhujian", "ziran", "xiaofang")


def console_handler() -> logging.Handler:
    """The handler settings.LOGGING installs as ``console`` (shared by root and django)."""
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
            return handler
    raise AssertionError("the console handler with the masking filter is not installed")


@pytest.fixture
def log_output(caplog: pytest.LogCaptureFixture) -> Iterator[dict[str, Any]]:
    """Everything logged at DEBUG and above, as the console writes it and as caplog sees it
    through the same filter."""
    handler = console_handler()
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    caplog.handler.addFilter(MaskPersonalDataFilter())
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    caplog.set_level(logging.DEBUG, logger="django.request")
    try:
        yield {"console": stream, "caplog": caplog}
    finally:
        handler.setStream(previous)


def assert_clean(output: dict[str, Any]) -> str:
    text: str = output["console"].getvalue() + "\n" + output["caplog"].text
    for record in output["caplog"].records:
        text += "\n" + record.getMessage() + "\n" + (record.exc_text or "")
    for secret in (PERSON_ID, PERSON_ID.lower(), PHONE):
        assert secret not in text, secret
    return text


def test_the_filter_masks_ids_and_mobiles_in_messages_args_and_tracebacks() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "id %s tel %s", (PERSON_ID, PHONE), None
    )
    MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == f"id {PERSON_ID[:6]}********{PERSON_ID[-4:]} tel 137****5678"
    try:
        raise ValueError(f"bad {PERSON_ID}")
    except ValueError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "oops", None, sys.exc_info())
    MaskPersonalDataFilter().filter(failed)
    assert failed.exc_text is not None
    assert PERSON_ID not in failed.exc_text
    # Case numbers (20 digits) and credit codes are not touched.
    assert mask_text("37168120261127000001 91371681MA3CBH0A1C") == (
        "37168120261127000001 91371681MA3CBH0A1C"
    )


def test_a_whole_case_lifecycle_logs_no_personal_data(
    world: World, log_output: dict[str, Any]
) -> None:
    # Something is captured at all (the filter is not silencing the log).
    logging.getLogger("banhao.test").info("lifecycle test starts for %s", PHONE)
    # 1. Through the services.
    case = register_person(world)
    case = case_accept(case=case, actor=world.user("chuangkou"))
    for department_reviewer in REVIEWERS:
        review_task_decide(
            task=task_of(case, department_reviewer, world),
            actor=world.user(department_reviewer),
            approve=True,
            opinion="同意",
        )
    case = case_decide(
        case=Case.objects.get(pk=case.pk), actor=world.user("shenpi"), approve=True, reason="符合"
    )
    case = case_deliver(case=case, actor=world.user("chuangkou"), method="electronic")
    case = case_close(case=case, actor=world.user("chuangkou"))
    assert case.state == "closed"

    # 2. Through the pages.
    clerk = client_for(world, "chuangkou")
    data = register_data(
        world,
        applicant_kind="person",
        applicant_name=NAME,
        applicant_id_number=PERSON_ID,
        contact_name=NAME,
        contact_phone=PHONE,
        address=ADDRESS,
    )
    assert clerk.post(reverse("cases:window_register"), data).status_code == 302
    case = Case.objects.exclude(pk=case.pk).get()
    assert clerk.get(reverse("cases:window_queue")).status_code == 200
    assert act(clerk, case, "accept").status_code == 302
    for username in REVIEWERS:
        reviewer = client_for(world, username)
        task = task_of(case, username, world)
        url = reverse("cases:review_task", args=[task.pk])
        assert reviewer.get(url).status_code == 200
        posted = reviewer.post(
            url,
            {
                "command": "review",
                "row_version": str(task.row_version),
                "decision": "approve",
                "opinion": "同意",
            },
        )
        assert posted.status_code == 302
    approver = client_for(world, "shenpi")
    assert act(approver, case, "decide_approve", reason="符合法定条件").status_code == 302
    assert act(clerk, case, "start_delivery", method="electronic").status_code == 302
    revealed = clerk.post(
        f"/privacy/reveal/{case.number}/applicant_id_number/", {"reason": "核验身份"}
    )
    assert PERSON_ID in revealed.content.decode()
    assert act(clerk, case, "close").status_code == 302
    assert Case.objects.get(pk=case.pk).state == "closed"
    assert clerk.get(f"/api/v1/cases/{case.number}").status_code == 200

    # 3. A failed login (with the phone number as user name) and 404s, one with the ID in it.
    failed = Client().post(reverse("accounts:login"), {"username": PHONE, "password": "wrong"})
    assert failed.status_code == 200
    assert clerk.get("/cases/staff/case/37168100000000000000/").status_code == 404
    assert clerk.get(f"/no-such-page/{PERSON_ID}/{PHONE}/").status_code == 404
    assert Client().get(f"/api/v1/cases/{PERSON_ID}").status_code == 401

    text = assert_clean(log_output)
    assert "lifecycle test starts for 137****5678" in text
    assert "Not Found" in text


def _explode(request: Any) -> Any:
    raise ValueError(f"applicant {PERSON_ID} phone {PHONE}")


def _urlpatterns() -> list[Any]:
    from banhao.config.urls import urlpatterns as project

    return [path("explode/", _explode), *project]


urlpatterns = _urlpatterns()


def test_the_500_page_and_its_log_show_no_personal_data(
    settings: Any, log_output: dict[str, Any]
) -> None:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get(f"/explode/?id={PERSON_ID}")
    assert response.status_code == 500
    page = response.content.decode()
    assert "抱歉，系统出现了问题" in page
    assert PERSON_ID not in page and PHONE not in page
    text = assert_clean(log_output)
    assert "Internal Server Error" in text
    assert "ValueError" in text
