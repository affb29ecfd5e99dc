"""Each consistency rule (domain.md §2.6, §2.7, §5) with a passing and a failing case.

Pure tests: no database.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from banhao.catalog.choices import (
    CaseKind,
    HandlingForm,
    ItemType,
    LimitUnit,
    MaterialNecessity,
    MaterialSource,
    OnlineDepth,
    ResultType,
)
from banhao.catalog.validators import MaterialSnapshot, VersionSnapshot, validate_version

VALID = VersionSnapshot(
    name="建筑工程施工许可证核发",
    item_type=ItemType.LICENSING,
    legal_limit_amount=7,
    legal_limit_unit=LimitUnit.WORKING_DAYS,
    promised_limit_amount=1,
    promised_limit_unit=LimitUnit.WORKING_DAYS,
    case_kind=CaseKind.PROMISED,
    handling_forms=(HandlingForm.WINDOW, HandlingForm.ONLINE_PC),
    service_objects=("2",),
    visits_required=0,
    visit_reason="无",
    is_online=True,
    online_depth=OnlineDepth.LEVEL_4,
    online_url="https://zwfw.sd.gov.cn/",
    is_fee=False,
    result_type=ResultType.CERTIFICATE,
    result_name="建筑工程施工许可证",
    has_result_sample=True,
    faq_count=1,
    consult_phone="0543-0000101",
    supervise_phone="12345",
    review_step_count=3,
    materials=(MaterialSnapshot("申请表", is_key=True),),
)


def rules_hit(snapshot: VersionSnapshot, level: str = "error") -> set[str]:
    return {p.rule for p in validate_version(snapshot) if p.level == level}


def test_the_reference_version_has_no_problem_at_all() -> None:
    assert validate_version(VALID) == []


# (rule, level, passing overrides, failing overrides)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "promised_le_legal",
        "error",
        {"promised_limit_amount": 7},
        {"promised_limit_amount": 8},
    ),
    (
        "promised_le_legal",  # different units are not compared
        "error",
        {"promised_limit_amount": 9, "promised_limit_unit": LimitUnit.NATURAL_DAYS},
        {"legal_limit_amount": 0, "legal_limit_unit": LimitUnit.IMMEDIATE},
    ),
    (
        "case_kind_match",  # 即办 ⇒ 即办件
        "error",
        {
            "promised_limit_amount": 0,
            "promised_limit_unit": LimitUnit.IMMEDIATE,
            "case_kind": CaseKind.IMMEDIATE,
        },
        {
            "promised_limit_amount": 0,
            "promised_limit_unit": LimitUnit.IMMEDIATE,
            "case_kind": CaseKind.PROMISED,
        },
    ),
    (
        "case_kind_match",  # otherwise ⇒ 承诺件
        "error",
        {"case_kind": CaseKind.PROMISED},
        {"case_kind": CaseKind.IMMEDIATE},
    ),
    (
        "promised_required",
        "error",
        {"promised_limit_unit": LimitUnit.WORKING_DAYS},
        {"promised_limit_unit": "", "promised_limit_amount": None},
    ),
    (
        "legal_required",  # required for 行政许可 (行政许可法 Art.42)
        "error",
        {"legal_limit_unit": "", "legal_limit_amount": None, "item_type": ItemType.PUBLIC_SERVICE},
        {"legal_limit_unit": "", "legal_limit_amount": None},
    ),
    (
        "promised_immediate_zero",
        "error",
        {
            "promised_limit_unit": LimitUnit.IMMEDIATE,
            "promised_limit_amount": 0,
            "case_kind": CaseKind.IMMEDIATE,
        },
        {
            "promised_limit_unit": LimitUnit.IMMEDIATE,
            "promised_limit_amount": 3,
            "case_kind": CaseKind.IMMEDIATE,
        },
    ),
    (
        "visit_reason_required",
        "error",
        {"visits_required": 1, "visit_reason": "须核验原件", "online_depth": OnlineDepth.LEVEL_3},
        {"visits_required": 1, "visit_reason": "", "online_depth": OnlineDepth.LEVEL_3},
    ),
    (
        "zero_visits_needs_channel",
        "error",
        {
            "is_online": False,
            "online_depth": OnlineDepth.LEVEL_1,
            "handling_forms": (HandlingForm.WINDOW, HandlingForm.EXPRESS),
        },
        {"is_online": False, "online_depth": OnlineDepth.LEVEL_1},
    ),
    (
        "depth4_zero_visits",
        "error",
        {"visits_required": 1, "visit_reason": "核验原件", "online_depth": OnlineDepth.LEVEL_3},
        {"visits_required": 1, "visit_reason": "核验原件"},
    ),
    (
        "visits_required",
        "error",
        {"visits_required": 0},
        {"visits_required": None},
    ),
    (
        "depth_needs_online",
        "error",
        {
            "is_online": False,
            "online_depth": OnlineDepth.LEVEL_2,
            "handling_forms": (HandlingForm.EXPRESS,),
        },
        {"is_online": False, "handling_forms": (HandlingForm.EXPRESS,)},
    ),
    (
        "fee_basis_required",
        "error",
        {"is_fee": True, "fee_basis": "财税〔2020〕1号", "fee_count": 1},
        {"is_fee": True, "fee_basis": "", "fee_count": 1},
    ),
    (
        "fee_rows_required",
        "error",
        {"is_fee": True, "fee_basis": "财税〔2020〕1号", "fee_count": 1},
        {"is_fee": True, "fee_basis": "财税〔2020〕1号", "fee_count": 0},
    ),
    (
        "no_fee_no_payment",
        "error",
        {"is_fee": True, "fee_basis": "依据", "fee_count": 1, "is_pay_online": True},
        {"is_fee": False, "is_pay_online": True},
    ),
    (
        "no_fee_no_rows",
        "error",
        {"is_fee": False, "fee_count": 0},
        {"is_fee": False, "fee_count": 2},
    ),
    (
        "result_type_match",  # …证 ⇒ 出证办结
        "error",
        {"result_name": "食品经营许可证", "result_type": ResultType.CERTIFICATE},
        {"result_name": "食品经营许可证", "result_type": ResultType.DOCUMENT},
    ),
    (
        "result_type_match",  # …文 ⇒ 出文办结
        "error",
        {"result_name": "准予许可的批文", "result_type": ResultType.DOCUMENT},
        {"result_name": "准予许可的批文", "result_type": ResultType.CERTIFICATE},
    ),
    (
        "result_type_match",  # …批复 ⇒ 审批办结
        "error",
        {"result_name": "项目核准批复", "result_type": ResultType.APPROVAL},
        {"result_name": "项目核准批复", "result_type": ResultType.DOCUMENT},
    ),
    (
        "result_type_required",
        "error",
        {"result_name": "审批决定书", "result_type": ResultType.DOCUMENT},
        {"result_name": "审批决定书", "result_type": ""},
    ),
    (
        "faq_for_licensing",
        "warning",
        {"faq_count": 0, "item_type": ItemType.PUBLIC_SERVICE},
        {"faq_count": 0},
    ),
    (
        "phones_differ",
        "error",
        {"consult_phone": "0543-0000101", "supervise_phone": "12345"},
        {"consult_phone": "12345", "supervise_phone": "12345"},
    ),
    (
        "review_route",
        "error",
        {
            "review_step_count": 0,
            "promised_limit_unit": LimitUnit.IMMEDIATE,
            "promised_limit_amount": 0,
            "case_kind": CaseKind.IMMEDIATE,
        },
        {"review_step_count": 0},
    ),
    (
        "deferrable_not_key",
        "error",
        {"materials": (MaterialSnapshot("现场照片", MaterialNecessity.DEFERRABLE, is_key=False),)},
        {"materials": (MaterialSnapshot("申请表", MaterialNecessity.DEFERRABLE, is_key=True),)},
    ),
    (
        "material_duplicate",
        "error",
        {"materials": (MaterialSnapshot("申请表"), MaterialSnapshot("身份证明"))},
        {"materials": (MaterialSnapshot("申请表"), MaterialSnapshot("申请表"))},
    ),
    (
        "e_licence_shared",
        "warning",
        {
            "materials": (
                MaterialSnapshot("营业执照", MaterialNecessity.SHARED, MaterialSource.E_LICENCE),
            )
        },
        {
            "materials": (
                MaterialSnapshot("营业执照", MaterialNecessity.REQUIRED, MaterialSource.E_LICENCE),
            )
        },
    ),
    (
        "forms_required",
        "error",
        {"handling_forms": (HandlingForm.ONLINE_PC,)},
        {"handling_forms": ()},
    ),
    ("name_required", "error", {"name": "事项"}, {"name": "  "}),
    ("result_sample", "warning", {"has_result_sample": True}, {"has_result_sample": False}),
    ("online_url", "warning", {"online_url": "https://a.example/"}, {"online_url": ""}),
]


@pytest.mark.parametrize(
    ("rule", "level", "passing", "failing"),
    CASES,
    ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)],
)
def test_rule_passes_and_fails(
    rule: str, level: str, passing: dict[str, Any], failing: dict[str, Any]
) -> None:
    assert rule not in rules_hit(replace(VALID, **passing), level)
    assert rule in rules_hit(replace(VALID, **failing), level)


def test_messages_are_chinese_and_name_the_field() -> None:
    problems = validate_version(replace(VALID, promised_limit_amount=30))
    (problem,) = [p for p in problems if p.rule == "promised_le_legal"]
    assert problem.field == "promised_limit_amount"
    assert problem.message_zh == "承诺办结时限（30个工作日）不得超过法定办结时限（7个工作日）"
    assert str(problem).startswith("【错误】")


def test_errors_come_before_warnings() -> None:
    problems = validate_version(replace(VALID, faq_count=0, consult_phone="12345"))
    levels = [p.level for p in problems]
    assert levels == sorted(levels, key=lambda level: level != "error")
    assert levels[0] == "error"
