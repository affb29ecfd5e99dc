"""Reading and writing catalogue files (CSV, Excel) — parsing only, no database.

Both readers turn a file into ``ItemRecord`` values plus a list of ``RowProblem``; the
service ``banhao.catalog.services.importing`` checks them against the database and writes
them in one transaction. Layouts are documented in ``docs/catalogue.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from banhao.catalog.choices import (
    ITEM_TYPE_ALIASES,
    BodyNature,
    CaseKind,
    CodeSystem,
    HandleArea,
    HandlingForm,
    ItemType,
    LimitUnit,
    MaterialForm,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    OnlineDepth,
    ResultType,
    ReviewMode,
    ServiceObject,
    UseLevel,
)
from banhao.catalog.specs import MaterialSpec
from banhao.catalog.validators import item_code_problem

#: Upper bounds of integer cells (the database columns are far larger; these are the values
#: that make sense, and they keep absurd numbers from reaching the database).
MAX_LIMIT_DAYS = 3650
MAX_COPIES = 99
MAX_VISITS = 99

# ---------------------------------------------------------------------------------------------
# Common values


@dataclass(frozen=True)
class RowProblem:
    """One bad cell or row. ``line`` is the 1-based line (CSV) or row (Excel)."""

    line: int
    column: str
    message: str
    sheet: str = ""

    def __str__(self) -> str:
        where = f"「{self.sheet}」工作表" if self.sheet else ""
        column = f"「{self.column}」列" if self.column else ""
        return f"{where}第 {self.line} 行{column}：{self.message}"


@dataclass
class ItemRecord:
    """One item as read from a file.

    ``item_fields`` are identity attributes of ``ServiceItem``; ``fields`` are
    ``ServiceItemVersion`` content fields. Only the keys present are managed by the import:
    a field the file does not provide keeps its current value. ``materials is None`` means
    the file does not manage materials. ``material_names_only``: the file gives material
    names only (CSV), so only the names (and their order) are managed; every other detail of
    a material of the same name is kept.
    """

    line: int
    code: str
    code_system: str
    department_name: str
    department_code: str = ""
    parent_name: str = ""
    item_fields: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    materials: list[MaterialSpec] | None = None
    material_names_only: bool = False


class FileUnreadable(Exception):
    """The whole file cannot be read (encoding, format)."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def item_type_from_text(value: str) -> str | None:
    """The A.1 code for a type given as label (行政许可), alias or code (01/1)."""
    value = value.strip()
    for choice in ItemType:
        if value in (choice.value, str(choice.label)):
            return choice.value
    if value in ITEM_TYPE_ALIASES:
        return ITEM_TYPE_ALIASES[value]
    if value.isdigit() and f"{int(value):02d}" in ItemType.values:
        return f"{int(value):02d}"
    return None


