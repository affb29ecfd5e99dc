"""The policy in the admin: the 系统管理员 edits it through the service; bad weights refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from banhao.audit.models import AuditEntry
from banhao.feedback.models import FeedbackPolicy
from banhao.security.testing import login_staff

from .conftest import World

pytestmark = pytest.mark.django_db

VALUES = {
    "rating_window_days": 5,
    "callback_days": 1,
    "rectification_days": 15,
    "exclude_system_default": "on",
    "record_system_default": "",
    "exclude_upheld_appeals": "on",
    "weight_satisfaction": 50,
    "weight_on_time": 30,
    "weight_volume": 10,
    "weight_forum": 10,
}


def admin_client(world: World, username: str = "admin") -> Client:
    client = Client()
    login_staff(client, world.user(username))
    return client


def change_url() -> str:
    return reverse("admin:feedback_feedbackpolicy_change", args=[1])


def test_system_admin_sets_the_policy(world: World) -> None:
    client = admin_client(world)
    response = client.post(change_url(), VALUES)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = FeedbackPolicy.objects.get()
    assert (policy.rectification_days, policy.weight_satisfaction) == (15, 50)
    assert policy.updated_by == world.user("admin")
    assert AuditEntry.objects.filter(action="feedback.policy_update").count() == 1
    # one row: no add page, no delete
    assert client.get(reverse("admin:feedback_feedbackpolicy_add")).status_code == 403
    assert client.get(reverse("admin:feedback_feedbackpolicy_delete", args=[1])).status_code == 403


def test_weights_must_add_up(world: World) -> None:
    response = admin_client(world).post(change_url(), {**VALUES, "weight_forum": 20})
    assert response.status_code == 200
    assert "各项权重之和应为 100" in response.content.decode()
    assert FeedbackPolicy.objects.get().weight_forum == 10  # unchanged


def test_audit_admin_may_not_change_it(world: World) -> None:
    response = admin_client(world, "shenji").post(change_url(), VALUES)
    assert response.status_code == 403
    assert FeedbackPolicy.objects.get().rectification_days == 5
