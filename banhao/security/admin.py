"""三权分立 in the Django admin.

Roles are Django groups that the code defines (``banhao.accounts.roles``); who holds which is
an account security matter, so the 系统管理员 — a superuser, who passes every permission
check — must not edit groups in the admin: the Group admin is removed. Accounts are managed on
the security admin's pages (``/security/users/``); the audit log admin is for the 审计管理员
only (``banhao.audit.admin``). The security models have no admin at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Group

if admin.site.is_registered(Group):
    admin.site.unregister(Group)
