"""Catalogue rows → ``banhao_core`` values (small explicit mapping functions)."""

from __future__ import annotations

from banhao.catalog.models import ServiceItemVersion
from banhao_core.time_limits import LimitUnit, TimeLimit, TimeLimitError


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


def version_legal_limit(version: ServiceItemVersion) -> TimeLimit | None:
    """法定办结时限 of ``version``."""
    return time_limit(version.legal_limit_amount, version.legal_limit_unit)


def version_promised_limit(version: ServiceItemVersion) -> TimeLimit | None:
    """承诺办结时限 of ``version`` (the one a case is timed against)."""
    return time_limit(version.promised_limit_amount, version.promised_limit_unit)
