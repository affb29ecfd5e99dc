"""Consistency rules for a 实施清单 version (domain.md §2.6, §2.7, §5).

Pure functions over plain values: ``validate_version(snapshot)`` returns a list of
``Problem``; an ``error`` blocks publication, a ``warning`` is shown to the editor only.
``banhao.catalog.selectors.version_snapshot`` builds the snapshot from the database.

The rules follow a provincial QA script for 实施清单 elements (domain.md §2.6, source S49) and
the 容缺受理 rule that key materials (主件) may never be deferred (§5).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from banhao.catalog.choices import (
    CaseKind,
    HandlingForm,
    ItemType,
    LimitUnit,
    MaterialNecessity,
    MaterialSource,
    OnlineDepth,
    ResultType,
    label_of,
)
from banhao.catalog.snapshots import time_limit_label

Level = Literal["error", "warning"]

# --------------------------------------------------------------------------------------------
# Item codes

#: Item codes stay opaque (domain.md §2.3) but must be usable in URLs and file names: ASCII
#: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64 characters
#: (``ServiceItem.code``). Every code of data/service_items/service_items.csv matches.
ITEM_CODE_MAX_LENGTH = 64
ITEM_CODE_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{ITEM_CODE_MAX_LENGTH - 1}}}")
ITEM_CODE_MESSAGE = "事项编码只能包含字母、数字、点、下划线和连字符，且须以字母或数字开头"


def item_code_problem(code: str) -> str | None:
    """Why ``code`` cannot be an item code (a Chinese message), or ``None`` when it can.
    An empty code is the caller's "required" problem."""
    if not code:
        return None
    if len(code) > ITEM_CODE_MAX_LENGTH:
        return f"事项编码长度 {len(code)} 超过上限 {ITEM_CODE_MAX_LENGTH}"
    if not ITEM_CODE_PATTERN.fullmatch(code):
        return ITEM_CODE_MESSAGE
    return None


# --------------------------------------------------------------------------------------------
# Version rules


@dataclass(frozen=True, slots=True)
class Problem:
    level: Level
    field: str
    message_zh: str
    rule: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        prefix = "错误" if self.is_error else "提示"
        return f"【{prefix}】{self.message_zh}"


@dataclass(frozen=True, slots=True)
class MaterialSnapshot:
    name: str
    necessity: str = MaterialNecessity.REQUIRED
    source_channel: str = MaterialSource.APPLICANT
    is_key: bool = False


@dataclass(frozen=True, slots=True)
class VersionSnapshot:
    """The elements the rules look at. Field names are those of ``ServiceItemVersion``."""

    name: str = ""
    item_type: str = ""
    legal_limit_amount: int | None = None
    legal_limit_unit: str = ""
    promised_limit_amount: int | None = None
    promised_limit_unit: str = ""
    case_kind: str = ""
    handling_forms: tuple[str, ...] = ()
    service_objects: tuple[str, ...] = ()
    visits_required: int | None = None
    visit_reason: str = ""
    is_online: bool = False
    online_depth: str = ""
    online_url: str = ""
    is_express: bool = False
    is_pay_online: bool = False
    is_fee: bool = False
    fee_basis: str = ""
    fee_count: int = 0
    result_type: str = ""
    result_name: str = ""
    has_result_sample: bool = False
    faq_count: int = 0
    consult_phone: str = ""
    supervise_phone: str = ""
    review_step_count: int = 0
    materials: tuple[MaterialSnapshot, ...] = field(default_factory=tuple)


Rule = Callable[[VersionSnapshot], list[Problem]]


def _error(field_name: str, message: str, rule: str) -> Problem:
    return Problem("error", field_name, message, rule)


def _warning(field_name: str, message: str, rule: str) -> Problem:
    return Problem("warning", field_name, message, rule)


def _limit_text(amount: int | None, unit: str) -> str:
    return time_limit_label(amount, unit)


def rule_required_elements(s: VersionSnapshot) -> list[Problem]:
    problems = []
    if not s.name.strip():
        problems.append(_error("name", "请填写事项名称", "name_required"))
    if not s.item_type:
        problems.append(_error("item_type", "请选择事项类型", "item_type_required"))
    if not s.handling_forms:
        problems.append(_error("handling_forms", "请至少选择一种办理形式", "forms_required"))
    if not s.service_objects:
        problems.append(_warning("service_objects", "未填写服务对象", "objects_missing"))
    return problems


def _limit_problems(prefix: str, label: str, amount: int | None, unit: str) -> list[Problem]:
    if not unit:
        return [_error(f"{prefix}_limit_unit", f"请填写{label}及其单位", f"{prefix}_required")]
    if unit == LimitUnit.IMMEDIATE:
        if amount not in (None, 0):
            return [
                _error(
                    f"{prefix}_limit_amount",
                    f"{label}为“即办”时天数应为 0",
                    f"{prefix}_immediate_zero",
                )
            ]
        return []
    if amount is None:
        return [
            _error(f"{prefix}_limit_amount", f"请填写{label}的天数", f"{prefix}_amount_required")
        ]
    return []


