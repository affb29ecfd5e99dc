"""Writes on accounts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from banhao.accounts.models import User
from banhao.accounts.roles import Role, separation_problem
from banhao.audit.services import audit_record
from banhao.org.models import Department, ServiceCentre, Window
from banhao.privacy.fields import blind_lookup
from banhao.shared.errors import Conflict, ValidationFailed
from banhao_core.identifiers import IdentifierError, validate_credit_code, validate_resident_id

#: 4–30 ASCII letters, digits or underscores.
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_]{4,30}")
#: A mainland mobile number: 11 digits, 1 then 3–9.
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
DISPLAY_NAME_MAX = 200


def role_groups(roles: Iterable[Role]) -> list[Group]:
    """The Django groups of ``roles`` (created by migration 0002; recreated if missing, e.g.
    after a test database flush)."""
    return [Group.objects.get_or_create(name=role.value)[0] for role in roles]


@sensitive_variables()  # the ID number, here and in the validators below
def _resident_id_check(value: str, *, kind: str, exclude: User | None = None) -> str:
    """The normalised 身份证号 for a person account (other than ``exclude``), or
    ``ValidationFailed``/``Conflict``."""
    if kind != User.Kind.PERSON:
        raise ValidationFailed("只有个人账号可以登记身份证号", field="id_number")
    try:
        number = validate_resident_id(value)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="id_number") from exc
    taken = User.objects.filter(blind_lookup(User, "id_number", number))
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise Conflict("该身份证号已注册过账号", field="id_number")
    return number


@transaction.atomic
@sensitive_variables("password", "id_number")
def user_create(
    *,
    username: str,
    password: str | None,
    kind: str,
    display_name: str,
    roles: Iterable[Role],
    actor: User | None,
    organisation_code: str = "",
    service_centre: ServiceCentre | None = None,
    department: Department | None = None,
    window: Window | None = None,
    is_superuser: bool = False,
    mobile: str = "",
    id_number: str = "",
) -> User:
    """Create a user with roles. Staff roles require a service centre; reviewers and
    approvers a department; a company account its valid 统一社会信用代码, not yet taken by
    another company account. ``mobile`` and (for a person) ``id_number`` are optional.
    三权分立: at most one of the three administrator roles, and a superuser only as the system
    admin (``banhao.accounts.roles.separation_problem``)."""
    role_set = frozenset(roles)
    if User.objects.filter(username=username).exists():
        raise Conflict(f"用户名已存在：{username}", field="username")
    if kind == User.Kind.COMPANY:
        try:
            organisation_code = validate_credit_code(organisation_code)
        except IdentifierError as exc:
            raise ValidationFailed(str(exc), field="organisation_code") from exc
        if User.objects.filter(kind=kind, organisation_code=organisation_code).exists():
            raise Conflict("该统一社会信用代码已注册过法人账号", field="organisation_code")
    mobile = mobile.strip()
    if mobile and not MOBILE_PATTERN.fullmatch(mobile):
        raise ValidationFailed("手机号格式不正确，应为 11 位手机号码", field="mobile")
    if id_number:
        id_number = _resident_id_check(id_number, kind=kind)
    separation = separation_problem(role_set, is_superuser=is_superuser)
    if separation is not None:
        raise ValidationFailed(separation, field="roles", code="separation_of_duties")
    if role_set & Role.staff_roles() and service_centre is None:
        raise ValidationFailed("工作人员必须指定所属政务服务中心", field="service_centre")
    if role_set & {Role.REVIEWER, Role.APPROVER} and department is None:
        raise ValidationFailed("审查、审批人员必须指定所属部门", field="department")
    user = User(
        username=username,
        kind=kind,
        display_name=display_name,
        organisation_code=organisation_code,
        service_centre=service_centre,
        department=department,
        window=window,
        mobile=mobile,
        id_number=id_number,
        # The Django admin: the system admin's catalogue pages, the audit admin's log.
        is_staff=is_superuser or bool(role_set & {Role.ADMIN, Role.AUDIT_ADMIN}),
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set(role_groups(role_set))
    audit_record(
        actor=actor,
        action="accounts.user_create",
        obj=user,
        details={"roles": sorted(r.value for r in role_set), "kind": kind},
    )
    return user


@transaction.atomic
@sensitive_variables("id_number")
def user_contact_set(
    *, user: User, actor: User | None, mobile: str | None = None, id_number: str | None = None
) -> User:
    """Change a user's mobile number and/or (a person's) 身份证号; ``None`` leaves one as it is.

    The audit entry names the changed fields, never their values.
    """
    changed: list[str] = []
    if mobile is not None:
        mobile = mobile.strip()
        if mobile and not MOBILE_PATTERN.fullmatch(mobile):
            raise ValidationFailed("手机号格式不正确，应为 11 位手机号码", field="mobile")
        if mobile != user.mobile:
            user.mobile = mobile
            changed.append("mobile")
    if id_number is not None:
        number = _resident_id_check(id_number, kind=user.kind, exclude=user) if id_number else ""
        if number != user.id_number:
            user.id_number = number
            changed.append("id_number")
    if changed:
        user.save(update_fields=changed)
        audit_record(
            actor=actor, action="accounts.user_contact_set", obj=user, details={"fields": changed}
        )
    return user


# -- applicant self-registration -------------------------------------------------------------

#: The kinds of account an applicant may register (staff accounts are created by an admin).
APPLICANT_KINDS = (User.Kind.PERSON, User.Kind.COMPANY)


@dataclass(frozen=True)
class _Registration:
    """A registration's inputs, normalised."""

    kind: str
    username: str
    display_name: str
    mobile: str
    id_number: str = field(repr=False)
    organisation_code: str


