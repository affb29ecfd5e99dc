"""Personal data is masked on every screen and in the API; staff who check identity may reveal
one field, for a reason, and every reveal is audited without the value."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from stdnum.cn import ric

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.audit.models import AuditEntry
from banhao.cases.models import Case
from banhao.cases.services import (
    ApplicantData,
    ReceivedMaterial,
    case_create_draft,
    case_register_at_window,
    materials_for,
)
from banhao.cases.tests.conftest import World, frozen, permit_answers, world
from banhao.org.models import ServiceCentre
from banhao.privacy.services import personal_data_reveal
from banhao.security.testing import login_staff
from banhao.shared.errors import NotFound, ValidationFailed

__all__ = ["frozen", "world"]  # pytest fixtures used by the tests below

_BASE = "37168119900101451"
PERSON_ID = _BASE + ric.calc_check_digit(_BASE + "0")
PHONE = "13712345678"
NAME = "欧阳晓明"
ADDRESS = "邹平市黛溪街道黛溪五路88号"


def person_applicant() -> ApplicantData:
    return ApplicantData(
        kind="person",
        name=NAME,
        id_number=PERSON_ID,
        contact_name=NAME,
        contact_phone=PHONE,
        address=ADDRESS,
    )


def register_person(world: World) -> Case:
    version = world.permit
    answers = permit_answers(version, supervised=True, agent=False)
    received = [
        ReceivedMaterial(material_id=m.pk, originals=1, copies=1)
        for m in materials_for(version, answers)
        if m.necessity in ("required", "deferrable")
    ]
    return case_register_at_window(
        actor=world.user("chuangkou"),
        item_version=version,
        applicant=person_applicant(),
        situation_answers=answers,
        received=received,
    )


def draft_of_zhangsan(world: World) -> Case:
    version = world.permit
    return case_create_draft(
        actor=world.user("zhangsan"),
        item_version=version,
        service_centre=world.centre,
        applicant=person_applicant(),
        situation_answers=permit_answers(version, supervised=True, agent=False),
    )


def assert_masked(text: str) -> None:
    assert PERSON_ID not in text
    assert PHONE not in text
    assert NAME not in text
    assert ADDRESS not in text


def staff_client(world: World, username: str) -> Client:
    client = Client()
    login_staff(client, world.user(username))
    return client


def test_the_template_filters_mask_a_person_and_keep_a_company() -> None:
    template = Template(
        "{% load privacy %}{{ i|mask_id:'person' }} {{ m|mask_mobile }} {{ n|mask_name }} "
        "{{ c|mask_name:'company' }} {{ c|mask_id:'company' }} {{ a|mask_address }}"
    )
    rendered = template.render(
        Context({"i": PERSON_ID, "m": PHONE, "n": "张晓明", "c": "鲁信建设", "a": ADDRESS})
    )
    assert rendered == (
        f"{PERSON_ID[:6]}********{PERSON_ID[-4:]} 137****5678 张*明 鲁信建设 鲁信建设 "
        "邹平市黛溪街道****"
    )


def test_staff_pages_show_personal_data_masked(world: World) -> None:
    case = register_person(world)
    for username in ("chuangkou", "shenpi"):
        client = staff_client(world, username)
        page = client.get(f"/cases/staff/case/{case.number}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert_masked(text)
        assert f"{PERSON_ID[:6]}********{PERSON_ID[-4:]}" in text
        assert "137****5678" in text
        assert "欧**明" in text
    queue = staff_client(world, "chuangkou").get("/cases/staff/window/")
    assert queue.status_code == 200
    assert case.number in queue.content.decode()
    assert_masked(queue.content.decode())


def test_the_reveal_form_is_offered_only_to_roles_that_may_reveal(world: World) -> None:
    case = register_person(world)
    url = f"/privacy/reveal/{case.number}/applicant_id_number/"
    assert url in staff_client(world, "chuangkou").get(f"/cases/staff/case/{case.number}/").text
    assert url not in staff_client(world, "lingdao").get(f"/cases/staff/case/{case.number}/").text


def test_the_applicant_page_and_the_api_show_personal_data_masked(world: World) -> None:
    case = draft_of_zhangsan(world)
    client = Client()
    client.force_login(world.user("zhangsan"))
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 200
    assert_masked(page.content.decode())
    assert "137****5678" in page.content.decode()
    mine = client.get("/cases/mine/")
    assert mine.status_code == 200
    assert_masked(mine.content.decode())

    detail = client.get(f"/api/v1/cases/{case.number}")
    assert detail.status_code == 200
    assert_masked(detail.content.decode())
    applicant = detail.json()["applicant"]
    assert applicant["id_number"] == f"{PERSON_ID[:6]}********{PERSON_ID[-4:]}"
    assert applicant["contact_phone"] == "137****5678"
    assert applicant["name"] == "欧**明"
    assert applicant["address"] == "邹平市黛溪街道****"
    listing = client.get("/api/v1/cases/")
    assert listing.status_code == 200
    assert case.number in listing.content.decode()
    assert_masked(listing.content.decode())


def test_the_staff_api_shows_personal_data_masked(world: World) -> None:
    case = register_person(world)
    client = staff_client(world, "chuangkou")
    for url in (f"/api/v1/cases/{case.number}", "/api/v1/cases/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_masked(response.content.decode())


def test_a_company_keeps_its_name_and_code_in_the_api(world: World) -> None:
    from banhao.cases.tests.test_story import register

    case = register(world)
    client = staff_client(world, "chuangkou")
    applicant = client.get(f"/api/v1/cases/{case.number}").json()["applicant"]
    assert applicant["name"] == "邹平市鲁信建设工程有限公司"
    assert applicant["id_number"] == "91371681MA3CBH0A1C"
    assert applicant["contact_phone"] == "138****1234"
    assert applicant["contact_name"] == "刘*理"


def reveal(client: Client, case: Case, field: str, reason: str) -> Any:
    return client.post(f"/privacy/reveal/{case.number}/{field}/", {"reason": reason})


def test_a_window_clerk_reveals_a_field_with_a_reason_and_it_is_audited(world: World) -> None:
    case = register_person(world)
    client = staff_client(world, "chuangkou")
    response = reveal(client, case, "applicant_id_number", "核验申请人身份")
    assert response.status_code == 200
    assert PERSON_ID in response.content.decode()
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    phone = reveal(staff_client(world, "shenpi"), case, "contact_phone", "电话回访核实")
    assert phone.status_code == 200
    assert PHONE in phone.content.decode()

    entries = list(AuditEntry.objects.filter(action="privacy.reveal").order_by("seq"))
    assert [(e.actor_label, e.details["field"], e.details["reason"]) for e in entries] == [
        ("chuangkou", "applicant_id_number", "核验申请人身份"),
        ("shenpi", "contact_phone", "电话回访核实"),
    ]
    assert all(e.object_id == str(case.pk) for e in entries)
    for entry in entries:
        stored = repr(entry.details) + repr(entry.__dict__)
        assert PERSON_ID not in stored
        assert PHONE not in stored


def test_a_reveal_needs_a_reason(world: World) -> None:
    case = register_person(world)
    response = reveal(staff_client(world, "chuangkou"), case, "applicant_id_number", "  ")
    assert response.status_code == 422
    assert PERSON_ID not in response.content.decode()
    assert not AuditEntry.objects.filter(action="privacy.reveal").exists()
    with pytest.raises(ValidationFailed):
        personal_data_reveal(
            actor=world.user("chuangkou"), case=case, field="contact_phone", reason=""
        )


def test_others_cannot_reveal(world: World) -> None:
    case = register_person(world)
    other = ServiceCentre.objects.create(code="other", name="另一政务服务中心", area_code="371602")
    stranger = user_create(
        username="otherclerk",
        password="Qing-he-2026!",
        kind=User.Kind.STAFF,
        display_name="别处窗口",
        roles=(Role.WINDOW_CLERK,),
        actor=None,
        service_centre=other,
    )
    for user in (world.user("zhujian"), world.user("lingdao"), stranger):
        client = Client()
        login_staff(client, user)
        response = reveal(client, case, "applicant_id_number", "想看看")
        assert response.status_code == 404, user.username
        assert PERSON_ID not in response.content.decode()
        with pytest.raises(NotFound):
            personal_data_reveal(actor=user, case=case, field="contact_phone", reason="想看看")
    applicant = Client()
    applicant.force_login(world.user("zhangsan"))
    assert reveal(applicant, case, "contact_phone", "想看看").status_code == 404
    clerk = staff_client(world, "chuangkou")
    assert reveal(clerk, case, "row_version", "想看看").status_code == 404
    assert reveal(clerk, case, "notafield", "想看看").status_code == 404
    assert not AuditEntry.objects.filter(action="privacy.reveal").exists()
    anonymous = Client().post(f"/privacy/reveal/{case.number}/contact_phone/", {"reason": "x"})
    assert anonymous.status_code == 302


def test_a_stale_authentication_is_sent_to_reauthenticate(world: World) -> None:
    from banhao.security.web import session as sess

    case = register_person(world)
    client = staff_client(world, "chuangkou")
    session = client.session
    session[sess.AUTH_AT] = sess.now_ts() - 3600
    session.save()
    response = reveal(client, case, "applicant_id_number", "核验申请人身份")
    assert response.status_code == 302
    assert "/security/" in response["Location"]
    assert not AuditEntry.objects.filter(action="privacy.reveal").exists()
