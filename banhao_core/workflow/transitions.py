# ruff: noqa: E501  -- the transition table is kept one row per line, aligned, for review.
"""The case state machine as a table (conventions §5.5, Signalen-style but typed).

One row per allowed (state, command) pair; anything not listed is refused. Each row names the
target state, the roles that may execute it, its guards, its effect on the statutory clock,
the step name (GB/T 39046 6.4 环节名称) and the rule it implements. `render_table_markdown`
renders it for docs/workflow.md, so the table a domain expert reviews is this one.

Choices visible in the table:

* ``ACCEPT`` leads to ``ACCEPTED``; ``START_REVIEW`` (normally the system, once the
  department tasks exist) leads to ``IN_PROGRESS``. They are two national statuses (BLZT 3
  受理 / 8 部门开始办理) and a case may wait between them.
* A walk-in application starts as a draft typed in by the clerk and goes straight to
  ``RECEIVED`` (``REGISTER_AT_WINDOW``); online applications pass ``SUBMITTED`` and optionally
  ``PRE_REVIEW``. 预审退回 returns an application that was never received, so it is not the
  Art.32 补正 and does not count as the one-time notice.
* An application that is never corrected ends as ``NOT_ACCEPTED`` (不予受理, ground
  "未按要求补正"); ``TERMINATE`` is for accepted cases only (e.g. 容缺 materials never supplied).
* ``WITHDRAW`` is possible in every open state before a decision; never from a draft (a draft
  is simply deleted) nor after a decision.
* The applicant role acts only on the applicant's own case (checked in `decide`); helpers
  (帮办代办) and clerks act for applicants, their delegation is checked by the shell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from banhao_core.workflow import guards as g
from banhao_core.workflow.actors import Role
from banhao_core.workflow.commands import Command
from banhao_core.workflow.guards import Guard
from banhao_core.workflow.states import CaseState, ClockEffect


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of the table."""

    source: CaseState
    command: Command
    target: CaseState
    roles: frozenset[Role]
    guards: tuple[Guard, ...]
    clock: ClockEffect
    description_zh: str  # also the 环节名称 recorded in the event
    rule: str  # the legal or standard source


S, C = CaseState, Command
NONE, START, PAUSE = ClockEffect.NONE, ClockEffect.START, ClockEffect.PAUSE
RESUME, STOP = ClockEffect.RESUME, ClockEffect.STOP

APPLICANT_OR_AGENT = frozenset({Role.APPLICANT, Role.HELPER})
APPLICANT_OR_CLERK = frozenset({Role.APPLICANT, Role.HELPER, Role.WINDOW_CLERK})
# The clerk withdraws on the applicant's written request (walk-in applicants have no account).
WITHDRAWERS = frozenset({Role.APPLICANT, Role.WINDOW_CLERK})
CLERK = frozenset({Role.WINDOW_CLERK})
CLERK_OR_SYSTEM = frozenset({Role.WINDOW_CLERK, Role.SYSTEM})
CASE_OFFICERS = frozenset({Role.REVIEWER, Role.APPROVER})
APPROVER = frozenset({Role.APPROVER})
APPROVER_OR_ADMIN = frozenset({Role.APPROVER, Role.ADMIN})

REFUSAL_GUARDS = (g.ground_given, g.referral_when_outside_competence, g.reason_given)
SUPPLEMENT_GUARDS = (g.has_outstanding_materials, g.supplied_materials_listed)
WITHDRAW_RULE = "申请人处分权（行政许可法无专条）；工改 BLZT 2/14"
TERMINATE_RULE = "容缺受理承诺书约定的后果（domain.md §5）"
SUPPLEMENT_RULE = "容缺受理：受理后限期补齐（domain.md §5）"

