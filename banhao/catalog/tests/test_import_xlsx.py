"""Excel template: export → import changes nothing; a bad cell names row and column."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from banhao.catalog.demo import demo_catalogue_load
from banhao.catalog.importers import ITEM_COLUMNS, ITEMS_SHEET, MATERIAL_COLUMNS, MATERIALS_SHEET
from banhao.catalog.models import ServiceItem, ServiceItemVersion
from banhao.catalog.services import catalog_export_xlsx, catalog_import_csv, catalog_import_xlsx
from banhao.shared.errors import ValidationFailed

pytestmark = pytest.mark.django_db

CSV_HEAD = (
    "source_id,region,area_code,code,name,parent_item,department,dept_code,item_type_code,"
    "item_type,legal_limit_days,promised_limit_days,materials,legal_basis,"
    "implementation_level,guide_url\n"
)


@pytest.fixture
def catalogue() -> None:
    demo_catalogue_load()
    catalog_import_csv(
        file=(
            CSV_HEAD + "s,广安区,511602000000,P-1,甲事项,主项甲,区行政审批局,68236467-9,1,行政许可,"
            "20,即办,申请表；身份证明,依据,县级,https://example.gov.cn/p1\n"
            + "s,广安区,511602000000,P-2,=乙事项,,区人社局,x,20,公共服务,,,,,,\n"
        ).encode(),
        actor=None,
    )


def column_index(columns: tuple, header: str) -> int:  # type: ignore[type-arg]
    return [c.header for c in columns].index(header) + 1


def test_round_trip_changes_nothing(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "items.xlsx"
    exported = catalog_export_xlsx(target=path, actor=None)
    assert exported == ServiceItem.objects.count() == 11
    versions_before = ServiceItemVersion.objects.count()
    report = catalog_import_xlsx(file=path, actor=None)
    assert (report.created, report.updated, report.skipped) == (0, 0, 11)
    assert ServiceItemVersion.objects.count() == versions_before

    workbook = load_workbook(path)
    items = workbook[ITEMS_SHEET]
    assert [cell.value for cell in items[1]] == [c.header for c in ITEM_COLUMNS]
    assert [cell.value for cell in workbook[MATERIALS_SHEET][1]] == [
        c.header for c in MATERIAL_COLUMNS
    ]
    assert "说明" in workbook.sheetnames


def test_an_edited_cell_updates_one_item(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "items.xlsx"
    catalog_export_xlsx(target=path, actor=None)
    workbook = load_workbook(path)
    sheet = workbook[ITEMS_SHEET]
    code_col = column_index(ITEM_COLUMNS, "事项编码")
    limit_col = column_index(ITEM_COLUMNS, "承诺办结时限")
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, code_col).value == "371681-XK-0005":
            sheet.cell(row, limit_col).value = 2
    workbook.save(path)
    report = catalog_import_xlsx(file=path, actor=None)
    assert (report.created, report.updated, report.skipped) == (0, 1, 10)
    new = ServiceItemVersion.objects.get(item__code="371681-XK-0005", state="published")
    assert new.version == 2 and new.promised_limit_amount == 2
    # Situations, FAQs and the review route (not in the template) are carried over.
    assert new.situations.count() == 2 and new.faqs.count() == 2
    assert new.review_steps.count() == 1
    assert new.materials.count() == 6


def test_a_bad_cell_names_row_and_column_and_imports_nothing(
    catalogue: None, tmp_path: Path
) -> None:
    path = tmp_path / "items.xlsx"
    catalog_export_xlsx(target=path, actor=None)
    workbook = load_workbook(path)
    sheet = workbook[ITEMS_SHEET]
    sheet.cell(3, column_index(ITEM_COLUMNS, "承诺办结时限")).value = "五天"
    sheet.cell(4, column_index(ITEM_COLUMNS, "事项名称")).value = "改了名字但不应生效"
    sheet.cell(5, column_index(ITEM_COLUMNS, "事项类型")).value = "行政审批"
    materials = workbook[MATERIALS_SHEET]
    materials.cell(2, column_index(MATERIAL_COLUMNS, "必要性")).value = "可有可无"
    workbook.save(path)
    versions_before = ServiceItemVersion.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        catalog_import_xlsx(file=path, actor=None)
    message = caught.value.message
    assert "「事项」工作表第 3 行「承诺办结时限」列：“五天”不是整数" in message
    assert "「事项」工作表第 5 行「事项类型」列：“行政审批”不是可选值" in message
    assert "「材料」工作表第 2 行「必要性」列：“可有可无”不是可选值" in message
    assert ServiceItemVersion.objects.count() == versions_before
    assert not ServiceItemVersion.objects.filter(name="改了名字但不应生效").exists()


def test_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "items.xlsx"
    catalog_export_xlsx(target=path, actor=None)
    workbook = load_workbook(path)
    workbook[ITEMS_SHEET].cell(1, 2).value = "代码体系"
    workbook.save(path)
    with pytest.raises(
        ValidationFailed, match="表头与模板不一致（缺少列：编码体系；多余的列：代码体系）"
    ):
        catalog_import_xlsx(file=path, actor=None)


def test_new_item_from_the_template(tmp_path: Path) -> None:
    path = tmp_path / "items.xlsx"
    catalog_export_xlsx(target=path, actor=None)  # empty template
    workbook = load_workbook(path)
    sheet = workbook[ITEMS_SHEET]
    values: dict[str, str | int] = {
        "事项编码": "371681-GG-0001",
        "编码体系": "地方",
        "实施主体": "行政审批服务局（社会事务审批科）",
        "事项名称": "个体工商户信息查询",
        "事项类型": "公共服务",
        "服务对象": "自然人；企业法人",
        "承诺时限单位": "即办",
        "承诺办结时限": 0,
        "办理形式": "窗口办理；网上办理（电脑端）",
        "是否网办": "是",
    }
    for header, value in values.items():
        sheet.cell(2, column_index(ITEM_COLUMNS, header)).value = value
    materials = workbook[MATERIALS_SHEET]
    material: dict[str, str | int] = {
        "事项编码": "371681-GG-0001",
        "材料名称": "查询申请",
        "材料类型": "申请表格文书",
        "材料形式": "电子",
        "原件份数": 1,
        "复印件份数": 0,
        "必要性": "必要",
        "来源渠道": "在线填报",
    }
    for header, value in material.items():
        materials.cell(2, column_index(MATERIAL_COLUMNS, header)).value = value
    workbook.save(path)
    report = catalog_import_xlsx(file=path, actor=None)
    assert report.created == 1
    version = ServiceItemVersion.objects.get(item__code="371681-GG-0001")
    assert version.service_objects == ["1", "2"]
    assert version.handling_forms == ["1", "2"]
    assert version.handle_area == "none"  # blank cell → model default
    assert [m.name for m in version.materials.all()] == ["查询申请"]


def test_commands(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_items_xlsx", str(path), stdout=out)
    assert "已导出 11 个事项" in out.getvalue()
    out = io.StringIO()
    call_command("import_items_xlsx", str(path), stdout=out, stderr=io.StringIO())
    assert "新增 0，更新 0，跳过 11（未变化）" in out.getvalue()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="无法读取 Excel 文件"):
        call_command("import_items_xlsx", str(broken), stdout=io.StringIO(), stderr=io.StringIO())
