"""manage.py generate_cases: volume for the performance harness that the real code reads like
its own (states, events, tasks, encrypted personal data, due dates)."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from banhao.accounts.models import User
from banhao.audit.models import AuditEntry
from banhao.cases.access import access_case
from banhao.cases.models import Case, CaseEvent, ReviewTask
from banhao.cases.selectors import case_list_for_applicant, case_timeline, case_view, review_queue
from banhao.privacy.fields import blind_lookup
from banhao_core.workflow import CaseState

from .conftest import World

ACCEPTED_STATES = {
    "in_progress",
    "decided_approved",
    "decided_rejected",
    "delivering",
    "closed",
}


def generate(count: int, seed: int = 7) -> None:
    call_command("generate_cases", count=count, seed=seed, no_progress=True, stdout=StringIO())


def test_generated_cases_are_consistent_with_the_state_table(world: World) -> None:
    audit_before = AuditEntry.objects.count()
    generate(600)
    assert Case.objects.count() == 600
    states = Counter(Case.objects.values_list("state", flat=True))
    # Spread over states: mostly 办结, and open states among the recent ones.
    assert states["closed"] > 300
    assert {"in_progress", "draft", "not_accepted", "withdrawn"} <= set(states)
    assert set(states) <= {s.value for s in CaseState}
    # The last transition event of every case ends in the case's state; seq has no gaps.
    for case in Case.objects.prefetch_related("events", "review_tasks"):
        events = sorted(case.events.all(), key=lambda e: e.seq)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        moves = [e for e in events if e.to_state]
        if moves:
            assert moves[-1].to_state == case.state, case.number
        else:
            assert case.state in {"draft"}
        tasks = list(case.review_tasks.all())
        if case.accepted_at is not None and case.state in ACCEPTED_STATES:
            assert tasks and case.promised_due is not None and case.legal_due is not None
            assert case.promised_due >= case.accepted_at.date()
            assert all(t.due == case.promised_due for t in tasks)
        if case.decision == "approve":
            assert all(t.state == "approved" for t in tasks)
        if case.decision == "reject":
            assert any(t.state == "rejected" for t in tasks)
        if case.state == "in_progress":
            assert all(t.state in {"pending", "approved"} for t in tasks)
    # Not business events: no audit entries.
    assert AuditEntry.objects.count() == audit_before
    # Over two years.
    oldest = Case.objects.order_by("created_at").first()
    newest = Case.objects.order_by("-created_at").first()
    assert oldest is not None and newest is not None
    assert (newest.created_at - oldest.created_at).days > 365


def test_generated_cases_read_through_the_real_code(world: World) -> None:
    generate(800, seed=11)
    case = Case.objects.filter(state="in_progress").first()
    assert case is not None
    # Personal data decrypts; the blind index finds the case by ID number.
    assert case.applicant_name and case.applicant_id_number
    assert Case.objects.filter(
        blind_lookup(Case, "applicant_id_number", case.applicant_id_number)
    ).exists()
    clerk = world.user("chuangkou")
    assert access_case(clerk, case.number) == case
    view = case_view(case=case, user=clerk)
    assert view.tasks and view.status is not None
    assert case_timeline(case=case)[0].seq == 1
    # Some cases belong to the demo accounts (我的办件 grows with the data).
    assert sum(case_list_for_applicant(user=u).count() for u in User.objects.all()) > 0
    # Pending tasks appear in a department's queue.
    pending = ReviewTask.objects.filter(state="pending", case__state="in_progress").first()
    assert pending is not None
    reviewer = User.objects.filter(department_id=pending.department_id).first()
    if reviewer is not None:
        assert pending in review_queue(user=reviewer)


def test_generate_appends_with_fresh_ids_and_numbers(world: World) -> None:
    generate(100, seed=1)
    generate(100, seed=2)
    assert Case.objects.count() == 200
    assert Case.objects.values("number").distinct().count() == 200
    assert CaseEvent.objects.values("case_id", "seq").distinct().count() == (
        CaseEvent.objects.count()
    )


@pytest.mark.parametrize("count", [0, -5])
def test_generate_refuses_a_non_positive_count(world: World, count: int) -> None:
    with pytest.raises(CommandError):
        generate(count)


def test_generate_is_refused_in_production(world: World) -> None:
    with override_settings(IS_PRODUCTION=True), pytest.raises(CommandError):
        generate(10)
    assert Case.objects.count() == 0