def _decimal(digits: str) -> int:
    """``int()`` of a string of decimal digits; a string too long for any bound (``int()``
    refuses thousands of digits) gives 10**18, which every bound then reports."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= 18 else 10**18


_LIMIT_RE = re.compile(r"^(\d+)\s*(?:个)?\s*(工作日|自然日)?$")


def parse_limit(value: str) -> tuple[int, str] | None:
    """``"即办"`` → (0, immediate); ``"15"``/``"15个工作日"`` → (15, working_days);
    ``"30个自然日"`` → (30, natural_days). ``None`` when unreadable."""
    value = value.strip()
    if value in ("即办", "0个工作日（即办）"):
        return 0, LimitUnit.IMMEDIATE
    match = _LIMIT_RE.match(value)
    if not match:
        return None
    unit = LimitUnit.NATURAL_DAYS if match.group(2) == "自然日" else LimitUnit.WORKING_DAYS
    return _decimal(match.group(1)), unit


_USE_LEVEL_ALIASES: dict[str, str] = {
    "国家": UseLevel.NATIONAL,
    "省": UseLevel.PROVINCIAL,
    "省级": UseLevel.PROVINCIAL,
    "市": UseLevel.CITY,
    "市级": UseLevel.CITY,
    "设区的市级": UseLevel.CITY,
    "县": UseLevel.COUNTY,
    "县级": UseLevel.COUNTY,
    "县（市、区）级": UseLevel.COUNTY,
    "区县级": UseLevel.COUNTY,
    "镇级": UseLevel.TOWNSHIP,
    "乡镇级": UseLevel.TOWNSHIP,
    "乡镇（街道）级": UseLevel.TOWNSHIP,
    "村级": UseLevel.VILLAGE,
    "村（社区）级": UseLevel.VILLAGE,
}


def _choice_from_text(
    choices: Any, value: str, aliases: Mapping[str, str] | None = None
) -> str | None:
    value = value.strip()
    for choice in choices:
        if value in (choice.value, str(choice.label)):
            return str(choice.value)
    if aliases and value in aliases:
        return aliases[value]
    return None


_MATERIAL_SPLIT = re.compile(r"[;；\n|]+")
_MULTI_SPLIT = re.compile(r"[;；、,，\n]+")

# ---------------------------------------------------------------------------------------------
# CSV (the shared layout of data/service_items/*.csv, see docs/catalogue.md)

CSV_COLUMNS: tuple[str, ...] = (
    "source_id",
    "region",
    "area_code",
    "code",
    "name",
    "parent_item",
    "department",
    "dept_code",
    "item_type_code",
    "item_type",
    "legal_limit_days",
    "promised_limit_days",
    "materials",
    "legal_basis",
    "implementation_level",
    "guide_url",
)
CSV_CODE_SYSTEM = CodeSystem.PROVINCIAL


def _read_text(source: str | Path | bytes | IO[bytes] | IO[str]) -> str:
    if isinstance(source, str | Path):
        raw: bytes | str = Path(source).read_bytes()
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read()
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileUnreadable(
            RowProblem(line, "", "文件不是 UTF-8 编码，请另存为 UTF-8 后再导入")
        ) from exc


def _check_length(
    problems: list[RowProblem], line: int, column: str, value: str, limit: int
) -> None:
    if len(value) > limit:
        problems.append(RowProblem(line, column, f"长度 {len(value)} 超过上限 {limit}"))


def parse_csv(
    source: str | Path | bytes | IO[bytes] | IO[str],
) -> tuple[list[ItemRecord], list[RowProblem]]:
    """Read the CSV layout; every problem of every row is reported (nothing stops early
    except an unreadable file or a wrong header)."""
    try:
        text = _read_text(source)
    except FileUnreadable as exc:
        return [], [exc.problem]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return [], [RowProblem(1, "", "文件为空")]
    except csv.Error as exc:
        return [], [RowProblem(1, "", f"CSV 格式错误：{exc}")]
    missing = [name for name in CSV_COLUMNS if name not in header]
    extra = [name for name in header if name not in CSV_COLUMNS]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if missing or extra or duplicated:
        parts = []
        if missing:
            parts.append(f"缺少列：{'、'.join(missing)}")
        if extra:
            parts.append(f"多余的列：{'、'.join(extra)}")
        if duplicated:
            parts.append(f"重复的列：{'、'.join(duplicated)}")
        return [], [RowProblem(1, "", "列不正确（" + "；".join(parts) + "）")]

    records: list[ItemRecord] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(line, "", f"CSV 格式错误：{exc}"))
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(RowProblem(line, "", f"应有 {len(header)} 列，实际为 {len(cells)} 列"))
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        record = _csv_record(line, row, problems)
        if record is None:
            continue
        if record.code in first_line:
            problems.append(
                RowProblem(
                    line, "code", f"事项编码 {record.code} 与第 {first_line[record.code]} 行重复"
                )
            )
            continue
        first_line[record.code] = line
        records.append(record)
    return records, problems


_CSV_REQUIRED = (
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("department", "实施部门"),
    ("item_type", "事项类型"),
)
_CSV_MAX_LENGTHS = {
    "name": 200,
    "department": 200,
    "parent_item": 200,
    "item_type_code": 10,
    "dept_code": 40,
    "source_id": 100,
    "region": 100,
    "guide_url": 500,
}


def _csv_cell_problems(line: int, row: dict[str, str]) -> list[RowProblem]:
    problems = [
        RowProblem(line, column, f"{label}不能为空")
        for column, label in _CSV_REQUIRED
        if not row[column]
    ]
    code_problem = item_code_problem(row["code"])
    if code_problem:
        problems.append(RowProblem(line, "code", code_problem))
    if row["item_type"] and item_type_from_text(row["item_type"]) is None:
        problems.append(RowProblem(line, "item_type", f"未知的事项类型“{row['item_type']}”"))
    for column, limit in _CSV_MAX_LENGTHS.items():
        _check_length(problems, line, column, row[column], limit)
    if row["area_code"] and not (row["area_code"].isdigit() and len(row["area_code"]) <= 12):
        problems.append(RowProblem(line, "area_code", "行政区划代码应为不超过 12 位的数字"))
    if row["guide_url"] and not row["guide_url"].startswith(("http://", "https://")):
        problems.append(RowProblem(line, "guide_url", "链接应以 http:// 或 https:// 开头"))
    return problems


def _csv_record(line: int, row: dict[str, str], problems: list[RowProblem]) -> ItemRecord | None:
    before = len(problems)
    problems.extend(_csv_cell_problems(line, row))
    item_type = item_type_from_text(row["item_type"]) if row["item_type"] else None
    fields: dict[str, Any] = {
        "name": row["name"],
        "item_type": item_type or "",
        "local_item_type_code": row["item_type_code"],
        "implementing_body_code": row["dept_code"],
        "guide_url": row["guide_url"],
        "data_source": row["source_id"],
    }
    for column, prefix in (("legal_limit_days", "legal"), ("promised_limit_days", "promised")):
        if not row[column]:
            continue
        limit = parse_limit(row[column])
        if limit is None:
            problems.append(
                RowProblem(line, column, f"无法识别的时限“{row[column]}”（应为天数或“即办”）")
            )
            continue
        if limit[0] > MAX_LIMIT_DAYS:
            problems.append(RowProblem(line, column, f"时限不能超过 {MAX_LIMIT_DAYS} 天"))
            continue
        fields[f"{prefix}_limit_amount"], fields[f"{prefix}_limit_unit"] = limit
        if prefix == "promised":
            fields["case_kind"] = (
                CaseKind.IMMEDIATE if limit[1] == LimitUnit.IMMEDIATE else CaseKind.PROMISED
            )
    if row["legal_basis"]:
        fields["legal_basis"] = row["legal_basis"]
    if row["implementation_level"]:
        level = _choice_from_text(UseLevel, row["implementation_level"], _USE_LEVEL_ALIASES)
        if level is None:
            problems.append(
                RowProblem(
                    line,
                    "implementation_level",
                    f"未知的行使层级“{row['implementation_level']}”",
                )
            )
        else:
            fields["use_level"] = level
    materials = None
    if row["materials"]:
        names = [name.strip() for name in _MATERIAL_SPLIT.split(row["materials"]) if name.strip()]
        materials = [MaterialSpec(name=name) for name in dict.fromkeys(names)]
        for name in names:
            _check_length(problems, line, "materials", name, 200)
    if len(problems) > before:
        return None
    return ItemRecord(
        line=line,
        code=row["code"],
        code_system=CSV_CODE_SYSTEM,
        department_name=row["department"],
        department_code=row["dept_code"],
        parent_name=row["parent_item"],
        item_fields={"code_region": row["region"], "area_code": row["area_code"]},
        fields=fields,
        materials=materials,
        material_names_only=True,
    )


# ---------------------------------------------------------------------------------------------
# Excel template: sheet 事项 (one row per item) and sheet 材料 (one row per material)

ITEMS_SHEET = "事项"
MATERIALS_SHEET = "材料"
README_SHEET = "说明"


@dataclass(frozen=True)
class Column:
    header: str
    target: str  # "item:<attr>", "version:<field>", "material:<field>", or "info"
    kind: str = "text"  # text | int | bool | choice | multi | url | date
    choices: Any = None
    required: bool = False
    max_length: int | None = None
    max_value: int | None = None  # for kind "int" (the minimum is 0)
    note: str = ""

    @property
    def scope(self) -> str:
        return self.target.split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.target.split(":", 1)[-1]


def _c(header: str, target: str, kind: str = "text", **kwargs: Any) -> Column:
    return Column(header, target, kind, **kwargs)


ITEM_COLUMNS: tuple[Column, ...] = (
    _c("事项编码", "item:code", required=True, max_length=64),
    _c("编码体系", "item:code_system", "choice", choices=CodeSystem, required=True),
    _c("编码来源地区", "item:code_region", max_length=100),
    _c("行政区划代码", "item:area_code", max_length=12),
    _c("基本编码", "item:catalog_code", max_length=40),
    _c("地方编码", "item:local_code", max_length=64),
    _c("主项", "item:parent_name", max_length=200),
    _c("实施主体", "item:department_name", required=True, max_length=200),
    _c("实施主体编码", "version:implementing_body_code", max_length=40),
    _c("事项名称", "version:name", required=True, max_length=200),
    _c("事项类型", "version:item_type", "choice", choices=ItemType, required=True),
    _c("地方事项类型代码", "version:local_item_type_code", max_length=10),
    _c("设定依据", "version:legal_basis"),
    _c("实施主体性质", "version:body_nature", "choice", choices=BodyNature),
    _c("行使层级", "version:use_level", "choice", choices=UseLevel),
    _c("委托部门", "version:entrusted_department", max_length=200),
    _c("承办机构", "version:handling_body", max_length=200),
    _c("服务对象", "version:service_objects", "multi", choices=ServiceObject),
    _c("法定办结时限", "version:legal_limit_amount", "int", max_value=MAX_LIMIT_DAYS),
    _c("法定时限单位", "version:legal_limit_unit", "choice", choices=LimitUnit),
    _c("法定时限说明", "version:legal_limit_explanation"),
    _c("承诺办结时限", "version:promised_limit_amount", "int", max_value=MAX_LIMIT_DAYS),
    _c("承诺时限单位", "version:promised_limit_unit", "choice", choices=LimitUnit),
    _c("承诺时限说明", "version:promised_limit_explanation"),
    _c("办件类型", "version:case_kind", "choice", choices=CaseKind),
    _c("办理形式", "version:handling_forms", "multi", choices=HandlingForm),
    _c("受理条件", "version:accept_conditions"),
    _c("办理流程", "version:handle_flow"),
    _c("特别程序", "version:special_procedure"),
    _c("数量限制", "version:quantity_limit"),
    _c("到办事现场次数", "version:visits_required", "int", max_value=MAX_VISITS),
    _c("必须现场办理原因说明", "version:visit_reason"),
    _c("是否网办", "version:is_online", "bool"),
    _c("网上办理深度", "version:online_depth", "choice", choices=OnlineDepth),
    _c("网上办理地址", "version:online_url", "url", max_length=500),
    _c("移动端办理地址", "version:mobile_url", "url", max_length=500),
    _c("是否支持预约", "version:is_schedule", "bool"),
    _c("是否支持网上支付", "version:is_pay_online", "bool"),
    _c("是否支持物流快递", "version:is_express", "bool"),
    _c("是否进驻政务服务中心", "version:is_entry_center", "bool"),
    _c("通办范围", "version:handle_area", "choice", choices=HandleArea),
    _c("办理地点", "version:place"),
    _c("办理时间", "version:hours", max_length=300),
    _c("咨询电话", "version:consult_phone", max_length=40),
    _c("监督投诉电话", "version:supervise_phone", max_length=40),
    _c("是否收费", "version:is_fee", "bool"),
    _c("收费依据", "version:fee_basis"),
    _c("审批结果类型", "version:result_type", "choice", choices=ResultType),
    _c("审批结果名称", "version:result_name", max_length=200),
    _c("审查方式", "version:review_mode", "choice", choices=ReviewMode),
    _c("办事指南来源链接", "version:guide_url", "url", max_length=500),
    _c("数据来源", "version:data_source", max_length=100),
    _c("版本号（只读）", "info:version", note="导出时填写，导入时忽略"),
    _c("生效日期（只读）", "info:valid_from", note="导出时填写，导入时忽略"),
)

MATERIAL_COLUMNS: tuple[Column, ...] = (
    _c("事项编码", "material:item_code", required=True, max_length=64),
    _c("序号", "info:sort_order", note="材料顺序按行的先后，导入时忽略本列"),
    _c("材料名称", "material:name", required=True, max_length=200),
    _c("材料类型", "material:material_type", "choice", choices=MaterialType, required=True),
    _c("材料形式", "material:form", "choice", choices=MaterialForm, required=True),
    _c("原件份数", "material:original_copies", "int", required=True, max_value=MAX_COPIES),
    _c("复印件份数", "material:photocopy_copies", "int", required=True, max_value=MAX_COPIES),
    _c("必要性", "material:necessity", "choice", choices=MaterialNecessity, required=True),
    _c("来源渠道", "material:source_channel", "choice", choices=MaterialSource, required=True),
    _c("来源渠道说明", "material:source_explanation", max_length=300),
    _c("出具单位", "material:issuing_body", max_length=200),
    _c("关键材料", "material:is_key", "bool"),
    _c("备注", "material:notes"),
)


def _format_cell(column: Column, value: Any) -> Any:
    """The cell value written for ``value`` (labels for codes, 是/否 for booleans)."""
    result: Any
    if column.kind == "bool":
        result = "是" if value else "否"
    elif column.kind == "choice":
        result = str(column.choices(value).label) if value else None
    elif column.kind == "multi":
        result = "；".join(str(column.choices(code).label) for code in value or ()) or None
    elif isinstance(value, dt.date):
        result = value.isoformat()
    else:
        result = None if value in ("", None) else value
    return result


def _write_sheet(sheet: Any, columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> None:
    sheet.append([column.header for column in columns])
    for row in rows:
        values = [_format_cell(column, row.get(column.target)) for column in columns]
        sheet.append(values)
    # Texts that look like formulas must stay texts.
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, len(column.header) * 2 + 2
        )
    sheet.freeze_panes = "B2"


def _readme_rows() -> list[list[str]]:
    rows = [["工作表", "列名", "类型", "必填", "取值/说明"]]
    for sheet, columns in ((ITEMS_SHEET, ITEM_COLUMNS), (MATERIALS_SHEET, MATERIAL_COLUMNS)):
        for column in columns:
            if column.choices is not None:
                values = "；".join(str(choice.label) for choice in column.choices)
            elif column.kind == "bool":
                values = "是；否"
            elif column.max_value is not None:
                values = f"0–{column.max_value}"
            else:
                values = column.note
            kind = {
                "text": "文本",
                "int": "整数",
                "bool": "是/否",
                "choice": "单选",
                "multi": "多选（用“；”分隔）",
                "url": "链接",
            }.get(column.kind, column.kind)
            rows.append([sheet, column.header, kind, "是" if column.required else "", values])
    return rows


def write_xlsx(
    target: str | Path | IO[bytes],
    *,
    items: Iterable[dict[str, Any]],
    materials: Iterable[dict[str, Any]],
) -> None:
    """Write the template. Row dicts are keyed by ``Column.target``."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = ITEMS_SHEET
    _write_sheet(sheet, ITEM_COLUMNS, items)
    _write_sheet(workbook.create_sheet(MATERIALS_SHEET), MATERIAL_COLUMNS, materials)
    readme = workbook.create_sheet(README_SHEET)
    for row in _readme_rows():
        readme.append(row)
    workbook.save(target)


