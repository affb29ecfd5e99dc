"""The one place the platform asks what time it is.

Services take ``now``/``today`` from here so that tests can freeze time (time-machine), demo
data can be generated "as of" past days (``at``), and the bureau's time zone
(settings.TIME_ZONE) is applied consistently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_override: ContextVar[dt.datetime | None] = ContextVar("banhao_clock_override", default=None)


def now() -> dt.datetime:
    """Aware current time."""
    fixed = _override.get()
    if fixed is not None:
        return fixed
    return timezone.now()  # noqa: TID251 - this is the clock module


def today() -> dt.date:
    """Today's date in the bureau's time zone."""
    return timezone.localdate(now())


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run the enclosed code as if it were ``moment`` (aware). Used by demo-data generation
    to replay past days through the real services."""
    if moment.tzinfo is None:
        raise ValueError("clock.at needs an aware datetime")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
