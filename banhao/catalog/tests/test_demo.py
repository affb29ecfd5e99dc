"""The curated demo catalogue: complete, valid, idempotent."""

from __future__ import annotations

import pytest

from banhao.catalog.choices import CodeSystem, MaterialNecessity, MaterialSource, ReviewMode
from banhao.catalog.demo import demo_catalogue_load, demo_items
from banhao.catalog.models import ServiceItem, ServiceItemVersion
from banhao.catalog.selectors import item_get_published, version_problems
from banhao.org.models import Department, ServiceCentre, Window

pytestmark = pytest.mark.django_db

EXPECTED_NAMES = {
    "建筑工程施工许可证核发",
    "企业设立登记",
    "营业执照变更登记",
    "烟花爆竹经营（零售）许可",
    "食品经营许可",
    "公众聚集场所投入使用、营业前消防安全检查",
    "公共场所卫生许可",
    "户外招牌设置",
    "烟草专卖零售许可",
}


def test_demo_loads_idempotently() -> None:
    assert demo_catalogue_load() == 9
    counts = (
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        Department.objects.count(),
        Window.objects.count(),
    )
    assert demo_catalogue_load() == 0
    assert counts == (
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        Department.objects.count(),
        Window.objects.count(),
    )
    assert counts == (9, 9, 11, 11)


def test_every_curated_item_is_published_and_passes_the_validators() -> None:
    demo_catalogue_load()
    names = set()
    for spec in demo_items():
        version = item_get_published(code=spec.code)
        names.add(version.name)
        assert version.item.code_system == CodeSystem.LOCAL
        assert version.data_source == "demo"
        errors = [p for p in version_problems(version) if p.is_error]
        assert errors == [], f"{version.name}: {errors}"
        assert version.materials.exists() and version.faqs.exists()
    assert names == EXPECTED_NAMES


def test_construction_permit_is_reviewed_by_three_departments_in_parallel() -> None:
    demo_catalogue_load()
    version = item_get_published(code="371681-XK-0001")
    assert version.review_mode == ReviewMode.COUNTERSIGN
    assert [s.department.name for s in version.review_steps.all()] == [
        "住房和城乡建设局",
        "自然资源和规划局",
        "消防救援大队",
    ]
    assert (version.legal_limit_amount, version.legal_limit_unit) == (7, "working_days")
    assert (version.promised_limit_amount, version.promised_limit_unit) == (1, "working_days")
    necessities = {m.necessity for m in version.materials.all()}
    assert MaterialNecessity.DEFERRABLE in necessities
    assert version.materials.filter(source_channel=MaterialSource.E_LICENCE).count() == 3
    assert not version.materials.filter(necessity=MaterialNecessity.DEFERRABLE, is_key=True)
    supervision = version.situations.get(question__startswith="是否属于")
    assert [m.name for m in supervision.options.get(label="是").materials.all()] == ["监理合同"]


def test_demo_organisation() -> None:
    demo_catalogue_load()
    centre = ServiceCentre.objects.get(code="zouping")
    assert centre.name == "邹平市政务服务中心" and centre.area_code == "371681"
    assert "黛溪三路" in centre.address
    numbers = list(centre.windows.values_list("number", flat=True))
    assert numbers == [f"A0{n}" for n in range(1, 9)] + ["B01", "C01", "D01"]
