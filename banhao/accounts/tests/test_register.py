"""Applicant self-registration: the service and the 注册 pages."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from stdnum.cn import ric

from banhao.accounts.demo import DEMO_COMPANY_CODE, DEMO_PASSWORD, DEMO_RESIDENT_ID, DEMO_USERS
from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import (
    applicant_register,
    applicant_registration_errors,
    user_contact_set,
    user_create,
)
from banhao.audit.models import AuditEntry
from banhao.privacy.fields import blind_lookup
from banhao.shared.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

PERSON_ID = DEMO_RESIDENT_ID  # 371681198503121237
BAD_CHECK_ID = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")
OTHER_ID = "11010519491231002" + ric.calc_check_digit("11010519491231002" + "0")
COMPANY_CODE = DEMO_COMPANY_CODE
BAD_CHECK_CODE = "91371681MA3CBH0A1D"
PASSWORD = "Qing-he-2026!"
URL = "/accounts/register/"


def person(**overrides: str) -> dict[str, str]:
    return {
        "kind": User.Kind.PERSON,
        "username": "lisi_01",
        "password": PASSWORD,
        "display_name": "李四",
        "mobile": "13912345678",
        "id_number": PERSON_ID,
    } | overrides


def company(**overrides: str) -> dict[str, str]:
    return {
        "kind": User.Kind.COMPANY,
        "username": "luxin",
        "password": PASSWORD,
        "display_name": "邹平市鲁信建设工程有限公司",
        "mobile": "13805431234",
        "organisation_code": COMPANY_CODE,
    } | overrides


def person_post(**overrides: str) -> dict[str, str]:
    return {
        "kind": "person",
        "username": "lisi_01",
        "display_name": "李四",
        "id_number": PERSON_ID,
        "mobile": "13912345678",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def company_post(**overrides: str) -> dict[str, str]:
    return {
        "kind": "company",
        "username": "luxin",
        "display_name": "邹平市鲁信建设工程有限公司",
        "organisation_code": COMPANY_CODE,
        "mobile": "13805431234",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def test_the_demo_id_number_is_valid() -> None:
    assert PERSON_ID == "371681198503121237"
    assert applicant_registration_errors(**person()) == {}


# -- service -----------------------------------------------------------------------------------


def test_register_person_creates_an_applicant_with_contact_data() -> None:
    user = applicant_register(**person(id_number=PERSON_ID.lower(), username=" lisi_01 "))
    user.refresh_from_db()
    assert user.username == "lisi_01"
    assert user.kind == User.Kind.PERSON
    assert user.display_name == "李四"
    assert user.mobile == "13912345678"
    assert user.id_number == PERSON_ID
    assert user.organisation_code == ""
    assert user.check_password(PASSWORD)
    assert user.role_set() == frozenset({Role.APPLICANT})
    assert not user.is_staff
    assert not user.is_superuser


def test_register_company_acts_for_its_code() -> None:
    user = applicant_register(**company(organisation_code=COMPANY_CODE.lower(), id_number="x"))
    assert user.kind == User.Kind.COMPANY
    assert user.organisation_code == COMPANY_CODE
    assert user.id_number == ""  # a company has no 身份证号; the input is dropped
    assert user.mobile == "13805431234"
    assert user.role_set() == frozenset({Role.APPLICANT})


def test_the_audit_entry_records_the_kind_and_never_the_id_number() -> None:
    user = applicant_register(**person())
    entry = AuditEntry.objects.get(action="accounts.applicant_register")
    assert entry.object_id == str(user.pk)
    assert entry.actor == user
    assert entry.details == {"kind": "person"}
    every_value = " ".join(
        str(value)
        for value in AuditEntry.objects.values_list(
            "actor_label", "object_type", "object_id", "details"
        )
    )
    assert PERSON_ID not in every_value
    assert PERSON_ID[-6:] not in every_value
    assert "13912345678" not in every_value


def test_registration_logs_neither_id_number_nor_password(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        applicant_register(**person())
        with pytest.raises(Conflict):
            applicant_register(**person(username="lisi_02"))
    assert PERSON_ID not in caplog.text
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"username": "abc"}, "username", "用户名应为 4 至 30 位字母、数字或下划线"),
        ({"username": "a" * 31}, "username", "用户名应为 4 至 30 位字母、数字或下划线"),
        ({"username": "张三丰1"}, "username", "用户名应为 4 至 30 位字母、数字或下划线"),
        ({"username": "li-si"}, "username", "用户名应为 4 至 30 位字母、数字或下划线"),
        ({"username": ""}, "username", "请填写用户名"),
        ({"display_name": "  "}, "display_name", "请填写姓名"),
        ({"mobile": "1391234567"}, "mobile", "手机号格式不正确，应为 11 位手机号码"),
        ({"mobile": "23912345678"}, "mobile", "手机号格式不正确，应为 11 位手机号码"),
        ({"mobile": "12912345678"}, "mobile", "手机号格式不正确，应为 11 位手机号码"),
        ({"mobile": "1391234567a"}, "mobile", "手机号格式不正确，应为 11 位手机号码"),
        ({"mobile": ""}, "mobile", "请填写手机号"),
        ({"id_number": BAD_CHECK_ID}, "id_number", "身份证号校验位不正确，请核对"),
        ({"id_number": PERSON_ID[:17]}, "id_number", "身份证号长度不正确，应为 18 位"),
        ({"id_number": "371681198502301234"}, "id_number", "身份证号中的出生日期无效"),
        ({"id_number": ""}, "id_number", "请填写身份证号"),
        ({"password": "short1!"}, "password", "密码太短，至少需要 8 个字符。"),
        ({"password": "12345678"}, "password", "密码太常见，容易被猜到。密码不能全是数字。"),
        (
            {"password": "password"},
            "password",
            "密码太常见，容易被猜到。密码必须同时包含字母和数字。",
        ),
        ({"password": "lisi-zhangsan"}, "password", "密码必须同时包含字母和数字。"),
        ({"password": "lisi_01x"}, "password", "密码与用户名太相似。"),
        ({"password": ""}, "password", "请设置密码"),
        ({"kind": "staff"}, "kind", "请选择个人注册或法人注册"),
    ],
)
def test_register_person_refuses_bad_input(
    overrides: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        applicant_register(**person(**overrides))
    assert info.value.field == field
    assert info.value.message == message
    assert info.value.details["errors"] == {field: message}
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"organisation_code": BAD_CHECK_CODE},
            "organisation_code",
            "统一社会信用代码校验位不正确，请核对",
        ),
        ({"organisation_code": ""}, "organisation_code", "请填写统一社会信用代码"),
        ({"display_name": ""}, "display_name", "请填写单位名称"),
        ({"display_name": "公" * 201}, "display_name", "单位名称不能超过 200 个字"),
        ({"mobile": "0543-1234567"}, "mobile", "经办人手机号格式不正确，应为 11 位手机号码"),
    ],
)
def test_register_company_refuses_bad_input(
    overrides: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        applicant_register(**company(**overrides))
    assert (info.value.field, info.value.message) == (field, message)
    assert not User.objects.exists()


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as info:
        applicant_register(
            **person(username="ab", mobile="123", id_number=BAD_CHECK_ID, password="1")
        )
    assert set(info.value.details["errors"]) == {"username", "mobile", "id_number", "password"}
    assert info.value.field == "username"
    assert BAD_CHECK_ID not in str(info.value.as_dict())


@pytest.mark.parametrize(
    ("first", "second", "field", "message"),
    [
        (person(), person(username="LISI_01", id_number=OTHER_ID), "username", "该用户名已被注册"),
        (person(), person(username="lisi_02"), "id_number", "该身份证号已注册过账号"),
        (
            person(),
            person(username="lisi_02", id_number=PERSON_ID.lower()),
            "id_number",
            "该身份证号已注册过账号",
        ),
        (company(), company(username="luxin2"), "organisation_code", "该统一社会信用代码已注册"),
        (
            person(),
            company(username="lisi_01"),
            "username",
            "该用户名已被注册",
        ),
    ],
    ids=["username-any-case", "id-number", "id-number-lower-x", "company-code", "username-kind"],
)
def test_duplicates_are_conflicts(
    first: dict[str, str], second: dict[str, str], field: str, message: str
) -> None:
    applicant_register(**first)
    with pytest.raises(Conflict) as info:
        applicant_register(**second)
    assert info.value.field == field
    assert info.value.message.startswith(message)
    assert User.objects.count() == 1
    assert AuditEntry.objects.filter(action="accounts.applicant_register").count() == 1


def test_a_person_and_a_company_may_share_a_mobile_number() -> None:
    applicant_register(**person(mobile="13805431234"))
    applicant_register(**company(mobile="13805431234"))
    # The mobile number is encrypted; it is found by its blind index (banhao.privacy).
    assert User.objects.filter(blind_lookup(User, "mobile", "13805431234")).count() == 2


def test_the_database_refuses_a_second_account_for_an_id_number_or_company_code() -> None:
    from django.db import IntegrityError, transaction

    applicant_register(**person())
    applicant_register(**company())
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x1", kind=User.Kind.PERSON, id_number=PERSON_ID)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x2", kind=User.Kind.COMPANY, organisation_code=COMPANY_CODE)
    # Blank values are not unique, and a person may carry the code of a company (no constraint).
    User.objects.create(username="x3", kind=User.Kind.PERSON)
    User.objects.create(username="x4", kind=User.Kind.PERSON)
    User.objects.create(username="x5", kind=User.Kind.STAFF, organisation_code=COMPANY_CODE)


def test_a_lost_race_is_a_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another registration with the same ID number commits between the check and the save."""
    from banhao.accounts import services

    applicant_register(**person())
    monkeypatch.setattr(services, "_registration_conflict", _conflict_after_first_call())
    with pytest.raises(Conflict) as info:
        applicant_register(**person(username="lisi_02"))
    assert info.value.field == "id_number"
    assert User.objects.count() == 1


