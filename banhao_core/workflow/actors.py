"""Who acts on a case: roles and the acting person (or background job)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Workflow roles. The shell maps accounts and department scope to these (conventions §5.6);
    the core only checks that the actor holds one of a transition's roles."""

    APPLICANT = "applicant"  # 申请人 (natural or legal person, or their authorised agent)
    WINDOW_CLERK = "window_clerk"  # 窗口人员: 接件、补正告知、受理、送达
    REVIEWER = "reviewer"  # 审查人员 (承办/审核 in a department)
    APPROVER = "approver"  # 审批人员: signs the licensing decision (决定)
    HELPER = "helper"  # 帮办代办人员: acts for an applicant who authorised them
    LEADER = "leader"  # 领导: oversight and dashboards; no case transitions
    ADMIN = "admin"  # 系统管理员
    SYSTEM = "system"  # 系统任务: background job, never a person

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS: dict[Role, str] = {
    Role.APPLICANT: "申请人",
    Role.WINDOW_CLERK: "窗口人员",
    Role.REVIEWER: "审查人员",
    Role.APPROVER: "审批人员",
    Role.HELPER: "帮办代办人员",
    Role.LEADER: "领导",
    Role.ADMIN: "系统管理员",
    Role.SYSTEM: "系统任务",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The person or job executing a command. ``id`` is recorded in the event (环节处理人)."""

    id: str
    roles: frozenset[Role]

    @classmethod
    def of(cls, actor_id: str, *roles: Role) -> Actor:
        return cls(actor_id, frozenset(roles))

    def has_any(self, roles: Iterable[Role]) -> bool:
        return not self.roles.isdisjoint(roles)
