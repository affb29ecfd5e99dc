"""``generate_cases`` also writes the 办结 ratings of the closed cases (issue 7: "with events,
tasks and ratings where those exist"), through the ``cases_generated`` signal."""

from __future__ import annotations

from collections import Counter
from io import StringIO

from django.core.management import call_command

from banhao.cases.models import Case, CaseEvent
from banhao.cases.tests.conftest import World
from banhao.feedback.models import Rating
from banhao.feedback.selectors import case_handling
from banhao_core.ratings import Level


def _generate(count: int, seed: int) -> None:
    call_command("generate_cases", count=count, seed=seed, no_progress=True, stdout=StringIO())


def test_closed_generated_cases_get_realistic_ratings(world: World) -> None:
    _generate(400, seed=11)
    closed = Case.objects.filter(state="closed").count()
    ratings = list(Rating.objects.select_related("case"))
    assert closed > 100
    # Most closed cases are rated, only closed ones, once each, after 办结.
    assert 0.55 * closed < len(ratings) < 0.85 * closed
    assert all(r.case.state == "closed" for r in ratings)
    assert len({r.case_id for r in ratings}) == len(ratings)
    assert all(r.case.closed_at and r.created_at > r.case.closed_at for r in ratings)
    assert {r.event for r in ratings} == {"close"} and {r.assess_number for r in ratings} == {1}
    # Levels by name, mostly 非常满意; no 差评 (they would need a worked 整改 loop).
    levels = Counter(r.level for r in ratings)
    assert levels.most_common(1)[0][0] == Level.VERY_SATISFIED.value
    assert not {Level.DISSATISFIED.value, Level.VERY_DISSATISFIED.value} & set(levels)
    assert all(r.submitted_code is None and r.submitted_code_system == "" for r in ratings)
    # 谁办理、谁负责: the same unit, window and staff a real rating would record.
    for rating in ratings[:50]:
        department, window, staff = case_handling(rating.case)
        assert rating.department_id == department.pk
        assert rating.window_id == (window.pk if window else None)
        assert rating.staff_id == (staff.pk if staff else None)
        assert rating.indicators["overall"] == rating.level
    # Window cases are rated on hall devices / QR codes, online ones on PC / mobile.
    for rating in ratings:
        assert rating.channel in ({"3", "4"} if rating.window_id else {"1", "2"})


def test_generated_ratings_are_repeatable(world: World) -> None:
    _generate(150, seed=5)
    first = list(Rating.objects.order_by("case_id").values_list("case_id", "level", "channel"))
    Rating.objects.all().delete()
    CaseEvent.objects.all().delete()
    Case.objects.all().delete()
    _generate(150, seed=5)
    again = list(Rating.objects.order_by("case_id").values_list("case_id", "level", "channel"))
    # Ids differ between the two runs; the choices do not.
    assert [row[1:] for row in first] == [row[1:] for row in again] and first
