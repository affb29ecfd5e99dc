"""Revealing one personal-data field of a case in full (GB/T 35273 7.2 展示限制).

Screens, API responses, logs and exports show personal data masked. The people who must check
an applicant's identity — the window clerks of the case's service centre and its approvers —
may see one field in full, for a stated reason; every reveal is an audit entry ``privacy.reveal``
(who, which case, which field, why, when). The value itself is never written to the audit log.
"""

from __future__ import annotations

from django.db import transaction

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.audit.services import audit_record
from banhao.cases.access import access_case
from banhao.cases.models import Case
from banhao.shared.errors import NotFound, ValidationFailed

#: The case fields that are shown masked and may be revealed, with their labels.
REVEALABLE_FIELDS: dict[str, str] = {
    "applicant_name": "申请人",
    "applicant_id_number": "证件号码",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "address": "通讯地址",
}
#: Roles that check identity and so may reveal (within their own service centre).
REVEAL_ROLES = (Role.WINDOW_CLERK, Role.APPROVER)
MAX_REASON_LENGTH = 200


def may_reveal(*, user: User, case: Case) -> bool:
    """Whether ``user`` may reveal personal data of ``case`` (no audit, for showing buttons)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.service_centre_id is not None
        and user.service_centre_id == case.service_centre_id
        and any(user.has_role(role) for role in REVEAL_ROLES)
    )


def personal_data_reveal(*, actor: User, case: Case, field: str, reason: str) -> str:
    """The full value of ``field`` of ``case``, recorded in the audit log.

    ``NotFound`` when the actor may not reveal it (or may not see the case, or the field is not
    one of ``REVEALABLE_FIELDS``); ``ValidationFailed`` without a reason.
    """
    if field not in REVEALABLE_FIELDS:
        raise NotFound("找不到该信息项")
    # The case as the actor may see it: a case out of scope is missing, as everywhere.
    visible = access_case(actor, case.number)
    if not may_reveal(user=actor, case=visible):
        raise NotFound("找不到该办件")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("请填写查看完整信息的事由", code="reason_required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"事由不能超过 {MAX_REASON_LENGTH} 个字", code="reason_too_long", field="reason"
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="privacy.reveal",
            obj=visible,
            details={"case": visible.number, "field": field, "reason": reason},
        )
    return str(getattr(visible, field) or "")
