"""好差评 (domain.md §4): ratings, the 差评 closed loop (整改台账), appeals (申诉复核), the
policy an administrator configures, and the monthly 星级帮办员 awards.

The rules live in ``banhao_core.ratings``; writes only in ``banhao.feedback.services``.
A satisfaction number is never stored alone: the level is stored by name, and a number the
client sent is kept together with its code system (domain.md §2.2 A.8 [!]).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao.privacy.fields import EncryptedCharField
from banhao_core.ratings import (
    CURRENT_BAD_OPTIONS,
    AppealGround,
    AppealOutcome,
    CodeSystem,
    ComplaintState,
    Disposition,
    FixVerdict,
    IndicatorSet,
    Level,
    RatingChannel,
    ServiceEvent,
)


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class FeedbackPolicy(models.Model):
    """The one configuration row (pk = 1) of 好差评, edited by the 系统管理员 in the admin."""

    rating_window_days = models.PositiveSmallIntegerField(
        _("评价期限（工作日）"), default=5, help_text=_("办理后多少个工作日内可以评价；山东为 5")
    )
    callback_days = models.PositiveSmallIntegerField(_("回访期限（工作日）"), default=1)
    rectification_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=5)
    record_system_default = models.BooleanField(
        _("评价期满未评价的记为系统默认评价"),
        default=False,
        help_text=_("按省平台要求开启：期满未评价的办结件记一条渠道为“系统默认评价”的满意评价"),
    )
    exclude_system_default = models.BooleanField(_("统计时排除系统默认评价"), default=True)
    exclude_upheld_appeals = models.BooleanField(_("申诉成立的差评不计入统计"), default=True)
    weight_satisfaction = models.PositiveSmallIntegerField(_("权重：好评率（%）"), default=40)
    weight_on_time = models.PositiveSmallIntegerField(_("权重：按时办结率（%）"), default=30)
    weight_volume = models.PositiveSmallIntegerField(_("权重：办件量（%）"), default=20)
    weight_forum = models.PositiveSmallIntegerField(_("权重：群众评议（%）"), default=10)
    bad_option_version = models.CharField(
        _("差评选项版本"), max_length=40, default=CURRENT_BAD_OPTIONS
    )
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("好差评规则")
        verbose_name_plural = _("好差评规则")

    def __str__(self) -> str:
        return str(_("好差评规则"))


class Rating(models.Model):
    """One rating of one service event of a case (GB/T 39046 6.6, domain.md §4.6)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(_("评价环节"), max_length=20, choices=_choices(ServiceEvent))
    assess_number = models.PositiveSmallIntegerField(_("评价次数"), help_text=_("1 首次，2 追评"))
    level = models.CharField(_("满意度"), max_length=30, choices=_choices(Level))
    # The number the client sent, if any, with the code system it was sent in.
    submitted_code = models.PositiveSmallIntegerField(_("提交的满意度代码"), null=True, blank=True)
    submitted_code_system = models.CharField(
        _("满意度代码体系"), max_length=30, choices=_choices(CodeSystem), blank=True
    )
    channel = models.CharField(_("评价渠道"), max_length=2, choices=_choices(RatingChannel))
    indicator_set = models.CharField(_("指标体系"), max_length=10, choices=_choices(IndicatorSet))
    indicators = models.JSONField(_("分项评价"), default=dict, blank=True)
    option_version = models.CharField(_("选项版本"), max_length=40, blank=True)
    option_codes = models.JSONField(_("问题选项"), default=list, blank=True)
    # 文字评价 may name people or carry a phone number: encrypted at rest (ADR 0006).
    text = EncryptedCharField(_("文字评价"), max_length=500, blank=True)
    # 评价人: protected (国办发〔2019〕51号: query rights restricted). Null for a walk-in rater
    # who rated by the notice's or the window's QR code without an account.
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Denormalised from the case for statistics: 谁办理、谁负责.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        "org.Window",
        verbose_name=_("窗口"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("评价时间"))
    is_excluded = models.BooleanField(_("不计入统计"), default=False)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "event", "assess_number"], name="feedback_rating_once_per_number"
            ),
            models.CheckConstraint(
                condition=models.Q(assess_number__in=[1, 2]), name="feedback_assess_number_1_2"
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_code__isnull=True, submitted_code_system="")
                | (
                    models.Q(submitted_code__gte=1, submitted_code__lte=5)
                    & ~models.Q(submitted_code_system="")
                ),
                name="feedback_code_has_system",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_event_display()} #{self.assess_number}"

    @property
    def level_enum(self) -> Level:
        return Level(self.level)


