"""三权分立: the system admin, the security admin and the audit admin each do their own work
and nothing else — in our pages, in the services and in the Django admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from banhao.accounts.models import User
from banhao.accounts.roles import Role, separation_problem
from banhao.audit.models import AuditEntry
from banhao.audit.services import audit_record
from banhao.security import services
from banhao.security.models import MfaDevice
from banhao.security.selectors import account_lock
from banhao.security.testing import login_staff
from banhao.shared.errors import Forbidden, ValidationFailed

from .conftest import People, actions, login_post, make_user

ALLOWED = "allowed"
DENIED = "denied"


def _outcome(response: Any) -> str:
    """200 (or a 302 back to our own page after an action) is allowed; 403, 404 and the
    Django admin's redirect to the login page are denied."""
    if response.status_code in (403, 404):
        return DENIED
    if response.status_code == 302:
        location = response["Location"]
        return DENIED if "login" in location else ALLOWED
    assert response.status_code == 200, response.status_code
    return ALLOWED


#: (label, method, url builder) — the pages and actions of each administrator.
def _targets(people: People) -> list[tuple[str, str, str]]:
    clerk = people.clerk.pk
    return [
        ("catalogue admin", "get", reverse("admin:catalog_serviceitem_changelist")),
        ("org admin", "get", reverse("admin:org_department_changelist")),
        ("calendar admin", "get", reverse("admin:workcalendar_holidaynotice_changelist")),
        ("audit entries in the admin", "get", reverse("admin:audit_auditentry_changelist")),
        ("security: accounts", "get", reverse("security:user_list")),
        ("security: one account", "get", reverse("security:user_detail", args=[clerk])),
        ("security: unlock", "post", reverse("security:user_action", args=[clerk, "unlock"])),
        ("audit log", "get", reverse("security:audit_log")),
    ]


