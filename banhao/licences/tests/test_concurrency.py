"""100 licences issued at the same moment from 100 threads: unique identifiers, consecutive
serials, valid check characters, every one verifiable."""

from __future__ import annotations

import threading
import time

import pytest
import time_machine
from django.db import connection, connections

from banhao.cases.models import Case
from banhao.cases.tests.conftest import START, build_world
from banhao.licences.demo import demo_licence_types_load
from banhao.licences.models import Licence, LicenceType
from banhao.licences.selectors import licence_verify
from banhao.licences.services import licence_issue_for_case, seal_key_create
from banhao_core.licences import parse_identifier

from .conftest import approve, register

COUNT = 100


@pytest.mark.django_db(transaction=True)
def test_one_hundred_concurrent_issues_get_unique_valid_identifiers() -> None:
    with time_machine.travel(START, tick=False):
        world = build_world()
        # The cases are decided before the licence type exists, so nothing is issued yet.
        cases = [approve(world, register(world)) for _ in range(COUNT)]
        assert not Licence.objects.exists()
        demo_licence_types_load()
        seal_key_create(actor=None)
        assert LicenceType.objects.count() == 2
        barrier = threading.Barrier(COUNT)
        errors: list[BaseException] = []

        def issue(case: Case) -> None:
            try:
                barrier.wait(timeout=60)
                licence_issue_for_case(case=case, actor=None)
            except BaseException as exc:  # collected and reported below
                errors.append(exc)
            finally:
                connection.close()

        # All 100 wait for the one writer at a time: on SQLite that wait is the busy timeout
        # (20 s in the settings, enough for a web server, not for 100 queued issues on a busy
        # test machine). PostgreSQL waits on the counter's row lock instead.
        options = connections.databases["default"].setdefault("OPTIONS", {})
        saved_timeout = options.get("timeout")
        if connection.vendor == "sqlite":
            options["timeout"] = 300
        threads = [threading.Thread(target=issue, args=(case,)) for case in cases]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        elapsed = time.perf_counter() - started
        if saved_timeout is not None:
            options["timeout"] = saved_timeout

        assert errors == []
        licences = list(Licence.objects.all())
        assert len(licences) == COUNT
        identifiers = {licence.identifier for licence in licences}
        assert len(identifiers) == COUNT
        serials = sorted(int(licence.serial) for licence in licences)
        assert serials == list(range(2026000001, 2026000001 + COUNT))
        for identifier in identifiers:
            assert str(parse_identifier(identifier)) == identifier  # check character valid
        assert all(licence_verify(identifier=i).is_valid for i in list(identifiers)[:10])
        print(f"\n{COUNT} concurrent issues in {elapsed:.2f} s ({COUNT / elapsed:.1f}/s)")
