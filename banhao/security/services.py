"""Writes of the security baseline: login attempts and locks, second factors, the security
admin's account actions. Every security event is audited (``security.*``); passwords and codes
never are."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pyotp
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables

from banhao.accounts.models import User
from banhao.audit.models import AuditEntry
from banhao.audit.services import audit_record
from banhao.security import conf
from banhao.security.access import is_security_admin, mfa_required
from banhao.security.models import LoginAttempt, MfaDevice, RecoveryCode
from banhao.security.selectors import (
    Lock,
    account_lock,
    address_lock,
    login_lock,
    normalise_username,
)
from banhao.shared import clock
from banhao.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed

#: How many recovery codes a user gets at a time.
RECOVERY_CODE_COUNT = 10
#: Recovery code characters: no 0/O, 1/I/L look-alikes (32 symbols, 5 bits each).
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 10
#: Codes of the time step before and after the current one are accepted (clock drift).
TOTP_VALID_WINDOW = 1


class LoginLocked(Forbidden):
    """Too many failures: the account is locked or the address throttled."""

    code = "login_locked"

    def __init__(self, lock: Lock) -> None:
        super().__init__(lock.message, details={"scope": lock.scope})
        self.lock = lock


# -- login attempts ---------------------------------------------------------------------------


def login_refusal(*, username: str, address: str | None, stage: str = "password") -> Lock | None:
    """The lock that refuses this attempt, if any (the refusal is audited)."""
    lock = login_lock(username, address)
    if lock is not None:
        audit_record(
            actor=None,
            action="security.login_refused",
            result=AuditEntry.Result.REFUSED,
            address=address,
            details={"username": normalise_username(username), "scope": lock.scope, "stage": stage},
        )
    return lock


@transaction.atomic
def login_failure_record(
    *, username: str, address: str | None, stage: str = "password"
) -> Lock | None:
    """Record a failed attempt (``stage``: password, mfa or reauth) and return the lock it
    caused, if it caused one. The failure, and a lock it starts, are audited — with the
    username tried and the address, never the password or code."""
    name = normalise_username(username)
    had_account_lock = account_lock(name) is not None
    had_address_lock = address_lock(address) is not None
    LoginAttempt.objects.create(
        at=clock.now(), username=name, address=address, result=LoginAttempt.Result.FAILED
    )
    audit_record(
        actor=None,
        action="security.login_failed",
        result=AuditEntry.Result.FAILED,
        address=address,
        details={"username": name, "stage": stage},
    )
    new_lock: Lock | None = None
    lock = account_lock(name)
    if lock is not None and not had_account_lock:
        new_lock = lock
        audit_record(
            actor=None,
            action="security.account_locked",
            result=AuditEntry.Result.REFUSED,
            address=address,
            details={
                "username": name,
                "until": lock.until.isoformat(),
                "failures": conf.account_failure_limit(),
            },
        )
    lock = address_lock(address)
    if lock is not None and not had_address_lock:
        new_lock = new_lock or lock
        audit_record(
            actor=None,
            action="security.address_throttled",
            result=AuditEntry.Result.REFUSED,
            address=address,
            details={
                "username": name,
                "until": lock.until.isoformat(),
                "failures": conf.address_failure_limit(),
            },
        )
    return new_lock


def _failures_clear(username: str) -> None:
    LoginAttempt.objects.filter(
        username=normalise_username(username), result=LoginAttempt.Result.FAILED, cleared=False
    ).update(cleared=True)


@transaction.atomic
def login_success_record(*, user: User, address: str | None) -> None:
    """The password was right. Earlier failures stop counting once every factor passed: at
    once for an applicant, after the second factor for staff (so that a known password
    cannot reset the count of wrong codes)."""
    pending = mfa_required(user)
    LoginAttempt.objects.create(
        at=clock.now(),
        username=normalise_username(user.username),
        address=address,
        result=LoginAttempt.Result.SUCCEEDED,
    )
    if not pending:
        _failures_clear(user.username)
    audit_record(
        actor=user,
        action="security.login",
        obj=user,
        address=address,
        details={"mfa": "pending" if pending else "not_required"},
    )


# -- TOTP -------------------------------------------------------------------------------------


def totp(device: MfaDevice) -> pyotp.TOTP:
    return pyotp.TOTP(device.secret)


def provisioning_uri(device: MfaDevice) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return totp(device).provisioning_uri(name=device.user.username, issuer_name=conf.mfa_issuer())


@sensitive_variables("code")
def _totp_timecode(device: MfaDevice, code: str) -> int | None:
    """The time step ``code`` belongs to, if it is a valid code not used before."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    try:
        step = totp(device).verify_and_get_timecode(
            code, for_time=clock.now(), valid_window=TOTP_VALID_WINDOW
        )
    except pyotp.exceptions.OTPVerificationError:
        return None
    return step if step > device.last_timecode else None