# fmt: off
ROWS: tuple[Transition, ...] = (
    #          source                  command                    target                  roles               guards                                                                                     clock   description_zh                        rule
    Transition(S.DRAFT,                C.SUBMIT,                  S.SUBMITTED,            APPLICANT_OR_AGENT, (),                                                                                        NONE,   "网上申报",                           "行政许可法 第29条"),
    Transition(S.DRAFT,                C.REGISTER_AT_WINDOW,      S.RECEIVED,             CLERK,              (),                                                                                        NONE,   "窗口登记收件",                       "行政许可法 第29条、第32条"),
    Transition(S.SUBMITTED,            C.START_PRE_REVIEW,        S.PRE_REVIEW,           CLERK_OR_SYSTEM,    (),                                                                                        NONE,   "网上预审",                           "电子监察交换 网上预受理 WSYSL（domain.md §3.3 b）"),
    Transition(S.SUBMITTED,            C.RECEIVE,                 S.RECEIVED,             CLERK,              (),                                                                                        NONE,   "接件",                               "行政许可法 第32条"),
    Transition(S.SUBMITTED,            C.WITHDRAW,                S.WITHDRAWN,            WITHDRAWERS,        (),                                                                                        NONE,   "撤回申请",                           WITHDRAW_RULE),
    Transition(S.PRE_REVIEW,           C.RECEIVE,                 S.RECEIVED,             CLERK,              (),                                                                                        NONE,   "预审通过，接件",                     "行政许可法 第32条"),
    Transition(S.PRE_REVIEW,           C.RETURN_PRE_REVIEW,       S.DRAFT,                CLERK,              (g.reason_given,),                                                                         NONE,   "预审退回修改",                       "电子监察交换 网上预受理 WSYSL（未接件，不属第32条补正）"),
    Transition(S.PRE_REVIEW,           C.WITHDRAW,                S.WITHDRAWN,            WITHDRAWERS,        (),                                                                                        NONE,   "撤回申请",                           WITHDRAW_RULE),
    Transition(S.RECEIVED,             C.REQUEST_CORRECTION,      S.CORRECTION_REQUESTED, CLERK,              (g.correction_period_open, g.correction_not_yet_issued, g.correction_items_listed),           NONE,   "一次性告知补正",                     "行政许可法 第32条第1款第4项"),
    Transition(S.RECEIVED,             C.REFUSE_ACCEPTANCE,       S.NOT_ACCEPTED,         CLERK,              REFUSAL_GUARDS,                                                                            NONE,   "出具不予受理通知书",                 "行政许可法 第32条"),
    Transition(S.RECEIVED,             C.ACCEPT,                  S.ACCEPTED,             CLERK,              (g.key_materials_complete, g.materials_complete_or_tolerated, g.tolerance_conditions_met), START,  "受理（含容缺受理），出具受理通知书", "行政许可法 第32条、第42条；容缺受理（domain.md §5）"),
    Transition(S.RECEIVED,             C.WITHDRAW,                S.WITHDRAWN,            WITHDRAWERS,        (),                                                                                        NONE,   "撤回申请",                           WITHDRAW_RULE),
    Transition(S.CORRECTION_REQUESTED, C.RESUBMIT,                S.RECEIVED,             APPLICANT_OR_CLERK, (),                                                                                        NONE,   "提交补正材料",                       "行政许可法 第32条第1款第5项"),
    Transition(S.CORRECTION_REQUESTED, C.REFUSE_ACCEPTANCE,       S.NOT_ACCEPTED,         CLERK,              REFUSAL_GUARDS,                                                                            NONE,   "未按要求补正，不予受理",             "行政许可法 第32条"),
    Transition(S.CORRECTION_REQUESTED, C.WITHDRAW,                S.WITHDRAWN,            WITHDRAWERS,        (),                                                                                        NONE,   "撤回申请",                           WITHDRAW_RULE),
    Transition(S.ACCEPTED,             C.START_REVIEW,            S.IN_PROGRESS,          CLERK_OR_SYSTEM,    (g.review_tasks_created,),                                                                 NONE,   "分送部门审查（并联审批）",           "行政许可法 第26条"),
    Transition(S.ACCEPTED,             C.SUPPLEMENT,              S.ACCEPTED,             APPLICANT_OR_CLERK, SUPPLEMENT_GUARDS,                                                                         NONE,   "补齐容缺材料",                       SUPPLEMENT_RULE),
    Transition(S.ACCEPTED,             C.WITHDRAW,                S.WITHDRAWN,            WITHDRAWERS,        (),                                                                                        STOP,   "撤回申请",                           WITHDRAW_RULE),
    Transition(S.ACCEPTED,             C.TERMINATE,               S.TERMINATED,           APPROVER_OR_ADMIN,  (g.reason_given,),                                                                         STOP,   "终止办理",                           TERMINATE_RULE),
    Transition(S.IN_PROGRESS,          C.SUPPLEMENT,              S.IN_PROGRESS,          APPLICANT_OR_CLERK, SUPPLEMENT_GUARDS,                                                                         NONE,   "补齐容缺材料",                       SUPPLEMENT_RULE),
    Transition(S.IN_PROGRESS,          C.START_SPECIAL_PROCEDURE, S.SPECIAL_PROCEDURE,    CASE_OFFICERS,      (g.procedure_kind_given, g.reason_given, g.procedure_duration_given),                      PAUSE,  "启动特别程序，书面告知所需时间",     "行政许可法 第45条；GB/T 39046 A.7"),
    Transition(S.IN_PROGRESS,          C.EXTEND,                  S.IN_PROGRESS,          APPROVER,           (g.extension_available, g.extension_days_given, g.extension_within_limit, g.reason_given), NONE,   "延长审批期限并告知理由",             "行政许可法 第42条"),
    Transition(S.IN_PROGRESS,          C.DECIDE_APPROVE,          S.DECIDED_APPROVED,     APPROVER,           (g.review_approved, g.materials_all_supplied),                                             STOP,   "作出准予行政许可决定",               "行政许可法 第38条第1款"),
    Transition(S.IN_PROGRESS,          C.DECIDE_REJECT,           S.DECIDED_REJECTED,     APPROVER,           (g.review_complete, g.reason_given, g.rights_notice_given),                                STOP,   "作出不予行政许可决定",               "行政许可法 第38条第2款"),
    Transition(S.IN_PROGRESS,          C.WITHDRAW,                S.WITHDRAWN,            WITHDRAWERS,        (),                                                                                        STOP,   "撤回申请",                           WITHDRAW_RULE),
    Transition(S.IN_PROGRESS,          C.TERMINATE,               S.TERMINATED,           APPROVER_OR_ADMIN,  (g.reason_given,),                                                                         STOP,   "终止办理",                           TERMINATE_RULE),
    Transition(S.SPECIAL_PROCEDURE,    C.END_SPECIAL_PROCEDURE,   S.IN_PROGRESS,          CASE_OFFICERS,      (g.result_given,),                                                                         RESUME, "特别程序结束，恢复计时",             "行政许可法 第45条；GB/T 39046 6.4"),
    Transition(S.SPECIAL_PROCEDURE,    C.SUPPLEMENT,              S.SPECIAL_PROCEDURE,    APPLICANT_OR_CLERK, SUPPLEMENT_GUARDS,                                                                         NONE,   "补齐容缺材料",                       SUPPLEMENT_RULE),
    Transition(S.SPECIAL_PROCEDURE,    C.WITHDRAW,                S.WITHDRAWN,            WITHDRAWERS,        (),                                                                                        STOP,   "撤回申请",                           WITHDRAW_RULE),
    Transition(S.SPECIAL_PROCEDURE,    C.TERMINATE,               S.TERMINATED,           APPROVER_OR_ADMIN,  (g.reason_given,),                                                                         STOP,   "终止办理",                           TERMINATE_RULE),
    Transition(S.DECIDED_APPROVED,     C.START_DELIVERY,          S.DELIVERING,           CLERK_OR_SYSTEM,    (g.delivery_method_given, g.tracking_number_for_post),                                     NONE,   "送达许可证件",                       "行政许可法 第44条"),
    Transition(S.DECIDED_REJECTED,     C.START_DELIVERY,          S.DELIVERING,           CLERK_OR_SYSTEM,    (g.delivery_method_given, g.tracking_number_for_post),                                     NONE,   "送达不予许可决定书",                 "行政许可法 第38条第2款"),
    Transition(S.DELIVERING,           C.CLOSE,                   S.CLOSED,               CLERK_OR_SYSTEM,    (),                                                                                        NONE,   "办结",                               "GB/T 39046 6.5 事项办结"),
)
# fmt: on


