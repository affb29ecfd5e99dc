"""Reads of the service catalogue.

"Current version on a date" = the published or retired version whose validity interval
``[valid_from, valid_to)`` contains the date. Drafts never apply. Because publishing a new
version closes the previous one's interval on the new ``valid_from``, at most one version of an
item is current on any date; a case opened on a date stays on that version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length

from banhao.catalog.choices import ItemType, VersionState
from banhao.catalog.models import (
    ServiceItem,
    ServiceItemVersion,
    Situation,
    SituationOption,
    Theme,
)
from banhao.catalog.validators import MaterialSnapshot, Problem, VersionSnapshot, validate_version
from banhao.org.models import Department
from banhao.shared import clock
from banhao.shared.errors import NotFound

_IN_FORCE_STATES = (VersionState.PUBLISHED, VersionState.RETIRED)


def _in_force_q(on: dt.date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}state__in": _IN_FORCE_STATES,
            f"{prefix}valid_from__lte": on,
        }
    ) & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on}))


def version_list_in_force(*, on: dt.date | None = None) -> QuerySet[ServiceItemVersion]:
    """Every item's version in force on ``on`` (default today)."""
    return ServiceItemVersion.objects.filter(_in_force_q(on or clock.today()))


def version_current(item: ServiceItem, *, on: dt.date | None = None) -> ServiceItemVersion | None:
    """The version of ``item`` in force on ``on`` (default today), or ``None``."""
    return (
        ServiceItemVersion.objects.filter(item=item)
        .filter(_in_force_q(on or clock.today()))
        .order_by("-version")
        .first()
    )


def version_get(*, pk: int) -> ServiceItemVersion:
    version = ServiceItemVersion.objects.select_related("item", "item__department").filter(pk=pk)
    found = version.first()
    if found is None:
        raise NotFound("未找到该事项版本")
    return found


def version_latest(*, item: ServiceItem) -> ServiceItemVersion | None:
    return item.versions.order_by("-version").first()


def version_draft(*, item: ServiceItem) -> ServiceItemVersion | None:
    return item.versions.filter(state=VersionState.DRAFT).first()