@transaction.atomic
def mfa_enrol_start(*, user: User, address: str | None = None) -> MfaDevice:
    """The user's pending device (created with a new secret if there is none). A user whose
    device is already confirmed cannot enrol again (a security admin resets it first)."""
    device = MfaDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise Conflict("已绑定动态口令，如需更换请联系安全管理员重置", code="mfa_enrolled")
    if device is None:
        device = MfaDevice.objects.create(
            user=user, secret=pyotp.random_base32(), created_at=clock.now()
        )
        audit_record(actor=user, action="security.mfa_enrol_started", obj=user, address=address)
    return device


@transaction.atomic
@sensitive_variables("code")
def mfa_enrol_confirm(*, user: User, code: str, address: str | None = None) -> list[str]:
    """Confirm the pending device with a code from the app; returns the new recovery codes
    (the only time they exist in clear)."""
    device = MfaDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise NotFound("请先开始绑定动态口令", code="mfa_not_started")
    if device.confirmed_at is not None:
        raise Conflict("已绑定动态口令", code="mfa_enrolled")
    step = _totp_timecode(device, code)
    if step is None:
        audit_record(
            actor=user,
            action="security.mfa_enrol_failed",
            obj=user,
            result=AuditEntry.Result.FAILED,
            address=address,
        )
        raise ValidationFailed(
            "动态口令不正确，请核对手机时间后输入验证器当前显示的 6 位数字", field="code"
        )
    now = clock.now()
    device.confirmed_at = now
    device.last_used_at = now
    device.last_timecode = step
    device.save(update_fields=["confirmed_at", "last_used_at", "last_timecode"])
    audit_record(actor=user, action="security.mfa_enrolled", obj=user, address=address)
    _failures_clear(user.username)
    return _recovery_codes_replace(user=user, address=address)


# -- recovery codes ---------------------------------------------------------------------------


def _recovery_digest(code: str) -> str:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return salted_hmac("banhao.security.recovery_code", normalised, algorithm="sha256").hexdigest()


def _recovery_code_new() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _recovery_codes_replace(*, user: User, address: str | None) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    now = clock.now()
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_digest(c), created_at=now) for c in codes]
    )
    audit_record(
        actor=user,
        action="security.recovery_codes_generated",
        obj=user,
        address=address,
        details={"count": len(codes)},
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User, address: str | None = None) -> list[str]:
    """New recovery codes for a user with a confirmed device; the old ones stop working."""
    if not MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        raise Conflict("尚未绑定动态口令", code="mfa_not_enrolled")
    return _recovery_codes_replace(user=user, address=address)


@sensitive_variables("code")
def _recovery_code_use(user: User, code: str) -> bool:
    digest = _recovery_digest(code)
    candidate = (
        RecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=digest, used_at__isnull=True)
        .first()
    )
    if candidate is None:
        return False
    candidate.used_at = clock.now()
    candidate.save(update_fields=["used_at"])
    return True


# -- the second step of a login ----------------------------------------------------------------


@dataclass(frozen=True)
class MfaPass:
    device: MfaDevice
    method: str  # "totp" or "recovery_code"
    recovery_codes_left: int


@sensitive_variables("code")
def _second_factor_check(user: User, code: str) -> MfaPass | None:
    device = MfaDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is None:
        return None
    now = clock.now()
    step = _totp_timecode(device, code)
    if step is not None:
        device.last_timecode = step
        device.last_used_at = now
        device.save(update_fields=["last_timecode", "last_used_at"])
        method = "totp"
    elif _recovery_code_use(user, code):
        method = "recovery_code"
    else:
        return None
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    return MfaPass(device=device, method=method, recovery_codes_left=left)


