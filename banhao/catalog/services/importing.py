"""Importing and exporting the catalogue (CSV from source lists, the Excel template).

Rules (docs/catalogue.md):

* Every row is validated first; any problem (bad cell, unknown type, bad code, duplicate
  code, code registered in another code system, a change to an item with an open draft …)
  aborts with ``ValidationFailed`` naming line and column, and nothing is written. The whole
  import is one transaction.
* Items are keyed by (code, code system). A new code creates an item and publishes version 1
  from the import date. A known code whose managed elements differ from its newest version
  gets a new published version (copying everything the file does not manage, e.g. 办理情形)
  and the previous one is retired. Identical rows are skipped, so importing the same file
  twice changes nothing.
* An item whose newest version is retired (withdrawn) is skipped and reported; an import never
  publishes it again.
* An item with an open draft is refused when the row would make a new version: the draft
  would otherwise be published later over the imported version.
* CSV files name materials only: the names and their order are managed, every other detail of
  a material of the same name (关键材料, 必要性, files …) is kept, and so are the links of
  办理情形 to it.
* Imported versions mirror an external, already published catalogue: they are published
  without the validator gate (the admin still lists their problems).
* Departments are matched by name and created when missing (raw code kept in
  ``source_code``; ``uscc`` only when it is a valid 统一社会信用代码 not used elsewhere).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from django.db import transaction
from django.db.models import Field, OuterRef, Prefetch, Subquery

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.catalog.choices import VersionState
from banhao.catalog.importers import (
    ITEM_COLUMNS,
    ItemRecord,
    RowProblem,
    parse_csv,
    parse_xlsx,
    write_xlsx,
)
from banhao.catalog.models import (
    LOCKED_STATES,
    Material,
    ParentItem,
    ServiceItem,
    ServiceItemVersion,
)
from banhao.catalog.selectors import version_list_in_force
from banhao.catalog.services.items import code_system_conflict_message, department_get_or_create
from banhao.catalog.services.versions import (
    close_previous_versions,
    copy_version,
    material_row,
    next_version_number,
    normalise_multi_choice,
)
from banhao.catalog.specs import MaterialSpec
from banhao.org.models import Department
from banhao.shared import clock
from banhao.shared.errors import ValidationFailed

MAX_LISTED_PROBLEMS = 20
Progress = Callable[[int], object]
ImportSource = str | Path | bytes | IO[bytes] | IO[str]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    retired: int = 0
    departments_created: int = 0
    dry_run: bool = False
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)
    retired_codes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.skipped + self.retired

    def summary_zh(self) -> str:
        """``新增 N，更新 N，跳过 N（未变化）`` (+ ``，已停用未恢复 N`` when there are any)."""
        summary = f"新增 {self.created}，更新 {self.updated}，跳过 {self.skipped}（未变化）"
        if self.retired:
            summary += f"，已停用未恢复 {self.retired}"
        return summary

    def notes_zh(self) -> list[str]:
        """Further lines for people: departments created, dry run."""
        notes = []
        if self.departments_created:
            notes.append(f"新建部门 {self.departments_created} 个")
        if self.dry_run:
            notes.append("试运行：未写入任何数据")
        return notes


def _refuse(problems: Sequence[RowProblem]) -> ValidationFailed:
    listed = [str(p) for p in problems[:MAX_LISTED_PROBLEMS]]
    more = len(problems) - len(listed)
    message = f"导入失败，共 {len(problems)} 处错误，未导入任何数据：\n" + "\n".join(listed)
    if more:
        message += f"\n……另有 {more} 处错误"
    return ValidationFailed(
        message,
        code="import_invalid",
        details={
            "errors": [
                {"sheet": p.sheet, "line": p.line, "column": p.column, "message": p.message}
                for p in problems
            ]
        },
    )


def _normalise_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Blank choice cells fall back to the model default; lists get canonical order."""
    result = {}
    for name, value in fields.items():
        model_field = cast("Field[Any, Any]", ServiceItemVersion._meta.get_field(name))
        if name in ("service_objects", "handling_forms"):
            result[name] = normalise_multi_choice(name, value or [])
        elif value == "" and not model_field.blank and model_field.has_default():
            result[name] = model_field.get_default()
        else:
            result[name] = value
    return result


# --------------------------------------------------------------------------------------------
# Planning: compare every row with the database before anything is written