def _username_problem(username: str) -> str | None:
    if not username:
        return "请填写用户名"
    if not USERNAME_PATTERN.fullmatch(username):
        return "用户名应为 4 至 30 位字母、数字或下划线"
    return None


def _display_name_problem(display_name: str, *, is_company: bool) -> str | None:
    label = "单位名称" if is_company else "姓名"
    if not display_name:
        return f"请填写{label}"
    if len(display_name) > DISPLAY_NAME_MAX:
        return f"{label}不能超过 {DISPLAY_NAME_MAX} 个字"
    return None


def _mobile_problem(mobile: str, *, is_company: bool) -> str | None:
    label = "经办人手机号" if is_company else "手机号"
    if not mobile:
        return f"请填写{label}"
    if not MOBILE_PATTERN.fullmatch(mobile):
        return f"{label}格式不正确，应为 11 位手机号码"
    return None


#: Chinese wording of Django's password-validator errors, by code. Django's own zh-hans
#: catalogue lacks the current wording of "too short" (5.2 changed the message), so a
#: translated message cannot be relied on; codes not listed keep Django's message.
_PASSWORD_MESSAGES = {
    "password_too_short": "密码太短，至少需要 {min_length} 个字符。",
    "password_too_similar": "密码与{verbose_name}太相似。",
    "password_too_common": "密码太常见，容易被猜到。",
    "password_entirely_numeric": "密码不能全是数字。",
}