@sensitive_variables("code")
def mfa_verify(*, user: User, code: str, address: str | None, stage: str = "mfa") -> MfaPass:
    """Check the second factor: a TOTP code (each time step once) or an unused recovery code
    (used up by this). A wrong code counts as a login failure of the account; a lock it
    causes is raised as ``LoginLocked``, otherwise ``ValidationFailed``."""
    lock = login_refusal(username=user.username, address=address, stage=stage)
    if lock is not None:
        raise LoginLocked(lock)
    with transaction.atomic():
        passed = _second_factor_check(user, code)
        if passed is not None:
            _failures_clear(user.username)
            audit_record(
                actor=user,
                action="security.mfa_verified",
                obj=user,
                address=address,
                details={
                    "method": passed.method,
                    "stage": stage,
                    "recovery_codes_left": passed.recovery_codes_left,
                },
            )
            return passed
    audit_record(
        actor=user,
        action="security.mfa_failed",
        obj=user,
        result=AuditEntry.Result.FAILED,
        address=address,
        details={"stage": stage},
    )
    lock = login_failure_record(username=user.username, address=address, stage=stage)
    if lock is not None:
        raise LoginLocked(lock)
    raise ValidationFailed("动态口令或恢复码不正确", field="code")


@sensitive_variables("password", "code")
def reauthenticate(*, user: User, password: str, code: str, address: str | None) -> str:
    """Confirm the identity of a logged-in user again before a sensitive action: the password,
    and for staff with a device also a TOTP or recovery code. Returns the second factor's
    method ("" when none was needed). Failures count like login failures."""
    lock = login_refusal(username=user.username, address=address, stage="reauth")
    if lock is not None:
        raise LoginLocked(lock)
    if not user.check_password(password):
        lock = login_failure_record(username=user.username, address=address, stage="reauth")
        if lock is not None:
            raise LoginLocked(lock)
        raise ValidationFailed("密码不正确", field="password")
    method = ""
    if mfa_required(user):
        method = mfa_verify(user=user, code=code, address=address, stage="reauth").method
    else:
        _failures_clear(user.username)
    audit_record(
        actor=user,
        action="security.reauthenticated",
        obj=user,
        address=address,
        details={"method": method or "password"},
    )
    return method


# -- the security admin's actions --------------------------------------------------------------


def _security_admin_check(actor: User, user: User) -> None:
    if not is_security_admin(actor):
        raise Forbidden("只有安全管理员可以管理账号安全", code="not_security_admin")
    if actor.pk == user.pk:
        raise Forbidden("不能对自己的账号执行此操作，请由另一位安全管理员办理", code="self")


@transaction.atomic
def mfa_reset(*, user: User, actor: User, address: str | None = None) -> None:
    """Remove a user's device and recovery codes (a lost phone): the user enrols again at the
    next login."""
    _security_admin_check(actor, user)
    had_device = MfaDevice.objects.filter(user=user).delete()[0] > 0
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="security.mfa_reset",
        obj=user,
        address=address,
        details={"username": user.username, "had_device": had_device},
    )


@transaction.atomic
def account_unlock(*, user: User, actor: User, address: str | None = None) -> None:
    """Lift a lock on the account before it runs out (the failures stop counting)."""
    _security_admin_check(actor, user)
    _failures_clear(user.username)
    audit_record(
        actor=actor,
        action="security.account_unlocked",
        obj=user,
        address=address,
        details={"username": user.username},
    )


@transaction.atomic
def user_active_set(*, user: User, active: bool, actor: User, address: str | None = None) -> User:
    """Activate or deactivate an account. A deactivated account cannot log in, its API tokens
    stop working and its open sessions end at their next request."""
    _security_admin_check(actor, user)
    if user.is_active == active:
        raise Conflict("账号已是启用状态" if active else "账号已是停用状态", code="unchanged")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="security.user_activated" if active else "security.user_deactivated",
        obj=user,
        address=address,
        details={"username": user.username},
    )
    return user


# -- housekeeping ------------------------------------------------------------------------------

#: Login attempts older than this are removed (the audit log keeps the long-term record).
LOGIN_ATTEMPT_RETENTION = dt.timedelta(days=90)


def login_attempts_prune() -> int:
    """Remove login attempts past ``LOGIN_ATTEMPT_RETENTION``; returns how many."""
    cutoff = clock.now() - LOGIN_ATTEMPT_RETENTION
    count, _ = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    if count:
        audit_record(
            actor=None,
            action="security.login_attempts_pruned",
            details={"count": count, "cutoff": cutoff.isoformat()},
        )
    return count
