"""The only way to a licence for a person. Missing and forbidden look the same (NotFound).

Who may see a licence (and download its file):
* its holder: the account that applied; a company account, every licence of its 统一社会信用代码;
  a person, every licence issued to their 身份证号 (matched on the blind index);
* window clerks, approvers and leaders (the bureau's licence register).

Anyone may *verify* a licence (``selectors.licence_verify``): that shows the status and a masked
holder, never the file.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.licences.models import Licence
from banhao.shared.errors import NotFound

STAFF_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.LEADER)


def visible_licences(user: User) -> QuerySet[Licence]:
    """Every licence ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return Licence.objects.none()
    if any(user.has_role(role) for role in STAFF_ROLES):
        return Licence.objects.all()
    condition = Q(holder_user=user)
    if user.kind == User.Kind.COMPANY and user.organisation_code:
        condition |= Q(organisation_code=user.organisation_code)
    if user.kind == User.Kind.PERSON and user.id_index:
        condition |= Q(holder_code_index=user.id_index, organisation_code="")
    return Licence.objects.filter(condition)


def holder_licences(user: User) -> QuerySet[Licence]:
    """The licences ``user`` holds (我的证照), staff included only for their own."""
    if not user.is_authenticated or not user.is_active:
        return Licence.objects.none()
    condition = Q(holder_user=user)
    if user.kind == User.Kind.COMPANY and user.organisation_code:
        condition |= Q(organisation_code=user.organisation_code)
    if user.kind == User.Kind.PERSON and user.id_index:
        condition |= Q(holder_code_index=user.id_index, organisation_code="")
    return Licence.objects.filter(condition)


def access_licence(user: User, identifier: str) -> Licence:
    """The licence with this identifier if ``user`` may see it, else ``NotFound``."""
    licence = (
        visible_licences(user)
        .select_related("licence_type", "seal_key", "previous")
        .filter(identifier=identifier.strip().upper())
        .first()
    )
    if licence is None:
        raise NotFound("找不到该证照")
    return licence
