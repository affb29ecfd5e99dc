"""The only ways to a protected 好差评 object. Missing and forbidden look the same (NotFound).

* A rating is given by the case's applicant (their own case, or their company's) — through
  ``banhao.cases.access`` so the case rules apply — or by anyone holding the case's signed
  rating link (a walk-in applicant at the window, ``banhao.cases.notices.read_rating_token``).
* A 差评 (``Complaint``) is reached by the staff of the responsible unit (谁办理、谁负责: the
  user's department is the complaint's) and by the leaders of the centre; its rater reaches it
  to read the result and rate the fix.
* Who rated what (the rater's identity) is for leaders only (``may_see_rater``), and every
  reveal is audited by the service that shows it — the handler never sees it (国办发〔2019〕51号:
  raters must not be pressed, query rights restricted).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.cases.access import access_case
from banhao.cases.models import Case
from banhao.feedback.models import Appeal, Complaint
from banhao.shared.errors import NotFound

#: Roles whose holders work in a unit and handle its 差评.
UNIT_ROLES = (Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.HELPER)


def is_active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_unit_staff(user: User) -> bool:
    """A staff member of a unit (department) who handles that unit's 差评."""
    return (
        is_active(user)
        and user.department_id is not None
        and any(user.has_role(role) for role in UNIT_ROLES)
    )


def is_leader(user: User) -> bool:
    return is_active(user) and user.has_role(Role.LEADER)


def may_see_rater(user: User) -> bool:
    """Only leaders may see who gave a rating (always through an audited reveal)."""
    return is_leader(user)


def is_case_applicant(user: User, case: Case) -> bool:
    """The person who filed the case, or the company account of its 统一社会信用代码."""
    if not is_active(user):
        return False
    if case.applicant_id is not None and case.applicant_id == user.pk:
        return True
    return bool(
        user.kind == User.Kind.COMPANY
        and user.organisation_code
        and user.organisation_code == case.organisation_code
    )


def access_case_for_rater(user: User, number: str) -> Case:
    """The case with this number if ``user`` is its applicant (staff who may see the case
    may not rate it on the applicant's behalf)."""
    case = access_case(user, number)
    if not is_case_applicant(user, case):
        raise NotFound("找不到该办件")
    return case


def complaints_for_unit(user: User) -> QuerySet[Complaint]:
    """The 差评 ``user`` handles: their unit's; a leader, every unit's of their centre."""
    if is_leader(user):
        condition = Q(rating__case__service_centre_id=user.service_centre_id)
        return Complaint.objects.filter(condition)
    if is_unit_staff(user) and user.department_id is not None:
        return Complaint.objects.filter(department_id=user.department_id)
    return Complaint.objects.none()


def access_complaint_for_unit(user: User, complaint_id: int) -> Complaint:
    complaint = (
        complaints_for_unit(user)
        .select_related("rating", "rating__case", "rating__case__item_version", "department")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise NotFound("找不到该差评")
    return complaint


def access_complaint_for_rater(user: User, complaint_id: int) -> Complaint:
    """A 差评 the user gave (to read the result and rate the fix)."""
    complaint = (
        Complaint.objects.select_related("rating", "rating__case", "rating__case__item_version")
        .filter(pk=complaint_id, rating__rater_id=user.pk)
        .first()
        if is_active(user)
        else None
    )
    if complaint is None:
        raise NotFound("找不到该差评")
    return complaint


def access_appeal_for_leader(user: User, appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related("complaint", "complaint__rating", "complaint__department")
        .filter(pk=appeal_id, complaint__rating__case__service_centre_id=user.service_centre_id)
        .first()
        if is_leader(user)
        else None
    )
    if appeal is None:
        raise NotFound("找不到该申诉")
    return appeal
