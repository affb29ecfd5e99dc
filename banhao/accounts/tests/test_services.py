from __future__ import annotations

import pytest

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.audit.models import AuditEntry
from banhao.org.models import Department, ServiceCentre
from banhao.shared.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre() -> ServiceCentre:
    return ServiceCentre.objects.create(
        code="zouping", name="邹平市政务服务中心", area_code="371681"
    )


def test_reviewer_is_created_with_role_department_and_audit(centre: ServiceCentre) -> None:
    department = Department.objects.create(name="住房和城乡建设局")
    user = user_create(
        username="r1",
        password="pw-Aa123456!",
        kind=User.Kind.STAFF,
        display_name="审查员",
        roles=[Role.REVIEWER],
        actor=None,
        service_centre=centre,
        department=department,
    )
    assert user.has_role(Role.REVIEWER)
    assert not user.has_role(Role.APPROVER)
    assert user.check_password("pw-Aa123456!")
    entry = AuditEntry.objects.get(action="accounts.user_create")
    assert entry.object_id == str(user.pk)
    assert entry.details["roles"] == ["reviewer"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"roles": [Role.WINDOW_CLERK]}, "service_centre"),
        ({"roles": [Role.REVIEWER], "with_centre": True}, "department"),
        (
            {
                "roles": [Role.APPLICANT],
                "kind": User.Kind.COMPANY,
                "organisation_code": "91371681MA3CBH0A1D",
            },
            "organisation_code",
        ),
        (
            {"roles": [Role.APPLICANT], "kind": User.Kind.COMPANY, "organisation_code": ""},
            "organisation_code",
        ),
    ],
    ids=["staff-without-centre", "reviewer-without-department", "bad-check-digit", "no-code"],
)
def test_user_create_refuses_incomplete_accounts(
    centre: ServiceCentre, kwargs: dict[str, object], field: str
) -> None:
    params: dict[str, object] = {
        "username": "u",
        "password": "pw-Aa123456!",
        "kind": User.Kind.STAFF,
        "display_name": "x",
        "actor": None,
    }
    if kwargs.pop("with_centre", False):
        params["service_centre"] = centre
    params.update(kwargs)
    with pytest.raises(ValidationFailed) as info:
        user_create(**params)  # type: ignore[arg-type]
    assert info.value.field == field
    assert not User.objects.filter(username="u").exists()


def test_company_code_is_normalised_and_usernames_are_unique() -> None:
    user = user_create(
        username="co",
        password=None,
        kind=User.Kind.COMPANY,
        display_name="公司",
        roles=[Role.APPLICANT],
        actor=None,
        organisation_code="91371681ma3cbh0a1c",
    )
    assert user.organisation_code == "91371681MA3CBH0A1C"
    assert not user.has_usable_password()
    with pytest.raises(Conflict):
        user_create(
            username="co",
            password=None,
            kind=User.Kind.PERSON,
            display_name="x",
            roles=[],
            actor=None,
        )
