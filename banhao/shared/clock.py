"""The one place the platform asks what time it is.

Services take ``now``/``today`` from here so that tests can freeze time (time-machine) and the
bureau's time zone (settings.TIME_ZONE) is applied consistently.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Aware current time."""
    return timezone.now()  # noqa: TID251 - this is the clock module


def today() -> dt.date:
    """Today's date in the bureau's time zone."""
    return timezone.localdate(now())
