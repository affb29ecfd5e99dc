"""Forms of the applicant's pages. They only check shape (required, length); the services
check meaning (identifier check digits, 办理情形 answers, file content) and their
``ValidationFailed`` is put back on the form with `add_service_error`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from banhao.accounts.models import User
from banhao.cases.models import ApplicantKind
from banhao.cases.services import ApplicantData
from banhao.catalog.models import Situation
from banhao.shared.errors import BanhaoError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: The keys of ``Case.form_data`` this page edits (other keys are kept as they are).
FORM_DATA_KEYS = ("project_name", "project_code", "description")


def _required(message: StrOrPromise) -> dict[str, Any]:
    return {"required": message}


def _max(message: StrOrPromise) -> dict[str, Any]:
    return {"max_length": message}


def add_service_error(form: forms.Form, error: BanhaoError) -> None:
    """Put a service error next to the field it names, or on top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class RowVersionForm(forms.Form):
    """Every action form carries the ``row_version`` the page was rendered with."""

    row_version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("页面已过期，请刷新后重试"),
            "invalid": _("页面已过期，请刷新后重试"),
            "min_value": _("页面已过期，请刷新后重试"),
        },
    )


class ApplyForm(forms.Form):
    """Step 1 of 在线申请: the item's 办理情形 questions and who applies."""

    applicant_name = forms.CharField(
        label=_("申请人名称"),
        max_length=200,
        error_messages=_required(_("请填写申请人名称")) | _max(_("申请人名称不能超过 200 个字")),
    )
    applicant_id_number = forms.CharField(
        label=_("证件号码"),
        max_length=30,
        error_messages=_required(_("请填写证件号码")) | _max(_("证件号码过长")),
    )
    contact_name = forms.CharField(
        label=_("联系人"),
        max_length=100,
        error_messages=_required(_("请填写联系人姓名")) | _max(_("联系人姓名不能超过 100 个字")),
    )
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        error_messages=_required(_("请填写联系电话")) | _max(_("联系电话格式不正确")),
    )
    address = forms.CharField(
        label=_("通讯地址"),
        max_length=300,
        required=False,
        error_messages=_max(_("通讯地址不能超过 300 个字")),
    )

    def __init__(
        self, data: QueryDict | None = None, *, user: User, situations: list[Situation]
    ) -> None:
        self.user = user
        self.kind = (
            ApplicantKind.COMPANY.value
            if user.kind == User.Kind.COMPANY
            else ApplicantKind.PERSON.value
        )
        initial = {"applicant_name": user.display_name}
        if self.kind == ApplicantKind.COMPANY:
            initial["applicant_id_number"] = user.organisation_code
        else:
            initial["contact_name"] = user.display_name
        super().__init__(data, initial=initial)
        if self.kind == ApplicantKind.COMPANY:
            self.fields["applicant_name"].label = _("单位名称")
            id_field = self.fields["applicant_id_number"]
            id_field.label = _("统一社会信用代码")
            # A company account applies for its own code only: shown, not editable.
            id_field.disabled = bool(user.organisation_code)
        else:
            self.fields["applicant_name"].label = _("姓名")
            self.fields["applicant_id_number"].label = _("身份证号")
        self.situation_fields: list[str] = []
        for situation in situations:
            name = f"situation_{situation.pk}"
            unanswered = _("请回答办理情形：%(question)s") % {"question": situation.question}
            self.fields[name] = forms.ChoiceField(
                label=situation.question,
                choices=[(str(option.pk), option.label) for option in situation.options.all()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": unanswered,
                    "invalid_choice": _("所选选项无效，请重新选择"),
                },
            )
            self.situation_fields.append(name)

    @property
    def situation_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.situation_fields]

    @property
    def applicant_bound_fields(self) -> list[forms.BoundField]:
        names = ["applicant_name", "applicant_id_number", "contact_name", "contact_phone"]
        return [self[name] for name in [*names, "address"]]

    @property
    def unanswered_count(self) -> int:
        return sum(1 for name in self.situation_fields if name in self.errors)

    def answers(self) -> dict[str, str]:
        """``{situation id: option id}`` as the services take them."""
        return {
            name.removeprefix("situation_"): str(self.cleaned_data[name])
            for name in self.situation_fields
        }

    def applicant(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            kind=self.kind,
            name=data["applicant_name"],
            id_number=data["applicant_id_number"].strip().upper(),
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            address=data.get("address") or "",
        )


class DraftForm(RowVersionForm):
    """The 申请表 of a draft: the project and a free-text description."""

    project_name = forms.CharField(
        label=_("项目名称"),
        max_length=200,
        required=False,
        error_messages=_max(_("项目名称不能超过 200 个字")),
    )
    project_code = forms.CharField(
        label=_("项目代码"),
        max_length=50,
        required=False,
        help_text=_("投资项目在线审批监管平台赋予的项目代码，没有可不填"),
        error_messages=_max(_("项目代码不能超过 50 个字符")),
    )
    description = forms.CharField(
        label=_("申请事项说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_max(_("申请事项说明不能超过 2000 个字")),
    )

    def form_data(self, current: dict[str, Any]) -> dict[str, Any]:
        """``current`` with this form's keys replaced."""
        merged = dict(current)
        for key in FORM_DATA_KEYS:
            merged[key] = self.cleaned_data.get(key, "").strip()
        return merged


class MaterialUploadForm(RowVersionForm):
    file = forms.FileField(
        label=_("选择文件"),
        allow_empty_file=True,  # the service refuses it with its own message
        max_length=200,
        error_messages={
            "required": _("请选择要上传的文件"),
            "invalid": _("没有收到文件，请重新选择"),
            "missing": _("没有收到文件，请重新选择"),
            "max_length": _("文件名过长，请改短后再上传"),
        },
    )


class WithdrawForm(RowVersionForm):
    reason = forms.CharField(
        label=_("撤回理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_required(_("请填写撤回理由")) | _max(_("撤回理由不能超过 500 个字")),
    )
