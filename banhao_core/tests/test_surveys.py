"""Questionnaire rules: definitions, conditional questions, answer checks, tallies."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banhao_core.surveys import (
    Condition,
    Option,
    QuestionDef,
    QuestionKind,
    SurveyDef,
    check_answers,
    definition_problems,
    tally,
    visible_questions,
)

K = QuestionKind
AB = (Option("A", "是"), Option("B", "否"))
ABC = (Option("A", "窗口"), Option("B", "网上"), Option("C", "自助机"))

#: Q1 single (是/否); Q2 only if Q1 = B; Q3 multiple; Q4 scale; Q5 only if Q4 ∈ {1, 2};
#: Q6 optional text; Q7 only if Q3 includes C (chained on a multiple choice).
SURVEY = SurveyDef(
    questions=(
        QuestionDef("Q1", K.SINGLE, "是否一次办好", AB),
        QuestionDef(
            "Q2", K.TEXT, "没有一次办好的原因", condition=Condition("Q1", frozenset({"B"}))
        ),
        QuestionDef("Q3", K.MULTIPLE, "您使用过的渠道", ABC),
        QuestionDef("Q4", K.SCALE, "总体满意度"),
        QuestionDef("Q5", K.TEXT, "不满意的原因", condition=Condition("Q4", frozenset({"1", "2"}))),
        QuestionDef("Q6", K.TEXT, "其他建议", required=False),
        QuestionDef(
            "Q7",
            K.SINGLE,
            "自助机是否好用",
            AB,
            condition=Condition("Q3", frozenset({"C"})),
        ),
    )
)


def test_the_sample_survey_is_valid():
    assert definition_problems(SURVEY) == []


@pytest.mark.parametrize(
    ("questions", "code"),
    [
        ((), "survey_empty"),
        ((QuestionDef("Q1", K.SINGLE, "只有一个选项", (Option("A", "是"),)),), "options_too_few"),
        (
            (QuestionDef("Q1", K.SINGLE, "重复", (Option("A", "是"), Option("A", "否"))),),
            "option_code_duplicate",
        ),
        (
            (QuestionDef("Q1", K.SINGLE, "空白", (Option("A", "是"), Option("B", " "))),),
            "option_label_missing",
        ),
        ((QuestionDef("Q1", K.TEXT, "填空", AB),), "options_not_allowed"),
        ((QuestionDef("Q1", K.SCALE, " "),), "question_text_missing"),
        (
            (QuestionDef("Q1", K.SCALE, "a"), QuestionDef("Q1", K.SCALE, "b")),
            "question_code_duplicate",
        ),
        (
            (
                QuestionDef("Q1", K.TEXT, "先", condition=Condition("Q2", frozenset({"A"}))),
                QuestionDef("Q2", K.SINGLE, "后", AB),
            ),
            "condition_unknown_question",  # a condition may only look back
        ),
        (
            (
                QuestionDef("Q1", K.TEXT, "文字"),
                QuestionDef("Q2", K.TEXT, "依赖文字", condition=Condition("Q1", frozenset({"x"}))),
            ),
            "condition_on_text",
        ),
        (
            (
                QuestionDef("Q1", K.SINGLE, "是否", AB),
                QuestionDef("Q2", K.TEXT, "未知选项", condition=Condition("Q1", frozenset({"Z"}))),
            ),
            "condition_unknown_value",
        ),
        (
            (
                QuestionDef("Q1", K.SCALE, "分数"),
                QuestionDef("Q2", K.TEXT, "超出量表", condition=Condition("Q1", frozenset({"6"}))),
            ),
            "condition_unknown_value",
        ),
        (
            (
                QuestionDef("Q1", K.SINGLE, "是否", AB),
                QuestionDef("Q2", K.TEXT, "空条件", condition=Condition("Q1", frozenset())),
            ),
            "condition_values_missing",
        ),
    ],
)
def test_definition_problems(questions, code):
    problems = definition_problems(SurveyDef(questions=tuple(questions)))
    assert code in {p.code for p in problems}
    assert all(p.message for p in problems)


VALID = {"Q1": "A", "Q3": ["B", "A"], "Q4": 4}


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({}, {"Q1", "Q3", "Q4", "Q6"}),
        ({"Q1": "B"}, {"Q1", "Q2", "Q3", "Q4", "Q6"}),
        ({"Q4": 2}, {"Q1", "Q3", "Q4", "Q5", "Q6"}),
        ({"Q4": 3}, {"Q1", "Q3", "Q4", "Q6"}),
        ({"Q3": ["A", "C"]}, {"Q1", "Q3", "Q4", "Q6", "Q7"}),
    ],
)
def test_visible_questions(answers, shown):
    assert visible_questions(SURVEY, answers) == shown


def test_conditions_chain_through_hidden_questions():
    chained = SurveyDef(
        questions=(
            QuestionDef("Q1", K.SINGLE, "一", AB),
            QuestionDef("Q2", K.SINGLE, "二", AB, condition=Condition("Q1", frozenset({"A"}))),
            QuestionDef("Q3", K.TEXT, "三", condition=Condition("Q2", frozenset({"A"}))),
        )
    )
    # Q2 is hidden (Q1 = B), so its stale answer cannot open Q3.
    assert visible_questions(chained, {"Q1": "B", "Q2": "A"}) == {"Q1"}


def test_a_valid_answer_set_is_cleaned():
    check = check_answers(SURVEY, {**VALID, "Q6": "  多设自助机 ", "Q4": "4"})
    assert check.ok
    # options in definition order, scale as a number, text trimmed
    assert check.answers == {"Q1": "A", "Q3": ["A", "B"], "Q4": 4, "Q6": "多设自助机"}


@pytest.mark.parametrize(
    ("change", "code", "question"),
    [
        ({"Q1": None}, "required_missing", "Q1"),
        ({"Q1": ""}, "required_missing", "Q1"),
        ({"Q1": "Z"}, "option_unknown", "Q1"),
        ({"Q1": ["A"]}, "option_unknown", "Q1"),
        ({"Q3": ["A", "A"]}, "option_repeated", "Q3"),
        ({"Q3": ["A", "Z"]}, "option_unknown", "Q3"),
        ({"Q3": []}, "required_missing", "Q3"),
        ({"Q4": 0}, "scale_out_of_range", "Q4"),
        ({"Q4": 6}, "scale_out_of_range", "Q4"),
        ({"Q4": True}, "scale_out_of_range", "Q4"),
        ({"Q4": "五"}, "scale_out_of_range", "Q4"),
        ({"Q1": "B"}, "required_missing", "Q2"),  # shown by the condition, required
        ({"Q2": "办了两次"}, "hidden_question_answered", "Q2"),  # hidden: Q1 = A
        ({"Q4": 1}, "required_missing", "Q5"),
        ({"Q4": 5, "Q5": "态度差"}, "hidden_question_answered", "Q5"),
        ({"Q7": "A"}, "hidden_question_answered", "Q7"),
        ({"Q6": "长" * 2001}, "text_too_long", "Q6"),
        ({"Q6": 12}, "text_invalid", "Q6"),
        ({"Q99": "A"}, "question_unknown", "Q99"),
    ],
)
def test_answer_problems(change, code, question):
    raw = {**VALID, **change}
    raw = {k: v for k, v in raw.items() if v is not None}
    check = check_answers(SURVEY, raw)
    assert not check.ok
    assert check.answers == {}
    assert (code, question) in {(p.code, p.question) for p in check.problems}


def test_a_conditional_branch_answered_correctly_is_kept():
    check = check_answers(
        SURVEY, {**VALID, "Q1": "B", "Q2": "材料退回两次", "Q3": ["C"], "Q7": "B"}
    )
    assert check.ok
    assert check.answers["Q2"] == "材料退回两次"
    assert check.answers["Q7"] == "B"


def test_tally_counts_shown_answered_and_options():
    sets = [
        {"Q1": "A", "Q3": ["A", "B"], "Q4": 5},
        {"Q1": "B", "Q2": "两次", "Q3": ["C"], "Q4": 2, "Q5": "慢", "Q7": "A"},
        {"Q1": "A", "Q3": ["A"], "Q4": 4, "Q6": "好"},
    ]
    result = tally(SURVEY, sets)
    assert result["Q1"].counts == {"A": 2, "B": 1}
    assert (result["Q1"].shown, result["Q1"].answered) == (3, 3)
    assert (result["Q2"].shown, result["Q2"].answered) == (1, 1)
    assert result["Q3"].counts == {"A": 2, "B": 1, "C": 1}
    assert result["Q4"].counts == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert result["Q4"].mean == pytest.approx(11 / 3)
    assert (result["Q6"].shown, result["Q6"].answered) == (3, 1)
    assert result["Q7"].counts == {"A": 1, "B": 0}
    assert result["Q1"].mean is None


def test_tally_of_nothing():
    result = tally(SURVEY, [])
    assert result["Q4"].mean is None
    assert all(t.shown == 0 for t in result.values())


#: Per question, plausible values (mostly valid, some not) so both branches are exercised.
PLAUSIBLE = {
    "Q1": st.sampled_from(["A", "B", "", "Z"]),
    "Q2": st.sampled_from(["跑了两次", "", 3]),
    "Q3": st.lists(st.sampled_from(["A", "B", "C"]), max_size=3, unique=True),
    "Q4": st.sampled_from([1, 2, 3, 4, 5, "3", 0, 9]),
    "Q5": st.sampled_from(["等候太久", ""]),
    "Q6": st.sampled_from(["", "好"]),
    "Q7": st.sampled_from(["A", "B", ""]),
}


@st.composite
def raw_answers(draw: st.DrawFn) -> dict[str, object]:
    present = draw(st.sets(st.sampled_from(sorted(PLAUSIBLE))))
    return {code: draw(PLAUSIBLE[code]) for code in sorted(present)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_answers())
def test_accepted_answers_only_hold_shown_questions_and_are_stable(raw):
    check = check_answers(SURVEY, raw)
    if check.ok:
        shown = visible_questions(SURVEY, check.answers)
        assert set(check.answers) <= shown
        for question in SURVEY.questions:
            if question.code in shown and question.required:
                assert question.code in check.answers
        # a cleaned answer set validates to itself
        assert check_answers(SURVEY, check.answers).answers == check.answers
    else:
        assert check.answers == {}
        assert check.problems
