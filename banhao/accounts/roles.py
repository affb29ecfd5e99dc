"""Roles of the platform. Each role is a Django ``Group`` of the same name (created by a data
migration), so permissions can be granted per role.

三权分立 (等保2.0 level 3, domain.md §8.2): administration is split between three roles, and
no account may hold two of them (``separation_problem``):

* ``ADMIN`` (value ``"admin"``, kept for compatibility) is the 系统管理员: the catalogue, the
  organisation and the calendar in the Django admin — not accounts, not the audit log;
* ``SECURITY_ADMIN`` is the 安全管理员: accounts' security (activate/deactivate, unlock,
  reset two-factor authentication) on the ``/security/users/`` pages — nothing else;
* ``AUDIT_ADMIN`` is the 审计管理员: reads the audit log (``/security/audit/``) — nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人")  # 企业和群众
    WINDOW_CLERK = "window_clerk", _("窗口受理人员")  # 一窗受理
    REVIEWER = "reviewer", _("审查人员")  # 部门审查 (并联审批)
    APPROVER = "approver", _("审批负责人")  # 作出决定, 批准延长
    HELPER = "helper", _("帮办代办员")
    LEADER = "leader", _("局领导")
    ADMIN = "admin", _("系统管理员")  # 三权分立: the system administrator
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")

    @classmethod
    def staff_roles(cls) -> frozenset[Role]:
        return frozenset(set(cls) - {cls.APPLICANT})

    @classmethod
    def admin_roles(cls) -> frozenset[Role]:
        """The three administrator roles of 三权分立; an account holds at most one."""
        return frozenset({cls.ADMIN, cls.SECURITY_ADMIN, cls.AUDIT_ADMIN})


def separation_problem(roles: Iterable[Role], *, is_superuser: bool = False) -> str | None:
    """Why this combination breaks 三权分立, or ``None``.

    An account holds at most one administrator role; a superuser (who passes every Django
    permission check) can only be the 系统管理员.
    """
    held = frozenset(roles) & Role.admin_roles()
    if len(held) > 1:
        labels = "、".join(str(role.label) for role in Role if role in held)
        return f"三权分立：同一账号不能同时担任{labels}"
    if is_superuser and held - {Role.ADMIN}:
        return "三权分立：超级用户只能是系统管理员，不能担任安全管理员或审计管理员"
    return None
