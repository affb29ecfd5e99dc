"""Import rules beyond the happy path: retired items, open drafts, admin edits of materials,
code pattern and integer bounds (CSV and Excel)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from banhao.audit.models import AuditEntry
from banhao.catalog.choices import (
    CaseKind,
    HandlingForm,
    LimitUnit,
    MaterialNecessity,
    ResultType,
    VersionState,
)
from banhao.catalog.importers import ITEM_COLUMNS, ITEMS_SHEET, MATERIAL_COLUMNS, MATERIALS_SHEET
from banhao.catalog.models import ServiceItem, ServiceItemVersion, SituationOption
from banhao.catalog.services import (
    catalog_export_xlsx,
    catalog_import_csv,
    catalog_import_xlsx,
    item_version_create_draft,
    item_version_publish,
    item_version_retire,
    item_version_set_content,
)
from banhao.catalog.specs import (
    MaterialSpec,
    OptionSpec,
    ReviewStepSpec,
    SituationSpec,
    VersionContent,
)
from banhao.catalog.tests.test_import_csv import row, snapshot, write_csv
from banhao.shared.errors import ValidationFailed

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02 10:00 +0800"
NEXT_MONDAY = "2026-03-09 10:00 +0800"


def _travel(when: str) -> time_machine.travel:
    return time_machine.travel(when, tick=False)


def _published(code: str) -> ServiceItemVersion:
    return ServiceItemVersion.objects.get(item__code=code, state=VersionState.PUBLISHED)


# -- 1. retired items are not brought back ---------------------------------------------------


def test_an_item_whose_newest_version_is_retired_is_skipped_and_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row("T-1", "甲"), row("T-2", "乙")])
    with _travel(MONDAY):
        catalog_import_csv(file=path, actor=None)
        item_version_retire(version=_published("T-1"), actor=None)
    changed = write_csv(tmp_path / "b.csv", [row("T-1", "甲（改名）"), row("T-2", "乙")])
    with _travel(NEXT_MONDAY):
        for source in (path, changed):
            report = catalog_import_csv(file=source, actor=None)
            assert (report.created, report.updated, report.skipped, report.retired) == (0, 0, 1, 1)
            assert report.retired_codes == ["T-1"]
            assert report.summary_zh() == "新增 0，更新 0，跳过 1（未变化），已停用未恢复 1"
    versions = list(ServiceItemVersion.objects.filter(item__code="T-1"))
    assert [(v.version, v.state, v.name) for v in versions] == [(1, VersionState.RETIRED, "甲")]
    entry = AuditEntry.objects.filter(action="catalog.import_csv").latest("pk")
    assert entry.details["retired_codes"] == ["T-1"]


def test_the_command_prints_the_retired_count(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row("T-1"), row("T-2")])
    with _travel(MONDAY):
        catalog_import_csv(file=path, actor=None)
        item_version_retire(version=_published("T-2"), actor=None)
        out = io.StringIO()
        call_command("import_items", str(path), stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines() == ["新增 0，更新 0，跳过 1（未变化），已停用未恢复 1"]


def test_the_excel_import_does_not_bring_retired_items_back(tmp_path: Path) -> None:
    with _travel(MONDAY):
        catalog_import_csv(file=write_csv(tmp_path / "a.csv", [row("T-1"), row("T-2")]), actor=None)
        catalog_export_xlsx(target=tmp_path / "all.xlsx", actor=None)
        item_version_retire(version=_published("T-1"), actor=None)
    with _travel(NEXT_MONDAY):
        report = catalog_import_xlsx(file=tmp_path / "all.xlsx", actor=None)
    assert (report.updated, report.skipped, report.retired) == (0, 1, 1)
    assert not ServiceItemVersion.objects.filter(
        item__code="T-1", state=VersionState.PUBLISHED
    ).exists()


# -- 2. an open draft refuses the import ----------------------------------------------------


def test_a_changed_row_of_an_item_with_an_open_draft_refuses_the_whole_import(
    tmp_path: Path,
) -> None:
    with _travel(MONDAY):
        catalog_import_csv(file=write_csv(tmp_path / "a.csv", [row("T-1"), row("T-2")]), actor=None)
        item_version_create_draft(item=ServiceItem.objects.get(code="T-1"), actor=None)
    before = snapshot()
    with _travel(NEXT_MONDAY), pytest.raises(ValidationFailed) as caught:
        catalog_import_csv(
            file=write_csv(tmp_path / "b.csv", [row("T-1", "新名称"), row("T-2", "也改了")]),
            actor=None,
        )
    assert snapshot() == before
    assert (
        "第 2 行「code」列：事项 T-1 有未发布的草稿，请先发布或放弃草稿后再导入"
        in caught.value.message
    )
    assert not ServiceItemVersion.objects.filter(name="也改了").exists()


def test_an_unchanged_row_of_an_item_with_an_open_draft_is_skipped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row("T-1"), row("T-2")])
    with _travel(MONDAY):
        catalog_import_csv(file=path, actor=None)
        item_version_create_draft(item=ServiceItem.objects.get(code="T-1"), actor=None)
    with _travel(NEXT_MONDAY):
        report = catalog_import_csv(file=path, actor=None)
    assert (report.created, report.updated, report.skipped) == (0, 0, 2)


def test_the_excel_import_refuses_an_item_with_an_open_draft(tmp_path: Path) -> None:
    with _travel(MONDAY):
        catalog_import_csv(file=write_csv(tmp_path / "a.csv", [row("T-1")]), actor=None)
        path = tmp_path / "all.xlsx"
        catalog_export_xlsx(target=path, actor=None)
        item_version_create_draft(item=ServiceItem.objects.get(code="T-1"), actor=None)
    workbook = load_workbook(path)
    sheet = workbook[ITEMS_SHEET]
    sheet.cell(2, [c.header for c in ITEM_COLUMNS].index("事项名称") + 1).value = "改名"
    workbook.save(path)
    with pytest.raises(ValidationFailed, match="「事项」工作表第 2 行「事项编码」列：事项 T-1"):
        catalog_import_xlsx(file=path, actor=None)


def test_the_stale_draft_cannot_overwrite_a_newer_published_version(tmp_path: Path) -> None:
    """The sequence of the review: draft v2 exists, v3 gets published some other way; the
    stale draft must not be published over it."""
    with _travel(MONDAY):
        catalog_import_csv(file=write_csv(tmp_path / "a.csv", [row("T-1")]), actor=None)
        item = ServiceItem.objects.get(code="T-1")
        draft = item_version_create_draft(item=item, actor=None)
        # A newer version was published while the draft was open (as the old import did).
        ServiceItemVersion.objects.filter(item=item, state=VersionState.PUBLISHED).update(version=3)
    draft.refresh_from_db()
    with _travel(NEXT_MONDAY), pytest.raises(ValidationFailed) as caught:
        item_version_publish(version=draft, actor=None)
    assert caught.value.code == "stale_draft"
    assert "第2版" in caught.value.message and "第3版" in caught.value.message
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT


# -- 3. admin edits of materials survive a CSV re-import ------------------------------------


#: What an imported (sparse) licence needs besides its materials to pass the validators.
PUBLISHABLE = {
    "legal_limit_amount": 20,
    "legal_limit_unit": LimitUnit.WORKING_DAYS,
    "promised_limit_amount": 5,
    "promised_limit_unit": LimitUnit.WORKING_DAYS,
    "case_kind": CaseKind.PROMISED,
    "handling_forms": [HandlingForm.WINDOW, HandlingForm.EXPRESS],
    "visits_required": 0,
    "consult_phone": "0826-0000001",
    "supervise_phone": "12345",
    "result_type": ResultType.CERTIFICATE,
    "result_name": "测试许可证",
}


def _enrich_materials(code: str) -> None:
    """Admin work: key material, notes, a situation linking a material; published."""
    item = ServiceItem.objects.get(code=code)
    draft = item_version_create_draft(item=item, actor=None)
    item_version_set_content(
        version=draft,
        actor=None,
        content=VersionContent(
            fields=PUBLISHABLE,
            review_steps=[ReviewStepSpec(item.department.name, "审查")],
            materials=[
                MaterialSpec("申请表", is_key=True, notes="须本人签字", original_copies=2),
                MaterialSpec(
                    "身份证明", necessity=MaterialNecessity.SHARED, issuing_body="公安机关"
                ),
            ],
            situations=[SituationSpec("是否委托？", (OptionSpec("是", ("身份证明",)),))],
        ),
    )
    item_version_publish(version=draft, actor=None)


def test_re_importing_the_same_material_names_keeps_admin_edits(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row("T-1", materials="申请表；身份证明")])
    with _travel(MONDAY):
        catalog_import_csv(file=path, actor=None)
        _enrich_materials("T-1")
    with _travel(NEXT_MONDAY):
        report = catalog_import_csv(file=path, actor=None)
    assert (report.updated, report.skipped) == (0, 1)
    current = _published("T-1")
    assert current.version == 2
    assert current.materials.get(name="申请表").is_key


def test_a_changed_material_list_keeps_the_details_of_the_materials_it_keeps(
    tmp_path: Path,
) -> None:
    with _travel(MONDAY):
        catalog_import_csv(
            file=write_csv(tmp_path / "a.csv", [row("T-1", materials="申请表；身份证明")]),
            actor=None,
        )
        _enrich_materials("T-1")
    with _travel(NEXT_MONDAY):
        report = catalog_import_csv(
            file=write_csv(
                tmp_path / "b.csv", [row("T-1", "新名称", materials="身份证明；营业执照；申请表")]
            ),
            actor=None,
        )
    assert report.updated == 1
    current = _published("T-1")
    assert current.version == 3 and current.name == "新名称"
    materials = list(current.materials.all())
    assert [m.name for m in materials] == ["身份证明", "营业执照", "申请表"]
    form = current.materials.get(name="申请表")
    assert (form.is_key, form.notes, form.original_copies) == (True, "须本人签字", 2)
    identity = current.materials.get(name="身份证明")
    assert (identity.necessity, identity.issuing_body) == (MaterialNecessity.SHARED, "公安机关")
    # The situation still asks for the kept material of the new version.
    option = SituationOption.objects.get(situation__version=current)
    assert [m.pk for m in option.materials.all()] == [identity.pk]


def test_a_name_only_change_of_other_fields_keeps_materials(tmp_path: Path) -> None:
    with _travel(MONDAY):
        catalog_import_csv(
            file=write_csv(tmp_path / "a.csv", [row("T-1", materials="申请表；身份证明")]),
            actor=None,
        )
        _enrich_materials("T-1")
    with _travel(NEXT_MONDAY):
        catalog_import_csv(
            file=write_csv(tmp_path / "b.csv", [row("T-1", "改名", materials="申请表；身份证明")]),
            actor=None,
        )
    current = _published("T-1")
    assert current.name == "改名"
    assert current.materials.get(name="申请表").is_key
    assert SituationOption.objects.get(situation__version=current).materials.count() == 1


# -- 4. item codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("A/B", "事项编码只能包含字母、数字、点、下划线和连字符"),
        ("A B", "事项编码只能包含字母、数字、点、下划线和连字符"),
        ("-A", "事项编码只能包含字母、数字、点、下划线和连字符，且须以字母或数字开头"),
        ("编码1", "事项编码只能包含字母、数字、点、下划线和连字符"),
        ("A?B", "事项编码只能包含字母、数字、点、下划线和连字符"),
        ("x" * 65, "事项编码长度 65 超过上限 64"),
    ],
)
def test_csv_refuses_codes_that_are_not_url_safe(tmp_path: Path, code: str, message: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        catalog_import_csv(file=write_csv(tmp_path / "a.csv", [row("T-1"), row(code)]), actor=None)
    assert snapshot() == before
    assert f"第 3 行「code」列：{message}" in caught.value.message


def test_real_looking_codes_are_accepted(tmp_path: Path) -> None:
    codes = [
        "E-000021-001-1111111111111111",
        "H-000185-001-4444444444",
        "511F0045400001-511602000000-000-11511301452259996u-1-00",
        "371681.XK_0001",
    ]
    report = catalog_import_csv(
        file=write_csv(tmp_path / "a.csv", [row(code) for code in codes]), actor=None
    )
    assert report.created == 4


def test_excel_refuses_a_bad_code(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    catalog_export_xlsx(target=path, actor=None)
    workbook = load_workbook(path)
    sheet = workbook[ITEMS_SHEET]
    headers = [c.header for c in ITEM_COLUMNS]
    for header, value in {
        "事项编码": "XK/0001",
        "编码体系": "地方",
        "实施主体": "测试局",
        "事项名称": "测试",
        "事项类型": "行政许可",
    }.items():
        sheet.cell(2, headers.index(header) + 1).value = value
    workbook.save(path)
    with pytest.raises(ValidationFailed) as caught:
        catalog_import_xlsx(file=path, actor=None)
    assert (
        "「事项」工作表第 2 行「事项编码」列：事项编码只能包含字母、数字、点、下划线和连字符"
        in caught.value.message
    )


# -- 7. integer bounds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("legal_limit_days", "99999999999999999999", "时限不能超过 3650 天"),
        ("promised_limit_days", "3651个工作日", "时限不能超过 3650 天"),
    ],
)
def test_csv_limits_are_capped(tmp_path: Path, column: str, value: str, message: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        catalog_import_csv(
            file=write_csv(tmp_path / "a.csv", [row("T-1", **{column: value})]), actor=None
        )
    assert snapshot() == before
    assert f"第 2 行「{column}」列：{message}" in caught.value.message


def test_csv_accepts_the_largest_limit(tmp_path: Path) -> None:
    catalog_import_csv(
        file=write_csv(tmp_path / "a.csv", [row("T-1", legal_limit_days="3650")]), actor=None
    )
    assert _published("T-1").legal_limit_amount == 3650


@pytest.mark.parametrize(
    ("sheet_name", "header", "value", "message"),
    [
        (ITEMS_SHEET, "法定办结时限", "99999999999999999999", "不能超过 3650"),
        (ITEMS_SHEET, "承诺办结时限", 1e30, "不能超过 3650"),
        (ITEMS_SHEET, "到办事现场次数", 100, "不能超过 99"),
        (MATERIALS_SHEET, "原件份数", 100, "不能超过 99"),
        (MATERIALS_SHEET, "复印件份数", "99999999999999999999", "不能超过 99"),
        (ITEMS_SHEET, "到办事现场次数", "²", "“²”不是整数"),
    ],
)
def test_excel_integers_are_capped(
    tmp_path: Path, sheet_name: str, header: str, value: Any, message: str
) -> None:
    with _travel(MONDAY):
        catalog_import_csv(
            file=write_csv(tmp_path / "a.csv", [row("T-1", materials="申请表")]), actor=None
        )
    path = tmp_path / "all.xlsx"
    catalog_export_xlsx(target=path, actor=None)
    workbook = load_workbook(path)
    columns = ITEM_COLUMNS if sheet_name == ITEMS_SHEET else MATERIAL_COLUMNS
    workbook[sheet_name].cell(2, [c.header for c in columns].index(header) + 1).value = value
    workbook.save(path)
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        catalog_import_xlsx(file=path, actor=None)
    assert snapshot() == before
    assert f"「{sheet_name}」工作表第 2 行「{header}」列：{message}" in caught.value.message