class Complaint(models.Model):
    """A 差评 in the closed loop and its 整改台账 entry (domain.md §4.5)."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("差评"), on_delete=models.PROTECT, related_name="complaint"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"),
        max_length=30,
        choices=_choices(ComplaintState),
        default=ComplaintState.AWAITING_CALLBACK.value,
        db_index=True,
    )
    routed_at = models.DateTimeField(_("转办时间"))
    callback_due = models.DateField(_("回访期限"))
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    callback_notes = models.TextField(_("回访核实情况"), blank=True)
    disposition = models.CharField(
        _("处置方式"), max_length=20, choices=_choices(Disposition), blank=True
    )
    disposition_notes = models.TextField(_("处置说明"), blank=True)
    disposed_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rectification_due = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectification_result = models.TextField(_("整改结果"), blank=True)
    feedback_text = models.TextField(_("反馈评价人的内容"), blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    fed_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fix_verdict = models.CharField(
        _("评价人对整改的评价"), max_length=30, choices=_choices(FixVerdict), blank=True
    )
    fix_comment = EncryptedCharField(_("评价人意见"), max_length=500, blank=True)
    fix_rated_at = models.DateTimeField(_("整改评价时间"), null=True, blank=True)
    # The sweep raises each overdue warning once.
    callback_warned = models.BooleanField(_("已发回访超期提醒"), default=False)
    rectification_warned = models.BooleanField(_("已发整改超期提醒"), default=False)
    row_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("差评整改台账")
        verbose_name_plural = _("差评整改台账")
        ordering = ["callback_due", "id"]
        indexes = [models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"差评 #{self.pk}"

    @property
    def state_enum(self) -> ComplaintState:
        return ComplaintState(self.state)


class Appeal(models.Model):
    """申诉复核: the unit appeals a 误评 / 恶意差评 / 不实差评; a leader decides (§4.5)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("差评"), on_delete=models.PROTECT, related_name="appeals"
    )
    ground = models.CharField(_("申诉理由类别"), max_length=20, choices=_choices(AppealGround))
    statement = models.TextField(_("申诉说明"))
    evidence = models.FileField(_("证据材料"), upload_to="feedback-appeals/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("证据文件名"), max_length=200, blank=True)
    evidence_type = models.CharField(_("证据文件类型"), max_length=100, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("申诉时间"))
    outcome = models.CharField(
        _("复核结果"),
        max_length=20,
        choices=_choices(AppealOutcome),
        default=AppealOutcome.PENDING.value,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("复核意见"), blank=True)

    class Meta:
        verbose_name = _("差评申诉")
        verbose_name_plural = _("差评申诉")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(outcome="pending"),
                name="feedback_one_pending_appeal",
            )
        ]

    def __str__(self) -> str:
        return f"申诉 #{self.pk}"


class StarHelperAward(models.Model):
    """The month's 星级帮办员 (a helper or window staff member chosen from the ranking)."""

    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("获评人员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(_("当月得分"), max_digits=5, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("当月排名"))
    note = models.CharField(_("评选说明"), max_length=300, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(_("评选时间"))

    class Meta:
        verbose_name = _("星级帮办员")
        verbose_name_plural = _("星级帮办员")
        ordering = ["-year", "-month", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "staff"], name="feedback_award_once"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="feedback_award_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.staff}"
