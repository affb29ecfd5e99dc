"""Catalogue rows → ``banhao_core`` values (small explicit mapping functions).

No runtime import of the models: the pure validators and the code lists use these too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from banhao_core.time_limits import LimitUnit, TimeLimit, TimeLimitError

if TYPE_CHECKING:
    from banhao.catalog.models import ServiceItemVersion


def time_limit(amount: int | None, unit: str) -> TimeLimit | None:
    """The core ``TimeLimit`` for stored amount/unit, or ``None`` when not filled in (or not
    valid, which the validators report)."""
    if not unit:
        return None
    try:
        core_unit = LimitUnit(unit)
        if core_unit is LimitUnit.IMMEDIATE:
            return TimeLimit.immediate()
        if amount is None:
            return None
        return TimeLimit(amount, core_unit)
    except (ValueError, TimeLimitError):
        return None


def time_limit_label(amount: int | None, unit: str) -> str:
    """``"1个工作日"``, ``"30个自然日"``, ``"即办"`` (the core's ``TimeLimit.label``); ``""``
    when not filled in."""
    limit = time_limit(amount, unit)
    return limit.label if limit is not None else ""


def version_legal_limit(version: ServiceItemVersion) -> TimeLimit | None:
    """法定办结时限 of ``version``."""
    return time_limit(version.legal_limit_amount, version.legal_limit_unit)


def version_promised_limit(version: ServiceItemVersion) -> TimeLimit | None:
    """承诺办结时限 of ``version`` (the one a case is timed against)."""
    return time_limit(version.promised_limit_amount, version.promised_limit_unit)
