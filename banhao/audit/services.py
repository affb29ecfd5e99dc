"""The one way to write an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import models

from banhao.accounts.models import User
from banhao.audit.models import AuditEntry
from banhao.shared import clock


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    result: str = AuditEntry.Result.OK,
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. ``actor=None`` means the system itself (a command or a job)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None:
        label = actor.username
        roles = ",".join(sorted(role.value for role in actor.role_set()))
    else:
        label, roles = "system", ""
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor,
        actor_label=label,
        roles=roles,
        action=action,
        object_type=object_type,
        object_id=object_id,
        address=address,
        result=result,
        details=details or {},
    )
