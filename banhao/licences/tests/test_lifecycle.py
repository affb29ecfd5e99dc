"""Lifecycle: 变更, 延续, 补发 make a new version linked to the previous one; 暂扣, 暂扣发还,
注销, 撤销, 吊销 change the status; each has a reason, an event with its national 操作类型
and an audit entry; only approvers and leaders may operate; expiry and renewal reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from banhao.audit.models import AuditEntry
from banhao.licences.models import Licence, LicenceEvent, LicenceType
from banhao.licences.selectors import licence_verify
from banhao.licences.services import (
    licence_expire_sweep,
    licence_operate,
    licence_send_renewal_reminders,
)
from banhao.notifications.models import Notification
from banhao.shared.errors import Conflict, Forbidden, ValidationFailed
from banhao_core.licences import parse_identifier

from .conftest import issued_permit


@pytest.mark.parametrize(
    ("operation", "status", "code"),
    [
        ("suspend", "02", "03"),
        ("cancel", "04", "05"),
        ("revoke", "03", "05"),
        ("withdraw", "07", "05"),
    ],
)
def test_status_operations(licensing, operation: str, status: str, code: str) -> None:
    licence = issued_permit(licensing)
    after = licence_operate(
        licence=licence, operation=operation, actor=licensing.user("shenpi"), reason="依法处理"
    )
    assert after.pk == licence.pk and after.status == status
    assert after.status_reason == "依法处理"
    event = LicenceEvent.objects.filter(licence=licence).last()
    assert event is not None
    assert (event.operation, event.national_code, event.from_status, event.to_status) == (
        operation,
        code,
        "01",
        status,
    )
    assert AuditEntry.objects.filter(action=f"licences.{operation}").count() == 1
    assert Notification.objects.filter(title__startswith="证照").exists()  # the holder is told


@pytest.mark.parametrize(
    ("operation", "national"), [("change", "09"), ("renew", "02"), ("reissue", "07")]
)
def test_new_version_operations(licensing, operation: str, national: str) -> None:
    LicenceType.objects.update(validity_years=3)
    licence = issued_permit(licensing)
    assert licence.valid_to == dt.date(2029, 11, 26)
    changes = {"工程名称": "鲁信大厦二期"} if operation == "change" else None
    new = licence_operate(
        licence=licence,
        operation=operation,
        actor=licensing.user("lingdao"),
        reason="申请人申请",
        changes=changes,
    )
    old = Licence.objects.get(pk=licence.pk)
    assert old.status == "05" and new.identifier in old.status_reason
    assert new.previous == old and new.version == 2 and new.serial == old.serial
    parsed = parse_identifier(new.identifier)
    assert parsed.version == 2
    assert new.data["previous"] == old.identifier  # 关联证照标识, signed
    assert new.data["operation"] == national
    assert licence_verify(identifier=new.identifier).is_valid
    assert licence_verify(identifier=old.identifier).reasons == ["证照已失效"]
    face = dict(new.data["face"])
    if operation == "change":
        assert face["工程名称"] == "鲁信大厦二期"
    else:
        assert face == dict(old.data["face"])
    if operation == "renew":
        assert (new.valid_from, new.valid_to) == (dt.date(2026, 11, 27), dt.date(2032, 11, 26))
    else:
        assert (new.valid_from, new.valid_to) == (old.valid_from, old.valid_to)
    event = LicenceEvent.objects.get(licence=old, operation=operation)
    assert event.new_licence == new and event.national_code == national


def test_refusals(licensing) -> None:
    licence = issued_permit(licensing)
    shenpi = licensing.user("shenpi")
    with pytest.raises(Forbidden):
        licence_operate(
            licence=licence, operation="revoke", actor=licensing.user("qiye"), reason="x"
        )
    with pytest.raises(Forbidden):
        licence_operate(
            licence=licence, operation="revoke", actor=licensing.user("chuangkou"), reason="x"
        )
    with pytest.raises(ValidationFailed) as no_reason:
        licence_operate(licence=licence, operation="revoke", actor=shenpi, reason="  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ValidationFailed):
        licence_operate(licence=licence, operation="issue", actor=shenpi, reason="x")
    with pytest.raises(ValidationFailed):
        licence_operate(licence=licence, operation="change", actor=shenpi, reason="x")
    with pytest.raises(ValidationFailed):
        licence_operate(
            licence=licence, operation="change", actor=shenpi, reason="x", changes={"不存在": "1"}
        )
    with pytest.raises(Conflict):  # 长期有效: nothing to renew
        licence_operate(licence=licence, operation="renew", actor=shenpi, reason="x")
    with pytest.raises(Conflict) as stale:
        licence_operate(
            licence=licence, operation="suspend", actor=shenpi, reason="x", expected_version=5
        )
    assert stale.value.code == "stale_licence"
    licence_operate(licence=licence, operation="revoke", actor=shenpi, reason="撤销")
    with pytest.raises(Conflict) as after_revoke:
        licence_operate(licence=licence, operation="restore", actor=shenpi, reason="x")
    assert "撤销" in after_revoke.value.message
    assert Licence.objects.get(pk=licence.pk).status == "03"


def test_suspend_then_restore(licensing) -> None:
    licence = issued_permit(licensing)
    shenpi = licensing.user("shenpi")
    licence_operate(licence=licence, operation="suspend", actor=shenpi, reason="整改")
    restored = licence_operate(licence=licence, operation="restore", actor=shenpi, reason="已整改")
    assert restored.status == "01"
    assert [e.national_code for e in LicenceEvent.objects.filter(licence=licence)] == [
        "01",
        "03",
        "06",
    ]
    assert licence_verify(identifier=licence.identifier).is_valid


def test_expiry_and_renewal_reminders(licensing) -> None:
    LicenceType.objects.update(validity_years=1)
    licence = issued_permit(licensing)
    assert licence.valid_to == dt.date(2027, 11, 26)
    assert licence_send_renewal_reminders() == 0  # a year ahead: too early
    with time_machine.travel(dt.datetime(2027, 10, 27, 9, tzinfo=dt.UTC), tick=False):
        assert licence_send_renewal_reminders() == 1
        assert licence_send_renewal_reminders() == 0  # once only
    reminders = Notification.objects.filter(title__startswith="证照即将到期")
    assert reminders.count() == 1 and "2027-11-26" in reminders.get().body
    assert licence_expire_sweep() == 0
    with time_machine.travel(dt.datetime(2027, 11, 27, 9, tzinfo=dt.UTC), tick=False):
        assert licence_verify(identifier=licence.identifier).reasons == ["证照已失效"]
        assert licence_expire_sweep() == 1
        assert licence_expire_sweep() == 0
    licence.refresh_from_db()
    assert licence.status == "05"
    assert LicenceEvent.objects.filter(licence=licence, national_code="04").count() == 1