@dataclass
class _Row:
    """One record and what the import will do with it."""

    record: ItemRecord
    fields: dict[str, Any]
    item: ServiceItem | None = None  # None: a new item
    source: ServiceItemVersion | None = None  # the item's newest published/retired version
    changed_fields: list[str] = field(default_factory=list)
    #: The new version's materials; ``None`` keeps ``source``'s materials as they are.
    materials: list[MaterialSpec] | None = None

    @property
    def is_retired(self) -> bool:
        return self.source is not None and self.source.state == VersionState.RETIRED

    @property
    def version_changes(self) -> bool:
        return self.item is not None and (
            self.source is None or bool(self.changed_fields) or self.materials is not None
        )


_ITEM_CODE_COLUMN = {"csv": "code", "xlsx": "事项编码"}


def _problem(record: ItemRecord, fmt: str, message: str) -> RowProblem:
    return RowProblem(record.line, _ITEM_CODE_COLUMN[fmt], message, "事项" if fmt == "xlsx" else "")


def _newest_versions(
    items: Sequence[ServiceItem], *, with_materials: bool
) -> dict[int, ServiceItemVersion]:
    """item id → its newest published or retired version (drafts never count)."""
    newest = (
        ServiceItemVersion.objects.filter(item=OuterRef("item"), state__in=LOCKED_STATES)
        .order_by("-version")
        .values("pk")[:1]
    )
    versions = ServiceItemVersion.objects.filter(item__in=list(items), pk=Subquery(newest))
    if with_materials:
        versions = versions.prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id"))
        )
    return {version.item_id: version for version in versions}


def _material_changes(row: _Row) -> list[MaterialSpec] | None:
    """The materials of the new version, or ``None`` when the file's materials match."""
    record, source = row.record, row.source
    if record.materials is None:
        return None
    if source is None:
        return list(record.materials)
    stored = [MaterialSpec.from_material(m) for m in source.materials.all()]
    if record.material_names_only:
        if [spec.name for spec in stored] == [spec.name for spec in record.materials]:
            return None
        kept = {spec.name: spec for spec in stored}
        return [kept.get(spec.name, spec) for spec in record.materials]
    if [spec.as_tuple() for spec in stored] == [spec.as_tuple() for spec in record.materials]:
        return None
    return list(record.materials)


def _plan(records: Sequence[ItemRecord], fmt: str) -> tuple[list[_Row], list[RowProblem]]:
    rows = [_Row(record=record, fields=_normalise_fields(record.fields)) for record in records]
    items = {
        item.code: item
        for item in ServiceItem.objects.filter(code__in=[record.code for record in records])
    }
    with_drafts = set(
        ServiceItemVersion.objects.filter(
            item__in=list(items.values()), state=VersionState.DRAFT
        ).values_list("item_id", flat=True)
    )
    newest = _newest_versions(
        list(items.values()),
        with_materials=any(record.materials is not None for record in records),
    )
    today = clock.today()
    problems: list[RowProblem] = []
    for row in rows:
        record = row.record
        item = items.get(record.code)
        if item is None:
            continue
        if item.code_system != record.code_system:
            problems.append(
                _problem(
                    record,
                    fmt,
                    code_system_conflict_message(
                        code=record.code,
                        existing_system=item.code_system,
                        new_system=record.code_system,
                    ),
                )
            )
            continue
        row.item, row.source = item, newest.get(item.pk)
        if row.is_retired:
            continue
        if row.source is not None:
            row.changed_fields = [
                name for name, value in row.fields.items() if getattr(row.source, name) != value
            ]
        row.materials = _material_changes(row)
        if not row.version_changes:
            continue
        if item.pk in with_drafts:
            problems.append(
                _problem(
                    record, fmt, f"事项 {record.code} 有未发布的草稿，请先发布或放弃草稿后再导入"
                )
            )
        elif row.source is not None and row.source.valid_from and row.source.valid_from > today:
            problems.append(
                _problem(
                    record,
                    fmt,
                    f"事项 {record.code} 的第{row.source.version}版自 {row.source.valid_from} "
                    "起才生效，导入的新版本不能早于该日期",
                )
            )
    return rows, problems


# --------------------------------------------------------------------------------------------
# Writing


