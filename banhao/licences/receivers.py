"""Reactions to the case spine (``banhao.cases.signals``), inside the case's transaction.

* ``case_transitioned`` with 准予 (``decide_approve``) → the licence is issued (新发);
* ``case_materials_synced`` → licences of this platform are attached to the materials they
  replace (信息共享免交).
"""

from __future__ import annotations

from typing import Any

from banhao.cases.models import Case
from banhao.licences.services import licence_attach_for_case, licence_issue_for_case
from banhao_core.workflow import Command


def issue_on_approval(sender: Any, *, case: Case, command: Command, actor: Any, **_: Any) -> None:
    if command is Command.DECIDE_APPROVE:
        licence_issue_for_case(case=case, actor=actor)


def attach_licences(sender: Any, *, case: Case, actor: Any, **_: Any) -> None:
    licence_attach_for_case(case=case, actor=actor)
