"""Importing and exporting the catalogue (CSV from source lists, the Excel template).

Rules (docs/catalogue.md):

* Every row is validated first; any problem (bad cell, unknown type, duplicate code, code
  registered in another code system …) aborts with ``ValidationFailed`` naming line and
  column, and nothing is written. The whole import is one transaction.
* Items are keyed by (code, code system). A new code creates an item and publishes version 1
  from the import date. A known code whose managed elements differ gets a new published
  version (copying everything the file does not manage, e.g. 办理情形) and the previous one
  is retired. Identical rows are skipped, so importing the same file twice changes nothing.
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
from django.db.models import Field, Prefetch

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
from banhao.catalog.models import Material, ParentItem, ServiceItem, ServiceItemVersion
from banhao.catalog.selectors import version_list_in_force
from banhao.catalog.services.items import code_system_conflict_message
from banhao.catalog.services.versions import (
    close_previous_versions,
    copy_version,
    normalise_multi_choice,
)
from banhao.catalog.specs import MaterialSpec
from banhao.org.models import Department
from banhao.shared import clock
from banhao.shared.errors import ValidationFailed
from banhao_core.identifiers import is_valid_credit_code

MAX_LISTED_PROBLEMS = 20
Progress = Callable[[int], object]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    departments_created: int = 0
    dry_run: bool = False
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.skipped

    def summary_zh(self) -> str:
        """``新增 N，更新 N，跳过 N（未变化）``."""
        return f"新增 {self.created}，更新 {self.updated}，跳过 {self.skipped}（未变化）"

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


_ITEM_CODE_COLUMN = {"csv": "code", "xlsx": "事项编码"}


def _database_problems(records: Sequence[ItemRecord], fmt: str) -> list[RowProblem]:
    """Checks that need the database: a code registered under another code system."""
    by_code = {record.code: record for record in records}
    problems = []
    existing = ServiceItem.objects.filter(code__in=list(by_code)).values_list("code", "code_system")
    sheet = "事项" if fmt == "xlsx" else ""
    for code, system in existing:
        record = by_code[code]
        if system != record.code_system:
            problems.append(
                RowProblem(
                    record.line,
                    _ITEM_CODE_COLUMN[fmt],
                    code_system_conflict_message(
                        code=code, existing_system=system, new_system=record.code_system
                    ),
                    sheet,
                )
            )
    return sorted(problems, key=lambda p: p.line)


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


def _departments(records: Sequence[ItemRecord], report: ImportReport) -> dict[str, Department]:
    names = {record.department_name for record in records}
    found = {d.name: d for d in Department.objects.filter(name__in=names)}
    codes: dict[str, Counter[str]] = {}
    for record in records:
        if record.department_name not in found and record.department_code:
            codes.setdefault(record.department_name, Counter())[record.department_code] += 1
    used_uscc = set(Department.objects.exclude(uscc="").values_list("uscc", flat=True))
    for name in sorted(names - set(found)):
        ranked = [code for code, _ in codes.get(name, Counter()).most_common()]
        uscc = ""
        for code in ranked:
            candidate = code.strip().upper()
            if (
                len(candidate) == 18
                and is_valid_credit_code(candidate)
                and candidate not in used_uscc
            ):
                uscc = candidate
                used_uscc.add(candidate)
                break
        found[name] = Department.objects.create(
            name=name, source_code=(ranked[0] if ranked else "")[:40], uscc=uscc
        )
        report.departments_created += 1
    return found


def _parents(records: Sequence[ItemRecord]) -> dict[str, ParentItem]:
    names = {record.parent_name for record in records if record.parent_name}
    found = {p.name: p for p in ParentItem.objects.filter(name__in=names)}
    missing = sorted(names - set(found))
    if missing:
        ParentItem.objects.bulk_create([ParentItem(name=name) for name in missing])
        found.update({p.name: p for p in ParentItem.objects.filter(name__in=missing)})
    return found


def _material_tuples(materials: Sequence[Material]) -> list[tuple[Any, ...]]:
    return [tuple(getattr(m, name) for name in MaterialSpec.FIELDS) for m in materials]


def _apply(
    records: Sequence[ItemRecord],
    *,
    actor: User | None,
    source: str,
    fmt: str,
    progress: Progress | None,
    report: ImportReport,
) -> None:
    today, now = clock.today(), clock.now()
    departments = _departments(records, report)
    parents = _parents(records)
    manages_materials = any(record.materials is not None for record in records)
    codes = [record.code for record in records]
    items = {item.code: item for item in ServiceItem.objects.filter(code__in=codes)}
    version_qs = ServiceItemVersion.objects.filter(
        item__in=list(items.values()), state=VersionState.PUBLISHED
    )
    if manages_materials:
        version_qs = version_qs.prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id"))
        )
    current = {version.item_id: version for version in version_qs}

    new_items: list[ServiceItem] = []
    new_records: list[ItemRecord] = []
    for record in records:
        fields = _normalise_fields(record.fields)
        department = departments[record.department_name]
        parent = parents.get(record.parent_name) if record.parent_name else None
        item = items.get(record.code)
        if item is None:
            new_items.append(
                ServiceItem(
                    code=record.code,
                    code_system=record.code_system,
                    department=department,
                    parent=parent,
                    created_at=now,
                    **record.item_fields,
                )
            )
            new_records.append(record)
        else:
            changed = _update_existing(
                item,
                record=record,
                fields=fields,
                department=department,
                parent=parent,
                version=current.get(item.pk),
                actor=actor,
                today=today,
            )
            if changed:
                report.updated += 1
                report.updated_codes.append(record.code)
            else:
                report.skipped += 1
        if progress is not None:
            progress(1)

    created_items = ServiceItem.objects.bulk_create(new_items, batch_size=500)
    versions = [
        ServiceItemVersion(
            item=item,
            version=1,
            state=VersionState.PUBLISHED,
            valid_from=today,
            published_at=now,
            published_by=actor,
            created_at=now,
            created_by=actor,
            **_normalise_fields(record.fields),
        )
        for item, record in zip(created_items, new_records, strict=True)
    ]
    created_versions = ServiceItemVersion.objects.bulk_create(versions, batch_size=500)
    Material.objects.bulk_create(
        [
            Material(
                version=version,
                sort_order=order,
                **{name: getattr(spec, name) for name in MaterialSpec.FIELDS},
            )
            for version, record in zip(created_versions, new_records, strict=True)
            for order, spec in enumerate(record.materials or (), 1)
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
            "departments_created": report.departments_created,
            "created_codes": report.created_codes,
            "updated_codes": report.updated_codes,
        },
    )


def _update_existing(
    item: ServiceItem,
    *,
    record: ItemRecord,
    fields: dict[str, Any],
    department: Department,
    parent: ParentItem | None,
    version: ServiceItemVersion | None,
    actor: User | None,
    today: dt.date,
) -> bool:
    """Bring one existing item in line with ``record``; returns whether anything changed."""
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

    if version is None:
        source = item.versions.exclude(state=VersionState.DRAFT).order_by("-version").first()
        changed_fields = list(fields)
        materials_changed = record.materials is not None
    else:
        source = version
        changed_fields = [name for name, value in fields.items() if getattr(version, name) != value]
        materials_changed = record.materials is not None and _material_tuples(
            list(version.materials.all())
        ) != [spec.as_tuple() for spec in record.materials]
    if not changed_fields and not materials_changed:
        return item_changed

    close_previous_versions(item_id=item.pk, valid_from=today)
    if source is None:
        created = ServiceItemVersion.objects.create(
            item=item,
            version=int(item.versions.count()) + 1,
            state=VersionState.PUBLISHED,
            valid_from=today,
            published_at=clock.now(),
            published_by=actor,
            created_at=clock.now(),
            created_by=actor,
            **fields,
        )
        Material.objects.bulk_create(
            [
                Material(
                    version=created,
                    sort_order=order,
                    **{n: getattr(s, n) for n in MaterialSpec.FIELDS},
                )
                for order, s in enumerate(record.materials or (), 1)
            ]
        )
    else:
        copy_version(
            source,
            state=VersionState.PUBLISHED,
            actor=actor,
            overrides=fields,
            valid_from=today,
            materials=record.materials if materials_changed else None,
        )
    return True


def _run(
    records: list[ItemRecord],
    problems: list[RowProblem],
    *,
    actor: User | None,
    dry_run: bool,
    source: str,
    fmt: str,
    progress: Progress | None,
) -> ImportReport:
    if problems:
        raise _refuse(problems)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        db_problems = _database_problems(records, fmt)
        if db_problems:
            raise _refuse(db_problems)
        _apply(records, actor=actor, source=source, fmt=fmt, progress=progress, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def catalog_import_csv(
    *,
    file: str | Path | bytes | IO[bytes] | IO[str],
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
    records, problems = parse_csv(file)
    if on_parsed is not None and not problems:
        on_parsed(len(records))
    return _run(
        records,
        problems,
        actor=actor,
        dry_run=dry_run,
        source=source or (str(file) if isinstance(file, str | Path) else "csv"),
        fmt="csv",
        progress=progress,
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
    records, problems = parse_xlsx(file)
    if on_parsed is not None and not problems:
        on_parsed(len(records))
    return _run(
        records,
        problems,
        actor=actor,
        dry_run=dry_run,
        source=source or (str(file) if isinstance(file, str | Path) else "xlsx"),
        fmt="xlsx",
        progress=progress,
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
