"""Roles of the platform. Each role is a Django ``Group`` of the same name (created by a data
migration), so permissions can be granted per role."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人")  # 企业和群众
    WINDOW_CLERK = "window_clerk", _("窗口受理人员")  # 一窗受理
    REVIEWER = "reviewer", _("审查人员")  # 部门审查 (并联审批)
    APPROVER = "approver", _("审批负责人")  # 作出决定, 批准延长
    HELPER = "helper", _("帮办代办员")
    LEADER = "leader", _("局领导")
    ADMIN = "admin", _("系统管理员")

    @classmethod
    def staff_roles(cls) -> frozenset[Role]:
        return frozenset(set(cls) - {cls.APPLICANT})
