"""Reads: list filters and counts."""

from __future__ import annotations

import datetime as dt

import pytest

from banhao.catalog.choices import ItemType
from banhao.catalog.selectors import (
    department_list_with_counts,
    item_list,
    item_type_counts,
    theme_list,
)
from banhao.catalog.snapshots import time_limit, version_legal_limit, version_promised_limit
from banhao.catalog.tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    ServiceItemVersionFactory,
    ThemeFactory,
)
from banhao_core.time_limits import TimeLimit

pytestmark = pytest.mark.django_db


def test_item_list_returns_only_versions_in_force_and_orders_by_relevance() -> None:
    ServiceItemVersionFactory.create(published=True, name="食品经营许可")
    ServiceItemVersionFactory.create(published=True, name="小餐饮食品经营许可")
    ServiceItemVersionFactory.create(published=True, name="食品经营许可证注销")
    ServiceItemVersionFactory.create(name="食品经营许可（草稿）")
    ServiceItemVersionFactory.create(retired=True, name="食品经营许可（旧）")
    names = [v.name for v in item_list(query="食品经营许可")]
    assert names == ["食品经营许可", "食品经营许可证注销", "小餐饮食品经营许可"]
    # On a date in the retired version's validity, it is the one in force.
    assert [v.name for v in item_list(query="旧", on=dt.date(2025, 3, 1))] == ["食品经营许可（旧）"]


def test_item_list_filters() -> None:
    department = DepartmentFactory.create()
    theme = ThemeFactory.create()
    item = ServiceItemFactory.create(department=department)
    item.themes.add(theme)
    ServiceItemVersionFactory.create(published=True, item=item)
    ServiceItemVersionFactory.create(published=True, item_type=ItemType.PUBLIC_SERVICE)
    assert item_list(department_id=department.pk).count() == 1
    assert item_list(theme_id=theme.pk).get().item == item
    assert item_list(item_type=ItemType.PUBLIC_SERVICE).count() == 1


def test_counts() -> None:
    department = DepartmentFactory.create()
    theme = ThemeFactory.create()
    for _ in range(2):
        item = ServiceItemFactory.create(department=department)
        item.themes.add(theme)
        ServiceItemVersionFactory.create(published=True, item=item)
    ServiceItemVersionFactory.create(
        item=ServiceItemFactory.create(department=department)
    )  # draft only
    ServiceItemVersionFactory.create(published=True, item_type=ItemType.PUBLIC_SERVICE)
    counts = {d.pk: d.item_count for d in department_list_with_counts()}  # type: ignore[attr-defined]
    assert counts[department.pk] == 2
    assert theme_list().get(pk=theme.pk).item_count == 2  # type: ignore[attr-defined]
    assert [(c.code, c.label, c.count) for c in item_type_counts()] == [
        ("01", "行政许可", 2),
        ("20", "公共服务", 1),
    ]


def test_time_limits_map_to_the_core() -> None:
    version = ServiceItemVersionFactory.create(promised_limit_amount=3)
    assert version_legal_limit(version) == TimeLimit.working_days(20)
    assert version_promised_limit(version) == TimeLimit.working_days(3)
    assert time_limit(0, "immediate") == TimeLimit.immediate()
    assert time_limit(None, "") is None
    assert time_limit(None, "working_days") is None
