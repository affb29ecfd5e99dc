"""办理情形: which materials apply to an application, given the applicant's answers.

Rule (domain.md §2.1: 办理项 further differ by 办理情形 that select materials): a material that
no situation option mentions applies to everyone; a material linked to options applies only
when the applicant chose one of those options. Every situation must be answered with one of
its own options.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SituationSpec:
    id: str
    question: str
    option_ids: tuple[str, ...]


class SituationAnswerError(ValueError):
    """An answer is missing or not one of the question's options; the message is Chinese."""

    def __init__(self, message: str, situation_id: str) -> None:
        super().__init__(message)
        self.situation_id = situation_id


def validate_answers(
    situations: Sequence[SituationSpec], answers: Mapping[str, str]
) -> dict[str, str]:
    """Return the answers restricted to the known situations, or raise for the first problem."""
    clean: dict[str, str] = {}
    for situation in situations:
        chosen = answers.get(situation.id, "")
        if not chosen:
            raise SituationAnswerError(f"请回答办理情形：{situation.question}", situation.id)
        if chosen not in situation.option_ids:
            raise SituationAnswerError(f"办理情形「{situation.question}」的选项无效", situation.id)
        clean[situation.id] = chosen
    return clean


def applicable_materials(
    material_options: Mapping[str, frozenset[str]], chosen_options: frozenset[str]
) -> list[str]:
    """Material ids that apply, in the given order.

    ``material_options`` maps each material id to the option ids that select it (empty: the
    material always applies).
    """
    return [
        material_id
        for material_id, options in material_options.items()
        if not options or options & chosen_options
    ]
