"""Who may do what with forums, suggestions and surveys — the only way to a protected object.
Missing and forbidden look the same (``NotFound``).

* **Managers** (局领导, 审批负责人 of a service centre) plan forums, register and assign
  suggestions, build surveys and read results and exports of their own centre.
* **Owner departments**: staff of the department a suggestion is assigned to (审查人员,
  审批负责人 with that department) handle it — start, answer, close with evidence.
* **Paper clerks** (managers plus 窗口受理人员 and 帮办代办员) enter returned paper forms.
* The public reads the accountability page and answers open surveys; nobody outside the
  managers sees who raised a suggestion or who answered a survey.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.engagement.models import Forum, Suggestion, Survey
from banhao.shared.errors import NotFound

MANAGER_ROLES = (Role.LEADER, Role.APPROVER)
HANDLER_ROLES = (Role.REVIEWER, Role.APPROVER, Role.LEADER)
PAPER_CLERK_ROLES = (Role.LEADER, Role.APPROVER, Role.WINDOW_CLERK, Role.HELPER)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_manager(user: User) -> bool:
    return (
        _active(user)
        and user.service_centre_id is not None
        and any(user.has_role(role) for role in MANAGER_ROLES)
    )


def is_handler(user: User) -> bool:
    """Staff who may work on suggestions assigned to their department."""
    return (
        _active(user)
        and user.department_id is not None
        and any(user.has_role(role) for role in HANDLER_ROLES)
    )


def is_paper_clerk(user: User) -> bool:
    return (
        _active(user)
        and user.service_centre_id is not None
        and any(user.has_role(role) for role in PAPER_CLERK_ROLES)
    )


def may_use_staff_pages(user: User) -> bool:
    return is_manager(user) or is_handler(user) or is_paper_clerk(user)


# -- forums -------------------------------------------------------------------------------------


def visible_forums(user: User) -> QuerySet[Forum]:
    if not is_manager(user):
        return Forum.objects.none()
    return Forum.objects.filter(service_centre_id=user.service_centre_id)


def access_forum_for_manager(user: User, forum_id: int) -> Forum:
    forum = visible_forums(user).filter(pk=forum_id).first()
    if forum is None:
        raise NotFound("找不到该会议")
    return forum


# -- suggestions --------------------------------------------------------------------------------


def visible_suggestions(user: User) -> QuerySet[Suggestion]:
    """Managers: every suggestion of their centre; handlers: those assigned to their
    department."""
    if not _active(user):
        return Suggestion.objects.none()
    condition = Q(pk__in=[])
    if is_manager(user):
        condition |= Q(service_centre_id=user.service_centre_id)
    if is_handler(user):
        condition |= Q(owner_department_id=user.department_id)
    return Suggestion.objects.filter(condition)


def access_suggestion(user: User, number: str) -> Suggestion:
    suggestion = (
        visible_suggestions(user)
        .select_related("owner_department", "forum", "owner_user", "about_staff")
        .filter(number=number)
        .first()
    )
    if suggestion is None:
        raise NotFound("找不到该意见建议")
    return suggestion


def may_manage_suggestion(user: User, suggestion: Suggestion) -> bool:
    return is_manager(user) and suggestion.service_centre_id == user.service_centre_id


def may_handle_suggestion(user: User, suggestion: Suggestion) -> bool:
    """The owner department's staff, or a manager of the centre."""
    if may_manage_suggestion(user, suggestion):
        return True
    return (
        is_handler(user)
        and suggestion.owner_department_id is not None
        and suggestion.owner_department_id == user.department_id
    )


# -- surveys ------------------------------------------------------------------------------------


def visible_surveys(user: User) -> QuerySet[Survey]:
    if not is_paper_clerk(user):
        return Survey.objects.none()
    return Survey.objects.filter(service_centre_id=user.service_centre_id)


def access_survey_for_manager(user: User, survey_id: int) -> Survey:
    survey = visible_surveys(user).filter(pk=survey_id).first() if is_manager(user) else None
    if survey is None:
        raise NotFound("找不到该问卷")
    return survey


def access_survey_for_clerk(user: User, survey_id: int) -> Survey:
    survey = visible_surveys(user).filter(pk=survey_id).first()
    if survey is None:
        raise NotFound("找不到该问卷")
    return survey


def access_open_survey(code: str) -> Survey:
    """A survey the public may answer (open). Drafts and closed surveys are not found."""
    survey = Survey.objects.filter(code=code, status=Survey.Status.OPEN).first()
    if survey is None:
        raise NotFound("找不到该问卷或问卷已结束")
    return survey
