"""CSV import: the real 1,135-row list, idempotency, updates and all-or-nothing validation."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from banhao.catalog.choices import CodeSystem, ItemType, VersionState
from banhao.catalog.importers import CSV_COLUMNS
from banhao.catalog.models import ParentItem, ServiceItem, ServiceItemVersion
from banhao.catalog.services import catalog_export_xlsx, catalog_import_csv, catalog_import_xlsx
from banhao.catalog.tests.factories import ServiceItemFactory
from banhao.org.models import Department
from banhao.shared.errors import ValidationFailed

pytestmark = pytest.mark.django_db

REAL_CSV = Path(settings.PRODUCT_DATA_DIR) / "service_items" / "service_items.csv"
URL = "http://www.sczwfw.gov.cn/jiq/front/transition/ywTransToDetail?itemCode="


def row(code: str, name: str = "测试事项", **overrides: str) -> dict[str, str]:
    values = {
        "source_id": "test-source",
        "region": "四川省广安市广安区",
        "area_code": "511602000000",
        "code": code,
        "name": name,
        "parent_item": "",
        "department": "区行政审批局",
        "dept_code": "68236467-9",
        "item_type_code": "1",
        "item_type": "行政许可",
        "legal_limit_days": "",
        "promised_limit_days": "",
        "materials": "",
        "legal_basis": "",
        "implementation_level": "",
        "guide_url": URL + code,
    }
    values.update(overrides)
    return values


def write_csv(
    path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = CSV_COLUMNS
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def snapshot() -> tuple[int, int, int, int]:
    return (
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        Department.objects.count(),
        ParentItem.objects.count(),
    )


def test_the_real_list_imports_once_and_then_changes_nothing(tmp_path: Path) -> None:
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        first = catalog_import_csv(file=REAL_CSV, actor=None)
        assert (first.created, first.updated, first.skipped) == (1135, 0, 0)
        assert first.departments_created == 34
        assert ServiceItem.objects.count() == 1135
        assert Department.objects.count() == 34
        assert ServiceItemVersion.objects.filter(state=VersionState.PUBLISHED).count() == 1135
        assert ParentItem.objects.count() == 131

        second = catalog_import_csv(file=REAL_CSV, actor=None)
        assert (second.created, second.updated, second.skipped) == (0, 0, 1135)
        assert second.summary_zh() == "新增 0，更新 0，跳过 1135（未变化）"
        assert ServiceItemVersion.objects.count() == 1135

        # The Excel template round-trips the whole list unchanged as well.
        assert catalog_export_xlsx(target=tmp_path / "all.xlsx", actor=None) == 1135
        third = catalog_import_xlsx(file=tmp_path / "all.xlsx", actor=None)
        assert (third.created, third.updated, third.skipped) == (0, 0, 1135)

    item = ServiceItem.objects.get(code="511A0138000000-511602000000-000-115113010833722043-1-00")
    assert item.code_system == CodeSystem.PROVINCIAL
    assert item.code_region == "四川省广安市广安区" and item.area_code == "511602000000"
    version = item.versions.get()
    assert version.item_type == ItemType.LICENSING
    assert version.local_item_type_code == "1"
    assert version.valid_from == dt.date(2026, 3, 2)
    assert version.data_source == "sc-guangan-v-luobo-zwfw"
    assert version.guide_url.startswith("http://www.sczwfw.gov.cn/")
    # 其他行政权力 → 10, 公共服务 → 20 (GB/T 39046 A.1)
    assert ServiceItemVersion.objects.filter(item_type="10").count() == 182
    assert ServiceItemVersion.objects.filter(item_type="20").count() == 348
    # Departments keep the raw code; uscc only when the credit code is valid.
    bureau = Department.objects.get(name="区行政审批局")
    assert bureau.source_code == "68236467-9" and bureau.uscc == ""
    housing = Department.objects.get(name="区住建局")
    assert housing.uscc == "11511301008778255F"
    assert ServiceItem.objects.filter(parent__name="企业设立、变更、注销登记").count() == 35


def test_a_changed_row_publishes_a_new_version_and_retires_the_old(tmp_path: Path) -> None:
    rows = [row("T-1", "旧名称"), row("T-2", "不变")]
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        catalog_import_csv(file=write_csv(tmp_path / "a.csv", rows), actor=None)
    rows[0] = row(
        "T-1",
        "新名称",
        promised_limit_days="5",
        legal_limit_days="20",
        materials="申请表；身份证明",
        implementation_level="县级",
    )
    with time_machine.travel("2026-03-09 10:00 +0800", tick=False):
        report = catalog_import_csv(file=write_csv(tmp_path / "b.csv", rows), actor=None)
    assert (report.created, report.updated, report.skipped) == (0, 1, 1)
    assert report.updated_codes == ["T-1"]
    old, new = ServiceItemVersion.objects.filter(item__code="T-1").order_by("version")
    assert old.state == VersionState.RETIRED and old.valid_to == dt.date(2026, 3, 9)
    assert new.state == VersionState.PUBLISHED and new.valid_from == dt.date(2026, 3, 9)
    assert new.name == "新名称"
    assert (new.promised_limit_amount, new.promised_limit_unit, new.case_kind) == (
        5,
        "working_days",
        "2",
    )
    assert new.use_level == "4"
    assert [m.name for m in new.materials.all()] == ["申请表", "身份证明"]
    # Running the same file again changes nothing.
    with time_machine.travel("2026-03-10 10:00 +0800", tick=False):
        again = catalog_import_csv(file=tmp_path / "b.csv", actor=None)
    assert (again.created, again.updated, again.skipped) == (0, 0, 2)


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    report = catalog_import_csv(
        file=write_csv(tmp_path / "a.csv", [row("T-1"), row("T-2")]), actor=None, dry_run=True
    )
    assert report.created == 2 and report.dry_run
    assert snapshot() == (0, 0, 0, 0)


def _refusal(path: Path) -> ValidationFailed:
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        catalog_import_csv(file=path, actor=None)
    assert snapshot() == before, "a refused import must not write anything"
    assert caught.value.code == "import_invalid"
    assert "未导入任何数据" in caught.value.message
    return caught.value


def test_missing_code_and_name_and_unknown_type_name_line_and_column(tmp_path: Path) -> None:
    rows = [
        row("T-1"),
        row("", "没有编码"),
        row("T-3", ""),
        row("T-4", item_type="行政许可证"),
        row("T-5"),
    ]
    error = _refusal(write_csv(tmp_path / "bad.csv", rows))
    assert "第 3 行「code」列：事项编码不能为空" in error.message
    assert "第 4 行「name」列：事项名称不能为空" in error.message
    assert "第 5 行「item_type」列：未知的事项类型“行政许可证”" in error.message
    lines = [(e["line"], e["column"]) for e in error.details["errors"]]
    assert lines == [(3, "code"), (4, "name"), (5, "item_type")]


def test_a_bad_row_aborts_even_when_other_rows_are_good(tmp_path: Path) -> None:
    ServiceItemFactory.create(code="EXISTING", code_system=CodeSystem.PROVINCIAL)
    rows = [row("T-1"), row("T-2", promised_limit_days="三天")]
    error = _refusal(write_csv(tmp_path / "bad.csv", rows))
    assert "第 3 行「promised_limit_days」列" in error.message


def test_duplicate_code_in_the_file(tmp_path: Path) -> None:
    error = _refusal(write_csv(tmp_path / "dup.csv", [row("T-1"), row("T-2"), row("T-1")]))
    assert "第 4 行「code」列：事项编码 T-1 与第 2 行重复" in error.message


def test_wrong_column_set(tmp_path: Path) -> None:
    columns = (*(c for c in CSV_COLUMNS if c != "guide_url"), "remark")
    error = _refusal(write_csv(tmp_path / "cols.csv", [row("T-1")], columns))
    assert "第 1 行：列不正确（缺少列：guide_url；多余的列：remark）" in error.message


def test_file_not_in_utf8(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS))
    writer.writeheader()
    writer.writerow(row("T-1"))
    writer.writerow(row("T-2", "第二行"))
    path = tmp_path / "gbk.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))
    error = _refusal(path)
    assert "第 2 行：文件不是 UTF-8 编码" in error.message


def test_code_registered_in_another_code_system(tmp_path: Path) -> None:
    ServiceItemFactory.create(code="T-2", code_system=CodeSystem.NATIONAL)
    error = _refusal(write_csv(tmp_path / "a.csv", [row("T-1"), row("T-2")]))
    assert (
        "第 3 行「code」列：事项编码 T-2 已在「国家」编码体系中登记，不能重复用于「省级」编码体系"
        in error.message
    )


def test_command_prints_the_summary(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row("T-1"), row("T-2")])
    out, err = io.StringIO(), io.StringIO()
    call_command("import_items", str(path), stdout=out, stderr=err)
    assert out.getvalue().splitlines() == ["新建部门 1 个", "新增 2，更新 0，跳过 0（未变化）"]
    out = io.StringIO()
    call_command("import_items", str(path), "--dry-run", stdout=out, stderr=err)
    assert out.getvalue().splitlines() == [
        "试运行：未写入任何数据",
        "新增 0，更新 0，跳过 2（未变化）",
    ]


def test_command_fails_with_the_chinese_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [row("T-1", item_type="未知")])
    with pytest.raises(CommandError, match="第 2 行「item_type」列"):
        call_command("import_items", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_items", str(tmp_path / "missing.csv"))