def _conflict_after_first_call() -> Any:
    from banhao.accounts import services

    real = services._registration_conflict
    calls = {"n": 0}

    def fake(registration: Any) -> Conflict | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(registration)

    return fake


# -- user_create and user_contact_set ----------------------------------------------------------


def test_user_create_takes_mobile_and_id_number_and_refuses_a_second_company() -> None:
    user = user_create(
        username="zs",
        password=None,
        kind=User.Kind.PERSON,
        display_name="张三",
        roles=[Role.APPLICANT],
        actor=None,
        mobile="13905431234",
        id_number=PERSON_ID,
    )
    assert (user.mobile, user.id_number) == ("13905431234", PERSON_ID)
    kwargs: dict[str, Any] = {
        "password": None,
        "kind": User.Kind.COMPANY,
        "display_name": "公司",
        "roles": [Role.APPLICANT],
        "actor": None,
        "organisation_code": COMPANY_CODE,
    }
    user_create(username="co1", **kwargs)
    with pytest.raises(Conflict) as info:
        user_create(username="co2", **kwargs)
    assert info.value.field == "organisation_code"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"id_number": PERSON_ID}, "id_number"),
        ({"mobile": "139"}, "mobile"),
    ]
    for bad, field in cases:
        with pytest.raises((Conflict, ValidationFailed)) as failure:
            user_create(
                username="zs2",
                password=None,
                kind=User.Kind.PERSON,
                display_name="张三",
                roles=[],
                actor=None,
                **bad,
            )
        assert failure.value.field == field


