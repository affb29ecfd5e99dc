from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from banhao.audit.models import AuditEntry

_CODE_ATTRS = {"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令或恢复码"),
        max_length=20,
        help_text=_("打开手机上的验证器应用，输入当前显示的 6 位数字；手机丢失时可输入一个恢复码"),
        widget=forms.TextInput(attrs=_CODE_ATTRS),
        error_messages={"required": _("请输入动态口令")},
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=10,
        help_text=_("扫码添加后，输入验证器应用当前显示的 6 位数字"),
        widget=forms.TextInput(attrs=_CODE_ATTRS | {"inputmode": "numeric"}),
        error_messages={"required": _("请输入动态口令")},
    )


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("请输入密码")},
    )
    code = forms.CharField(
        label=_("动态口令或恢复码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: object, needs_code: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if needs_code:
            self.fields["code"].required = True
            self.fields["code"].error_messages["required"] = _("请输入动态口令")
        else:
            del self.fields["code"]


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("范围"),
        required=False,
        choices=[
            ("", _("全部账号")),
            ("staff", _("工作人员")),
            ("inactive", _("已停用")),
            ("no_mfa", _("未绑定动态口令的工作人员")),
        ],
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=100,
        help_text=_("按前缀匹配，如 security. 或 cases.case_accept"),
    )
    actor = forms.CharField(label=_("操作人（用户名）"), required=False, max_length=150)
    result = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), *AuditEntry.Result.choices]
    )
    object_id = forms.CharField(label=_("对象标识"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
