"""Security baseline for accounts and sessions (等保2.0 level 3, domain.md §8.2).

* passwords: Argon2 (settings.PASSWORD_HASHERS) and a policy (``banhao.security.validators``);
* login failures: lock an account after too many failures, throttle an address
  (``LoginAttempt``, ``services.login_*``);
* sessions: an absolute lifetime for everyone, an idle timeout for staff, re-authentication for
  sensitive actions (``web.middleware``, ``web.decorators.recent_auth_required``);
* two factors for staff: TOTP (RFC 6238) plus one-time recovery codes (``MfaDevice``,
  ``RecoveryCode``);
* 三权分立: the security-admin pages (``/security/users/``) and the audit log
  (``/security/audit/``), each for its own role only.

Tests log staff in with ``banhao.security.testing.login_staff``.
"""
