"""Public catalogue pages (办事指南): item search with facets, the guide of one item and the
department list. No login needed; every page is server-rendered. The item list answers htmx
requests (live search) with the result fragment only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from banhao.catalog.choices import (
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
    ThemeAudience,
    UseLevel,
    label_of,
)
from banhao.catalog.models import Material, ServiceItemVersion
from banhao.catalog.selectors import department_list_with_counts, item_get_published, item_list
from banhao.catalog.snapshots import (
    time_limit_label,
    version_legal_limit,
    version_promised_limit,
)
from banhao.shared.errors import NotFound
from banhao_core.time_limits import compression_ratio

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100
FACET_VISIBLE = 10


# --------------------------------------------------------------------------------------------
# Item list (检索)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    active: bool
    url: str  # the list with this option toggled (page reset)


@dataclass(frozen=True)
class FacetGroup:
    title: str
    options: list[FacetOption]

    @property
    def visible(self) -> list[FacetOption]:
        return self.options[:FACET_VISIBLE]

    @property
    def more(self) -> list[FacetOption]:
        """Options behind "更多" (a ``<details>``, opened when one of them is active)."""
        return self.options[FACET_VISIBLE:]

    @property
    def more_active(self) -> bool:
        return any(option.active for option in self.more)


@dataclass
class Filters:
    """The cleaned query parameters of the item list; ``notices`` explains what was ignored."""

    query: str = ""
    department_id: int | None = None
    theme_id: int | None = None
    item_type: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.department_id or self.theme_id or self.item_type is not None)

    def toggle_url(self, key: str, value: str, *, active: bool) -> str:
        """URL of the list with facet ``key`` set to ``value`` (or removed when ``active``)."""
        params = self.as_query_dict()
        if active:
            params.pop(key, None)
        else:
            params[key] = value
        query = params.urlencode()
        return reverse("catalog:item_list") + (f"?{query}" if query else "")

    def as_query_dict(self) -> QueryDict:
        """Only the valid parameters, for building links (bad values are dropped)."""
        params = QueryDict(mutable=True)
        if self.query:
            params["q"] = self.query
        if self.department_id is not None:
            params["department"] = str(self.department_id)
        if self.theme_id is not None:
            params["theme"] = str(self.theme_id)
        if self.item_type is not None:
            params["type"] = self.item_type
        return params


def _positive_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    number = int(raw)
    return number if 0 < number < 2**31 else None


def _filters_from(request: HttpRequest) -> Filters:
    filters = Filters(query=request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH])
    raw_department = request.GET.get("department", "")
    if raw_department:
        filters.department_id = _positive_int(raw_department)
        if filters.department_id is None:
            filters.notices.append(_("部门参数无效，已忽略该筛选条件。"))
    raw_theme = request.GET.get("theme", "")
    if raw_theme:
        filters.theme_id = _positive_int(raw_theme)
        if filters.theme_id is None:
            filters.notices.append(_("主题参数无效，已忽略该筛选条件。"))
    raw_type = request.GET.get("type", "").strip()
    if raw_type:
        if raw_type in ItemType.values:
            filters.item_type = raw_type
        else:
            filters.notices.append(_("事项类型参数无效，已忽略该筛选条件。"))
    return filters


def _versions(filters: Filters, *, without: str = "") -> QuerySet[ServiceItemVersion]:
    """``item_list`` with every filter except the facet named ``without`` (for facet counts:
    each facet counts the results of the *other* filters, so its options stay selectable)."""
    return item_list(
        query=filters.query,
        department_id=None if without == "department" else filters.department_id,
        theme_id=None if without == "theme" else filters.theme_id,
        item_type=None if without == "type" else filters.item_type,
    )


def _option(
    filters: Filters, key: str, value: object, label: str, count: int, *, active: bool
) -> FacetOption:
    return FacetOption(
        value=str(value),
        label=label,
        count=count,
        active=active,
        url=filters.toggle_url(key, str(value), active=active),
    )


def _department_facet(filters: Filters) -> FacetGroup:
    rows = (
        _versions(filters, without="department")
        .order_by()
        .values("item__department_id", "item__department__name", "item__department__sort_order")
        .annotate(n=Count("id", distinct=True))
    )
    ordered = sorted(
        rows, key=lambda r: (r["item__department__sort_order"], r["item__department__name"])
    )
    options = [
        _option(
            filters,
            "department",
            row["item__department_id"],
            row["item__department__name"],
            row["n"],
            active=row["item__department_id"] == filters.department_id,
        )
        for row in ordered
    ]
    return FacetGroup(_("实施部门"), options)


def _type_facet(filters: Filters) -> FacetGroup:
    rows = (
        _versions(filters, without="type")
        .order_by()
        .values("item_type")
        .annotate(n=Count("id", distinct=True))
    )
    counts = {row["item_type"]: row["n"] for row in rows}
    options = [
        _option(filters, "type", code, str(label), counts[code], active=code == filters.item_type)
        for code, label in ItemType.choices
        if code in counts
    ]
    return FacetGroup(_("事项类型"), options)


def _theme_facets(filters: Filters) -> list[FacetGroup]:
    rows = (
        _versions(filters, without="theme")
        .filter(item__themes__isnull=False)
        .order_by()
        .values(
            "item__themes__id",
            "item__themes__name",
            "item__themes__audience",
            "item__themes__sort_order",
        )
        .annotate(n=Count("id", distinct=True))
    )
    groups: list[FacetGroup] = []
    for audience, audience_label in ThemeAudience.choices:
        options = [
            _option(
                filters,
                "theme",
                row["item__themes__id"],
                row["item__themes__name"],
                row["n"],
                active=row["item__themes__id"] == filters.theme_id,
            )
            for row in sorted(
                rows, key=lambda r: (r["item__themes__sort_order"], r["item__themes__name"])
            )
            if row["item__themes__audience"] == audience
        ]
        if options:
            groups.append(FacetGroup(_("主题") + "·" + str(audience_label), options))
    return groups


def _page(request: HttpRequest, versions: QuerySet[ServiceItemVersion]) -> tuple[Page[Any], str]:
    """The requested page; a bad or out-of-range ``page`` shows page 1 / the last page with a
    notice instead of an error."""
    paginator = Paginator(versions, PAGE_SIZE)
    raw = request.GET.get("page", "1")
    try:
        return paginator.page(raw), ""
    except PageNotAnInteger:
        return paginator.page(1), _("页码无效，已显示第 1 页。")
    except EmptyPage:
        if paginator.num_pages and _positive_int(raw) is not None:
            last = paginator.page(paginator.num_pages)
            return last, _("页码超出范围，已显示最后一页（第 %(page)s 页）。") % {
                "page": last.number
            }
        return paginator.page(1), _("页码无效，已显示第 1 页。")


@dataclass(frozen=True)
class ResultRow:
    code: str
    name: str
    department: str
    department_id: int
    parent: str
    item_type: str
    item_type_label: str
    promised_limit: str
    visits_required: int | None
    online_depth: str
    online_depth_label: str


def _result_row(version: ServiceItemVersion) -> ResultRow:
    item = version.item
    return ResultRow(
        code=item.code,
        name=version.name,
        department=item.department.name,
        department_id=item.department_id,
        parent=item.parent.name if item.parent and item.parent.name != version.name else "",
        item_type=version.item_type,
        item_type_label=label_of(ItemType, version.item_type),
        promised_limit=time_limit_label(version.promised_limit_amount, version.promised_limit_unit),
        visits_required=version.visits_required,
        online_depth=version.online_depth,
        online_depth_label=label_of(OnlineDepth, version.online_depth),
    )


def item_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters_from(request)
    page, page_notice = _page(request, _versions(filters))
    notices = [*filters.notices, *([page_notice] if page_notice else [])]
    context = {
        "filters": filters,
        "params": filters.as_query_dict(),
        "page_obj": page,
        "rows": [_result_row(v) for v in page.object_list],
        "facet_groups": [_department_facet(filters), _type_facet(filters), *_theme_facets(filters)],
        "notices": notices,
    }
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "catalog/_item_results.html" if partial else "catalog/item_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --------------------------------------------------------------------------------------------
# Guide (办事指南)


@dataclass(frozen=True)
class Row:
    """One line of a key/value table. ``value`` empty → shown as 暂未提供.

    ``kind``: ``text`` (line breaks kept), ``url`` (an external link), ``list`` (``value`` is a
    list of strings shown as badges).
    """

    label: str
    value: Any
    kind: str = "text"
    note: str = ""


@dataclass(frozen=True)
class MaterialRow:
    material: Material
    type_label: str
    form_label: str
    necessity_label: str
    necessity_class: str
    source_label: str
    source_class: str
    waived: bool  # the applicant need not hand it in (shared / 电子证照库 / 告知承诺)
    situational: list[tuple[str, str]]  # (question, option) answers that ask for it


@dataclass(frozen=True)
class OptionView:
    label: str
    materials: list[str]


@dataclass(frozen=True)
class SituationView:
    question: str
    options: list[OptionView]


_NECESSITY_CLASS: dict[str, str] = {
    MaterialNecessity.REQUIRED: "red",
    MaterialNecessity.OPTIONAL: "grey",
    MaterialNecessity.DEFERRABLE: "yellow",
    MaterialNecessity.COMMITMENT: "green",
    MaterialNecessity.SHARED: "green",
}
_WAIVED_NECESSITY: set[str] = {MaterialNecessity.SHARED, MaterialNecessity.COMMITMENT}


def _yes_no(flag: bool) -> str:
    return _("是") if flag else _("否")


def _compression(version: ServiceItemVersion) -> tuple[str, str]:
    """(text, badge class) of the 承诺时限压缩比, or ("", "") when it is not defined."""
    legal = version_legal_limit(version)
    promised = version_promised_limit(version)
    if legal is None or promised is None:
        return "", ""
    ratio = compression_ratio(legal, promised)
    if ratio is None:
        return "", ""
    if ratio < 0:
        return _("承诺时限长于法定时限，请以窗口答复为准"), "red"
    if ratio == 0:
        return _("未压缩"), "grey"
    return _("比法定时限压缩 %(percent)s%%") % {"percent": round(ratio * 100)}, "green"


def _has_handling_elements(version: ServiceItemVersion) -> bool:
    """Whether the version carries the handling elements at all. Lists imported from a source
    catalogue often have only name, code and type; their yes/no flags default to "否" and
    must then read 暂未提供, not a false "否"."""
    return bool(
        version.case_kind
        or version.handling_forms
        or version.online_depth
        or version.visits_required is not None
        or version.place
    )


def _basic_rows(version: ServiceItemVersion) -> list[Row | None]:
    item = version.item
    code_note = label_of(CodeSystem, item.code_system)
    if item.code_region:
        code_note += " · " + item.code_region
    return [
        Row(_("事项名称"), version.name),
        Row(_("事项编码"), item.code, note=_("编码体系：%(system)s") % {"system": code_note}),
        Row(_("基本编码"), item.catalog_code),
        Row(_("地方编码"), item.local_code) if item.local_code != item.code else None,
        Row(_("所属主项"), item.parent.name if item.parent else ""),
        Row(_("事项类型"), label_of(ItemType, version.item_type)),
        Row(_("实施主体"), item.department.name),
        Row(_("实施主体性质"), label_of(BodyNature, version.body_nature)),
        Row(_("委托部门"), version.entrusted_department) if version.entrusted_department else None,
        Row(_("承办机构"), version.handling_body) if version.handling_body else None,
        Row(_("行使层级"), label_of(UseLevel, version.use_level)),
        Row(
            _("服务对象"),
            [label_of(ServiceObject, code) for code in version.service_objects or ()],
            kind="list",
        ),
        Row(
            _("主题分类"),
            [theme.name for theme in item.themes.all()],
            kind="list",
        ),
        Row(_("设定依据"), version.legal_basis),
    ]


def _limit_rows(version: ServiceItemVersion) -> list[Row]:
    return [
        Row(
            _("法定办结时限"),
            time_limit_label(version.legal_limit_amount, version.legal_limit_unit),
            note=version.legal_limit_explanation,
        ),
        Row(
            _("承诺办结时限"),
            time_limit_label(version.promised_limit_amount, version.promised_limit_unit),
            note=version.promised_limit_explanation,
        ),
    ]


def _handling_rows(version: ServiceItemVersion) -> list[Row | None]:
    known = _has_handling_elements(version)
    visits = version.visits_required

    def flag(value: bool) -> str:
        return _yes_no(value) if known else ""

    return [
        Row(_("办件类型"), label_of(CaseKind, version.case_kind)),
        Row(
            _("办理形式"),
            [label_of(HandlingForm, code) for code in version.handling_forms or ()],
            kind="list",
        ),
        Row(
            _("到办事现场次数"),
            "" if visits is None else _("%(n)s 次") % {"n": visits},
            note=version.visit_reason if version.visit_reason not in ("", "无") else "",
        ),
        Row(_("网上办理深度"), label_of(OnlineDepth, version.online_depth)),
        Row(_("是否网上办理"), flag(version.is_online)),
        Row(_("网上办理地址"), version.online_url, kind="url"),
        Row(_("移动端办理地址"), version.mobile_url, kind="url") if version.mobile_url else None,
        Row(_("是否支持预约办理"), flag(version.is_schedule)),
        Row(_("是否支持网上支付"), flag(version.is_pay_online)),
        Row(_("是否支持物流快递"), flag(version.is_express)),
        Row(_("是否进驻政务服务中心"), flag(version.is_entry_center)),
        Row(
            _("通办范围"),
            label_of(HandleArea, version.handle_area) if known else "",
        ),
        Row(_("数量限制"), version.quantity_limit),
    ]


def _contact_rows(version: ServiceItemVersion) -> list[Row]:
    return [
        Row(_("办理地点"), version.place),
        Row(_("办理时间"), version.hours),
        Row(_("咨询电话"), version.consult_phone),
        Row(_("监督投诉电话"), version.supervise_phone),
    ]


def _result_rows(version: ServiceItemVersion) -> list[Row | None]:
    sample = version.result_sample.url if version.result_sample else ""
    return [
        Row(_("审批结果类型"), label_of(ResultType, version.result_type)),
        Row(_("审批结果名称"), version.result_name),
        Row(_("审批结果样本"), sample, kind="url") if sample else None,
    ]


def _situational_materials(version: ServiceItemVersion) -> dict[int, list[tuple[str, str]]]:
    """Material id → the (question, option) answers that ask for it (prefetched rows only)."""
    found: dict[int, list[tuple[str, str]]] = {}
    for situation in version.situations.all():
        for option in situation.options.all():
            for material in option.materials.all():
                found.setdefault(material.pk, []).append((situation.question, option.label))
    return found


def _material_rows(version: ServiceItemVersion) -> list[MaterialRow]:
    situational = _situational_materials(version)
    rows = []
    for material in version.materials.all():
        waived = (
            material.necessity in _WAIVED_NECESSITY
            or material.source_channel == MaterialSource.E_LICENCE
        )
        rows.append(
            MaterialRow(
                material=material,
                type_label=label_of(MaterialType, material.material_type),
                form_label=label_of(MaterialForm, material.form),
                necessity_label=label_of(MaterialNecessity, material.necessity),
                necessity_class=_NECESSITY_CLASS.get(material.necessity, "grey"),
                source_label=label_of(MaterialSource, material.source_channel),
                source_class="green" if material.source_channel == MaterialSource.E_LICENCE else "",
                waived=waived,
                situational=situational.get(material.pk, []),
            )
        )
    return rows


def _situations(version: ServiceItemVersion) -> list[SituationView]:
    return [
        SituationView(
            question=situation.question,
            options=[
                OptionView(option.label, [m.name for m in option.materials.all()])
                for option in situation.options.all()
            ],
        )
        for situation in version.situations.all()
    ]


def _clean(rows: list[Row | None]) -> list[Row]:
    return [row for row in rows if row is not None]


def item_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = item_get_published(code=code)
    except NotFound:
        return render(
            request,
            "404.html",
            {
                "message": _("未找到编码为“%(code)s”的现行事项，可能编码有误或该事项已停用。")
                % {"code": code[:MAX_QUERY_LENGTH]}
            },
            status=404,
        )
    compression, compression_class = _compression(version)
    review_steps = list(version.review_steps.all())
    known = _has_handling_elements(version)
    materials = _material_rows(version)
    context = {
        "v": version,
        "item": version.item,
        "item_type_label": label_of(ItemType, version.item_type),
        "online_depth_label": label_of(OnlineDepth, version.online_depth),
        "case_kind_label": label_of(CaseKind, version.case_kind),
        "legal_limit": time_limit_label(version.legal_limit_amount, version.legal_limit_unit),
        "promised_limit": time_limit_label(
            version.promised_limit_amount, version.promised_limit_unit
        ),
        "compression": compression,
        "compression_class": compression_class,
        "fee_known": known or version.is_fee,
        "basic_rows": _clean(_basic_rows(version)),
        "limit_rows": _limit_rows(version),
        "handling_rows": _clean(_handling_rows(version)),
        "contact_rows": _contact_rows(version),
        "result_rows": _clean(_result_rows(version)),
        "materials": materials,
        "materials_have_files": any(r.material.blank_form or r.material.sample for r in materials),
        "is_sparse": not known and not materials and not version.accept_conditions,
        "situations": _situations(version),
        "fees": list(version.fees.all()),
        "faqs": list(version.faqs.all()),
        "review_steps": review_steps,
        "review_mode_label": label_of(ReviewMode, version.review_mode),
        "review_is_sequential": version.review_mode == ReviewMode.SEQUENTIAL,
        "is_immediate": version.promised_limit_unit == LimitUnit.IMMEDIATE,
    }
    return render(request, "catalog/item_detail.html", context)


# --------------------------------------------------------------------------------------------
# Departments


def department_list_view(request: HttpRequest) -> HttpResponse:
    departments = list(department_list_with_counts())
    context = {
        "departments": departments,
        "total": sum(d.item_count for d in departments),  # type: ignore[attr-defined]
    }
    return render(request, "catalog/department_list.html", context)
