"""Demo 好差评 on the demo cases: ratings, a worked 差评, an appeal; idempotent."""

from __future__ import annotations

import pytest

from banhao.cases.demo import demo_cases_load
from banhao.feedback.demo import demo_feedback_load
from banhao.feedback.models import Appeal, Complaint, Rating
from banhao.feedback.selectors import publication_month, ranking_month

from .conftest import World

pytestmark = pytest.mark.django_db


def test_demo_feedback_fills_the_pages_and_is_idempotent(world: World) -> None:
    demo_cases_load(count=80, days=60)
    created = demo_feedback_load()
    assert created > 5
    assert Rating.objects.count() == created
    assert Complaint.objects.exists()
    assert Complaint.objects.exclude(state="awaiting_callback").exists()  # some worked through
    assert Appeal.objects.filter(outcome="rejected").count() == 1  # one appeal, decided
    assert demo_feedback_load() == 0
    assert Rating.objects.count() == created
    report = publication_month(year=2026, month=11)
    assert report.overall.total > 0
    assert ranking_month(year=2026, month=11).rows
