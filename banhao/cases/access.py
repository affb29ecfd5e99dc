"""The only way to a case or a review task. Missing and forbidden look the same (NotFound).

Who may see a case:
* the applicant who filed it; a company account, every case of its 统一社会信用代码;
* window clerks, approvers and leaders of the case's service centre (not drafts: a draft is
  the applicant's own until submitted);
* reviewers whose department has a review task on it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.cases.models import Case, ReviewTask
from banhao.shared.errors import NotFound

CENTRE_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.LEADER)


def visible_cases(user: User) -> QuerySet[Case]:
    """Every case ``user`` may see (the base of every case query for people)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    condition = Q(applicant=user)
    if user.kind == User.Kind.COMPANY and user.organisation_code:
        condition |= Q(organisation_code=user.organisation_code)
    if user.service_centre_id is not None and any(user.has_role(r) for r in CENTRE_ROLES):
        # A draft (暂存) is the applicant's own until it is submitted.
        condition |= Q(service_centre_id=user.service_centre_id) & ~Q(state="draft")
    if user.has_role(Role.REVIEWER) and user.department_id is not None:
        condition |= Q(review_tasks__department_id=user.department_id)
    return Case.objects.filter(condition).distinct()


def access_case(user: User, number: str) -> Case:
    """The case with this number if ``user`` may see it, else ``NotFound``."""
    case = (
        visible_cases(user)
        .select_related("item_version", "item_version__item", "service_centre")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound("找不到该办件")
    return case


def access_review_task_for_reviewer(user: User, task_id: int) -> ReviewTask:
    """A review task of the reviewer's own department."""
    task = (
        ReviewTask.objects.select_related("case", "department")
        .filter(pk=task_id)
        .filter(department_id=user.department_id)
        .first()
        if user.is_authenticated and user.has_role(Role.REVIEWER) and user.department_id
        else None
    )
    if task is None:
        raise NotFound("找不到该审查任务")
    return task
