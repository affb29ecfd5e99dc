from __future__ import annotations

import pytest

from banhao.audit.models import AuditEntry
from banhao.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_entries_are_append_only() -> None:
    entry = audit_record(actor=None, action="test.action", object_type="x", object_id="1")
    assert entry.actor_label == "system"
    entry.action = "changed"
    with pytest.raises(RuntimeError, match="只能追加"):
        entry.save()
    with pytest.raises(RuntimeError, match="只能追加"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"
