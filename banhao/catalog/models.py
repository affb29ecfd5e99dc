"""The service catalogue (事项目录): items, their versioned 实施清单 and its child tables.

* ``ServiceItem``: the stable identity of one 实施清单 item — an opaque code in a code
  system (domain.md §2.3), the 实施主体 department and the 主项 it belongs to.
* ``ServiceItemVersion``: every element of the 实施清单 (domain.md §2.4). Versions are
  immutable once published; a case stays on the version it was opened under. Validity is the
  half-open interval ``[valid_from, valid_to)``.
* Per version: ``Material``, ``Situation``/``SituationOption`` (办理情形), ``Fee``, ``Faq``
  and ``ReviewStep`` (the review route with ``ServiceItemVersion.review_mode``).

Writes go through ``banhao.catalog.services``; the guards below only stop accidental edits
of published versions (they raise ``VersionLocked``): ``save()``/``delete()`` of a version and
of every row under it, queryset ``delete()``, deleting an item that has a published or
retired version (the rows would go by cascade), and the links between situation options and
materials (an ``m2m_changed`` receiver, the only hook Django offers for ``add``/``remove``/
``clear``).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from banhao.catalog.choices import (
    BodyNature,
    CaseKind,
    CodeSystem,
    HandleArea,
    ItemType,
    LimitUnit,
    MaterialForm,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    OnlineDepth,
    ResultType,
    ReviewMode,
    ThemeAudience,
    UseLevel,
    VersionState,
)
from banhao.shared.errors import Conflict


class VersionLocked(Conflict):
    """A published or retired version (or one of its rows) was about to be changed."""

    code = "version_locked"


LOCKED_STATES = (VersionState.PUBLISHED, VersionState.RETIRED)
ROWS_LOCKED_MESSAGE = "该版本已发布，不能修改其材料、情形、收费、常见问题或审查环节"


_Row = TypeVar("_Row", bound=models.Model)


class LockedRowsQuerySet(models.QuerySet[_Row]):
    """``delete()`` refuses when any row belongs to a published or retired version.

    The model's ``VERSION_STATE_LOOKUP`` leads from a row to the state of its version(s).
    """

    def delete(self) -> tuple[int, dict[str, int]]:
        lookup = f"{self.model.VERSION_STATE_LOOKUP}__in"  # type: ignore[attr-defined]
        if self.filter(**{lookup: LOCKED_STATES}).exists():
            raise VersionLocked(self.model.VERSION_LOCKED_MESSAGE)  # type: ignore[attr-defined]
        return super().delete()


class Theme(models.Model):
    """主题分类 (面向自然人/面向法人), e.g. 开办企业, 工程建设."""

    name = models.CharField(_("名称"), max_length=100)
    audience = models.CharField(_("面向对象"), max_length=20, choices=ThemeAudience.choices)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("主题分类")
        verbose_name_plural = _("主题分类")
        ordering = ["audience", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["audience", "name"], name="catalog_theme_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_audience_display()}）"


class ParentItem(models.Model):
    """主项: groups 办理项 (e.g. 企业设立、变更、注销登记). Identified by its name."""

    name = models.CharField(_("主项名称"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("主项")
        verbose_name_plural = _("主项")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """One 实施清单 item (办理项). ``code`` is unique across all code systems."""

    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    code_system = models.CharField(_("编码体系"), max_length=20, choices=CodeSystem.choices)
    code_region = models.CharField(
        _("编码来源地区"), max_length=100, blank=True, help_text=_("例如 四川省广安市广安区")
    )
    area_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    catalog_code = models.CharField(_("基本编码"), max_length=40, blank=True)
    local_code = models.CharField(_("地方编码"), max_length=64, blank=True)
    parent = models.ForeignKey(
        ParentItem,
        verbose_name=_("主项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("实施主体"),
        on_delete=models.PROTECT,
        related_name="service_items",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("主题分类"), blank=True, related_name="items"
    )
    created_at = models.DateTimeField(_("登记时间"))

    objects = LockedRowsQuerySet.as_manager()
    VERSION_STATE_LOOKUP: ClassVar[str] = "versions__state"
    VERSION_LOCKED_MESSAGE: ClassVar[str] = "事项已有发布过的版本，不能删除（可停用其版本）"

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        # Guard: its published/retired versions (and their rows) would go by cascade.
        if self.pk is not None and self.has_locked_versions():
            raise VersionLocked(self.VERSION_LOCKED_MESSAGE)
        return super().delete(*args, **kwargs)

    def has_locked_versions(self) -> bool:
        """Whether any version was ever published (published or retired)."""
        return ServiceItemVersion.objects.filter(item_id=self.pk, state__in=LOCKED_STATES).exists()


class ServiceItemVersion(models.Model):
    """One version of an item's 实施清单 (all elements of domain.md §2.4)."""

    State = VersionState

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("版本号"))
    state = models.CharField(
        _("状态"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(
        _("失效日期"), null=True, blank=True, help_text=_("自该日起不再适用（不含该日）")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    data_source = models.CharField(_("数据来源"), max_length=100, blank=True)
    guide_url = models.URLField(_("办事指南来源链接"), max_length=500, blank=True)

    # Identity and type
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices)
    local_item_type_code = models.CharField(
        _("地方事项类型代码"), max_length=10, blank=True, help_text=_("来源平台的原始类型代码")
    )
    legal_basis = models.TextField(_("设定依据"), blank=True)

    # Implementing body
    implementing_body_code = models.CharField(
        _("实施主体编码"), max_length=40, blank=True, help_text=_("来源数据中的原始编码")
    )
    body_nature = models.CharField(
        _("实施主体性质"), max_length=1, choices=BodyNature.choices, blank=True
    )
    use_level = models.CharField(_("行使层级"), max_length=1, choices=UseLevel.choices, blank=True)
    entrusted_department = models.CharField(_("委托部门"), max_length=200, blank=True)
    handling_body = models.CharField(_("承办机构"), max_length=200, blank=True)
    service_objects = models.JSONField(
        _("服务对象"), default=list, blank=True, help_text=_("A.4 服务对象代码列表")
    )

    # Time limits (domain.md §2.7). 即办 = amount 0 + unit immediate.
    legal_limit_amount = models.PositiveIntegerField(_("法定办结时限"), null=True, blank=True)
    legal_limit_unit = models.CharField(
        _("法定时限单位"), max_length=20, choices=LimitUnit.choices, blank=True
    )
    legal_limit_explanation = models.TextField(_("法定时限说明"), blank=True)
    promised_limit_amount = models.PositiveIntegerField(_("承诺办结时限"), null=True, blank=True)
    promised_limit_unit = models.CharField(
        _("承诺时限单位"), max_length=20, choices=LimitUnit.choices, blank=True
    )
    promised_limit_explanation = models.TextField(_("承诺时限说明"), blank=True)

    # Handling
    case_kind = models.CharField(_("办件类型"), max_length=1, choices=CaseKind.choices, blank=True)
    handling_forms = models.JSONField(
        _("办理形式"), default=list, blank=True, help_text=_("A.5 办理形式代码列表")
    )
    accept_conditions = models.TextField(_("受理条件"), blank=True)
    handle_flow = models.TextField(_("办理流程"), blank=True)
    special_procedure = models.TextField(_("特别程序"), blank=True)
    quantity_limit = models.TextField(_("数量限制"), blank=True)

    # Visits and online service
    visits_required = models.PositiveSmallIntegerField(_("到办事现场次数"), null=True, blank=True)
    visit_reason = models.TextField(_("必须现场办理原因说明"), blank=True)
    is_online = models.BooleanField(_("是否网办"), default=False)
    online_depth = models.CharField(
        _("网上办理深度"), max_length=1, choices=OnlineDepth.choices, blank=True
    )
    online_url = models.URLField(_("网上办理地址"), max_length=500, blank=True)
    mobile_url = models.URLField(_("移动端办理地址"), max_length=500, blank=True)
    is_schedule = models.BooleanField(_("是否支持预约"), default=False)
    is_pay_online = models.BooleanField(_("是否支持网上支付"), default=False)
    is_express = models.BooleanField(_("是否支持物流快递"), default=False)
    is_entry_center = models.BooleanField(_("是否进驻政务服务中心"), default=True)
    handle_area = models.CharField(
        _("通办范围"), max_length=20, choices=HandleArea.choices, default=HandleArea.NONE
    )

    # Place and contact
    place = models.TextField(_("办理地点"), blank=True)
    hours = models.CharField(_("办理时间"), max_length=300, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    supervise_phone = models.CharField(_("监督投诉电话"), max_length=40, blank=True)

    # Fees
    is_fee = models.BooleanField(_("是否收费"), default=False)
    fee_basis = models.TextField(_("收费依据"), blank=True)

    # Result
    result_type = models.CharField(
        _("审批结果类型"), max_length=20, choices=ResultType.choices, blank=True
    )
    result_name = models.CharField(_("审批结果名称"), max_length=200, blank=True)
    result_sample = models.FileField(
        _("审批结果样本"), upload_to="catalog/results/", blank=True, max_length=300
    )

    # Review route (并联审批): the mode plus ordered ReviewStep rows.
    review_mode = models.CharField(
        _("审查方式"), max_length=20, choices=ReviewMode.choices, default=ReviewMode.SEQUENTIAL
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LockedRowsQuerySet.as_manager()
    VERSION_STATE_LOOKUP: ClassVar[str] = "state"
    VERSION_LOCKED_MESSAGE: ClassVar[str] = "已发布或已停用的版本不能删除"

    class Meta:
        verbose_name = _("事项版本（实施清单）")
        verbose_name_plural = _("事项版本（实施清单）")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="catalog_version_number"),
            # At most one newest published version and one draft per item.
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state=VersionState.PUBLISHED),
                name="catalog_one_published_per_item",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(state=VersionState.DRAFT),
                name="catalog_one_draft_per_item",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=False, valid_to__gte=models.F("valid_from")),
                name="catalog_version_validity_order",
            ),
            models.CheckConstraint(
                condition=models.Q(state=VersionState.DRAFT) | models.Q(valid_from__isnull=False),
                name="catalog_published_has_valid_from",
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_from"], name="catalog_ver_state_from")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版·{self.get_state_display()}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Invariant guard, not business logic: a published/retired row is never re-saved.
        # Services change lifecycle fields with queryset.update().
        if self.pk is not None and self._stored_state_is_locked():
            raise VersionLocked(f"「{self.name}」第{self.version}版已发布，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk is not None and self._stored_state_is_locked():
            raise VersionLocked(f"「{self.name}」第{self.version}版已发布，不能删除")
        return super().delete(*args, **kwargs)

    def _stored_state_is_locked(self) -> bool:
        return (
            ServiceItemVersion.objects.filter(pk=self.pk).exclude(state=VersionState.DRAFT).exists()
        )

    @property
    def is_draft(self) -> bool:
        return self.state == VersionState.DRAFT


def _assert_version_is_draft(version_id: int | None) -> None:
    if version_id is None:
        return
    state = ServiceItemVersion.objects.filter(pk=version_id).values_list("state", flat=True).first()
    if state is not None and state != VersionState.DRAFT:
        raise VersionLocked(ROWS_LOCKED_MESSAGE)


class VersionChild(models.Model):
    """Rows that belong to one version and are frozen with it."""

    version: models.ForeignKey[ServiceItemVersion, ServiceItemVersion]
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = LockedRowsQuerySet.as_manager()
    VERSION_STATE_LOOKUP: ClassVar[str] = "version__state"
    VERSION_LOCKED_MESSAGE: ClassVar[str] = ROWS_LOCKED_MESSAGE

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        _assert_version_is_draft(self.version_id)  # type: ignore[attr-defined]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _assert_version_is_draft(self.version_id)  # type: ignore[attr-defined]
        return super().delete(*args, **kwargs)


class Material(VersionChild):
    """办理材料 (domain.md §2.5)."""

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    name = models.CharField(_("材料名称"), max_length=200)
    material_type = models.CharField(
        _("材料类型"), max_length=20, choices=MaterialType.choices, default=MaterialType.OTHER
    )
    form = models.CharField(
        _("材料形式"), max_length=20, choices=MaterialForm.choices, default=MaterialForm.BOTH
    )
    original_copies = models.PositiveSmallIntegerField(_("原件份数"), default=0)
    photocopy_copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    necessity = models.CharField(
        _("必要性"),
        max_length=20,
        choices=MaterialNecessity.choices,
        default=MaterialNecessity.REQUIRED,
    )
    source_channel = models.CharField(
        _("来源渠道"),
        max_length=20,
        choices=MaterialSource.choices,
        default=MaterialSource.APPLICANT,
    )
    source_explanation = models.CharField(_("来源渠道说明"), max_length=300, blank=True)
    issuing_body = models.CharField(_("出具单位"), max_length=200, blank=True)
    is_key = models.BooleanField(
        _("关键材料"), default=False, help_text=_("关键材料（主件）不得容缺受理")
    )
    blank_form = models.FileField(
        _("空白表格"), upload_to="catalog/forms/", blank=True, max_length=300
    )
    sample = models.FileField(
        _("示例样表"), upload_to="catalog/samples/", blank=True, max_length=300
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("办理材料")
        verbose_name_plural = _("办理材料")
        ordering = ["version", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Situation(VersionChild):
    """办理情形: a question whose answer selects materials."""

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="situations",
    )
    question = models.CharField(_("情形问题"), max_length=300)

    class Meta:
        verbose_name = _("办理情形")
        verbose_name_plural = _("办理情形")
        ordering = ["version", "sort_order", "id"]

    def __str__(self) -> str:
        return self.question


class SituationOption(models.Model):
    situation = models.ForeignKey(
        Situation, verbose_name=_("办理情形"), on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("选项"), max_length=200)
    materials = models.ManyToManyField(
        Material, verbose_name=_("需提交的材料"), blank=True, related_name="situation_options"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = LockedRowsQuerySet.as_manager()
    VERSION_STATE_LOOKUP: ClassVar[str] = "situation__version__state"
    VERSION_LOCKED_MESSAGE: ClassVar[str] = ROWS_LOCKED_MESSAGE

    class Meta:
        verbose_name = _("情形选项")
        verbose_name_plural = _("情形选项")
        ordering = ["situation", "sort_order", "id"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        _assert_version_is_draft(self._version_id())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _assert_version_is_draft(self._version_id())
        return super().delete(*args, **kwargs)

    def _version_id(self) -> int | None:
        return (
            Situation.objects.filter(pk=self.situation_id)
            .values_list("version_id", flat=True)
            .first()
        )


@receiver(m2m_changed, sender=SituationOption.materials.through)
def _guard_option_materials(
    sender: Any,
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Guard, not business logic: which materials an option asks for is frozen with the
    version (services write these links with ``bulk_create`` of the through rows)."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    ids = set(pk_set or ())
    option_ids, material_ids = (ids, {instance.pk}) if reverse else ({instance.pk}, ids)
    locked = ServiceItemVersion.objects.filter(
        models.Q(situations__options__pk__in=option_ids) | models.Q(materials__pk__in=material_ids),
        state__in=LOCKED_STATES,
    )
    if locked.exists():
        raise VersionLocked(ROWS_LOCKED_MESSAGE)


class Fee(VersionChild):
    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="fees",
    )
    name = models.CharField(_("收费项目名称"), max_length=200)
    standard = models.TextField(_("收费标准"))
    basis = models.TextField(_("收费依据"), blank=True)
    is_reducible = models.BooleanField(_("是否允许减免"), default=False)
    reduction_basis = models.TextField(_("减免依据"), blank=True)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["version", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Faq(VersionChild):
    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="faqs",
    )
    question = models.CharField(_("问题"), max_length=300)
    answer = models.TextField(_("解答"))

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["version", "sort_order", "id"]

    def __str__(self) -> str:
        return self.question


class ReviewStep(VersionChild):
    """One department on the review route; ``sort_order`` is the order for 依次审查."""

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="review_steps",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("审查部门"),
        on_delete=models.PROTECT,
        related_name="review_steps",
    )
    name = models.CharField(_("环节名称"), max_length=100)

    class Meta:
        verbose_name = _("审查环节")
        verbose_name_plural = _("审查环节")
        ordering = ["version", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "department"], name="catalog_review_step_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sort_order}. {self.name}"