def item_list(
    *,
    query: str = "",
    department_id: int | None = None,
    theme_id: int | None = None,
    item_type: str | None = None,
    parent_id: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[ServiceItemVersion]:
    """Current versions of published items, filtered and ordered by simple relevance.

    Returns ``ServiceItemVersion`` rows with ``item``, ``item.department`` and ``item.parent``
    joined in (no N+1). The search is ``icontains`` on name and code, so it works for Chinese
    text on SQLite and PostgreSQL alike; exact name/code matches come first, then names that
    start with the query, then the rest; shorter names first within a group.
    """
    versions = version_list_in_force(on=on).select_related(
        "item", "item__department", "item__parent"
    )
    if department_id is not None:
        versions = versions.filter(item__department_id=department_id)
    if theme_id is not None:
        versions = versions.filter(item__themes__id=theme_id)
    if item_type:
        versions = versions.filter(item_type=item_type)
    if parent_id is not None:
        versions = versions.filter(item__parent_id=parent_id)
    query = query.strip()
    if not query:
        return versions.order_by("item__department__sort_order", "item__department__name", "name")
    versions = versions.filter(
        Q(name__icontains=query)
        | Q(item__code__icontains=query)
        | Q(item__parent__name__icontains=query)
    ).annotate(
        relevance=Case(
            When(Q(name=query) | Q(item__code=query), then=Value(0)),
            When(name__startswith=query, then=Value(1)),
            When(name__icontains=query, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
    return versions.annotate(name_length=Length("name")).order_by(
        "relevance", "name_length", "name", "item__code"
    )


def _guide_queryset() -> QuerySet[ServiceItemVersion]:
    return ServiceItemVersion.objects.select_related(
        "item", "item__department", "item__parent"
    ).prefetch_related(
        "materials",
        Prefetch(
            "situations",
            queryset=Situation.objects.prefetch_related(
                Prefetch(
                    "options",
                    queryset=SituationOption.objects.prefetch_related("materials"),
                )
            ),
        ),
        "fees",
        "faqs",
        "review_steps__department",
        "item__themes",
    )


def item_get_published(*, code: str, on: dt.date | None = None) -> ServiceItemVersion:
    """The full guide (办事指南) of the item with ``code``: its version in force, with every
    child table prefetched. Raises ``NotFound`` for unknown codes and unpublished items."""
    version = (
        _guide_queryset()
        .filter(item__code=code)
        .filter(_in_force_q(on or clock.today()))
        .order_by("-version")
        .first()
    )
    if version is None:
        raise NotFound(f"未找到事项：{code}", code="not_found")
    return version


def item_get(*, code: str) -> ServiceItem:
    item = ServiceItem.objects.select_related("department", "parent").filter(code=code).first()
    if item is None:
        raise NotFound(f"未找到事项：{code}")
    return item


def department_list_with_counts(*, on: dt.date | None = None) -> QuerySet[Department]:
    """Departments annotated with ``item_count``: items with a version in force."""
    day = on or clock.today()
    return Department.objects.annotate(
        item_count=Count(
            "service_items",
            filter=_in_force_q(day, prefix="service_items__versions__"),
            distinct=True,
        )
    ).order_by("sort_order", "name")


def theme_list(*, audience: str | None = None) -> QuerySet[Theme]:
    """Themes annotated with ``item_count`` (items with a version in force today)."""
    themes = Theme.objects.all()
    if audience:
        themes = themes.filter(audience=audience)
    return themes.annotate(
        item_count=Count(
            "items", filter=_in_force_q(clock.today(), prefix="items__versions__"), distinct=True
        )
    ).order_by("audience", "sort_order", "name")


@dataclass(frozen=True)
class TypeCount:
    code: str
    label: str
    count: int


def item_type_counts(*, on: dt.date | None = None) -> list[TypeCount]:
    """Number of current items per A.1 事项类型 (types without items are left out)."""
    rows = (
        version_list_in_force(on=on)
        .values("item_type")
        .annotate(n=Count("id"))
        .order_by("item_type")
    )
    labels = dict(ItemType.choices)
    return [
        TypeCount(row["item_type"], str(labels.get(row["item_type"], "")), row["n"]) for row in rows
    ]


def version_snapshot(version: ServiceItemVersion) -> VersionSnapshot:
    """Plain values of ``version`` for the validators (a few small queries)."""
    materials = tuple(
        MaterialSnapshot(
            name=m.name, necessity=m.necessity, source_channel=m.source_channel, is_key=m.is_key
        )
        for m in version.materials.all()
    )
    return VersionSnapshot(
        name=version.name,
        item_type=version.item_type,
        legal_limit_amount=version.legal_limit_amount,
        legal_limit_unit=version.legal_limit_unit,
        promised_limit_amount=version.promised_limit_amount,
        promised_limit_unit=version.promised_limit_unit,
        case_kind=version.case_kind,
        handling_forms=tuple(version.handling_forms or ()),
        service_objects=tuple(version.service_objects or ()),
        visits_required=version.visits_required,
        visit_reason=version.visit_reason,
        is_online=version.is_online,
        online_depth=version.online_depth,
        online_url=version.online_url,
        is_express=version.is_express,
        is_pay_online=version.is_pay_online,
        is_fee=version.is_fee,
        fee_basis=version.fee_basis,
        fee_count=len(version.fees.all()),
        result_type=version.result_type,
        result_name=version.result_name,
        has_result_sample=bool(version.result_sample),
        faq_count=len(version.faqs.all()),
        consult_phone=version.consult_phone,
        supervise_phone=version.supervise_phone,
        review_step_count=len(version.review_steps.all()),
        materials=materials,
    )


def version_problems(version: ServiceItemVersion) -> list[Problem]:
    """Validator results for ``version`` (errors first)."""
    return validate_version(version_snapshot(version))