class CellError(ValueError):
    """A cell value that cannot be read; ``str(exc)`` is the Chinese message."""


def _allowed(choices: Any) -> str:
    return "、".join(str(choice.label) for choice in choices)


def _cell_int(column: Column, raw: Any, text: str) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        number = int(raw)
    elif text.isdecimal():
        number = _decimal(text)
    else:
        raise CellError(f"“{text}”不是整数")
    if number < 0:
        raise CellError("不能为负数")
    if column.max_value is not None and number > column.max_value:
        raise CellError(f"不能超过 {column.max_value}")
    return number


_TRUE = frozenset({"是", "1", "true", "True", "TRUE", "Y", "y"})
_FALSE = frozenset({"否", "0", "false", "False", "FALSE", "N", "n"})


def _cell_bool(column: Column, raw: Any, text: str) -> bool:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"“{text}”应为“是”或“否”")


def _cell_choice(column: Column, raw: Any, text: str) -> str:
    if column.choices is ItemType:
        value = item_type_from_text(text)
    else:
        value = _choice_from_text(column.choices, text)
    if value is None:
        raise CellError(f"“{text}”不是可选值（{_allowed(column.choices)}）")
    return value


def _cell_multi(column: Column, raw: Any, text: str) -> list[str]:
    codes = []
    for part in (piece.strip() for piece in _MULTI_SPLIT.split(text)):
        if not part:
            continue
        code = _choice_from_text(column.choices, part)
        if code is None:
            raise CellError(f"“{part}”不是可选值（{_allowed(column.choices)}）")
        codes.append(code)
    return [code for code in column.choices.values if code in codes]


