"""Guards: small named pure checks attached to transitions.

A guard takes the case snapshot and the command parameters and returns ``None`` (pass) or a
`Refused` with a code and a Chinese explanation. ``uses_params`` tells `allowed_commands`
whether the guard can be evaluated before the person has filled in the form: guards that
look only at the snapshot decide whether a button is shown at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from banhao_core.workflow.commands import CommandParams, DeliveryMethod, NotAcceptedGround
from banhao_core.workflow.refusals import RefusalCode, Refused
from banhao_core.workflow.review import ReviewOutcome, ReviewOutcomeKind
from banhao_core.workflow.snapshot import CaseSnapshot

GuardCheck = Callable[[CaseSnapshot, CommandParams], Refused | None]


@dataclass(frozen=True, slots=True)
class Guard:
    """A named precondition of a transition. ``description_zh`` is shown in docs/workflow.md."""

    name: str
    description_zh: str
    check: GuardCheck
    uses_params: bool = True

    def __call__(self, snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
        return self.check(snapshot, params)


def guard(description_zh: str, *, uses_params: bool = True) -> Callable[[GuardCheck], Guard]:
    """Decorator turning a check function into a `Guard` named after the function."""

    def wrap(check: GuardCheck) -> Guard:
        return Guard(check.__name__, description_zh, check, uses_params)

    return wrap


def _join(items: tuple[str, ...] | list[str]) -> str:
    return "、".join(items)


# -- general -------------------------------------------------------------------------------


@guard("须填写理由")
def reason_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """Reasons are required wherever the law asks the agency to state them (e.g. 行政许可法
    第38条 refusal, 第42条 extension, 第45条 special procedure) or the step ends a case."""
    if params.reason.strip():
        return None
    return Refused(RefusalCode.REASON_REQUIRED, "请填写理由")


# -- before acceptance (行政许可法 第32条) ----------------------------------------------------


@guard("5日补正告知期限未过", uses_params=False)
def correction_period_open(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第32条 ¶1(4): the notice is due on the spot or within 5 days; if it is late the
    application counts as accepted from the day the materials were received."""
    if not snapshot.correction_period_expired:
        return None
    return Refused(
        RefusalCode.CORRECTION_PERIOD_EXPIRED,
        "已超过5日补正告知期限（行政许可法第32条），自收到申请材料之日起即视为受理，"
        "不能再发补正告知",
    )


