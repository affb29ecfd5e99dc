from __future__ import annotations

import pytest

from banhao_core.situations import (
    SituationAnswerError,
    SituationSpec,
    applicable_materials,
    validate_answers,
)

SITUATIONS = (
    SituationSpec("s1", "是否委托代理人办理？", ("self", "agent")),
    SituationSpec("s2", "是否属于依法必须招标的工程？", ("yes", "no")),
)
MATERIALS = {
    "form": frozenset(),
    "power_of_attorney": frozenset({"agent"}),
    "tender_notice": frozenset({"yes"}),
}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"s1": "self", "s2": "no"}, ["form"]),
        ({"s1": "agent", "s2": "no"}, ["form", "power_of_attorney"]),
        ({"s1": "agent", "s2": "yes"}, ["form", "power_of_attorney", "tender_notice"]),
    ],
)
def test_materials_follow_the_chosen_options(answers: dict[str, str], expected: list[str]) -> None:
    clean = validate_answers(SITUATIONS, answers)
    assert applicable_materials(MATERIALS, frozenset(clean.values())) == expected


@pytest.mark.parametrize(
    ("answers", "situation", "message"),
    [
        ({"s2": "no"}, "s1", "请回答办理情形"),
        ({"s1": "self", "s2": "maybe"}, "s2", "选项无效"),
        ({"s1": "yes", "s2": "no"}, "s1", "选项无效"),
    ],
)
def test_bad_answers_are_explained(answers: dict[str, str], situation: str, message: str) -> None:
    with pytest.raises(SituationAnswerError, match=message) as info:
        validate_answers(SITUATIONS, answers)
    assert info.value.situation_id == situation


def test_unknown_answers_are_dropped() -> None:
    assert validate_answers(SITUATIONS, {"s1": "self", "s2": "no", "zz": "x"}) == {
        "s1": "self",
        "s2": "no",
    }
