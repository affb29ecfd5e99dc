"""办件 (cases): the application, its materials, review tasks, pauses, extensions and the
append-only process record (GB/T 39046 6.2–6.5).

State changes only happen in ``banhao.cases.services`` through the core state table
(``banhao_core.workflow``); these models hold constraints, not behaviour.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao.privacy.fields import (
    BlindIndexedModel,
    BlindIndexField,
    EncryptedCharField,
    PrivacyQuerySet,
)
from banhao_core.workflow import (
    BusinessAction,
    CaseState,
    DeliveryMethod,
    ReviewMode,
    ReviewTaskState,
    SpecialProcedureKind,
)


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class Channel(models.TextChoices):
    """申报来源 = 办理形式 (GB/T 39046 A.5)."""

    WINDOW = "1", _("窗口")
    ONLINE_PC = "2", _("网上（电脑端）")
    ONLINE_MOBILE = "3", _("网上（移动端）")
    EXPRESS = "4", _("快递")
    OTHER = "9", _("其他")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("自然人")
    COMPANY = "company", _("法人及其他组织")


class IdType(models.TextChoices):
    """证件类型 (GA/T 2000.156 常用证件代码; GB/T 36903 持证主体代码类型)."""

    RESIDENT_ID = "111", _("居民身份证")
    CREDIT_CODE = "001", _("统一社会信用代码")


class Case(BlindIndexedModel):
    number = models.CharField(_("办件编号"), max_length=50, unique=True)
    item_version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        verbose_name=_("事项版本"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    service_centre = models.ForeignKey(
        "org.ServiceCentre",
        verbose_name=_("政务服务中心"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    state = models.CharField(
        _("状态"),
        max_length=30,
        choices=_choices(CaseState),
        default=CaseState.DRAFT.value,
        db_index=True,
    )
    channel = models.CharField(_("申报来源"), max_length=2, choices=Channel.choices)
    # Applicant (GB/T 39046 6.2). The personal fields are encrypted at rest (ADR 0006): the
    # name (a company's too, for simplicity), ID number, contact and address. The 统一社会信用代码
    # is public registry data and stays plain (company accounts find their cases by it).
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    applicant_kind = models.CharField(_("申请人类型"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = EncryptedCharField(_("申请人名称"), max_length=200)
    applicant_id_type = models.CharField(_("证件类型"), max_length=3, choices=IdType.choices)
    applicant_id_number = EncryptedCharField(_("证件号码"), max_length=18)
    # 证件散列码: the same purpose as accounts.User.id_index, so the two can be joined.
    applicant_id_index = BlindIndexField(
        _("证件散列码"), source="applicant_id_number", purpose="id_number", db_index=True
    )
    organisation_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, db_index=True
    )
    contact_name = EncryptedCharField(_("联系人"), max_length=100)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20)
    address = EncryptedCharField(_("通讯地址"), max_length=300, blank=True)
    situation_answers = models.JSONField(_("办理情形"), default=dict, blank=True)
    form_data = models.JSONField(_("申请表内容"), default=dict, blank=True)
    # Window handling
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    window = models.ForeignKey(
        "org.Window",
        verbose_name=_("受理窗口"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    created_at = models.DateTimeField(_("创建时间"))
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接件时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    acceptance_number = models.CharField(_("受理文书编号"), max_length=60, blank=True)
    accepted_with_tolerance = models.BooleanField(_("容缺受理"), default=False)
    has_commitment_letter = models.BooleanField(_("已签容缺承诺书"), default=False)
    # Clock: dates in the bureau's time zone, recomputed by services on every clock change.
    promised_due = models.DateField(_("承诺办结日期"), null=True, blank=True, db_index=True)
    legal_due = models.DateField(_("法定办结日期"), null=True, blank=True)
    due_is_provisional = models.BooleanField(_("到期日暂定"), default=False)
    extended_working_days = models.PositiveIntegerField(_("已延长工作日"), default=0)
    # Calendar revision the due dates were computed with (the sweep recomputes on change).
    clock_revision = models.PositiveBigIntegerField(_("计算所用日历版本"), default=0)
    # The last timeliness signal raised by the deadline sweep: "", "yellow" 预警, "red" 超期.
    alert_level = models.CharField(_("预警级别"), max_length=10, blank=True)
    # Decision and delivery (GB/T 39046 6.5)
    decision = models.CharField(_("决定"), max_length=10, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    delivery_method = models.CharField(
        _("送达方式"), max_length=20, blank=True, choices=_choices(DeliveryMethod)
    )
    tracking_number = models.CharField(_("物流单号"), max_length=50, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Optimistic concurrency: every transition increments it (see services._transition).
    row_version = models.PositiveIntegerField(default=0)

    objects = PrivacyQuerySet["Case"].as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["service_centre", "state", "promised_due"]),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["organisation_code", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_enum(self) -> CaseState:
        return CaseState(self.state)


class CaseMaterial(models.Model):
    class Status(models.TextChoices):
        MISSING = "missing", _("未提交")
        SUBMITTED = "submitted", _("已提交")  # uploaded online / handed in, not yet checked
        RECEIVED = "received", _("已核验")  # checked at the window
        DEFERRED = "deferred", _("容缺后补")
        SHARED = "shared", _("共享免交")  # obtained by data sharing / e-licence
        NOT_APPLICABLE = "not_applicable", _("不适用")  # the situation does not require it

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("材料名称"), max_length=200)
    is_required = models.BooleanField(_("本件必交"), default=True)
    is_key = models.BooleanField(_("关键材料"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.MISSING
    )
    file = models.FileField(_("电子件"), upload_to="case-materials/%Y/%m/", blank=True)
    original_filename = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小"), default=0)
    originals_received = models.PositiveSmallIntegerField(_("收取原件份数"), default=0)
    copies_received = models.PositiveSmallIntegerField(_("收取复印件份数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "material"], name="cases_material_once")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.name}"


class ReviewTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="review_tasks")
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="review_tasks"
    )
    mode = models.CharField(_("审查方式"), max_length=20, choices=_choices(ReviewMode))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    step_name = models.CharField(_("环节名称"), max_length=100, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=_choices(ReviewTaskState), db_index=True
    )
    opinion = models.TextField(_("审查意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Denormalised from the case for the department queue (sorted by deadline).
    due = models.DateField(_("期限"), null=True, blank=True)
    row_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("审查任务")
        verbose_name_plural = _("审查任务")
        ordering = ["case", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="cases_task_per_dept")
        ]
        indexes = [models.Index(fields=["department", "state", "due"])]

    def __str__(self) -> str:
        return f"{self.case.number} {self.department}"


class CasePause(models.Model):
    """特别程序 (Art.45): the clock stops from ``start`` to ``end`` (both inclusive)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    procedure_kind = models.CharField(
        _("特别程序种类"), max_length=20, choices=_choices(SpecialProcedureKind)
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    planned_working_days = models.PositiveIntegerField(_("预计所需工作日"), null=True, blank=True)
    reason = models.TextField(_("启动理由或依据"))
    result = models.TextField(_("特别程序结果"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")
        ordering = ["case", "start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(end__isnull=True), name="cases_one_open_pause"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_procedure_kind_display()}"


class CaseExtension(models.Model):
    """延长审批 (Art.42): approved by the head, with a reason notified to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveIntegerField(_("延长工作日"))
    reason = models.TextField(_("延长理由"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(_("批准日期"))

    class Meta:
        verbose_name = _("延长审批")
        verbose_name_plural = _("延长审批")
        ordering = ["case", "approved_on", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} +{self.working_days}"


class CorrectionRequest(models.Model):
    """补正告知 (Art.32): one notice listing everything to correct."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    items = models.JSONField(_("补正内容"))
    notice_number = models.CharField(_("文书编号"), max_length=60)
    issued_at = models.DateTimeField(_("告知时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("补正提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")
        ordering = ["case", "issued_at", "id"]

    def __str__(self) -> str:
        return self.notice_number


class CaseEvent(models.Model):
    """Append-only 办理过程 record (GB/T 39046 6.4). Never updated or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事件"), max_length=40)
    command = models.CharField(_("命令"), max_length=40, blank=True)
    from_state = models.CharField(_("原状态"), max_length=30, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30, blank=True)
    action = models.CharField(_("业务动作"), max_length=10, choices=_choices(BusinessAction))
    step_name = models.CharField(_("环节名称"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("环节处理人"), max_length=100)
    unit_name = models.CharField(_("处理单位"), max_length=200, blank=True)
    unit_code = models.CharField(_("处理单位统一社会信用代码"), max_length=18, blank=True)
    opinion = models.TextField(_("处理意见"), blank=True)
    started_at = models.DateTimeField(_("环节开始时间"))
    ended_at = models.DateTimeField(_("环节结束时间"))
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="cases_event_seq")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.step_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("办理过程记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("办理过程记录只能追加，不能删除")


class NumberSequence(models.Model):
    """Counters for 办件编号 and 文书编号 (one row per key, e.g. ``case:371681:20261128``)."""

    key = models.CharField(max_length=80, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
