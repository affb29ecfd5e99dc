"""Admin for the catalogue.

Drafts are edited here; published and retired versions are read-only (a case keeps the
version it was opened under). Publishing and new drafts go through the services (actions),
so the validators run and an audit entry is written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from banhao.audit.services import audit_record
from banhao.catalog.choices import HandlingForm, ServiceObject, VersionState
from banhao.catalog.models import (
    Faq,
    Fee,
    Material,
    ParentItem,
    ReviewStep,
    ServiceItem,
    ServiceItemVersion,
    Situation,
    SituationOption,
    Theme,
)
from banhao.catalog.selectors import version_problems
from banhao.catalog.services import (
    item_code_check,
    item_create,
    item_version_create_draft,
    item_version_discard_draft,
    item_version_publish,
    version_content_fields,
)
from banhao.catalog.validators import item_code_problem
from banhao.org.admin import AuditedModelAdmin
from banhao.shared.errors import BanhaoError


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _audit_version_edit(request: HttpRequest, version: ServiceItemVersion, **details: Any) -> None:
    """An admin edit of a draft or of its child rows (``catalog.version_admin_edit``)."""
    audit_record(
        actor=_actor(request),
        action="catalog.version_admin_edit",
        obj=version,
        details={"item": version.item.code, **details},
    )


# --------------------------------------------------------------------------------------------
# Themes and parent items


@admin.register(Theme)
class ThemeAdmin(AuditedModelAdmin[Theme]):
    """Audited (``catalog.theme_*``); a theme of published items cannot be deleted (the
    public pages and the facets would lose it silently)."""

    list_display = ("name", "audience", "sort_order")
    list_filter = ("audience",)
    search_fields = ("name",)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[Any, Any], set[Any], list[Any]]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        themes = Theme.objects.filter(pk__in=[theme.pk for theme in objs]).annotate(
            published_items=Count(
                "items",
                filter=Q(items__versions__state=VersionState.PUBLISHED),
                distinct=True,
            )
        )
        protected = list(protected) + [
            f"主题「{theme.name}」已被 {theme.published_items} 个已发布事项使用，不能删除；"
            "请先在这些事项中移除该主题"
            for theme in themes
            if theme.published_items
        ]
        return deleted, counts, perms_needed, protected


@admin.register(ParentItem)
class ParentItemAdmin(AuditedModelAdmin[ParentItem]):
    """Audited (``catalog.parentitem_*``); items protect the 主项 they belong to."""

    search_fields = ("name",)


# --------------------------------------------------------------------------------------------
# Items


class VersionListInline(admin.TabularInline[ServiceItemVersion, ServiceItem]):
    model = ServiceItemVersion
    fields = ("version_link", "state", "valid_from", "valid_to", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "版本"

    @admin.display(description="版本")
    def version_link(self, obj: ServiceItemVersion) -> SafeString:
        url = reverse("admin:catalog_serviceitemversion_change", args=[obj.pk])
        return format_html('<a href="{}">第{}版 {}</a>', url, obj.version, obj.name)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceItemForm(forms.ModelForm[ServiceItem]):
    class Meta:
        model = ServiceItem
        fields = (
            "code",
            "code_system",
            "code_region",
            "area_code",
            "catalog_code",
            "local_code",
            "parent",
            "department",
            "themes",
        )

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code") or "").strip()
        problem = item_code_problem(code)
        if problem and self.instance.pk is None:
            raise forms.ValidationError(problem)
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and data.get("code") and data.get("code_system"):
            try:
                item_code_check(code=data["code"], code_system=data["code_system"])
            except BanhaoError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin[ServiceItem]):
    form = ServiceItemForm
    list_display = ("code", "current_name", "department", "code_system", "parent")
    list_filter = ("code_system", "department")
    search_fields = ("code", "versions__name", "parent__name")
    list_select_related = ("department", "parent")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("themes",)
    inlines = (VersionListInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code", "code_system", "created_at") if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        newest_name = (
            ServiceItemVersion.objects.filter(item=OuterRef("pk"))
            .order_by("-version")
            .values("name")[:1]
        )
        return super().get_queryset(request).annotate(newest_name=Subquery(newest_name))

    @admin.display(description="事项名称", ordering="newest_name")
    def current_name(self, obj: ServiceItem) -> str:
        """The name of the newest version (annotated: one query for the whole page)."""
        return getattr(obj, "newest_name", None) or ""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An item that was ever published is history (cases refer to its versions): retire
        # its version instead. The model refuses as well (VersionLocked).
        if obj is not None and obj.has_locked_versions():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # per item only, see has_delete_permission
        return actions

    def delete_model(self, request: HttpRequest, obj: ServiceItem) -> None:
        audit_record(
            actor=_actor(request),
            action="catalog.item_admin_delete",
            obj=obj,
            details={"code": obj.code, "code_system": obj.code_system},
        )
        super().delete_model(request, obj)

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=_actor(request),
                action="catalog.item_admin_edit",
                obj=obj,
                details={"fields": list(form.changed_data)},
            )
            return
        created = item_create(
            code=obj.code,
            code_system=obj.code_system,
            department=obj.department,
            actor=_actor(request),
            parent_name=obj.parent.name if obj.parent else "",
            code_region=obj.code_region,
            area_code=obj.area_code,
            catalog_code=obj.catalog_code,
            local_code=obj.local_code,
        )
        obj.pk = created.pk
        obj.created_at = created.created_at
        obj._state.adding = False


# --------------------------------------------------------------------------------------------
# Versions


class DraftOnlyInlineMixin:
    """Child rows are editable only while the parent version is a draft."""

    def _editable(self, obj: Any) -> bool:
        return obj is None or getattr(obj, "state", None) == VersionState.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class MaterialInline(DraftOnlyInlineMixin, admin.StackedInline[Material, ServiceItemVersion]):
    model = Material
    extra = 0
    fields = (
        ("sort_order", "name"),
        ("material_type", "form", "original_copies", "photocopy_copies"),
        ("necessity", "is_key"),
        ("source_channel", "source_explanation"),
        "issuing_body",
        ("blank_form", "sample"),
        "notes",
    )


class SituationInline(DraftOnlyInlineMixin, admin.TabularInline[Situation, ServiceItemVersion]):
    model = Situation
    extra = 0
    fields = ("sort_order", "question", "options_summary")
    readonly_fields = ("options_summary",)
    show_change_link = True

    @admin.display(description="选项及材料")
    def options_summary(self, obj: Situation) -> SafeString:
        if obj.pk is None:
            return format_html("{}", "保存后点击“更改”编辑选项")
        return format_html_join(
            "",
            "<div>{}：{}</div>",
            (
                (option.label, "、".join(m.name for m in option.materials.all()) or "无")
                for option in obj.options.prefetch_related("materials")
            ),
        )


class FeeInline(DraftOnlyInlineMixin, admin.TabularInline[Fee, ServiceItemVersion]):
    model = Fee
    extra = 0
    fields = ("sort_order", "name", "standard", "basis", "is_reducible", "reduction_basis")


class FaqInline(DraftOnlyInlineMixin, admin.StackedInline[Faq, ServiceItemVersion]):
    model = Faq
    extra = 0
    fields = ("sort_order", "question", "answer")


class ReviewStepInline(DraftOnlyInlineMixin, admin.TabularInline[ReviewStep, ServiceItemVersion]):
    model = ReviewStep
    extra = 0
    fields = ("sort_order", "department", "name")


class VersionForm(forms.ModelForm[ServiceItemVersion]):
    service_objects = forms.MultipleChoiceField(
        label="服务对象",
        choices=ServiceObject.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    handling_forms = forms.MultipleChoiceField(
        label="办理形式",
        choices=HandlingForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ServiceItemVersion
        fields = version_content_fields()


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(admin.ModelAdmin[ServiceItemVersion]):
    form = VersionForm
    list_display = ("name", "item", "version", "state", "valid_from", "valid_to", "item_type")
    list_filter = ("state", "item_type", "item__code_system")
    search_fields = ("name", "item__code")
    list_select_related = ("item",)
    inlines = (MaterialInline, SituationInline, FeeInline, FaqInline, ReviewStepInline)
    actions = ("publish_selected", "new_draft_from_selected")

    class Media:
        # Colours of the validation report; the Content-Security-Policy forbids style="…".
        css = {"all": ("banhao/admin.css",)}

    readonly_fields = (
        "item",
        "version",
        "state",
        "valid_from",
        "valid_to",
        "published_at",
        "created_at",
        "created_by",
        "published_by",
        "validation_report",
    )
    fieldsets = (
        (
            "版本",
            {
                "fields": (
                    "validation_report",
                    ("item", "version", "state"),
                    ("valid_from", "valid_to"),
                    ("published_at", "published_by", "created_at", "created_by"),
                    ("data_source", "guide_url"),
                )
            },
        ),
        (
            "基本信息",
            {"fields": ("name", ("item_type", "local_item_type_code"), "legal_basis")},
        ),
        (
            "实施主体",
            {
                "fields": (
                    ("implementing_body_code", "body_nature", "use_level"),
                    ("entrusted_department", "handling_body"),
                    "service_objects",
                )
            },
        ),
        (
            "办理时限",
            {
                "fields": (
                    ("legal_limit_amount", "legal_limit_unit"),
                    "legal_limit_explanation",
                    ("promised_limit_amount", "promised_limit_unit"),
                    "promised_limit_explanation",
                )
            },
        ),
        (
            "办理要求",
            {
                "fields": (
                    "case_kind",
                    "handling_forms",
                    "accept_conditions",
                    "handle_flow",
                    "special_procedure",
                    "quantity_limit",
                    "review_mode",
                )
            },
        ),
        (
            "到现场次数与网上办理",
            {
                "fields": (
                    ("visits_required", "visit_reason"),
                    ("is_online", "online_depth"),
                    ("online_url", "mobile_url"),
                    ("is_schedule", "is_pay_online", "is_express", "is_entry_center"),
                    "handle_area",
                )
            },
        ),
        (
            "地点与联系方式",
            {"fields": ("place", "hours", ("consult_phone", "supervise_phone"))},
        ),
        ("收费", {"fields": (("is_fee", "fee_basis"),)}),
        ("审批结果", {"fields": (("result_type", "result_name"), "result_sample")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts are created from an item or a version ("基于此版本新建草稿")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.state != VersionState.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.state != VersionState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # drafts only, one at a time
        return actions

    def delete_model(self, request: HttpRequest, obj: ServiceItemVersion) -> None:
        item_version_discard_draft(version=obj, actor=_actor(request))  # audited

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItemVersion]:
        return super().get_queryset(request).select_related("item")

    @admin.display(description="校验结果")
    def validation_report(self, obj: ServiceItemVersion) -> SafeString:
        if obj.pk is None:
            return format_html("{}", "")
        problems = version_problems(obj)
        if not problems:
            return format_html('<span class="banhao-check-ok">{}</span>', "✔ 全部校验通过")
        return format_html(
            '<ul class="banhao-check-list">{}</ul>',
            format_html_join(
                "",
                '<li class="{}">{}</li>',
                (
                    ("banhao-check-error" if p.is_error else "banhao-check-hint", str(p))
                    for p in problems
                ),
            ),
        )

    def save_model(
        self, request: HttpRequest, obj: ServiceItemVersion, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data:
            _audit_version_edit(request, obj, fields=list(form.changed_data))

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            rows = formset.model._meta.label_lower if formset.model else ""
            _audit_version_edit(request, form.instance, rows=rows)

    @admin.action(description="发布所选草稿")
    def publish_selected(
        self, request: HttpRequest, queryset: QuerySet[ServiceItemVersion]
    ) -> None:
        for version in queryset:
            if version.state != VersionState.DRAFT:
                self.message_user(request, f"「{version}」不是草稿，已跳过", level=messages.WARNING)
                continue
            try:
                published = item_version_publish(version=version, actor=_actor(request))
            except BanhaoError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"已发布「{published.name}」第{published.version}版，"
                    f"自 {published.valid_from} 起生效",
                    level=messages.SUCCESS,
                )

    @admin.action(description="基于此版本新建草稿")
    def new_draft_from_selected(
        self, request: HttpRequest, queryset: QuerySet[ServiceItemVersion]
    ) -> None:
        for version in queryset:
            try:
                draft = item_version_create_draft(
                    item=version.item, actor=_actor(request), from_version=version
                )
            except BanhaoError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"已为「{version.name}」新建草稿第{draft.version}版",
                    level=messages.SUCCESS,
                )


# --------------------------------------------------------------------------------------------
# Situations (options need their own page: the admin has no nested inlines)


class SituationOptionInline(admin.TabularInline[SituationOption, Situation]):
    model = SituationOption
    extra = 0
    fields = ("sort_order", "label", "materials")
    filter_horizontal = ("materials",)

    def _editable(self, obj: Any) -> bool:
        return obj is None or obj.version.state == VersionState.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "materials":
            situation_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            version_id = (
                Situation.objects.filter(pk=situation_id)
                .values_list("version_id", flat=True)
                .first()
                if situation_id
                else None
            )
            kwargs["queryset"] = Material.objects.filter(version_id=version_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Situation)
class SituationAdmin(admin.ModelAdmin[Situation]):
    list_display = ("question", "version")
    fields = ("version", "sort_order", "question")
    readonly_fields = ("version",)
    inlines = (SituationOptionInline,)
    search_fields = ("question", "version__name")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from the version page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.version.state != VersionState.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.version.state != VersionState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, from the draft's page
        return actions

    def save_model(self, request: HttpRequest, obj: Situation, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data:
            _audit_version_edit(
                request, obj.version, rows="catalog.situation", fields=list(form.changed_data)
            )

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            _audit_version_edit(request, form.instance.version, rows="catalog.situationoption")

    def delete_model(self, request: HttpRequest, obj: Situation) -> None:
        _audit_version_edit(request, obj.version, rows="catalog.situation", deleted=obj.question)
        super().delete_model(request, obj)
