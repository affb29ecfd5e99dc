"""Questionnaires (问卷调查): question types, conditional display, answer validation, tallies.

The bureau hands out questionnaires at its "民说民评" forums and in the hall (domain.md §4.7);
the same survey is answered online and on paper, and both are reported together and apart.

Rules (the shell stores definitions and answers as JSON and asks this module):

* Four question kinds: 单选 (one option code), 多选 (a non-empty list of distinct option codes),
  1–5 分量表 (an integer 1…5), 填空 (text, at most ``TEXT_MAX`` characters).
* A question may be **conditional**: it is shown only when an *earlier* choice or scale
  question is shown and answered with one of the listed values ("Q5 only if Q3 = B"). A
  multiple-choice answer matches when any chosen option is listed.
* An answer set is valid when every key is a question of the survey, every shown required
  question is answered, every **hidden** question is left empty (a client cannot smuggle
  answers past the condition), choices exist and scale values are within bounds. Empty
  strings and empty lists mean "not answered".
* Tallies count, per question, how many answer sets showed it and how many answered it, and
  per option / scale point how many chose it; text answers are only counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

SCALE_MIN = 1
SCALE_MAX = 5
TEXT_MAX = 2000
MAX_OPTIONS = 30

Answer = str | int | list[str]


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    TEXT = "text"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


_KIND_LABELS = {
    QuestionKind.SINGLE: "单选题",
    QuestionKind.MULTIPLE: "多选题",
    QuestionKind.SCALE: "1–5 分量表",
    QuestionKind.TEXT: "填空题",
}


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class Condition:
    """Show the question only if ``question`` was answered with one of ``values``."""

    question: str
    values: frozenset[str]


@dataclass(frozen=True)
class QuestionDef:
    code: str
    kind: QuestionKind
    text: str
    options: tuple[Option, ...] = ()
    required: bool = True
    condition: Condition | None = None

    def option_codes(self) -> list[str]:
        return [option.code for option in self.options]

    def value_codes(self) -> list[str]:
        """The values a condition on this question may name."""
        if self.kind == QuestionKind.SCALE:
            return [str(point) for point in range(SCALE_MIN, SCALE_MAX + 1)]
        return self.option_codes()


@dataclass(frozen=True)
class SurveyDef:
    questions: tuple[QuestionDef, ...]

    def question(self, code: str) -> QuestionDef | None:
        for question in self.questions:
            if question.code == code:
                return question
        return None


@dataclass(frozen=True)
class Problem:
    """One reason a definition or an answer set is refused (``question`` may be empty)."""

    code: str
    question: str
    message: str


# -- definitions ------------------------------------------------------------------------------


def _option_problems(question: QuestionDef) -> list[Problem]:
    code = question.code
    if not question.kind.has_options:
        if question.options:
            return [
                Problem(
                    "options_not_allowed", code, f"{code} 是{question.kind.label}，不能设置选项"
                )
            ]
        return []
    problems: list[Problem] = []
    codes = question.option_codes()
    if len(codes) < 2:
        problems.append(Problem("options_too_few", code, f"{code} 至少需要两个选项"))
    if len(codes) > MAX_OPTIONS:
        problems.append(
            Problem("options_too_many", code, f"{code} 的选项不能超过 {MAX_OPTIONS} 个")
        )
    if len(set(codes)) != len(codes):
        problems.append(Problem("option_code_duplicate", code, f"{code} 的选项编码重复"))
    if any(not option.code.strip() or not option.label.strip() for option in question.options):
        problems.append(Problem("option_label_missing", code, f"{code} 有空白选项"))
    return problems


def _condition_problems(question: QuestionDef, earlier: Mapping[str, QuestionDef]) -> list[Problem]:
    condition, code = question.condition, question.code
    if condition is None:
        return []
    target = earlier.get(condition.question)
    if target is None:
        return [
            Problem(
                "condition_unknown_question", code, f"{code} 的显示条件只能引用排在它前面的题目"
            )
        ]
    if target.kind == QuestionKind.TEXT:
        return [
            Problem("condition_on_text", code, f"{code} 的显示条件不能引用填空题 {target.code}")
        ]
    if not condition.values:
        return [Problem("condition_values_missing", code, f"{code} 的显示条件缺少选项")]
    unknown = sorted(condition.values - set(target.value_codes()))
    if unknown:
        return [
            Problem(
                "condition_unknown_value",
                code,
                f"{code} 的显示条件引用了 {target.code} 中不存在的选项：" + "、".join(unknown),
            )
        ]
    return []


def definition_problems(survey: SurveyDef) -> list[Problem]:
    """Why ``survey`` cannot be published (empty when it can)."""
    problems: list[Problem] = []
    if not survey.questions:
        problems.append(Problem("survey_empty", "", "问卷至少需要一道题目"))
    seen: dict[str, QuestionDef] = {}
    for question in survey.questions:
        code = question.code
        if not code.strip():
            problems.append(Problem("question_code_missing", code, "题号不能为空"))
        if code in seen:
            problems.append(Problem("question_code_duplicate", code, f"题号 {code} 重复"))
        if not question.text.strip():
            problems.append(Problem("question_text_missing", code, f"{code} 缺少题目内容"))
        problems.extend(_option_problems(question))
        problems.extend(_condition_problems(question, seen))
        seen.setdefault(code, question)
    return problems


# -- answers ----------------------------------------------------------------------------------


def is_empty(answer: object) -> bool:
    return answer is None or answer in ("", [])


def _matches(condition: Condition, answer: object) -> bool:
    if isinstance(answer, list):
        return any(str(value) in condition.values for value in answer)
    if is_empty(answer):
        return False
    return str(answer) in condition.values


def _shown(condition: Condition | None, shown: set[str], answers: Mapping[str, object]) -> bool:
    if condition is None:
        return True
    return condition.question in shown and _matches(condition, answers.get(condition.question))


def visible_questions(survey: SurveyDef, answers: Mapping[str, object]) -> set[str]:
    """Codes of the questions shown for these answers (conditions chain: a question whose
    condition question is hidden is hidden too)."""
    shown: set[str] = set()
    for question in survey.questions:
        if _shown(question.condition, shown, answers):
            shown.add(question.code)
    return shown


def _clean_single(question: QuestionDef, value: object) -> Answer | Problem:
    if not isinstance(value, str) or value not in question.option_codes():
        return Problem("option_unknown", question.code, f"{question.code} 的选项不存在")
    return value


def _clean_multiple(question: QuestionDef, value: object) -> Answer | Problem:
    code = question.code
    values = [value] if isinstance(value, str) else value
    allowed = question.option_codes()
    if not isinstance(values, list) or not all(isinstance(v, str) and v in allowed for v in values):
        return Problem("option_unknown", code, f"{code} 的选项不存在")
    if len(set(values)) != len(values):
        return Problem("option_repeated", code, f"{code} 的选项重复")
    return sorted(values, key=allowed.index)


def _clean_scale(question: QuestionDef, value: object) -> Answer | Problem:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not SCALE_MIN <= number <= SCALE_MAX:
        return Problem(
            "scale_out_of_range",
            question.code,
            f"{question.code} 请选择 {SCALE_MIN}–{SCALE_MAX} 分",
        )
    return number


def _clean_text(question: QuestionDef, value: object) -> Answer | Problem:
    if not isinstance(value, str):
        return Problem("text_invalid", question.code, f"{question.code} 应填写文字")
    text = value.strip()
    if len(text) > TEXT_MAX:
        return Problem("text_too_long", question.code, f"{question.code} 不能超过 {TEXT_MAX} 个字")
    return text


_CLEANERS = {
    QuestionKind.SINGLE: _clean_single,
    QuestionKind.MULTIPLE: _clean_multiple,
    QuestionKind.SCALE: _clean_scale,
    QuestionKind.TEXT: _clean_text,
}


def _clean_one(question: QuestionDef, value: object) -> Answer | Problem:
    return _CLEANERS[question.kind](question, value)


@dataclass(frozen=True)
class AnswerCheck:
    answers: dict[str, Answer]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_answers(survey: SurveyDef, raw: Mapping[str, object]) -> AnswerCheck:
    """Validate ``raw`` against ``survey``; on success ``answers`` holds the cleaned values of
    the answered, shown questions only (in survey order)."""
    known = {question.code for question in survey.questions}
    problems = [
        Problem("question_unknown", str(key), f"题目 {key} 不存在")
        for key in raw
        if key not in known
    ]
    cleaned: dict[str, Answer] = {}
    # Conditions are evaluated on cleaned values so a malformed answer never opens a branch.
    for question in survey.questions:
        value = raw.get(question.code)
        if is_empty(value):
            continue
        result = _clean_one(question, value)
        if isinstance(result, Problem):
            problems.append(result)
        elif not is_empty(result):
            cleaned[question.code] = result
    shown = visible_questions(survey, cleaned)
    answers: dict[str, Answer] = {}
    for question in survey.questions:
        code = question.code
        if code not in shown:
            if code in cleaned:
                problems.append(
                    Problem(
                        "hidden_question_answered",
                        code,
                        f"{code} 按前面的回答不需要作答，请清空",
                    )
                )
            continue
        if code in cleaned:
            answers[code] = cleaned[code]
        elif question.required and not any(p.question == code for p in problems):
            problems.append(Problem("required_missing", code, f"{code} 为必答题"))
    return AnswerCheck(answers=answers if not problems else {}, problems=problems)


# -- tallies ----------------------------------------------------------------------------------


@dataclass
class QuestionTally:
    code: str
    kind: QuestionKind
    shown: int = 0
    answered: int = 0
    # option code (or scale point as text) → count, in definition order
    counts: dict[str, int] = field(default_factory=dict)
    scale_sum: int = 0

    @property
    def mean(self) -> float | None:
        """Mean of a scale question over its answers (``None`` without answers)."""
        if self.kind != QuestionKind.SCALE or self.answered == 0:
            return None
        return self.scale_sum / self.answered


def tally(
    survey: SurveyDef, answer_sets: Iterable[Mapping[str, object]]
) -> dict[str, QuestionTally]:
    """Count stored (already validated) answer sets per question."""
    result: dict[str, QuestionTally] = {}
    for question in survey.questions:
        counts = dict.fromkeys(question.value_codes(), 0)
        result[question.code] = QuestionTally(question.code, question.kind, counts=counts)
    for answers in answer_sets:
        shown = visible_questions(survey, answers)
        for question in survey.questions:
            if question.code not in shown:
                continue
            entry = result[question.code]
            entry.shown += 1
            value = answers.get(question.code)
            if is_empty(value):
                continue
            entry.answered += 1
            values: Sequence[object] = value if isinstance(value, list) else [value]
            for one in values:
                key = str(one)
                if key in entry.counts:
                    entry.counts[key] += 1
            if question.kind == QuestionKind.SCALE and isinstance(value, int):
                entry.scale_sum += value
    return result
