"""Background-job entry points of security (ADR 0005)."""

from __future__ import annotations

from banhao.security.services import login_attempts_prune
from banhao.shared.jobs import register_periodic, task


@task()
def prune_login_attempts() -> dict[str, int]:
    """Remove old login attempts (they only matter for the lock window)."""
    return {"removed": login_attempts_prune()}


register_periodic("security.prune_login_attempts", prune_login_attempts, every_seconds=86400)
