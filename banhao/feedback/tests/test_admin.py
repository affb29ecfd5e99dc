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


def add_url() -> str:
    return reverse("admin:feedback_feedbackpolicy_add")


def test_system_admin_sets_the_policy_and_it_stays_one_row(world: World) -> None:
    client = admin_client(world)
    response = client.post(add_url(), VALUES)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = FeedbackPolicy.objects.get()
    assert (policy.pk, policy.rectification_days, policy.weight_satisfaction) == (1, 15, 50)
    assert policy.updated_by == world.user("admin")
    assert client.post(add_url(), {**VALUES, "rectification_days": 7}).status_code == 302
    assert FeedbackPolicy.objects.get().rectification_days == 7  # still one row
    change = reverse("admin:feedback_feedbackpolicy_change", args=[1])
    assert client.post(change, {**VALUES, "rectification_days": 6}).status_code == 302
    assert FeedbackPolicy.objects.get().rectification_days == 6
    assert AuditEntry.objects.filter(action="feedback.policy_update").count() == 3
    delete = reverse("admin:feedback_feedbackpolicy_delete", args=[1])
    assert client.get(delete).status_code == 403


def test_weights_must_add_up(world: World) -> None:
    response = admin_client(world).post(add_url(), {**VALUES, "weight_forum": 20})
    assert response.status_code == 200
    assert "各项权重之和应为 100" in response.content.decode()
    assert not FeedbackPolicy.objects.exists()


def test_audit_admin_may_not_change_it(world: World) -> None:
    response = admin_client(world, "shenji").post(add_url(), VALUES)
    assert response.status_code == 403
    assert not FeedbackPolicy.objects.exists()
