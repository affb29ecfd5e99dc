"""Background-job entry points of cases: thin, each calls one service (ADR 0005)."""

from __future__ import annotations

from banhao.cases.services import case_deadline_sweep
from banhao.shared.jobs import register_periodic, task


@task()
def sweep_deadlines() -> dict[str, int]:
    """Recompute stale due dates and raise 预警/超期 signals once."""
    report = case_deadline_sweep()
    return {"recomputed": report.recomputed, "alerted": report.alerted}


register_periodic("cases.sweep_deadlines", sweep_deadlines, every_seconds=600)