def _cell_url(column: Column, raw: Any, text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise CellError("链接应以 http:// 或 https:// 开头")
    return text


def _cell_text(column: Column, raw: Any, text: str) -> str:
    return text


_CELL_READERS: dict[str, Callable[[Column, Any, str], Any]] = {
    "int": _cell_int,
    "bool": _cell_bool,
    "choice": _cell_choice,
    "multi": _cell_multi,
    "url": _cell_url,
    "text": _cell_text,
}
_EMPTY_VALUES: dict[str, Any] = {"bool": False, "int": None, "multi": []}


def _parse_cell(column: Column, raw: Any, line: int, sheet: str, problems: list[RowProblem]) -> Any:
    """The value of one cell; a bad cell is reported in ``problems`` and gives ``None``."""
    text = _text(raw)
    try:
        if not text:
            if column.required:
                raise CellError("不能为空")
            return _EMPTY_VALUES.get(column.kind, "")
        if column.max_length is not None and len(text) > column.max_length:
            raise CellError(f"长度 {len(text)} 超过上限 {column.max_length}")
        return _CELL_READERS[column.kind](column, raw, text)
    except CellError as exc:
        problems.append(RowProblem(line, column.header, str(exc), sheet))
        return None


def _read_sheet(
    workbook: Any,
    sheet_name: str,
    columns: Sequence[Column],
    problems: list[RowProblem],
    on_row: Callable[[int, dict[str, Any]], None],
) -> None:
    if sheet_name not in workbook.sheetnames:
        problems.append(RowProblem(1, "", "缺少工作表", sheet_name))
        return
    sheet = workbook[sheet_name]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(value) for value in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    expected = [column.header for column in columns]
    if header != expected:
        missing = [name for name in expected if name not in header]
        extra = [name for name in header if name not in expected]
        detail = []
        if missing:
            detail.append(f"缺少列：{'、'.join(missing)}")
        if extra:
            detail.append(f"多余的列：{'、'.join(extra)}")
        if not detail:
            detail.append("列的顺序与模板不一致")
        problems.append(
            RowProblem(1, "", "表头与模板不一致（" + "；".join(detail) + "）", sheet_name)
        )
        return
    for line, values in enumerate(rows, start=2):
        cells = list(values)[: len(columns)]
        if not any(_text(value) for value in cells):
            continue
        cells += [None] * (len(columns) - len(cells))
        parsed = {
            column.target: _parse_cell(column, raw, line, sheet_name, problems)
            for column, raw in zip(columns, cells, strict=True)
            if column.scope != "info"
        }
        on_row(line, parsed)


def parse_xlsx(
    source: str | Path | IO[bytes],
) -> tuple[list[ItemRecord], list[RowProblem]]:
    """Read the Excel template. Every item row manages all its elements and its materials
    (an item without rows in 材料 has no materials)."""
    problems: list[RowProblem] = []
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        return [], [RowProblem(1, "", f"无法读取 Excel 文件：{exc.__class__.__name__}")]
    records: dict[str, ItemRecord] = {}

    def item_row(line: int, parsed: dict[str, Any]) -> None:
        code = parsed["item:code"]
        if not code:
            return
        code_problem = item_code_problem(code)
        if code_problem:
            problems.append(RowProblem(line, "事项编码", code_problem, ITEMS_SHEET))
            return
        if code in records:
            problems.append(
                RowProblem(
                    line,
                    "事项编码",
                    f"事项编码 {code} 与第 {records[code].line} 行重复",
                    ITEMS_SHEET,
                )
            )
            return
        records[code] = ItemRecord(
            line=line,
            code=code,
            code_system=parsed["item:code_system"] or "",
            department_name=parsed["item:department_name"] or "",
            department_code=parsed.get("version:implementing_body_code") or "",
            parent_name=parsed["item:parent_name"] or "",
            item_fields={
                name: parsed[f"item:{name}"] or ""
                for name in ("code_region", "area_code", "catalog_code", "local_code")
            },
            fields={
                column.name: parsed[column.target]
                for column in ITEM_COLUMNS
                if column.scope == "version"
            },
            materials=[],
        )

    material_rows: list[tuple[int, dict[str, Any]]] = []
    _read_sheet(workbook, ITEMS_SHEET, ITEM_COLUMNS, problems, item_row)
    _read_sheet(
        workbook,
        MATERIALS_SHEET,
        MATERIAL_COLUMNS,
        problems,
        lambda line, parsed: material_rows.append((line, parsed)),
    )
    workbook.close()
    for line, parsed in material_rows:
        code = parsed["material:item_code"]
        record = records.get(code)
        if record is None:
            if code:
                problems.append(
                    RowProblem(
                        line, "事项编码", f"事项编码 {code} 不在「事项」工作表中", MATERIALS_SHEET
                    )
                )
            continue
        values = {
            column.name: parsed[column.target]
            for column in MATERIAL_COLUMNS
            if column.scope == "material" and column.name != "item_code"
        }
        if any(value is None for key, value in values.items() if key != "name"):
            continue  # the bad cell is already reported
        assert record.materials is not None
        if any(spec.name == values["name"] for spec in record.materials):
            problems.append(
                RowProblem(
                    line, "材料名称", f"材料“{values['name']}”在该事项中重复", MATERIALS_SHEET
                )
            )
            continue
        record.materials.append(MaterialSpec(**values))
    return list(records.values()), problems
