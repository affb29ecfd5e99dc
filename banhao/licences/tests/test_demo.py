"""Demo seeding: the licence types, a seal key and a licence for every approved demo case;
idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from banhao.cases.models import Case
from banhao.licences.demo import demo_licences_load
from banhao.licences.models import Licence, LicenceType, SealKey
from banhao.licences.selectors import licence_verify

pytestmark = pytest.mark.django_db


def test_seed_demo_issues_licences_for_approved_cases_once() -> None:
    out = StringIO()
    call_command("seed_demo", "--skip-real-items", "--cases", "40", stdout=out)
    assert "电子证照" in out.getvalue()
    assert LicenceType.objects.count() == 2
    assert SealKey.objects.filter(is_active=True).count() == 1
    approved = Case.objects.filter(
        decision="approve", item_version__item__code__in=["371681-XK-0001", "371681-XK-0002"]
    )
    assert approved.exists()
    assert set(Licence.objects.values_list("case_id", flat=True)) == set(
        approved.values_list("pk", flat=True)
    )
    first = Licence.objects.order_by("id").first()
    assert first is not None and licence_verify(identifier=first.identifier).is_valid
    count = Licence.objects.count()
    assert demo_licences_load() == 0
    call_command("seed_demo", "--skip-real-items", "--cases", "40", stdout=StringIO())
    assert Licence.objects.count() == count
