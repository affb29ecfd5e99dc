"""Commands (what someone asks to do with a case) and their parameters."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    """A request to move a case. Which state it applies in is decided by the transition table."""

    SUBMIT = "submit"  # 申报 (online)
    REGISTER_AT_WINDOW = "register_at_window"  # 窗口登记: a walk-in application is received
    START_PRE_REVIEW = "start_pre_review"  # 开始预审 (网上预受理)
    RETURN_PRE_REVIEW = "return_pre_review"  # 预审退回: back to the applicant's draft
    RECEIVE = "receive"  # 接件: an online application is formally received
    REQUEST_CORRECTION = "request_correction"  # 补正告知 (one-time notice, Art.32)
    RESUBMIT = "resubmit"  # 补正提交: corrected materials handed in
    REFUSE_ACCEPTANCE = "refuse_acceptance"  # 不予受理 (Art.32)
    ACCEPT = "accept"  # 受理 (possibly 容缺受理)
    START_REVIEW = "start_review"  # 开始审查: review tasks sent to the departments
    SUPPLEMENT = "supplement"  # 容缺补齐: deferred materials supplied after acceptance
    START_SPECIAL_PROCEDURE = "start_special_procedure"  # 启动特别程序 (Art.45)
    END_SPECIAL_PROCEDURE = "end_special_procedure"  # 结束特别程序
    EXTEND = "extend"  # 延长审批期限 (Art.42)
    DECIDE_APPROVE = "decide_approve"  # 准予许可 (Art.38 ¶1)
    DECIDE_REJECT = "decide_reject"  # 不予许可 (Art.38 ¶2)
    START_DELIVERY = "start_delivery"  # 送达 (Art.44 for licences)
    CLOSE = "close"  # 办结
    WITHDRAW = "withdraw"  # 撤回申请 (before a decision)
    TERMINATE = "terminate"  # 终止办理 (e.g. 容缺 materials not supplied)

    @property
    def label(self) -> str:
        return _COMMAND_LABELS[self]


_COMMAND_LABELS: dict[Command, str] = {
    Command.SUBMIT: "申报",
    Command.REGISTER_AT_WINDOW: "窗口登记",
    Command.START_PRE_REVIEW: "开始预审",
    Command.RETURN_PRE_REVIEW: "预审退回",
    Command.RECEIVE: "接件",
    Command.REQUEST_CORRECTION: "补正告知",
    Command.RESUBMIT: "补正提交",
    Command.REFUSE_ACCEPTANCE: "不予受理",
    Command.ACCEPT: "受理",
    Command.START_REVIEW: "开始审查",
    Command.SUPPLEMENT: "容缺补齐",
    Command.START_SPECIAL_PROCEDURE: "启动特别程序",
    Command.END_SPECIAL_PROCEDURE: "结束特别程序",
    Command.EXTEND: "延长审批期限",
    Command.DECIDE_APPROVE: "准予许可",
    Command.DECIDE_REJECT: "不予许可",
    Command.START_DELIVERY: "送达",
    Command.CLOSE: "办结",
    Command.WITHDRAW: "撤回",
    Command.TERMINATE: "终止",
}


class NotAcceptedGround(StrEnum):
    """Why an application is not accepted (行政许可法 第32条 ¶1)."""

    NO_LICENCE_NEEDED = "no_licence_needed"  # 依法不需要取得行政许可 (¶1(1))
    OUTSIDE_COMPETENCE = "outside_competence"  # 不属于本机关职权范围, with referral (¶1(2))
    NOT_CORRECTED = "not_corrected"  # 逾期未补正或补正后仍不符合法定形式 (¶1(4)-(5))
    OTHER = "other"  # 其他法定情形 (the reason must name it)

    @property
    def label(self) -> str:
        return _GROUND_LABELS[self]


_GROUND_LABELS: dict[NotAcceptedGround, str] = {
    NotAcceptedGround.NO_LICENCE_NEEDED: "依法不需要取得行政许可",
    NotAcceptedGround.OUTSIDE_COMPETENCE: "不属于本机关职权范围",
    NotAcceptedGround.NOT_CORRECTED: "未按要求补正",
    NotAcceptedGround.OTHER: "其他法定情形",
}


class SpecialProcedureKind(StrEnum):
    """Kinds of time not counted in the decision period (行政许可法 第45条).

    The eight statutory kinds; ``OTHER`` covers procedures a specific law adds (e.g. 公示,
    现场踏勘 under a sector regulation) and needs the legal basis in the reason. All are reported
    with GB/T 39046 A.7 特别程序种类代码 2 (除延长审批之外的情况); extension is code 1.
    """

    HEARING = "hearing"  # 听证
    TENDER = "tender"  # 招标
    AUCTION = "auction"  # 拍卖
    INSPECTION = "inspection"  # 检验
    TESTING = "testing"  # 检测
    QUARANTINE = "quarantine"  # 检疫
    APPRAISAL = "appraisal"  # 鉴定
    EXPERT_REVIEW = "expert_review"  # 专家评审
    OTHER = "other"  # 其他（须注明法律依据）

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS: dict[SpecialProcedureKind, str] = {
    SpecialProcedureKind.HEARING: "听证",
    SpecialProcedureKind.TENDER: "招标",
    SpecialProcedureKind.AUCTION: "拍卖",
    SpecialProcedureKind.INSPECTION: "检验",
    SpecialProcedureKind.TESTING: "检测",
    SpecialProcedureKind.QUARANTINE: "检疫",
    SpecialProcedureKind.APPRAISAL: "鉴定",
    SpecialProcedureKind.EXPERT_REVIEW: "专家评审",
    SpecialProcedureKind.OTHER: "其他",
}


class DeliveryMethod(StrEnum):
    """How the licence or decision reaches the applicant (GB/T 39046 6.5 是否快递寄送结果)."""

    WINDOW = "window"  # 窗口领取
    POST = "post"  # 邮寄送达 (tracking number required; GB/T 39046 6.9 物流单号)
    ELECTRONIC = "electronic"  # 电子送达 (电子证照 / electronic decision)

    @property
    def label(self) -> str:
        return _DELIVERY_LABELS[self]


_DELIVERY_LABELS: dict[DeliveryMethod, str] = {
    DeliveryMethod.WINDOW: "窗口领取",
    DeliveryMethod.POST: "邮寄送达",
    DeliveryMethod.ELECTRONIC: "电子送达",
}


@dataclass(frozen=True, slots=True)
class CommandParams:
    """Everything a command may carry. Each field is used by the guards of some commands only;
    the others ignore it. Blank strings count as "not given"."""

    reason: str = ""  # 理由 / 启动理由或依据 / 撤回理由 / 终止理由
    opinion: str = ""  # 环节处理意见 (GB/T 39046 6.4)
    materials: tuple[str, ...] = ()  # 补正 list, or the deferred materials now supplied
    tolerant: bool = False  # 容缺受理 requested
    not_accepted_ground: NotAcceptedGround | None = None
    referral_agency: str = ""  # the competent agency named in a 不予受理 (Art.32 ¶1(2))
    procedure_kind: SpecialProcedureKind | None = None
    days: int | None = None  # working days: extension length, or special-procedure time
    result: str = ""  # 特别程序结果 (GB/T 39046 6.4)
    rights_notified: bool = False  # the refusal notifies 行政复议/行政诉讼 rights (Art.38)
    delivery_method: DeliveryMethod | None = None
    tracking_number: str = ""  # 物流单号 for postal delivery
