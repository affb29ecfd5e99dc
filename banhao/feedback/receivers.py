"""How 好差评 reacts to the case spine (``banhao.cases.signals``), without the spine knowing.

On 办结 the applicant is invited to rate (domain.md §4.4); the invitation is a notification
created inside the transaction and delivered by the job queue after it commits.
"""

from __future__ import annotations

from typing import Any

from banhao.cases.models import Case
from banhao.feedback.services import rating_invite
from banhao_core.workflow import Command


def invite_after_close(
    sender: Any, *, case: Case, command: Command, previous_state: str, actor: Any, **_: Any
) -> None:
    if command is Command.CLOSE:
        rating_invite(case=case)