def _departments(records: Sequence[ItemRecord], report: ImportReport) -> dict[str, Department]:
    """Departments by name; missing ones are created from the most frequent raw code."""
    names = {record.department_name for record in records}
    found = {d.name: d for d in Department.objects.filter(name__in=names)}
    codes: dict[str, Counter[str]] = {}
    for record in records:
        if record.department_name not in found and record.department_code:
            codes.setdefault(record.department_name, Counter())[record.department_code] += 1
    for name in sorted(names - set(found)):
        ranked = [code for code, _ in codes.get(name, Counter()).most_common()]
        found[name], created = department_get_or_create(
            name=name, source_code=ranked[0] if ranked else "", uscc_candidates=ranked
        )
        report.departments_created += int(created)
    return found


def _parents(records: Sequence[ItemRecord]) -> dict[str, ParentItem]:
    names = {record.parent_name for record in records if record.parent_name}
    found = {p.name: p for p in ParentItem.objects.filter(name__in=names)}
    missing = sorted(names - set(found))
    if missing:
        ParentItem.objects.bulk_create([ParentItem(name=name) for name in missing])
        found.update({p.name: p for p in ParentItem.objects.filter(name__in=missing)})
    return found


def _apply(
    rows: Sequence[_Row],
    *,
    actor: User | None,
    source: str,
    fmt: str,
    progress: Progress | None,
    report: ImportReport,
) -> None:
    today, now = clock.today(), clock.now()
    active = [row.record for row in rows if not row.is_retired]
    departments = _departments(active, report)
    parents = _parents(active)

    new_rows: list[_Row] = []
    for row in rows:
        record = row.record
        if row.item is None:
            new_rows.append(row)
        elif row.is_retired:
            report.retired += 1
            report.retired_codes.append(record.code)
        elif _update_existing(
            row,
            department=departments[record.department_name],
            parent=parents.get(record.parent_name) if record.parent_name else None,
            actor=actor,
            today=today,
        ):
            report.updated += 1
            report.updated_codes.append(record.code)
        else:
            report.skipped += 1
        if progress is not None:
            progress(1)

    created_items = ServiceItem.objects.bulk_create(
        [
            ServiceItem(
                code=row.record.code,
                code_system=row.record.code_system,
                department=departments[row.record.department_name],
                parent=parents.get(row.record.parent_name) if row.record.parent_name else None,
                created_at=now,
                **row.record.item_fields,
            )
            for row in new_rows
        ],
        batch_size=500,
    )
    created_versions = ServiceItemVersion.objects.bulk_create(
        [
            ServiceItemVersion(
                item=item,
                version=1,
                state=VersionState.PUBLISHED,
                valid_from=today,
                published_at=now,
                published_by=actor,
                created_at=now,
                created_by=actor,
                **row.fields,
            )
            for item, row in zip(created_items, new_rows, strict=True)
        ],
        batch_size=500,
    )
    Material.objects.bulk_create(
        [
            material_row(version, spec, order)
            for version, row in zip(created_versions, new_rows, strict=True)
            for order, spec in enumerate(row.record.materials or (), 1)
        ],
        batch_size=500,
    )
    report.created = len(created_items)
    report.created_codes = [item.code for item in created_items]
    audit_record(
        actor=actor,
        action=f"catalog.import_{fmt}",
        object_type="catalog.serviceitem",
        details={
            "source": source,
            "created": report.created,
            "updated": report.updated,
            "skipped": report.skipped,
            "retired": report.retired,
            "departments_created": report.departments_created,
            "created_codes": report.created_codes,
            "updated_codes": report.updated_codes,
            "retired_codes": report.retired_codes,
        },
    )


def _update_existing(
    row: _Row,
    *,
    department: Department,
    parent: ParentItem | None,
    actor: User | None,
    today: dt.date,
) -> bool:
    """Bring one existing item in line with its row; returns whether anything changed."""
    item, record = row.item, row.record
    assert item is not None
    item_changed = False
    for name, value in record.item_fields.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            item_changed = True
    if item.department_id != department.pk:
        item.department = department
        item_changed = True
    if item.parent_id != (parent.pk if parent else None):
        item.parent = parent
        item_changed = True
    if item_changed:
        item.save()
    if not row.version_changes:
        return item_changed

    close_previous_versions(item_id=item.pk, valid_from=today)
    if row.source is None:  # an item without any published version yet
        now = clock.now()
        created = ServiceItemVersion.objects.create(
            item=item,
            version=next_version_number(item.pk),
            state=VersionState.PUBLISHED,
            valid_from=today,
            published_at=now,
            published_by=actor,
            created_at=now,
            created_by=actor,
            **row.fields,
        )
        Material.objects.bulk_create(
            [
                material_row(created, spec, order)
                for order, spec in enumerate(row.materials or (), 1)
            ]
        )
    else:
        copy_version(
            row.source,
            state=VersionState.PUBLISHED,
            actor=actor,
            overrides=row.fields,
            valid_from=today,
            materials=row.materials,
        )
    return True


