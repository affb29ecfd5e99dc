"""Forms of applicant self-registration (个人注册, 法人注册).

The form checks shape (required, length, the two passwords match) and then asks
``applicant_registration_errors`` for the service's own checks, so that every problem shows
at once next to its field. Duplicates (username, ID number, company code) are found by
``applicant_register`` itself and put back on the form with ``add_service_error``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from banhao.accounts.models import User
from banhao.accounts.services import applicant_registration_errors
from banhao.security.services import login_failure_record, login_refusal
from banhao.security.web.session import client_address
from banhao.shared.errors import BanhaoError

#: Service field name → form field name, where they differ.
_FORM_FIELD = {"password": "password1"}


def _text(*, autocomplete: str = "", inputmode: str = "") -> forms.TextInput:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    if inputmode:
        attrs["inputmode"] = inputmode
    return forms.TextInput(attrs=attrs)


def _password(autocomplete: str = "new-password") -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class RegisterForm(forms.Form):
    """The fields both kinds share; a subclass adds its identifier and labels."""

    kind: ClassVar[str]

    username = forms.CharField(
        label=_("用户名"),
        max_length=30,
        help_text=_("4 至 30 位字母、数字或下划线，登录时使用"),
        widget=_text(autocomplete="username"),
        error_messages={
            "required": _("请填写用户名"),
            "max_length": _("用户名应为 4 至 30 位字母、数字或下划线"),
        },
    )
    display_name = forms.CharField(
        label=_("姓名"),
        max_length=200,
        widget=_text(autocomplete="name"),
        error_messages={"required": _("请填写姓名"), "max_length": _("姓名不能超过 200 个字")},
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=11,
        help_text=_("用于接收办件进度通知"),
        widget=_text(autocomplete="tel", inputmode="numeric"),
        error_messages={
            "required": _("请填写手机号"),
            "max_length": _("手机号格式不正确，应为 11 位手机号码"),
        },
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少 8 个字符，须同时包含字母和数字，不能与用户名相似"),
        widget=_password(),
        error_messages={"required": _("请设置密码")},
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=_password(),
        error_messages={"required": _("请再次输入密码")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        problems = applicant_registration_errors(**self._service_values(cleaned))
        for field, message in problems.items():
            name = _FORM_FIELD.get(field, field)
            if name in self.fields and name in self.errors:
                continue  # the field's own message (e.g. 请填写…) says it already
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def _service_values(self, cleaned: dict[str, Any]) -> dict[str, str]:
        return {
            "kind": self.kind,
            "username": cleaned.get("username", ""),
            "password": cleaned.get("password1", ""),
            "display_name": cleaned.get("display_name", ""),
            "mobile": cleaned.get("mobile", ""),
            "id_number": cleaned.get("id_number", ""),
            "organisation_code": cleaned.get("organisation_code", ""),
        }

    def registration(self) -> dict[str, str]:
        """The keyword arguments of ``applicant_register`` (call after ``is_valid()``)."""
        return self._service_values(self.cleaned_data)

    def add_service_error(self, error: BanhaoError) -> None:
        """Put a service error next to the field it names (all of them for a
        ``ValidationFailed`` that lists several), or on top of the form."""
        problems: dict[str, str] = error.details.get("errors") or {error.field or "": error.message}
        for field, message in problems.items():
            name = _FORM_FIELD.get(field, field)
            self.add_error(name if name in self.fields else None, message)


class PersonRegisterForm(RegisterForm):
    """个人注册: a natural person with a 身份证号."""

    kind = User.Kind.PERSON

    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        help_text=_("18 位居民身份证号码，末位 X 大小写均可"),
        widget=_text(autocomplete="off"),
        error_messages={
            "required": _("请填写身份证号"),
            "max_length": _("身份证号长度不正确，应为 18 位"),
        },
    )

    field_order = ["username", "display_name", "id_number", "mobile", "password1", "password2"]


class CompanyRegisterForm(RegisterForm):
    """法人注册: a company (or other organisation) with its 统一社会信用代码."""

    kind = User.Kind.COMPANY

    organisation_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        help_text=_("18 位，见营业执照或登记证书"),
        widget=_text(autocomplete="off"),
        error_messages={
            "required": _("请填写统一社会信用代码"),
            "max_length": _("统一社会信用代码长度不正确，应为 18 位"),
        },
    )

    field_order = [
        "username",
        "display_name",
        "organisation_code",
        "mobile",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = self.fields["display_name"]
        name.label = _("单位名称")
        name.widget.attrs["autocomplete"] = "organization"
        name.error_messages.update(
            required=_("请填写单位名称"), max_length=_("单位名称不能超过 200 个字")
        )
        mobile = self.fields["mobile"]
        mobile.label = _("经办人手机号")
        mobile.error_messages.update(
            required=_("请填写经办人手机号"),
            max_length=_("经办人手机号格式不正确，应为 11 位手机号码"),
        )


REGISTER_FORMS: dict[str, type[RegisterForm]] = {
    User.Kind.PERSON: PersonRegisterForm,
    User.Kind.COMPANY: CompanyRegisterForm,
}


class LoginForm(AuthenticationForm):
    """The password step of a login, with the lock of the security baseline: an account with
    too many recent failures, or a client address with too many, is refused before the
    password is even checked ("登录失败次数过多，请 N 分钟后再试"); every failure is counted
    and audited (``banhao.security.services``)."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入（区分大小写）"),
        "inactive": _("该账号已停用"),
        "locked": _("登录失败次数过多，请稍后再试"),
    }

    @sensitive_variables()
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password or self.request is None:
            return super().clean()
        address = client_address(self.request)
        lock = login_refusal(username=username, address=address)
        if lock is not None:
            raise ValidationError(lock.message, code="locked")
        try:
            return super().clean()
        except ValidationError:
            lock = login_failure_record(username=username, address=address)
            if lock is not None:
                raise ValidationError(lock.message, code="locked") from None
            raise
