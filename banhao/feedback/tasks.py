"""Background-job entry points of 好差评: thin, each calls one service (ADR 0005)."""

from __future__ import annotations

from banhao.feedback.services import complaint_overdue_sweep
from banhao.shared.jobs import register_periodic, task


@task()
def sweep_complaints() -> dict[str, int]:
    """Warn the responsible unit once when a 回访 or 整改 deadline has passed."""
    report = complaint_overdue_sweep()
    return {
        "callbacks": report.callback_warnings,
        "rectifications": report.rectification_warnings,
        "system_defaults": report.system_defaults,
    }


register_periodic("feedback.sweep_complaints", sweep_complaints, every_seconds=1800)
