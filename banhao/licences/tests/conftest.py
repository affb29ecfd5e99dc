"""Fixtures for licence tests: the bureau of the case tests plus the demo licence types, and
helpers that drive a case to a 准予 decision through the real services."""

from __future__ import annotations

from typing import Any

import pytest

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.cases.models import Case, ReviewTask
from banhao.cases.services import (
    ApplicantData,
    ReceivedMaterial,
    case_accept,
    case_decide,
    case_register_at_window,
    materials_for,
    review_task_decide,
)
from banhao.cases.tests.conftest import (  # noqa: F401 - fixtures re-exported
    COMPANY_CODE,
    START,
    World,
    build_world,
    company_applicant,
    frozen,
    permit_answers,
    world,
)
from banhao.catalog.models import ServiceItemVersion
from banhao.catalog.selectors import item_get_published
from banhao.licences.demo import demo_licence_types_load
from banhao.licences.models import Licence

BUSINESS_REGISTRATION = "371681-XK-0002"


@pytest.fixture
def licensing(world: World) -> World:  # noqa: F811 - the fixture above
    """The world with the demo licence types (施工许可证, 营业执照)."""
    demo_licence_types_load()
    return world


def _answers(version: ServiceItemVersion) -> dict[str, str]:
    """The first option of every 办理情形 (any valid answer set)."""
    answers: dict[str, str] = {}
    for situation in version.situations.prefetch_related("options"):
        answers[str(situation.pk)] = str(next(iter(situation.options.all())).pk)
    return answers


def register(
    world: World,  # noqa: F811
    version: ServiceItemVersion | None = None,
    applicant: ApplicantData | None = None,
    form_data: dict[str, Any] | None = None,
) -> Case:
    version = version or world.permit
    answers = (
        permit_answers(version, supervised=True, agent=False)
        if version.pk == world.permit.pk
        else _answers(version)
    )
    received = [
        ReceivedMaterial(material_id=m.pk, originals=1, copies=1)
        for m in materials_for(version, answers)
        if m.necessity in ("required", "deferrable")
    ]
    return case_register_at_window(
        actor=world.user("chuangkou"),
        item_version=version,
        applicant=applicant or company_applicant(),
        situation_answers=answers,
        received=received,
        form_data=form_data
        if form_data is not None
        else {"project_name": "鲁信大厦", "project_code": "2611-371681-04-01-123456"},
    )


def _reviewer(world: World, task: ReviewTask) -> User:  # noqa: F811
    found = User.objects.filter(
        department_id=task.department_id, groups__name=Role.REVIEWER.value
    ).first()
    if found is not None:
        return found
    return user_create(
        username=f"reviewer{task.department_id}",
        password=None,
        kind=User.Kind.STAFF,
        display_name="审查员",
        roles=[Role.REVIEWER],
        actor=None,
        service_centre=world.centre,
        department=task.department,
    )


def approve(world: World, case: Case) -> Case:  # noqa: F811
    """Accept, let every department approve, and decide 准予."""
    case = case_accept(case=case, actor=world.user("chuangkou"))
    while True:
        task = ReviewTask.objects.filter(case=case, state="pending").first()
        if task is None:
            break
        review_task_decide(task=task, actor=_reviewer(world, task), approve=True, opinion="同意")
    case = Case.objects.get(pk=case.pk)
    return case_decide(case=case, actor=world.user("shenpi"), approve=True, reason="符合条件")


def issued_permit(world: World, **kwargs: Any) -> Licence:  # noqa: F811
    case = approve(world, register(world, **kwargs))
    return Licence.objects.get(case=case, version=1)


def business_version() -> ServiceItemVersion:
    return item_get_published(code=BUSINESS_REGISTRATION)
