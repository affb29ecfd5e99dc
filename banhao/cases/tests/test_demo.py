from __future__ import annotations

from typing import Any

import pytest

from banhao.cases.demo import demo_cases_load
from banhao.cases.models import Case, CaseEvent

from .conftest import World


@pytest.mark.parametrize("count", [40])
def test_demo_cases_cover_the_states_and_are_idempotent(
    world: World, count: int, frozen: Any
) -> None:
    assert demo_cases_load(count=count, days=60) == count
    states = set(Case.objects.values_list("state", flat=True))
    assert {"in_progress", "closed"} <= states
    assert len(states) >= 6
    # Every case has a timeline that starts at its creation.
    assert not Case.objects.exclude(pk__in=CaseEvent.objects.values("case")).exists()
    assert demo_cases_load(count=count) == 0
    assert Case.objects.count() == count