@guard("补正告知只发一次", uses_params=False)
def correction_not_yet_issued(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第32条 ¶1(4): 一次告知 — one notice listing everything; after a resubmission
    that still falls short, the application is refused (不予受理, 未按要求补正)."""
    if snapshot.correction_notices_issued == 0:
        return None
    return Refused(
        RefusalCode.CORRECTION_ALREADY_ISSUED,
        "本申请已发过补正告知，补正告知应一次性告知（行政许可法第32条）；"
        "补正后仍不符合要求的，请作出不予受理决定",
    )


@guard("一次性列明需补正的全部内容")
def correction_items_listed(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第32条 ¶1(4): 一次告知申请人需要补正的全部内容."""
    if any(item.strip() for item in params.materials):
        return None
    return Refused(
        RefusalCode.CORRECTION_ITEMS_REQUIRED,
        "补正告知须一次性列明需要补正的全部材料和内容（行政许可法第32条）",
    )


@guard("选择不予受理事由")
def ground_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第32条 ¶1: the 不予受理 notice names its ground."""
    if params.not_accepted_ground is not None:
        return None
    return Refused(RefusalCode.GROUND_REQUIRED, "请选择不予受理的事由（行政许可法第32条）")


@guard("不属本机关职权的须告知受理机关")
def referral_when_outside_competence(
    snapshot: CaseSnapshot, params: CommandParams
) -> Refused | None:
    """行政许可法 第32条 ¶1(2): 不属于本行政机关职权范围的 … 告知申请人向有关行政机关申请."""
    if params.not_accepted_ground is not NotAcceptedGround.OUTSIDE_COMPETENCE:
        return None
    if params.referral_agency.strip():
        return None
    return Refused(
        RefusalCode.REFERRAL_REQUIRED,
        "申请事项不属于本机关职权范围的，须告知申请人向哪个行政机关申请（行政许可法第32条）",
    )


@guard("必备材料齐全", uses_params=False)
def key_materials_complete(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第32条 ¶1(5); 必备/主件 materials may never be 容缺 (domain.md §5)."""
    if not snapshot.missing_key_materials:
        return None
    return Refused(
        RefusalCode.KEY_MATERIALS_MISSING,
        f"缺少必备材料：{_join(snapshot.missing_key_materials)}；必备材料不能容缺，请发补正告知",
    )


@guard("其余材料齐全，或申请容缺受理")
def materials_complete_or_tolerated(
    snapshot: CaseSnapshot, params: CommandParams
) -> Refused | None:
    """行政许可法 第32条 ¶1(5) (accept when complete), or 容缺受理 for non-key materials."""
    if not snapshot.missing_non_key_materials or params.tolerant:
        return None
    return Refused(
        RefusalCode.MATERIALS_MISSING,
        f"材料不齐：{_join(snapshot.missing_non_key_materials)}；请发补正告知，"
        "或在申请人签署容缺受理承诺书后容缺受理",
    )


@guard("容缺受理条件：确有容缺材料、已签承诺书、无失信记录")
def tolerance_conditions_met(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """容缺受理 (domain.md §5): only non-key materials missing, a signed 《容缺受理承诺书》,
    and no 失信 record; with nothing missing the flag makes no sense."""
    if not params.tolerant:
        return None
    if not snapshot.missing_non_key_materials:
        return Refused(RefusalCode.TOLERANCE_NOT_APPLICABLE, "材料已齐全，无需容缺受理")
    if not snapshot.has_commitment_letter:
        return Refused(
            RefusalCode.COMMITMENT_LETTER_MISSING, "容缺受理须申请人签署《容缺受理承诺书》"
        )
    if snapshot.applicant_credit_restricted:
        return Refused(
            RefusalCode.CREDIT_RESTRICTED, "申请人有失信或虚假承诺记录，信用修复前不能容缺受理"
        )
    return None


# -- after acceptance ------------------------------------------------------------------------


@guard("有待补齐的容缺材料", uses_params=False)
def has_outstanding_materials(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """容缺受理 (domain.md §5): materials deferred at acceptance are supplied later."""
    if snapshot.missing_non_key_materials:
        return None
    return Refused(RefusalCode.NOTHING_TO_SUPPLEMENT, "本办件没有待补齐的容缺材料")


@guard("列明补齐的材料（须在待补齐清单内）")
def supplied_materials_listed(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """The supplied materials must be ones that were deferred (domain.md §5)."""
    supplied = [m for m in params.materials if m.strip()]
    if not supplied:
        return Refused(RefusalCode.SUPPLIED_MATERIALS_REQUIRED, "请列明本次补齐的材料")
    unknown = [m for m in supplied if m not in snapshot.missing_non_key_materials]
    if unknown:
        return Refused(RefusalCode.UNKNOWN_MATERIAL, f"以下材料不在待补齐清单中：{_join(unknown)}")
    return None


@guard("已生成部门审查任务", uses_params=False)
def review_tasks_created(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第26条: the receiving body forwards the application to the departments."""
    if snapshot.review is not None:
        return None
    return Refused(RefusalCode.REVIEW_TASKS_MISSING, "尚未生成部门审查任务，不能开始审查")


@guard("选择特别程序种类")
def procedure_kind_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第45条 lists the kinds; GB/T 39046 6.4 records 特别程序种类."""
    if params.procedure_kind is not None:
        return None
    return Refused(
        RefusalCode.PROCEDURE_KIND_REQUIRED,
        "请选择特别程序种类（听证、检验、检测、鉴定、专家评审等，行政许可法第45条）",
    )


@guard("书面告知所需时间")
def procedure_duration_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第45条: 应当将所需时间书面告知申请人."""
    if params.days is not None and params.days > 0:
        return None
    return Refused(
        RefusalCode.DURATION_REQUIRED,
        "须书面告知申请人特别程序所需时间（行政许可法第45条），请填写天数",
    )


@guard("填写特别程序结果")
def result_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """GB/T 39046 6.4 特别程序结果 (e.g. 听证、检验、鉴定 results)."""
    if params.result.strip():
        return None
    return Refused(RefusalCode.RESULT_REQUIRED, "请填写特别程序结果")


@guard("尚未用尽法定延长期限", uses_params=False)
def extension_available(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第42条: at most 10 (joint procedures 15) working days in total."""
    if snapshot.extended_working_days < snapshot.max_extension_working_days:
        return None
    return Refused(
        RefusalCode.EXTENSION_EXHAUSTED,
        f"已延长{snapshot.extended_working_days}个工作日，达到法定上限"
        f"{snapshot.max_extension_working_days}个工作日，不能再延长（行政许可法第42条）",
    )


@guard("延长天数大于0")
def extension_days_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """The extension length, in working days (行政许可法 第42条, 第82条)."""
    if params.days is not None and params.days > 0:
        return None
    return Refused(RefusalCode.DAYS_REQUIRED, "请填写延长的工作日数（须大于0）")


@guard("累计延长不超过法定上限")
def extension_within_limit(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第42条 ¶1 (10 working days) / ¶2 (15), counted over all extensions."""
    if params.days is None:
        return None
    total = snapshot.extended_working_days + params.days
    if total <= snapshot.max_extension_working_days:
        return None
    remaining = max(snapshot.max_extension_working_days - snapshot.extended_working_days, 0)
    return Refused(
        RefusalCode.EXTENSION_EXCEEDS_LIMIT,
        f"延长后累计{total}个工作日，超过法定上限{snapshot.max_extension_working_days}个工作日"
        f"（行政许可法第42条），最多还可延长{remaining}个工作日",
    )


def _review_incomplete(review: ReviewOutcome | None) -> Refused | None:
    if review is None:
        return Refused(RefusalCode.REVIEW_INCOMPLETE, "尚未生成部门审查任务，不能作出决定")
    if review.kind is ReviewOutcomeKind.PENDING:
        waiting = f"（待审查：{_join(review.open_tasks)}）" if review.open_tasks else ""
        return Refused(RefusalCode.REVIEW_INCOMPLETE, f"部门审查尚未完成{waiting}，不能作出决定")
    return None


@guard("部门审查全部通过", uses_params=False)
def review_approved(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """并联审批: approval only on an approving review outcome (会签: every department agreed)."""
    review = snapshot.review
    if review is None or review.kind is ReviewOutcomeKind.PENDING:
        return _review_incomplete(review)
    if review.kind is ReviewOutcomeKind.REJECTED:
        reasons = "；".join(f"{r.department_id}：{r.opinion}" for r in review.rejections)
        return Refused(
            RefusalCode.REVIEW_REJECTED,
            f"部门审查未通过（{reasons}），不能准予许可，请作出不予许可决定",
        )
    return None


@guard("部门审查已有结果", uses_params=False)
def review_complete(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """并联审批: no decision while a required department review is open (conventions §5.5)."""
    return _review_incomplete(snapshot.review)


@guard("容缺材料已全部补齐", uses_params=False)
def materials_all_supplied(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """容缺受理 (domain.md §5): the result is issued only after the deferred materials arrive."""
    outstanding = snapshot.missing_key_materials + snapshot.missing_non_key_materials
    if not outstanding:
        return None
    return Refused(
        RefusalCode.MATERIALS_OUTSTANDING,
        f"容缺材料尚未补齐：{_join(outstanding)}；补齐后方可准予许可",
    )


@guard("告知行政复议、行政诉讼权利")
def rights_notice_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """行政许可法 第38条 ¶2: 告知申请人享有依法申请行政复议或者提起行政诉讼的权利."""
    if params.rights_notified:
        return None
    return Refused(
        RefusalCode.RIGHTS_NOTICE_REQUIRED,
        "不予许可决定须告知申请人依法申请行政复议或者提起行政诉讼的权利（行政许可法第38条）",
    )


@guard("选择送达方式")
def delivery_method_given(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """GB/T 39046 6.5 是否快递寄送结果; the method decides what is recorded."""
    if params.delivery_method is not None:
        return None
    return Refused(
        RefusalCode.DELIVERY_METHOD_REQUIRED, "请选择送达方式（窗口领取、邮寄送达或电子送达）"
    )


@guard("邮寄送达须有物流单号")
def tracking_number_for_post(snapshot: CaseSnapshot, params: CommandParams) -> Refused | None:
    """GB/T 39046 6.9 物流: 物流单号 identifies a postal delivery."""
    if params.delivery_method is not DeliveryMethod.POST or params.tracking_number.strip():
        return None
    return Refused(RefusalCode.TRACKING_NUMBER_REQUIRED, "邮寄送达须填写物流单号")