def test_user_contact_set_changes_and_audits_field_names_only() -> None:
    user = applicant_register(**person())
    user_contact_set(user=user, actor=user, mobile="13700000000", id_number=OTHER_ID)
    user.refresh_from_db()
    assert (user.mobile, user.id_number) == ("13700000000", OTHER_ID)
    entry = AuditEntry.objects.get(action="accounts.user_contact_set")
    assert entry.details == {"fields": ["mobile", "id_number"]}
    assert OTHER_ID not in str(entry.details)
    user_contact_set(user=user, actor=user, mobile="13700000000", id_number=OTHER_ID)
    assert AuditEntry.objects.filter(action="accounts.user_contact_set").count() == 1


# -- demo accounts -----------------------------------------------------------------------------


@pytest.fixture
def centre() -> Any:
    from banhao.org.demo import demo_organisation_load

    return demo_organisation_load()


def test_demo_applicants_have_contact_data_and_loading_is_idempotent(centre: Any) -> None:
    from banhao.accounts.demo import demo_users_load

    assert demo_users_load(centre=centre) == len(DEMO_USERS)
    zhangsan = User.objects.get(username="zhangsan")
    assert (zhangsan.mobile, zhangsan.id_number) == ("13905431234", PERSON_ID)
    assert zhangsan.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="qiye").mobile == "13805431234"
    # An account made before the fields existed gets them; nothing is created twice.
    User.objects.filter(username="zhangsan").update(mobile="", id_number="")
    assert demo_users_load(centre=centre) == 0
    zhangsan.refresh_from_db()
    assert (zhangsan.mobile, zhangsan.id_number) == ("13905431234", PERSON_ID)
    assert User.objects.count() == len(DEMO_USERS)
    # Registering with zhangsan's ID number is refused.
    with pytest.raises(Conflict):
        applicant_register(**person())


