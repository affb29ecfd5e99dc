"""Organisation: the service centre (政务服务中心), its departments and windows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao_core.identifiers import IdentifierError, validate_credit_code


def validate_uscc_field(value: str) -> None:
    if not value:
        return
    try:
        validate_credit_code(value)
    except IdentifierError as exc:
        raise ValidationError(str(exc)) from exc


class ServiceCentre(models.Model):
    """政务服务中心 (hall): one per bureau, plus 镇街 便民服务中心 if the county runs them."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    area_code = models.CharField(_("行政区划代码"), max_length=12, help_text=_("GB/T 2260"))
    address = models.CharField(_("地址"), max_length=300, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    opening_hours = models.CharField(_("办公时间"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("政务服务中心")
        verbose_name_plural = _("政务服务中心")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """实施部门 / 审批科室. ``uscc`` is the 统一社会信用代码 when known and valid;
    ``source_code`` keeps whatever code an imported list used, unparsed (domain.md §2.3)."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_uscc_field],
    )
    source_code = models.CharField(_("来源部门编码"), max_length=40, blank=True)
    service_centre = models.ForeignKey(
        ServiceCentre,
        verbose_name=_("所在政务服务中心"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
    )
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="org_department_uscc_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A window (窗口) of a service centre. 综合受理 windows accept every item (一窗受理)."""

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("综合受理窗口")
        DELIVERY = "delivery", _("出件窗口")
        HELP = "help", _("帮办代办窗口")
        EXTENDED_HOURS = "extended_hours", _("延时服务窗口")

    service_centre = models.ForeignKey(
        ServiceCentre,
        verbose_name=_("政务服务中心"),
        on_delete=models.PROTECT,
        related_name="windows",
    )
    number = models.CharField(_("窗口号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=20, choices=Kind.choices, default=Kind.COMPREHENSIVE
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["service_centre", "number"]
        constraints = [
            models.UniqueConstraint(fields=["service_centre", "number"], name="org_window_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