def rule_limits_present(s: VersionSnapshot) -> list[Problem]:
    """承诺时限 is always required; 法定时限 for 行政许可 (行政许可法 Art.42 sets one for every
    licence), otherwise a missing one is only a warning (many 公共服务 have none)."""
    legal = _limit_problems("legal", "法定办结时限", s.legal_limit_amount, s.legal_limit_unit)
    if s.item_type != ItemType.LICENSING and not s.legal_limit_unit:
        legal = [Problem("warning", p.field, p.message_zh, p.rule) for p in legal]
    promised = _limit_problems(
        "promised", "承诺办结时限", s.promised_limit_amount, s.promised_limit_unit
    )
    return legal + promised


def rule_promised_within_legal(s: VersionSnapshot) -> list[Problem]:
    """承诺时限 ≤ 法定时限 (domain.md §2.7); comparable only in the same unit."""
    legal, promised = s.legal_limit_amount, s.promised_limit_amount
    if legal is None or promised is None or not s.legal_limit_unit:
        return []
    if s.legal_limit_unit == LimitUnit.IMMEDIATE and s.promised_limit_unit != LimitUnit.IMMEDIATE:
        return [
            _error(
                "promised_limit_amount",
                f"法定时限为即办，承诺时限（{_limit_text(promised, s.promised_limit_unit)}）"
                "不得长于法定时限",
                "promised_le_legal",
            )
        ]
    if s.legal_limit_unit == s.promised_limit_unit and promised > legal:
        return [
            _error(
                "promised_limit_amount",
                f"承诺办结时限（{_limit_text(promised, s.promised_limit_unit)}）不得超过"
                f"法定办结时限（{_limit_text(legal, s.legal_limit_unit)}）",
                "promised_le_legal",
            )
        ]
    return []


def rule_case_kind_matches_promise(s: VersionSnapshot) -> list[Problem]:
    """承诺时限 = 即办 ⇒ 即办件; otherwise 承诺件 (domain.md §2.6)."""
    if not s.promised_limit_unit:
        return []
    if s.promised_limit_unit == LimitUnit.IMMEDIATE and s.case_kind != CaseKind.IMMEDIATE:
        return [
            _error("case_kind", "承诺时限为即办的事项，办件类型应为“即办件”", "case_kind_match")
        ]
    if s.promised_limit_unit != LimitUnit.IMMEDIATE and s.case_kind != CaseKind.PROMISED:
        return [
            _error(
                "case_kind",
                f"承诺时限为{_limit_text(s.promised_limit_amount, s.promised_limit_unit)}，"
                "办件类型应为“承诺件”",
                "case_kind_match",
            )
        ]
    return []


def rule_visits(s: VersionSnapshot) -> list[Problem]:
    """到办事现场次数 rules (domain.md §2.6)."""
    if s.visits_required is None:
        return [_error("visits_required", "请填写到办事现场次数", "visits_required")]
    problems = []
    if s.visits_required > 0 and not s.visit_reason.strip():
        problems.append(
            _error(
                "visit_reason",
                f"到办事现场次数为 {s.visits_required} 次，须填写必须现场办理原因说明",
                "visit_reason_required",
            )
        )
    if s.visits_required == 0 and not s.is_online and HandlingForm.EXPRESS not in s.handling_forms:
        problems.append(
            _error(
                "handling_forms",
                "到办事现场次数为 0 且不支持网办的事项，办理形式须包含“快递申请”",
                "zero_visits_needs_channel",
            )
        )
    if s.online_depth == OnlineDepth.LEVEL_4 and s.visits_required != 0:
        problems.append(
            _error(
                "visits_required",
                "网上办理深度为Ⅳ级（全程网办）的事项，到办事现场次数应为 0",
                "depth4_zero_visits",
            )
        )
    return problems


def rule_online(s: VersionSnapshot) -> list[Problem]:
    problems = []
    if s.online_depth in (OnlineDepth.LEVEL_3, OnlineDepth.LEVEL_4) and not s.is_online:
        problems.append(
            _error(
                "is_online",
                f"网上办理深度为{label_of(OnlineDepth, s.online_depth)}，“是否网办”应为“是”",
                "depth_needs_online",
            )
        )
    if s.is_online and not s.online_url.strip():
        problems.append(_warning("online_url", "支持网办的事项应填写网上办理地址", "online_url"))
    if s.is_express and HandlingForm.EXPRESS not in s.handling_forms:
        problems.append(
            _warning(
                "handling_forms",
                "支持物流快递的事项，办理形式宜包含“快递申请”",
                "express_form",
            )
        )
    return problems