@sensitive_variables("password")
def _password_problem(password: str, *, user: User) -> str | None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS), their messages in Chinese."""
    if not password:
        return "请设置密码"
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        messages = []
        for error in exc.error_list:
            wording = _PASSWORD_MESSAGES.get(error.code or "")
            if wording is None:
                messages.extend(error.messages)
            else:
                params = {key: str(value) for key, value in (error.params or {}).items()}
                messages.append(wording.format_map(params))
        return "".join(messages)
    return None


@sensitive_variables()  # the ID number, here and in the validators below
def _identifier(
    value: str, validate: Callable[[str], str], *, missing: str
) -> tuple[str, str | None]:
    """``(normalised value, problem)`` of a 身份证号 or 统一社会信用代码."""
    value = value.strip().upper()
    if not value:
        return value, missing
    try:
        return validate(value), None
    except IdentifierError as exc:
        return value, str(exc)


@sensitive_variables("password", "id_number")
def _registration_check(
    *,
    kind: str,
    username: str,
    password: str,
    display_name: str,
    mobile: str,
    id_number: str,
    organisation_code: str,
) -> tuple[_Registration, dict[str, str]]:
    """Normalise the inputs and find every problem with them, by field (no database access).

    Messages never repeat the ID number or the password.
    """
    is_company = kind == User.Kind.COMPANY
    username = username.strip()
    display_name = display_name.strip()
    mobile = mobile.strip()
    problems: dict[str, str | None] = {
        "kind": None if kind in APPLICANT_KINDS else "请选择个人注册或法人注册",
        "username": _username_problem(username),
        "display_name": _display_name_problem(display_name, is_company=is_company),
        "mobile": _mobile_problem(mobile, is_company=is_company),
    }
    # A person registers with an ID number, a company with its code; the other one is dropped.
    if is_company:
        id_number = ""
        organisation_code, problems["organisation_code"] = _identifier(
            organisation_code, validate_credit_code, missing="请填写统一社会信用代码"
        )
    else:
        organisation_code = ""
        id_number, problems["id_number"] = _identifier(
            id_number, validate_resident_id, missing="请填写身份证号"
        )
    problems["password"] = _password_problem(
        password, user=User(username=username, kind=kind, display_name=display_name)
    )
    registration = _Registration(
        kind=kind,
        username=username,
        display_name=display_name,
        mobile=mobile,
        id_number=id_number,
        organisation_code=organisation_code,
    )
    return registration, {name: text for name, text in problems.items() if text}


@sensitive_variables("password", "id_number")
def applicant_registration_errors(
    *,
    kind: str,
    username: str,
    password: str,
    display_name: str,
    mobile: str,
    id_number: str = "",
    organisation_code: str = "",
) -> dict[str, str]:
    """Every input problem of a registration by field, ``{}`` if there is none.

    The same checks as ``applicant_register`` minus the duplicate checks, so that a form can
    show all its problems at once. Fields: kind, username, password, display_name, mobile,
    id_number (person), organisation_code (company).
    """
    _registration, errors = _registration_check(
        kind=kind,
        username=username,
        password=password,
        display_name=display_name,
        mobile=mobile,
        id_number=id_number,
        organisation_code=organisation_code,
    )
    return errors


def _registration_conflict(registration: _Registration) -> Conflict | None:
    """The first account that is already registered with these inputs, as a ``Conflict``."""
    if User.objects.filter(username__iexact=registration.username).exists():
        return Conflict("该用户名已被注册，请换一个", field="username")
    if (
        registration.id_number
        and User.objects.filter(blind_lookup(User, "id_number", registration.id_number)).exists()
    ):
        return Conflict("该身份证号已注册过账号，请直接登录", field="id_number")
    if (
        registration.organisation_code
        and User.objects.filter(
            kind=User.Kind.COMPANY, organisation_code=registration.organisation_code
        ).exists()
    ):
        return Conflict(
            "该统一社会信用代码已注册过法人账号，请使用该账号登录", field="organisation_code"
        )
    return None


@transaction.atomic
@sensitive_variables("password", "id_number")
def applicant_register(
    *,
    kind: str,
    username: str,
    password: str,
    display_name: str,
    mobile: str,
    id_number: str = "",
    organisation_code: str = "",
) -> User:
    """Register an applicant account: a person (身份证号) or a company (统一社会信用代码).

    Raises ``ValidationFailed`` for bad input — ``field`` and ``message`` name the first
    problem, ``details["errors"]`` maps every field at fault to its message — and
    ``Conflict`` (with ``field``) when the username, ID number or company code is already
    registered. The new account has the applicant role; the audit entry records its kind only.
    """
    registration, errors = _registration_check(
        kind=kind,
        username=username,
        password=password,
        display_name=display_name,
        mobile=mobile,
        id_number=id_number,
        organisation_code=organisation_code,
    )
    if errors:
        first_field, message = next(iter(errors.items()))
        raise ValidationFailed(message, field=first_field, details={"errors": errors})
    conflict = _registration_conflict(registration)
    if conflict is not None:
        raise conflict
    user = User(
        username=registration.username,
        kind=registration.kind,
        display_name=registration.display_name,
        mobile=registration.mobile,
        id_number=registration.id_number,
        organisation_code=registration.organisation_code,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Someone registered the same name, ID number or code since the check above.
        conflict = _registration_conflict(registration)
        if conflict is None:
            raise
        raise conflict from exc
    user.groups.set(role_groups([Role.APPLICANT]))
    audit_record(
        actor=user,
        action="accounts.applicant_register",
        obj=user,
        details={"kind": registration.kind},
    )
    return user