# -- pages -------------------------------------------------------------------------------------


def _page(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_offers_both_kinds_and_the_login_page_links_to_it() -> None:
    client = Client()
    assert reverse("accounts:register") == URL
    html = _page(client)
    assert "个人注册" in html
    assert "法人注册" in html
    assert "?kind=company" in html
    for label in ("用户名", "姓名", "身份证号", "手机号", "密码", "确认密码"):
        assert f">{label}</label>" in html
    assert "统一社会信用代码</label>" not in html
    html = _page(client, URL + "?kind=company")
    for label in ("用户名", "单位名称", "统一社会信用代码", "经办人手机号", "密码", "确认密码"):
        assert f">{label}</label>" in html
    assert "身份证号</label>" not in html
    assert "<script" not in html.split("</head>", 1)[1]
    assert 'href="/accounts/register/"' in _page(client, "/accounts/login/")
    assert "注册" in _page(client, URL + "?kind=staff")  # unknown kind → 个人注册


def test_register_a_person_through_the_page() -> None:
    client = Client()
    response = client.post(URL, person_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:my_cases") == "/cases/mine/"
    user = User.objects.get(username="lisi_01")
    assert user.role_set() == frozenset({Role.APPLICANT})
    assert user.id_number == PERSON_ID
    assert user.mobile == "13912345678"
    assert int(client.session["_auth_user_id"]) == user.pk
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "注册成功" in html
    assert "我的办件" in html
    assert "李四" in html  # the header names the logged-in user


def test_register_a_company_through_the_page() -> None:
    client = Client()
    response = client.post(URL + "?kind=company", company_post())
    assert response.status_code == 302
    assert response["Location"] == "/cases/mine/"
    user = User.objects.get(username="luxin")
    assert user.kind == User.Kind.COMPANY
    assert user.organisation_code == COMPANY_CODE
    assert user.role_set() == frozenset({Role.APPLICANT})
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "注册成功" in client.get("/cases/mine/").content.decode()


def test_a_safe_next_is_followed_and_an_unsafe_one_ignored() -> None:
    response = Client().post(URL, person_post(next="/items/"))
    assert response["Location"] == "/items/"
    response = Client().post(
        URL, person_post(username="other", id_number=OTHER_ID, next="https://evil.example/")
    )
    assert response["Location"] == "/cases/mine/"


def _errors_after(post: dict[str, str], url: str = URL) -> str:
    before = User.objects.count()
    response = Client().post(url, post)
    assert response.status_code == 422
    assert User.objects.count() == before
    assert "_auth_user_id" not in response.wsgi_request.session
    return response.content.decode()


def _error_of(html: str, field: str) -> str:
    """The error list rendered right after ``field``'s input."""
    marker = f'<ul class="errorlist" id="id_{field}_error">'
    assert marker in html, f"no error shown for {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        (person_post(id_number=BAD_CHECK_ID), "id_number", "身份证号校验位不正确，请核对"),
        (person_post(mobile="1391234567"), "mobile", "手机号格式不正确，应为 11 位手机号码"),
        (person_post(mobile="23912345678"), "mobile", "手机号格式不正确，应为 11 位手机号码"),
        (
            person_post(password1="12345678", password2="12345678"),
            "password1",
            "密码太常见，容易被猜到。密码不能全是数字。",
        ),
        (
            person_post(password1="abc", password2="abc"),
            "password1",
            "密码太短，至少需要 8 个字符。",
        ),
        (person_post(password2=PASSWORD + "x"), "password2", "两次输入的密码不一致"),
        (person_post(password2=""), "password2", "请再次输入密码"),
        (person_post(username="abc"), "username", "用户名应为 4 至 30 位字母、数字或下划线"),
        (person_post(username="a" * 31), "username", "用户名应为 4 至 30 位字母、数字或下划线"),
        (person_post(username=""), "username", "请填写用户名"),
        (person_post(display_name=""), "display_name", "请填写姓名"),
        (person_post(id_number=""), "id_number", "请填写身份证号"),
        (
            company_post(organisation_code=BAD_CHECK_CODE),
            "organisation_code",
            "统一社会信用代码校验位不正确，请核对",
        ),
        (company_post(display_name=""), "display_name", "请填写单位名称"),
        (company_post(mobile="139"), "mobile", "经办人手机号格式不正确，应为 11 位手机号码"),
    ],
)
def test_each_bad_input_shows_its_message_next_to_the_field(
    post: dict[str, str], field: str, message: str
) -> None:
    html = _errors_after(post)
    assert message in _error_of(html, field)
    assert 'value="' + PASSWORD + '"' not in html  # passwords are never rendered back