def rule_fees(s: VersionSnapshot) -> list[Problem]:
    """是否收费 rules (domain.md §2.6)."""
    problems = []
    if s.is_fee:
        if not s.fee_basis.strip():
            problems.append(_error("fee_basis", "收费事项须填写收费依据", "fee_basis_required"))
        if s.fee_count == 0:
            problems.append(_error("fees", "收费事项须至少填写一个收费项目", "fee_rows_required"))
    else:
        if s.is_pay_online:
            problems.append(
                _error("is_pay_online", "不收费的事项不能设置“支持网上支付”", "no_fee_no_payment")
            )
        if s.fee_count:
            problems.append(_error("fees", "“是否收费”为否，但填写了收费项目", "no_fee_no_rows"))
    return problems


_RESULT_SUFFIXES: tuple[tuple[str, ResultType], ...] = (
    ("批复", ResultType.APPROVAL),
    ("证", ResultType.CERTIFICATE),
    ("文", ResultType.DOCUMENT),
)


def rule_result(s: VersionSnapshot) -> list[Problem]:
    """审批结果名称 ends with 证/文/批复 ⇒ matching 结果类型 (domain.md §2.6)."""
    name = s.result_name.strip()
    problems = []
    if not name:
        if s.item_type == ItemType.LICENSING:
            problems.append(
                _warning("result_name", "行政许可事项应填写审批结果名称", "result_name")
            )
        return problems
    for suffix, expected in _RESULT_SUFFIXES:
        if name.endswith(suffix):
            if s.result_type != expected:
                problems.append(
                    _error(
                        "result_type",
                        f"审批结果名称以“{suffix}”结尾，结果类型应为“{expected.label}”",
                        "result_type_match",
                    )
                )
            break
    if not s.result_type:
        problems.append(_error("result_type", "请选择审批结果类型", "result_type_required"))
    if not s.has_result_sample:
        problems.append(_warning("result_sample", "尚未上传审批结果样本", "result_sample"))
    return problems


def rule_faq(s: VersionSnapshot) -> list[Problem]:
    if s.item_type == ItemType.LICENSING and s.faq_count == 0:
        return [_warning("faqs", "行政许可事项应至少填写一条常见问题", "faq_for_licensing")]
    return []


def rule_phones(s: VersionSnapshot) -> list[Problem]:
    consult, supervise = s.consult_phone.strip(), s.supervise_phone.strip()
    problems = []
    if not consult:
        problems.append(_warning("consult_phone", "未填写咨询电话", "consult_phone"))
    if not supervise:
        problems.append(_warning("supervise_phone", "未填写监督投诉电话", "supervise_phone"))
    if consult and supervise and consult == supervise:
        problems.append(
            _error("supervise_phone", "咨询电话与监督投诉电话不能相同", "phones_differ")
        )
    return problems


def rule_review_route(s: VersionSnapshot) -> list[Problem]:
    if s.case_kind == CaseKind.PROMISED and s.review_step_count == 0:
        return [_error("review_steps", "承诺件须至少配置一个审查环节（审查部门）", "review_route")]
    return []


def rule_materials(s: VersionSnapshot) -> list[Problem]:
    """容缺后补 only for non-key materials (domain.md §5); shared licences are not uploaded
    by the applicant (国务院令第716号 Art.7, domain.md §2.5)."""
    problems = []
    seen: set[str] = set()
    for material in s.materials:
        if material.necessity == MaterialNecessity.DEFERRABLE and material.is_key:
            problems.append(
                _error(
                    "materials",
                    f"材料“{material.name}”是关键材料，不能设为容缺后补",
                    "deferrable_not_key",
                )
            )
        if (
            material.source_channel == MaterialSource.E_LICENCE
            and material.necessity == MaterialNecessity.REQUIRED
        ):
            problems.append(
                _warning(
                    "materials",
                    f"材料“{material.name}”来源为电子证照库，宜设为“信息共享免交”，由系统调取",
                    "e_licence_shared",
                )
            )
        if material.name in seen:
            problems.append(_error("materials", f"材料“{material.name}”重复", "material_duplicate"))
        seen.add(material.name)
    return problems


RULES: Sequence[Rule] = (
    rule_required_elements,
    rule_limits_present,
    rule_promised_within_legal,
    rule_case_kind_matches_promise,
    rule_visits,
    rule_online,
    rule_fees,
    rule_result,
    rule_faq,
    rule_phones,
    rule_review_route,
    rule_materials,
)


def validate_version(snapshot: VersionSnapshot) -> list[Problem]:
    """All problems of one version, errors first (stable order within each level)."""
    problems = [problem for rule in RULES for problem in rule(snapshot)]
    return sorted(problems, key=lambda p: 0 if p.is_error else 1)


def errors_of(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
