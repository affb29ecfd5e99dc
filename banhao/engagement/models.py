"""民说民评与问卷 (engagement): forums, tracked suggestions and questionnaires.

These are **local** engagement tools on top of 好差评 (domain.md §4.7): they feed the bureau's
own KPIs (星帮办) but never the national 好差评 data. State changes happen only in
``banhao.engagement.services``; the models hold constraints, not behaviour.

Personal data of participants (invitee and raiser names and phone numbers) is encrypted at
rest (ADR 0006) and masked on every page. The printed contact list of leaders and section
heads (``ForumContact``) is official contact information handed out at the forum and stays
plain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao.privacy.fields import EncryptedCharField
from banhao_core.suggestions import SuggestionStatus
from banhao_core.surveys import QuestionKind


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class ParticipantCategory(models.TextChoices):
    """参会人员类别 (the bureau's "民说民评" invitation list)."""

    ENTERPRISE = "enterprise", _("企业代表")
    NPC_DEPUTY = "npc_deputy", _("人大代表")
    CPPCC_MEMBER = "cppcc_member", _("政协委员")
    CITIZEN = "citizen", _("群众代表")
    OTHER = "other", _("其他")


class Forum(models.Model):
    """民说民评 恳谈会: one (quarterly) face-to-face forum."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        HELD = "held", _("已召开")
        ARCHIVED = "archived", _("已归档")

    service_centre = models.ForeignKey(
        "org.ServiceCentre",
        verbose_name=_("政务服务中心"),
        on_delete=models.PROTECT,
        related_name="forums",
    )
    theme = models.CharField(_("主题"), max_length=200)
    held_on = models.DateField(_("召开日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("民说民评会议")
        verbose_name_plural = _("民说民评会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.theme}"


class ForumInvitee(models.Model):
    """An invited participant: who, which group, invitation answer and attendance."""

    class Reply(models.TextChoices):
        PENDING = "pending", _("待回复")
        ACCEPTED = "accepted", _("确认参加")
        DECLINED = "declined", _("不能参加")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="invitees")
    category = models.CharField(_("类别"), max_length=20, choices=ParticipantCategory.choices)
    name = EncryptedCharField(_("姓名"), max_length=100)
    organisation = models.CharField(_("单位"), max_length=200, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    # An invitee with a platform account also receives the invitation in the platform.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("邀请发送时间"), null=True, blank=True)
    reply = models.CharField(_("回复"), max_length=20, choices=Reply.choices, default=Reply.PENDING)
    attended = models.BooleanField(_("已出席"), null=True, blank=True)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["forum", "category", "id"]

    def __str__(self) -> str:
        return f"{self.forum_id} {self.get_category_display()}"


class ForumContact(models.Model):
    """One line of the printed list of leaders and section heads (24 小时联系电话)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="contacts")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    name = models.CharField(_("姓名"), max_length=100)
    position = models.CharField(_("职务"), max_length=100)
    unit = models.CharField(_("科室或单位"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40)
    available_24h = models.BooleanField(_("24小时联系"), default=True)

    class Meta:
        verbose_name = _("领导及科室负责人联系方式")
        verbose_name_plural = _("领导及科室负责人联系方式")
        ordering = ["forum", "order", "id"]

    def __str__(self) -> str:
        return f"{self.position} {self.name}"


class Suggestion(models.Model):
    """A tracked 建议 / 投诉 / 吐槽 — from a forum, online or a questionnaire — until its result."""

    class Source(models.TextChoices):
        FORUM = "forum", _("民说民评会议")
        ONLINE = "online", _("网上提交")
        QUESTIONNAIRE = "questionnaire", _("问卷调查")

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("建议")
        COMPLAINT = "complaint", _("投诉")
        GRIPE = "gripe", _("吐槽")

    class Sentiment(models.TextChoices):
        """Whether the item praises or criticises the named staff member (星帮办)."""

        PRAISE = "praise", _("表扬")
        CRITICISM = "criticism", _("批评")
        NEUTRAL = "neutral", _("中性")

    number = models.CharField(_("编号"), max_length=40, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("会议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    service_centre = models.ForeignKey(
        "org.ServiceCentre",
        verbose_name=_("政务服务中心"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    # Who raised it: a name and contact (encrypted), and/or the platform account; both empty
    # for an anonymous online submission.
    raiser_category = models.CharField(
        _("提出人类别"), max_length=20, choices=ParticipantCategory.choices, blank=True
    )
    raiser_name = EncryptedCharField(_("提出人"), max_length=100, blank=True)
    raiser_phone = EncryptedCharField(_("提出人联系电话"), max_length=20, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    raised_at = models.DateTimeField(_("提出时间"), db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who answers (谁主管、谁负责) and by when.
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("承办部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_suggestions",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    answer_working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=5)
    deadline = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    service_items = models.ManyToManyField(
        "catalog.ServiceItem", verbose_name=_("涉及事项"), blank=True, related_name="+"
    )
    departments = models.ManyToManyField(
        "org.Department", verbose_name=_("涉及部门"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=_choices(SuggestionStatus),
        default=SuggestionStatus.REGISTERED.value,
        db_index=True,
    )
    response = models.TextField(_("答复意见"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    public_summary = models.TextField(_("公开办理结果"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # 星帮办: a suggestion may praise or criticise a named staff member.
    about_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("涉及工作人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_feedback",
    )
    sentiment = models.CharField(
        _("评价倾向"), max_length=20, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    row_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["owner_department", "status", "deadline"]),
            models.Index(fields=["about_staff", "raised_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status_enum(self) -> SuggestionStatus:
        return SuggestionStatus(self.status)


class SuggestionEvidence(models.Model):
    """办理结果佐证: a checked upload (photo or PDF) proving what was done."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="suggestion-evidence/%Y/%m/")
    original_filename = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("办理结果佐证")
        verbose_name_plural = _("办理结果佐证")
        ordering = ["suggestion", "id"]

    def __str__(self) -> str:
        return self.original_filename


class SuggestionEvent(models.Model):
    """Append-only timeline of a suggestion (登记, 交办, 答复, 办结…)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事件"), max_length=40)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("意见建议办理过程")
        ordering = ["suggestion", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "seq"], name="engagement_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}#{self.seq} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("办理过程记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("办理过程记录只能追加，不能删除")


class Survey(models.Model):
    """问卷: built by staff, answered online or on paper."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("编辑中")
        OPEN = "open", _("收集中")
        CLOSED = "closed", _("已结束")

    service_centre = models.ForeignKey(
        "org.ServiceCentre",
        verbose_name=_("政务服务中心"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    code = models.SlugField(_("问卷编码"), max_length=40, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("说明"), blank=True)
    is_anonymous = models.BooleanField(_("匿名问卷"), default=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Incremented on every change of the questions; a response keeps the version it answered.
    version = models.PositiveIntegerField(_("版本"), default=1)
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("关联会议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One question; ``options`` is a list of ``{"code", "label"}`` for choice questions, and
    the question is shown only when ``condition_question``'s answer is one of
    ``condition_values`` (when set)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("题号"), max_length=20)
    order = models.PositiveSmallIntegerField(_("顺序"))
    kind = models.CharField(_("题型"), max_length=20, choices=_choices(QuestionKind))
    text = models.CharField(_("题目"), max_length=300)
    options = models.JSONField(_("选项"), default=list, blank=True)
    is_required = models.BooleanField(_("必答"), default=True)
    condition_question = models.CharField(_("显示条件题号"), max_length=20, blank=True)
    condition_values = models.JSONField(_("显示条件选项"), default=list, blank=True)

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["survey", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="engagement_question_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class PaperCopy(models.Model):
    """One printed paper questionnaire (流水号 + 二维码); entered at most once."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="paper_copies")
    serial = models.CharField(_("流水号"), max_length=40, unique=True)
    batch = models.PositiveIntegerField(_("印制批次"))
    printed_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("纸质问卷")
        verbose_name_plural = _("纸质问卷")
        ordering = ["survey", "serial"]

    def __str__(self) -> str:
        return self.serial


class SurveyResponse(models.Model):
    """One answer set. ``respondent`` is empty for anonymous surveys (never recorded).
    ``paper_copy`` is unique: a printed copy is answered once, on paper or through its QR."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上")
        PAPER = "paper", _("纸质")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    survey_version = models.PositiveIntegerField(_("问卷版本"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    paper_copy = models.OneToOneField(
        PaperCopy,
        verbose_name=_("纸质问卷"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答卷人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(_("答案"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["survey", "submitted_at", "id"]
        constraints = [
            # A paper answer is always keyed by its copy; an online answer may be too, when
            # it was given through the QR code printed on that copy (one answer per copy).
            models.CheckConstraint(
                condition=models.Q(channel="online") | models.Q(paper_copy__isnull=False),
                name="engagement_paper_has_copy",
            ),
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="engagement_one_response_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.get_channel_display()} {self.pk}"
