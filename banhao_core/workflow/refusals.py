"""Typed refusals: why a command (or a review decision) was not allowed.

A refusal is a value, not an exception (Decidim-style named outcomes, conventions §5.5): the
shell shows ``message_zh`` to the person and may branch on ``code``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RefusalCode(StrEnum):
    """Stable machine-readable reasons. Values are part of the API; do not rename."""

    # Table and permission checks (decide)
    INVALID_TRANSITION = "invalid_transition"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    NOT_CASE_APPLICANT = "not_case_applicant"
    # Guards
    REASON_REQUIRED = "reason_required"
    CORRECTION_ITEMS_REQUIRED = "correction_items_required"
    CORRECTION_PERIOD_EXPIRED = "correction_period_expired"
    CORRECTION_ALREADY_ISSUED = "correction_already_issued"
    GROUND_REQUIRED = "ground_required"
    REFERRAL_REQUIRED = "referral_required"
    KEY_MATERIALS_MISSING = "key_materials_missing"
    MATERIALS_MISSING = "materials_missing"
    TOLERANCE_NOT_APPLICABLE = "tolerance_not_applicable"
    COMMITMENT_LETTER_MISSING = "commitment_letter_missing"
    CREDIT_RESTRICTED = "credit_restricted"
    NOTHING_TO_SUPPLEMENT = "nothing_to_supplement"
    SUPPLIED_MATERIALS_REQUIRED = "supplied_materials_required"
    UNKNOWN_MATERIAL = "unknown_material"
    REVIEW_TASKS_MISSING = "review_tasks_missing"
    PROCEDURE_KIND_REQUIRED = "procedure_kind_required"
    DURATION_REQUIRED = "duration_required"
    RESULT_REQUIRED = "result_required"
    DAYS_REQUIRED = "days_required"
    EXTENSION_EXHAUSTED = "extension_exhausted"
    EXTENSION_EXCEEDS_LIMIT = "extension_exceeds_limit"
    REVIEW_INCOMPLETE = "review_incomplete"
    REVIEW_REJECTED = "review_rejected"
    MATERIALS_OUTSTANDING = "materials_outstanding"
    RIGHTS_NOTICE_REQUIRED = "rights_notice_required"
    DELIVERY_METHOD_REQUIRED = "delivery_method_required"
    TRACKING_NUMBER_REQUIRED = "tracking_number_required"
    # Parallel review (review.complete_task)
    UNKNOWN_TASK = "unknown_task"
    TASK_ALREADY_DECIDED = "task_already_decided"
    TASK_CANCELLED = "task_cancelled"
    TASK_NOT_OPEN = "task_not_open"
    REVIEW_ALREADY_COMPLETE = "review_already_complete"
    OPINION_REQUIRED = "opinion_required"


@dataclass(frozen=True, slots=True)
class Refused:
    """A command or review decision was refused; ``message_zh`` says why, for people."""

    code: RefusalCode
    message_zh: str
