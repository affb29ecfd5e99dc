"""Ratings for made-up cases (``manage.py generate_cases``, bench/ W2): the ``cases_generated``
receiver adds the 办结 ratings real applicants would have left, so that the publication and
ranking pages are measured with data of realistic size.

Bulk rows, no services and no audit entries — like the cases they belong to, these are not
business events. A seeded generator makes runs repeatable. The shares are this module's
assumptions (most applicants rate, almost all ratings are good), not data. No 差评 are
generated: every 差评 opens a 整改 ledger entry with 回访 and deadlines (``rating_submit``),
which bulk rows could only fake.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from banhao.cases.models import Case, CaseEvent
from banhao.feedback.models import Rating
from banhao_core.ratings import Level, RatingChannel, ServiceEvent, clean_indicators

#: Share of closed cases whose applicant rated the 办结.
RATED_SHARE = 0.7
#: Levels and their weights.
LEVEL_WEIGHTS: tuple[tuple[Level, int], ...] = (
    (Level.VERY_SATISFIED, 880),
    (Level.SATISFIED, 70),
    (Level.BASICALLY_SATISFIED, 50),
)
ONLINE_CHANNELS = (RatingChannel.PC, RatingChannel.MOBILE)
WINDOW_CHANNELS = (RatingChannel.QR_CODE, RatingChannel.HALL_TABLET)


def ratings_for_generated_cases(
    sender: Any, *, case_ids: Sequence[int], seed: int, **_: Any
) -> int:
    """Rate the 办结 of the closed cases among ``case_ids``; returns the number of ratings."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    closed = list(
        Case.objects.filter(pk__in=case_ids, state="closed", closed_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "closed_at", "window_id", "item_version__item__department_id",
            "registered_by_id", "applicant_id",
        )
    )  # fmt: skip
    if not closed:
        return 0
    accepted_by = dict(
        CaseEvent.objects.filter(
            case_id__in=[row[0] for row in closed], command="accept", actor__isnull=False
        ).values_list("case_id", "actor_id")
    )
    levels = [level for level, _ in LEVEL_WEIGHTS]
    weights = [weight for _, weight in LEVEL_WEIGHTS]
    ratings = []
    for case_id, closed_at, window_id, department_id, registered_by, applicant_id in closed:
        if department_id is None or closed_at is None or rng.random() >= RATED_SHARE:
            continue
        channel = rng.choice(WINDOW_CHANNELS if window_id else ONLINE_CHANNELS)
        indicator_set = channel.indicator_set
        level = rng.choices(levels, weights)[0]
        ratings.append(
            Rating(
                case_id=case_id,
                event=ServiceEvent.CLOSE.value,
                assess_number=1,
                level=level.value,
                channel=channel.value,
                indicator_set=indicator_set.value,
                indicators=clean_indicators(indicator_set, level, {}),
                rater_id=applicant_id,
                department_id=department_id,
                window_id=window_id,
                staff_id=accepted_by.get(case_id, registered_by),
                created_at=closed_at + dt.timedelta(minutes=rng.randrange(1, 3 * 24 * 60)),
            )
        )
    Rating.objects.bulk_create(ratings, batch_size=1000)
    return len(ratings)
