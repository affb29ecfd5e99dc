"""Writes of item identity: codes, 实施主体, 主项, 主题."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.catalog.choices import CodeSystem, ItemType, VersionState, label_of
from banhao.catalog.models import ParentItem, ServiceItem, ServiceItemVersion, Theme
from banhao.catalog.validators import item_code_problem
from banhao.org.models import Department
from banhao.shared import clock
from banhao.shared.errors import Conflict, ValidationFailed
from banhao_core.identifiers import is_valid_credit_code


def code_system_conflict_message(*, code: str, existing_system: str, new_system: str) -> str:
    return (
        f"事项编码 {code} 已在「{label_of(CodeSystem, existing_system)}」编码体系中登记，"
        f"不能重复用于「{label_of(CodeSystem, new_system)}」编码体系"
    )


def item_code_check(*, code: str, code_system: str) -> ServiceItem | None:
    """Return the item registered under ``code`` in ``code_system`` (or ``None``).

    A code string is unique across all code systems: if it is registered under another code
    system this raises ``ValidationFailed`` (code ``code_in_other_system``).
    """
    if code_system not in CodeSystem.values:
        raise ValidationFailed(f"未知的编码体系：{code_system}", field="code_system")
    existing = ServiceItem.objects.filter(code=code).first()
    if existing is not None and existing.code_system != code_system:
        raise ValidationFailed(
            code_system_conflict_message(
                code=code, existing_system=existing.code_system, new_system=code_system
            ),
            code="code_in_other_system",
            field="code",
        )
    return existing


def department_get_or_create(
    *, name: str, source_code: str = "", uscc_candidates: Iterable[str] = ()
) -> tuple[Department, bool]:
    """Department by exact name; created when missing.

    ``source_code`` is kept raw (domain.md §2.3). ``uscc`` is set only from a candidate that
    passes the 统一社会信用代码 check and is not used by another department.
    (Organisation data has no service module yet; this is the catalogue's one write to it.)
    """
    department = Department.objects.filter(name=name).first()
    if department is not None:
        return department, False
    uscc = ""
    for raw in uscc_candidates:
        candidate = raw.strip().upper()
        if (
            len(candidate) == 18
            and is_valid_credit_code(candidate)
            and not Department.objects.filter(uscc=candidate).exists()
        ):
            uscc = candidate
            break
    department = Department.objects.create(name=name, source_code=source_code[:40], uscc=uscc)
    return department, True


def parent_item_get_or_create(*, name: str) -> ParentItem | None:
    name = name.strip()
    if not name:
        return None
    parent, _ = ParentItem.objects.get_or_create(name=name)
    return parent


@transaction.atomic
def item_create(
    *,
    code: str,
    code_system: str,
    department: Department,
    actor: User | None,
    name: str = "",
    item_type: str = "",
    parent_name: str = "",
    code_region: str = "",
    area_code: str = "",
    catalog_code: str = "",
    local_code: str = "",
    themes: Iterable[Theme] = (),
) -> ServiceItem:
    """Register a new item with an empty first draft (version 1).

    Refuses a code that is not URL-safe (``ValidationFailed``, code ``invalid_code``; see
    ``validators.ITEM_CODE_PATTERN``), a code already registered in the same code system
    (``Conflict``) or in another one (``ValidationFailed``, code ``code_in_other_system``).
    """
    code = code.strip()
    if not code:
        raise ValidationFailed("请填写事项编码", field="code")
    code_problem = item_code_problem(code)
    if code_problem:
        raise ValidationFailed(code_problem, code="invalid_code", field="code")
    if item_type and item_type not in ItemType.values:
        raise ValidationFailed(f"未知的事项类型：{item_type}", field="item_type")
    if item_code_check(code=code, code_system=code_system) is not None:
        raise Conflict(f"事项编码 {code} 已存在", code="item_exists", field="code")
    item = ServiceItem.objects.create(
        code=code,
        code_system=code_system,
        code_region=code_region,
        area_code=area_code,
        catalog_code=catalog_code,
        local_code=local_code,
        parent=parent_item_get_or_create(name=parent_name),
        department=department,
        created_at=clock.now(),
    )
    item.themes.set(list(themes))
    ServiceItemVersion.objects.create(
        item=item,
        version=1,
        state=VersionState.DRAFT,
        created_at=clock.now(),
        created_by=actor,
        name=name,
        item_type=item_type,
    )
    audit_record(
        actor=actor,
        action="catalog.item_create",
        obj=item,
        details={"code": code, "code_system": code_system, "name": name},
    )
    return item


@transaction.atomic
def item_update(
    *,
    item: ServiceItem,
    actor: User | None,
    department: Department | None = None,
    parent_name: str | None = None,
    themes: Iterable[Theme] | None = None,
    catalog_code: str | None = None,
    local_code: str | None = None,
) -> ServiceItem:
    """Change identity attributes of an item (not versioned: they identify the item)."""
    changed: dict[str, str] = {}
    if department is not None and department.pk != item.department_id:
        item.department = department
        changed["department"] = department.name
    if parent_name is not None:
        parent = parent_item_get_or_create(name=parent_name)
        if (parent.pk if parent else None) != item.parent_id:
            item.parent = parent
            changed["parent"] = parent_name
    if catalog_code is not None and catalog_code != item.catalog_code:
        item.catalog_code = catalog_code
        changed["catalog_code"] = catalog_code
    if local_code is not None and local_code != item.local_code:
        item.local_code = local_code
        changed["local_code"] = local_code
    if changed:
        item.save()
    if themes is not None:
        new_ids = sorted(theme.pk for theme in themes)
        if new_ids != sorted(item.themes.values_list("pk", flat=True)):
            item.themes.set(new_ids)
            changed["themes"] = ",".join(str(pk) for pk in new_ids)
    if changed:
        audit_record(actor=actor, action="catalog.item_update", obj=item, details=changed)
    return item


@transaction.atomic
def theme_get_or_create(
    *, name: str, audience: str, actor: User | None, sort_order: int = 100
) -> Theme:
    theme, created = Theme.objects.get_or_create(
        name=name, audience=audience, defaults={"sort_order": sort_order}
    )
    if created:
        audit_record(actor=actor, action="catalog.theme_create", obj=theme, details={"name": name})
    return theme
