"""The demo set loads through the services, covers every state, and is idempotent."""

from __future__ import annotations

from collections import Counter

import pytest

from banhao.engagement.demo import DEMO_THEME, demo_engagement_load
from banhao.engagement.models import Forum, Suggestion, SurveyResponse
from banhao.engagement.selectors import staff_feedback_by_month, survey_results


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_demo_engagement(world):
    assert demo_engagement_load() == 6
    forum = Forum.objects.get(theme=DEMO_THEME)
    assert forum.status == "archived" and forum.invitees.count() == 5
    assert forum.invitees.filter(attended=True).count() == 4
    states = Counter(Suggestion.objects.values_list("status", flat=True))
    assert states == {"closed": 2, "answered": 1, "in_progress": 1, "declined": 1, "registered": 1}
    results = survey_results(forum.service_centre.surveys.get(code="msmp-2026q3"))
    assert (results.total, results.paper, results.online) == (14, 8, 6)
    praise = Suggestion.objects.get(sentiment="praise")
    raised = praise.raised_at
    feedback = staff_feedback_by_month(year=raised.year, month=raised.month)
    assert praise.about_staff is not None and praise.about_staff.username == "bangban"
    assert feedback[praise.about_staff.pk].praise == 1
    assert demo_engagement_load() == 0
    assert Suggestion.objects.count() == 6 and SurveyResponse.objects.count() == 14
