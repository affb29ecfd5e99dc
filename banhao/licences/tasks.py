"""Background-job entry points of licences: thin, each calls one service (ADR 0005)."""

from __future__ import annotations

from banhao.licences.services import licence_expire_sweep, licence_send_renewal_reminders
from banhao.shared.jobs import register_periodic, task


@task()
def sweep_licences() -> dict[str, int]:
    """Record 过期失效 and send each 延续 reminder once."""
    return {"expired": licence_expire_sweep(), "reminded": licence_send_renewal_reminders()}


register_periodic("licences.sweep", sweep_licences, every_seconds=3600)
