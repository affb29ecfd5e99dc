"""Forms of the engagement pages. They check shapes only; the rules (status table,
deadlines, survey conditions, serials) are decided by ``banhao.engagement.services`` and its
Chinese message is shown next to the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banhao.engagement.models import Forum, ForumInvitee, ParticipantCategory, Suggestion
from banhao.org.models import Department
from banhao_core.surveys import QuestionKind

MAX_TEXT = 4000


def _area(rows: int = 3, maxlength: int = MAX_TEXT) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": maxlength})


class ForumForm(forms.Form):
    theme = forms.CharField(label=_("会议主题"), max_length=200)
    held_on = forms.DateField(label=_("召开日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    agenda = forms.CharField(label=_("议程"), required=False, widget=_area(5))


class ForumEditForm(ForumForm):
    minutes = forms.CharField(label=_("会议纪要"), required=False, widget=_area(8, 20000))
    status = forms.ChoiceField(label=_("状态"), choices=Forum.Status.choices)


class InviteeForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=ParticipantCategory.choices)
    name = forms.CharField(label=_("姓名"), max_length=100)
    organisation = forms.CharField(label=_("单位"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=100)
    position = forms.CharField(label=_("职务"), max_length=100)
    unit = forms.CharField(label=_("科室或单位"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40)
    available_24h = forms.BooleanField(label=_("24小时联系"), required=False, initial=True)


class InviteeReplyForm(forms.Form):
    reply = forms.ChoiceField(label=_("回复"), choices=ForumInvitee.Reply.choices)


class SuggestionForm(forms.Form):
    """A manager registers a suggestion (from a forum, or a paper questionnaire)."""

    source = forms.ChoiceField(label=_("来源"), choices=Suggestion.Source.choices)
    forum = forms.ModelChoiceField(label=_("会议"), queryset=Forum.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=Suggestion.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=_area(4))
    raiser_category = forms.ChoiceField(
        label=_("提出人类别"),
        choices=[("", "—"), *ParticipantCategory.choices],
        required=False,
    )
    raiser_name = forms.CharField(label=_("提出人"), max_length=100, required=False)
    raiser_phone = forms.CharField(label=_("提出人联系电话"), max_length=20, required=False)
    service_items = forms.CharField(
        label=_("涉及事项编码"),
        required=False,
        max_length=500,
        help_text=_("多个编码用逗号分隔，例如 371681-XK-0001"),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("涉及部门"),
        queryset=Department.objects.order_by("sort_order", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    about_staff = forms.TypedChoiceField(
        label=_("涉及工作人员（星帮办）"), coerce=int, required=False, empty_value=None
    )
    sentiment = forms.ChoiceField(
        label=_("评价倾向"), choices=Suggestion.Sentiment.choices, initial="neutral"
    )

    def __init__(self, *args: Any, forums: Any, staff: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        forum_field = self.fields["forum"]
        assert isinstance(forum_field, forms.ModelChoiceField)
        forum_field.queryset = forums
        self.fields["about_staff"].choices = [("", "—"), *staff]  # type: ignore[attr-defined]


class PublicSuggestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=Suggestion.Kind.choices,
        widget=forms.RadioSelect,
        initial="suggestion",
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("具体内容"), widget=_area(6))
    is_anonymous = forms.BooleanField(
        label=_("匿名提交（不留姓名和电话，办理结果请在“办理公开”页面查看）"), required=False
    )
    raiser_name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    raiser_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)


class AssignForm(forms.Form):
    row_version = forms.IntegerField(widget=forms.HiddenInput)
    department = forms.ModelChoiceField(
        label=_("承办部门"), queryset=Department.objects.order_by("sort_order", "name")
    )
    working_days = forms.IntegerField(
        label=_("办理时限（工作日）"), min_value=1, max_value=60, initial=5
    )


class VersionForm(forms.Form):
    row_version = forms.IntegerField(widget=forms.HiddenInput)


class AnswerForm(VersionForm):
    response = forms.CharField(label=_("答复意见"), widget=_area(4))
    public_summary = forms.CharField(
        label=_("公开办理结果（将在办理公开页面展示，请勿写入个人信息）"),
        widget=_area(2, 1000),
    )


class DeclineForm(VersionForm):
    reason = forms.CharField(label=_("不予采纳的理由（将公开）"), widget=_area(3, 1000))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("办理结果佐证（照片或 PDF）"))
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("问卷标题"), max_length=200)
    code = forms.SlugField(
        label=_("问卷编码"),
        max_length=40,
        required=False,
        help_text=_("用于网址和纸质问卷流水号，例如 msmp-2026q4；留空自动生成"),
    )
    intro = forms.CharField(label=_("说明"), required=False, widget=_area(3, 2000))
    is_anonymous = forms.BooleanField(
        label=_("匿名问卷（不记录答卷人）"), required=False, initial=True
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=[(k.value, k.label) for k in QuestionKind])
    text = forms.CharField(label=_("题目"), max_length=300)
    options = forms.CharField(
        label=_("选项（每行一个，单选题和多选题填写）"), required=False, widget=_area(4, 3000)
    )
    is_required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    condition_question = forms.CharField(
        label=_("显示条件：题号"),
        max_length=20,
        required=False,
        help_text=_("例如 Q3；留空表示总是显示"),
    )
    condition_values = forms.CharField(
        label=_("显示条件：选项"),
        max_length=100,
        required=False,
        help_text=_("该题选了哪些选项时显示，例如 B 或 A,B；量表题填分值，例如 1,2"),
    )

    def option_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]

    def condition_list(self) -> list[str]:
        raw = self.cleaned_data["condition_values"].replace("，", ",")
        return [v.strip().upper() for v in raw.split(",") if v.strip()]


class PaperBatchForm(forms.Form):
    count = forms.IntegerField(label=_("印制份数"), min_value=1, max_value=500, initial=20)