EXPECTED = {
    "system_admin": {
        "catalogue admin": ALLOWED,
        "org admin": ALLOWED,
        "calendar admin": ALLOWED,
        "audit entries in the admin": DENIED,
        "security: accounts": DENIED,
        "security: one account": DENIED,
        "security: unlock": DENIED,
        "audit log": DENIED,
    },
    "security_admin": {
        "catalogue admin": DENIED,
        "org admin": DENIED,
        "calendar admin": DENIED,
        "audit entries in the admin": DENIED,
        "security: accounts": ALLOWED,
        "security: one account": ALLOWED,
        "security: unlock": ALLOWED,
        "audit log": DENIED,
    },
    "audit_admin": {
        "catalogue admin": DENIED,
        "org admin": DENIED,
        "calendar admin": DENIED,
        "audit entries in the admin": ALLOWED,
        "security: accounts": DENIED,
        "security: one account": DENIED,
        "security: unlock": DENIED,
        "audit log": ALLOWED,
    },
    "clerk": dict.fromkeys(
        [
            "catalogue admin",
            "org admin",
            "calendar admin",
            "audit entries in the admin",
            "security: accounts",
            "security: one account",
            "security: unlock",
            "audit log",
        ],
        DENIED,
    ),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_separation_matrix(people: People, who: str) -> None:
    user = {
        "system_admin": people.system_admin,
        "security_admin": people.security_admin,
        "audit_admin": people.audit_admin,
        "clerk": people.clerk,
    }[who]
    client = Client()
    login_staff(client, user)
    outcome = {
        label: _outcome(getattr(client, method)(url)) for label, method, url in _targets(people)
    }
    assert outcome == EXPECTED[who]


def test_the_admin_index_shows_each_admin_only_their_part(people: People) -> None:
    system, audit = Client(), Client()
    login_staff(system, people.system_admin)
    login_staff(audit, people.audit_admin)
    system_page = system.get("/admin/").content.decode()
    audit_page = audit.get("/admin/").content.decode()
    assert "/admin/catalog/" in system_page and "/admin/audit/" not in system_page
    assert "/admin/auth/group/" not in system_page  # roles are not the system admin's
    assert "/admin/audit/" in audit_page and "/admin/catalog/" not in audit_page
    assert system.get("/admin/auth/group/").status_code == 404
    security = Client()
    login_staff(security, people.security_admin)
    assert security.get("/admin/").status_code == 302  # not Django staff at all


def test_no_account_holds_two_admin_roles(people: People) -> None:
    assert separation_problem([Role.ADMIN]) is None
    assert separation_problem([Role.SECURITY_ADMIN, Role.WINDOW_CLERK]) is None
    problem = separation_problem([Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
    assert problem == "三权分立：同一账号不能同时担任安全管理员、审计管理员"
    with pytest.raises(ValidationFailed) as caught:
        make_user("both", (Role.ADMIN, Role.AUDIT_ADMIN), people.centre)
    assert caught.value.code == "separation_of_duties"
    with pytest.raises(ValidationFailed):
        make_user("root2", (Role.SECURITY_ADMIN,), people.centre, is_superuser=True)
    assert not User.objects.filter(username__in=["both", "root2"]).exists()


def test_only_the_audit_admin_of_the_three_is_django_staff(people: People) -> None:
    assert people.system_admin.is_staff and people.audit_admin.is_staff
    assert not people.security_admin.is_staff


def test_services_refuse_everyone_but_the_security_admin(people: People) -> None:
    for actor in (people.system_admin, people.audit_admin, people.clerk):
        with pytest.raises(Forbidden):
            services.mfa_reset(user=people.clerk, actor=actor)
        with pytest.raises(Forbidden):
            services.user_active_set(user=people.clerk, active=False, actor=actor)
        with pytest.raises(Forbidden):
            services.account_unlock(user=people.clerk, actor=actor)
    with pytest.raises(Forbidden, match="不能对自己的账号"):
        services.mfa_reset(user=people.security_admin, actor=people.security_admin)


def test_the_security_admin_resets_a_lost_phone(people: People) -> None:
    clerk_client = Client()
    login_staff(clerk_client, people.clerk)
    assert clerk_client.get("/cases/staff/window/").status_code == 200
    admin = Client()
    login_staff(admin, people.security_admin)
    detail = reverse("security:user_detail", args=[people.clerk.pk])
    assert "重置动态口令" in admin.get(detail).content.decode()
    response = admin.post(reverse("security:user_action", args=[people.clerk.pk, "mfa_reset"]))
    assert response.status_code == 302 and response["Location"] == detail
    assert not MfaDevice.objects.filter(user=people.clerk).exists()
    entry = AuditEntry.objects.get(action="security.mfa_reset")
    assert entry.actor == people.security_admin and entry.object_id == str(people.clerk.pk)
    # The clerk's verified session no longer counts: enrol again.
    assert clerk_client.get("/cases/staff/window/")["Location"].startswith("/security/mfa/enrol/")


def test_the_security_admin_unlocks_deactivates_and_activates(people: People) -> None:
    for _ in range(5):
        login_post(Client(), "chuangkou", "Wrong-guess-1")
    assert account_lock("chuangkou") is not None
    admin = Client()
    login_staff(admin, people.security_admin)
    assert "锁定至" in admin.get(f"/security/users/{people.clerk.pk}/").content.decode()
    admin.post(f"/security/users/{people.clerk.pk}/unlock/")
    assert account_lock("chuangkou") is None
    clerk = Client()
    login_staff(clerk, people.clerk)
    admin.post(f"/security/users/{people.clerk.pk}/deactivate/")
    people.clerk.refresh_from_db()
    assert not people.clerk.is_active
    assert clerk.get("/cases/staff/window/").status_code == 302  # the session is gone
    assert login_post(Client(), "chuangkou").status_code == 200  # cannot log in
    admin.post(f"/security/users/{people.clerk.pk}/activate/")
    assert login_post(Client(), "chuangkou").status_code == 302
    done = {"security.account_unlocked", "security.user_deactivated", "security.user_activated"}
    assert done <= set(actions())
    assert admin.post(f"/security/users/{people.clerk.pk}/explode/").status_code == 404


def test_the_security_admins_account_list(people: People) -> None:
    admin = Client()
    login_staff(admin, people.security_admin)

    def rows(url: str) -> str:
        page = admin.get(url).content.decode()
        return page[page.index("<tbody>") : page.index("</tbody>")]

    listed = rows("/security/users/?status=no_mfa")
    assert "chuangkou" in listed and "zhangsan" not in listed and "anquan" not in listed
    listed = rows("/security/users/?q=zhang")
    assert "zhangsan" in listed and "chuangkou" not in listed


def test_the_audit_log_filters_and_pages(people: People) -> None:
    for index in range(60):
        audit_record(actor=people.clerk, action="cases.case_accept", object_id=str(index))
    audit_record(actor=None, action="security.login_failed", details={"username": "x"})
    client = Client()
    login_staff(client, people.audit_admin)
    first = client.get("/security/audit/?action=cases.").content.decode()
    assert first.count("<code>cases.case_accept</code>") == 50
    assert "第 1 / 2 页，共 60 条" in first
    second = client.get("/security/audit/?action=cases.&page=2").content.decode()
    assert second.count("<code>cases.case_accept</code>") == 10
    security = client.get("/security/audit/?action=security.login").content.decode()
    assert "security.login_failed" in security and "cases.case_accept" not in security
    by_actor = client.get("/security/audit/?actor=chuangkou&object_id=7").content.decode()
    assert by_actor.count("<code>cases.case_accept</code>") == 1
    viewed = AuditEntry.objects.filter(action="security.audit_log_viewed")
    assert viewed.count() == 4 and viewed.first().actor == people.audit_admin  # type: ignore[union-attr]