def test_several_problems_show_together() -> None:
    html = _errors_after(
        person_post(
            username="ab",
            mobile="123",
            id_number=BAD_CHECK_ID,
            password1="1",
            password2="2",
        )
    )
    assert "用户名应为" in _error_of(html, "username")
    assert "手机号格式不正确" in _error_of(html, "mobile")
    assert "校验位不正确" in _error_of(html, "id_number")
    assert "密码太短" in _error_of(html, "password1")
    assert "两次输入的密码不一致" in _error_of(html, "password2")


@pytest.mark.parametrize(
    ("first", "second", "field", "message"),
    [
        (person_post(), person_post(id_number=OTHER_ID), "username", "该用户名已被注册"),
        (person_post(), person_post(username="lisi_02"), "id_number", "该身份证号已注册过账号"),
        (
            company_post(),
            company_post(username="luxin2"),
            "organisation_code",
            "该统一社会信用代码已注册过法人账号",
        ),
    ],
    ids=["username", "id-number", "company-code"],
)
def test_duplicates_show_a_message_on_the_page(
    first: dict[str, str], second: dict[str, str], field: str, message: str
) -> None:
    assert Client().post(URL, first).status_code == 302
    html = _errors_after(second)
    assert message in _error_of(html, field)
    assert User.objects.count() == 1


def test_a_logged_in_user_is_sent_to_my_cases() -> None:
    client = Client()
    client.post(URL, person_post())
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/cases/mine/"
