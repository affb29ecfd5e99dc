"""What the core needs to know about a case to decide a command.

The shell builds a `CaseSnapshot` from the database (cases/snapshots.py) and computes every
fact that needs a calendar or the clock itself — e.g. whether the Art.32 notice period has
passed — so the core stays free of I/O and of the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass

from banhao_core.workflow.review import ReviewOutcome
from banhao_core.workflow.states import CaseState, Decision

# 行政许可法 第42条 ¶1: 20 days, extendable by 10 with the agency head's approval. ¶2 (统一、
# 联合、集中办理) allows 15; the catalogue/shell passes the applicable maximum.
DEFAULT_MAX_EXTENSION_WORKING_DAYS = 10


@dataclass(frozen=True, slots=True)
class CaseSnapshot:
    """An immutable view of one case.

    * ``missing_key_materials``: missing 必备/主件 materials, which may never be 容缺 (domain.md
      §5). ``missing_non_key_materials``: missing materials the department's 容缺受理事项清单
      allows to defer. Both are still outstanding after a 容缺 acceptance until supplied.
    * ``has_commitment_letter``: the applicant signed the 《容缺受理承诺书》.
    * ``applicant_credit_restricted``: 失信/不良信用 record or a past false commitment, which
      excludes 容缺受理 until 信用修复 (domain.md §5).
    * ``accepted_with_tolerance``: the case was accepted under 容缺受理 (BLZT 12 on approval).
    * ``correction_period_expired``: the Art.32 period for the one-time 补正 notice (5 days from
      receipt) has passed; the application then counts as accepted from receipt.
    * ``review``: the parallel review outcome, ``None`` until review tasks exist.
    * ``decision``: the licensing decision once made (kept through delivery and closing).

    * ``correction_notices_issued``: 补正 notices already issued for this application. The
      notice is one-time (Art.32 一次告知): after a resubmission that still falls short the
      window refuses acceptance (ground 未按要求补正) instead of asking again.
    """

    state: CaseState
    applicant_id: str
    missing_key_materials: tuple[str, ...] = ()
    missing_non_key_materials: tuple[str, ...] = ()
    has_commitment_letter: bool = False
    applicant_credit_restricted: bool = False
    accepted_with_tolerance: bool = False
    correction_period_expired: bool = False
    correction_notices_issued: int = 0
    review: ReviewOutcome | None = None
    extended_working_days: int = 0
    max_extension_working_days: int = DEFAULT_MAX_EXTENSION_WORKING_DAYS
    decision: Decision | None = None
