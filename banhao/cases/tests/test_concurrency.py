"""Two people act on the same review task at the same moment: exactly one effect."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection

from banhao.cases.models import CaseEvent, ReviewTask
from banhao.cases.services import case_accept, review_task_decide
from banhao.shared.errors import Conflict

from .conftest import START, build_world
from .test_story import register


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_of_one_task_produce_one_effect() -> None:
    with time_machine.travel(START, tick=False):
        world = build_world()
        case = case_accept(case=register(world), actor=world.user("chuangkou"))
        task = ReviewTask.objects.get(case=case, department__name="住房和城乡建设局")
        seen = task.row_version
        reviewer = world.user("zhujian")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def approve(opinion: str) -> None:
            try:
                barrier.wait(timeout=10)
                review_task_decide(
                    task=task, actor=reviewer, approve=True, opinion=opinion, expected_version=seen
                )
                outcomes.append("ok")
            except Conflict as exc:
                outcomes.append(exc.code)
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(f"同意{i}",)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(outcomes) == ["ok", "stale_task"]
        assert CaseEvent.objects.filter(case=case, kind="review_approved").count() == 1
        task.refresh_from_db()
        assert task.state == "approved"
