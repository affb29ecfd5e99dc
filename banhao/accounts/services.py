"""Writes on accounts."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.audit.services import audit_record
from banhao.org.models import Department, ServiceCentre, Window
from banhao.shared.errors import Conflict, ValidationFailed
from banhao_core.identifiers import IdentifierError, validate_credit_code


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    kind: str,
    display_name: str,
    roles: Iterable[Role],
    actor: User | None,
    organisation_code: str = "",
    service_centre: ServiceCentre | None = None,
    department: Department | None = None,
    window: Window | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a user with roles. Staff roles require a service centre; reviewers and
    approvers a department; a company account its valid 统一社会信用代码."""
    role_set = frozenset(roles)
    if User.objects.filter(username=username).exists():
        raise Conflict(f"用户名已存在：{username}", field="username")
    if kind == User.Kind.COMPANY:
        try:
            organisation_code = validate_credit_code(organisation_code)
        except IdentifierError as exc:
            raise ValidationFailed(str(exc), field="organisation_code") from exc
    if role_set & Role.staff_roles() and service_centre is None:
        raise ValidationFailed("工作人员必须指定所属政务服务中心", field="service_centre")
    if role_set & {Role.REVIEWER, Role.APPROVER} and department is None:
        raise ValidationFailed("审查、审批人员必须指定所属部门", field="department")
    user = User(
        username=username,
        kind=kind,
        display_name=display_name,
        organisation_code=organisation_code,
        service_centre=service_centre,
        department=department,
        window=window,
        is_staff=is_superuser or Role.ADMIN in role_set,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name__in=[role.value for role in role_set]))
    audit_record(
        actor=actor,
        action="accounts.user_create",
        obj=user,
        details={"roles": sorted(r.value for r in role_set), "kind": kind},
    )
    return user