def _index(rows: Iterable[Transition]) -> Mapping[tuple[CaseState, Command], Transition]:
    table: dict[tuple[CaseState, Command], Transition] = {}
    for row in rows:
        key = (row.source, row.command)
        if key in table:
            raise ValueError(f"duplicate transition {row.source} × {row.command}")
        table[key] = row
    return MappingProxyType(table)


TRANSITIONS: Mapping[tuple[CaseState, Command], Transition] = _index(ROWS)


def transitions_from(state: CaseState) -> tuple[Transition, ...]:
    """The rows leaving ``state``, in table order."""
    return tuple(row for row in ROWS if row.source is state)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _roles(roles: frozenset[Role]) -> str:
    return "、".join(role.label for role in Role if role in roles)


def render_table_markdown() -> str:
    """The transition table as a Markdown table (for docs/workflow.md).

    Columns: 当前状态, 命令, 目标状态, 角色, 条件 (guards), 计时, 环节, 依据. Codes are shown next
    to the Chinese labels so the doc and the code can be matched.
    """
    lines = [
        "| 当前状态 | 命令 | 目标状态 | 角色 | 条件 | 计时 | 环节 | 依据 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in ROWS:
        guards = "<br>".join(f"`{gd.name}` {gd.description_zh}" for gd in row.guards) or "—"
        cells = (
            f"{row.source.label} `{row.source}`",
            f"{row.command.label} `{row.command}`",
            f"{row.target.label} `{row.target}`",
            _roles(row.roles),
            guards,
            row.clock.label,
            row.description_zh,
            row.rule,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