def _import(
    parse: Callable[[Any], tuple[list[ItemRecord], list[RowProblem]]],
    file: Any,
    *,
    fmt: str,
    actor: User | None,
    dry_run: bool,
    source: str,
    progress: Progress | None,
    on_parsed: Callable[[int], object] | None,
) -> ImportReport:
    """Parse, check against the database, write (the shared body of both imports)."""
    records, problems = parse(file)
    if problems:
        raise _refuse(problems)
    if on_parsed is not None:
        on_parsed(len(records))
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        rows, db_problems = _plan(records, fmt)
        if db_problems:
            raise _refuse(db_problems)
        _apply(
            rows,
            actor=actor,
            source=source or (str(file) if isinstance(file, str | Path) else fmt),
            fmt=fmt,
            progress=progress,
            report=report,
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def catalog_import_csv(
    *,
    file: ImportSource,
    actor: User | None,
    dry_run: bool = False,
    source: str = "",
    progress: Progress | None = None,
    on_parsed: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import the CSV layout of ``data/service_items`` (code system: provincial).

    ``progress(n)`` is called as rows are processed; ``on_parsed(total)`` once the file has
    been read and validated (e.g. to size a progress bar). Raises ``ValidationFailed``
    (code ``import_invalid``) with ``details["errors"]`` when any row is bad.
    """
    return _import(
        parse_csv,
        file,
        fmt="csv",
        actor=actor,
        dry_run=dry_run,
        source=source,
        progress=progress,
        on_parsed=on_parsed,
    )


def catalog_import_xlsx(
    *,
    file: str | Path | IO[bytes],
    actor: User | None,
    dry_run: bool = False,
    source: str = "",
    progress: Progress | None = None,
    on_parsed: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import the Excel template (sheets 事项 and 材料); same rules as the CSV import."""
    return _import(
        parse_xlsx,
        file,
        fmt="xlsx",
        actor=actor,
        dry_run=dry_run,
        source=source,
        progress=progress,
        on_parsed=on_parsed,
    )


def catalog_export_xlsx(
    *, target: str | Path | IO[bytes], actor: User | None, on: dt.date | None = None
) -> int:
    """Write every item's version in force (default today) to the Excel template; returns
    the number of items."""
    versions = list(
        version_list_in_force(on=on)
        .select_related("item", "item__department", "item__parent")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id"))
        )
        .order_by("item__code")
    )
    item_rows = []
    material_rows = []
    for version in versions:
        item = version.item
        row: dict[str, Any] = {
            "item:code": item.code,
            "item:code_system": item.code_system,
            "item:code_region": item.code_region,
            "item:area_code": item.area_code,
            "item:catalog_code": item.catalog_code,
            "item:local_code": item.local_code,
            "item:parent_name": item.parent.name if item.parent else "",
            "item:department_name": item.department.name,
            "info:version": version.version,
            "info:valid_from": version.valid_from,
        }
        for column in ITEM_COLUMNS:
            if column.scope == "version":
                row[column.target] = getattr(version, column.name)
        item_rows.append(row)
        for order, material in enumerate(version.materials.all(), 1):
            material_row: dict[str, Any] = {
                "material:item_code": item.code,
                "info:sort_order": order,
            }
            for name in MaterialSpec.FIELDS:
                material_row[f"material:{name}"] = getattr(material, name)
            material_rows.append(material_row)
    write_xlsx(target, items=item_rows, materials=material_rows)
    audit_record(
        actor=actor,
        action="catalog.export_xlsx",
        object_type="catalog.serviceitem",
        details={"items": len(item_rows), "materials": len(material_rows)},
    )
    return len(item_rows)


__all__ = [
    "ImportReport",
    "catalog_export_xlsx",
    "catalog_import_csv",
    "catalog_import_xlsx",
]
