"""The bureau's notices (文书) about an application, built from plain values.

Three builders, each returning a ``pdf.Notice`` ready for ``pdf.render_notice``:

- ``acceptance_notice``: 受理通知书 (行政许可法第三十二条第一款第（五）项), including 容缺受理
  with the list of deferred materials and the applicant's commitment to supply them;
- ``refusal_of_acceptance_notice``: 不予受理通知书, with the reason, the legal ground under
  行政许可法第三十二条, the competent agency when the matter is outside the bureau's competence,
  and the notice of the right to 行政复议 and 行政诉讼;
- ``correction_notice``: 补正材料通知书, the one-time notice (一次告知) of everything to correct,
  per 行政许可法第三十二条第一款第（四）项;
- ``completion_notice``: 办结通知书, telling the applicant the case is concluded (办结), the
  result and how it was delivered, with the 好差评 rating QR code (国办发〔2019〕51号: every
  依申请 service can be rated; domain.md §4.4).

Both 受理 and 不予受理 must be a written certificate bearing the bureau's special seal and the
date (第三十二条第二款): the notices carry the 落款 "…（受理专用章）" and the seal outline. The
document numbers (文书编号) are inputs; numbering belongs to whoever issues the notice.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from banhao.documents.pdf import Notice, format_chinese_date

__all__ = [
    "CaseInfo",
    "CorrectionItem",
    "IssuingOffice",
    "RefusalGround",
    "acceptance_notice",
    "completion_notice",
    "correction_notice",
    "refusal_of_acceptance_notice",
]

LICENSING_LAW = "《中华人民共和国行政许可法》"
ACCEPTANCE_SEAL = "受理专用章"
PROVISIONAL_NOTE = (
    "承诺办结日期为暂定日期：依法需要听证、检验、检测、鉴定、专家评审或者现场勘验等的，"
    "所需时间不计算在承诺时限内，本局将另行书面告知。"
)


@dataclass(frozen=True, kw_only=True)
class IssuingOffice:
    """The bureau that issues the notice and how to reach it."""

    bureau_name: str  # 邹平市行政审批服务局
    hall_address: str  # 邹平市政务服务中心（邹平市黛溪五路 1 号）
    phone: str  # 咨询电话
    complaint_phone: str | None = "12345"  # 监督投诉电话 (12345 政务服务便民热线)
    office_hours: str | None = None  # 工作时间
    # How an applicant follows the case online, completing "可凭办件编号通过……查询办理进度",
    # e.g. "“爱山东”App或山东政务服务网"; None: by phone or at the hall only.
    progress_channel: str | None = None
    # Where materials can be submitted online, completing "也可通过……在线提交", or None.
    online_channel: str | None = None

    def __post_init__(self) -> None:
        _require(self.bureau_name, "机关名称")
        _require(self.hall_address, "办事地址")
        _require(self.phone, "咨询电话")


@dataclass(frozen=True, kw_only=True)
class CaseInfo:
    """The application the notice is about (办件)."""

    case_number: str  # 办件编号
    item_name: str  # 事项名称, e.g. 建筑工程施工许可证核发
    applicant: str  # 申请人 (organisation or person)
    applied_on: dt.date  # 申请（收件）日期
    applicant_is_organisation: bool = True  # addressed as 你单位 / 你

    def __post_init__(self) -> None:
        _require(self.case_number, "办件编号")
        _require(self.item_name, "事项名称")
        _require(self.applicant, "申请人")

    @property
    def you(self) -> str:
        return "你单位" if self.applicant_is_organisation else "你"

    @property
    def addressee(self) -> str:
        return f"{self.applicant.strip()}："

    def rows(self) -> tuple[tuple[str, str], ...]:
        return (
            ("办件编号", self.case_number),
            ("事项名称", self.item_name),
            ("申请人", self.applicant),
            ("申请日期", format_chinese_date(self.applied_on)),
        )

    def application_phrase(self) -> str:
        """ "你单位于2026年11月20日提出的建筑工程施工许可证核发申请（办件编号：…）"."""
        return (
            f"{self.you}于{format_chinese_date(self.applied_on)}提出的{self.item_name}申请"
            f"（办件编号：{self.case_number}）"
        )


@dataclass(frozen=True, kw_only=True)
class CorrectionItem:
    """One thing to correct: the material and what is wrong or required."""

    material: str  # 《营业执照》副本复印件
    requirement: str  # 未加盖单位公章，请加盖公章后重新提交

    def __post_init__(self) -> None:
        _require(self.material, "补正材料名称")
        _require(self.requirement, f"“{self.material}”的补正要求")

    def line(self) -> str:
        return f"{self.material.strip()}：{self.requirement.strip()}"


class RefusalGround(enum.Enum):
    """Why an application is not accepted (行政许可法第三十二条第一款)."""

    # 第（一）项: 申请事项依法不需要取得行政许可
    NOT_REQUIRED = "not_required"
    # 第（二）项: 申请事项依法不属于本行政机关职权范围 — name the competent agency
    OUTSIDE_COMPETENCE = "outside_competence"
    # another legal ground (e.g. 申请人不具备申请资格); the legal basis is then required
    OTHER = "other"


def _require(value: str | None, label: str) -> None:
    if value is None or not value.strip():
        raise ValueError(f"{label}不能为空")


def _contact_lines(office: IssuingOffice) -> tuple[str, ...]:
    lines = [f"办事地址：{office.hall_address}", f"咨询电话：{office.phone}"]
    if office.office_hours:
        lines.append(f"工作时间：{office.office_hours}")
    if office.complaint_phone:
        lines.append(f"监督投诉电话：{office.complaint_phone}")
    return tuple(lines)


def _seal(office: IssuingOffice) -> tuple[str, str]:
    """(落款, seal text) for a notice under the 受理专用章."""
    name = office.bureau_name.strip()
    return f"{name}（{ACCEPTANCE_SEAL}）", f"{name}\n{ACCEPTANCE_SEAL}"


def acceptance_notice(
    *,
    office: IssuingOffice,
    case: CaseInfo,
    document_number: str,
    accepted_on: dt.date,
    time_limit: str,
    due_on: dt.date,
    due_is_provisional: bool = False,
    provisional_note: str | None = None,
    deferred_materials: Sequence[str] = (),
    supplement_due_on: dt.date | None = None,
    rating_url: str | None = None,
) -> Notice:
    """受理通知书.

    ``time_limit`` is the 承诺时限 as worded in the 办事指南 (e.g. "5个工作日"), ``due_on`` the
    承诺办结日期; ``due_is_provisional`` marks it "（暂定）" and explains why (``provisional_note``,
    by default the periods not counted under 行政许可法第四十五条). ``deferred_materials``
    makes it a 容缺受理: the materials the applicant committed to supply by
    ``supplement_due_on``. ``rating_url`` is the 好差评 link, printed as a QR code.
    """
    _require(document_number, "文书编号")
    _require(time_limit, "承诺时限")
    deferred = tuple(deferred_materials)
    for number, material in enumerate(deferred, start=1):
        _require(material, f"容缺材料第{number}项")
    if accepted_on < case.applied_on:
        raise ValueError("受理日期不能早于申请日期")
    if due_on < accepted_on:
        raise ValueError("承诺办结日期不能早于受理日期")
    if deferred and supplement_due_on is None:
        raise ValueError("容缺受理须注明容缺材料的补齐期限")
    if supplement_due_on is not None:
        if not deferred:
            raise ValueError("没有容缺材料时不应填写补齐期限")
        if supplement_due_on < accepted_on:
            raise ValueError("容缺材料补齐期限不能早于受理日期")

    you = case.you
    if deferred:
        decision = (
            f"{case.application_phrase()}，经审查，申请材料主要内容齐全、符合法定形式，"
            f"部分非核心材料欠缺，{you}已签署《容缺受理承诺书》。根据{LICENSING_LAW}"
            "第三十二条第一款第（五）项的规定及容缺受理有关规定，本局决定予以容缺受理。"
        )
    else:
        decision = (
            f"{case.application_phrase()}，经审查，申请事项属于本局职权范围，申请材料齐全、"
            f"符合法定形式。根据{LICENSING_LAW}第三十二条第一款第（五）项的规定，"
            "本局决定予以受理。"
        )

    due_text = format_chinese_date(due_on) + ("（暂定）" if due_is_provisional else "")
    rows = (
        *case.rows(),
        ("受理日期", format_chinese_date(accepted_on)),
        ("受理方式", "容缺受理" if deferred else "一般受理"),
        ("承诺时限", time_limit),
        ("承诺办结日期", due_text),
    )

    items_heading = None
    closing: list[str] = []
    if deferred:
        assert supplement_due_on is not None  # checked above
        items_heading = (
            f"容缺材料（共{len(deferred)}项），请{you}按照承诺于"
            f"{format_chinese_date(supplement_due_on)}前补齐："
        )
        closing.append(
            "本局先行审查，容缺材料补齐并经审核无误后依法作出审批决定；"
            "逾期未补齐的，本局将按规定终止办理，并将承诺履行情况记入信用记录。"
        )
    if due_is_provisional:
        closing.append(provisional_note or PROVISIONAL_NOTE)
    if office.progress_channel:
        progress = (
            f"{you}可凭办件编号通过{office.progress_channel}查询办理进度，"
            f"也可拨打咨询电话{office.phone}查询。"
        )
    else:
        progress = f"{you}可凭办件编号拨打咨询电话{office.phone}或到本局政务服务大厅查询办理进度。"
    if rating_url:
        progress += "欢迎扫描本通知书右下方二维码，对本次服务进行“好差评”。"
    closing.append(progress)
    closing.append("特此通知。")

    issuer, seal_text = _seal(office)
    return Notice(
        bureau_name=office.bureau_name,
        title="受理通知书",
        document_number=document_number,
        addressee=case.addressee,
        paragraphs=(decision,),
        table=rows,
        items_heading=items_heading,
        items=deferred,
        closing_paragraphs=tuple(closing),
        footer_lines=_contact_lines(office),
        issuer=issuer,
        issued_on=accepted_on,
        qr_url=rating_url,
        qr_caption="扫码评价（好差评）",
        seal_text=seal_text,
    )


def refusal_of_acceptance_notice(
    *,
    office: IssuingOffice,
    case: CaseInfo,
    document_number: str,
    decided_on: dt.date,
    ground: RefusalGround,
    reason: str,
    reconsideration_body: str,
    referral_agency: str | None = None,
    legal_basis: str | None = None,
    rating_url: str | None = None,
) -> Notice:
    """不予受理通知书.

    ``reason`` is the finding in the bureau's words (e.g. "该申请事项依法不属于本局职权范围"),
    ``reconsideration_body`` the 行政复议机关 (for a county bureau: the county-level people's
    government, e.g. "邹平市人民政府"). ``referral_agency`` is required when the matter is
    outside the bureau's competence; ``legal_basis`` is required for ``RefusalGround.OTHER``
    and replaces the standard ground (e.g. "《中华人民共和国行政许可法》第三十二条第一款和
    《……》第×条").
    """
    _require(document_number, "文书编号")
    _require(reason, "不予受理的理由")
    _require(reconsideration_body, "行政复议机关")
    if decided_on < case.applied_on:
        raise ValueError("不予受理决定日期不能早于申请日期")
    if ground is RefusalGround.OUTSIDE_COMPETENCE:
        _require(referral_agency, "有权受理的行政机关")
    elif referral_agency is not None:
        raise ValueError("只有申请事项不属于本局职权范围时才告知向其他行政机关申请")
    if ground is RefusalGround.OTHER:
        _require(legal_basis, "不予受理的法律依据")

    if legal_basis:
        basis = legal_basis.strip()
    elif ground is RefusalGround.NOT_REQUIRED:
        basis = f"{LICENSING_LAW}第三十二条第一款第（一）项"
    else:
        basis = f"{LICENSING_LAW}第三十二条第一款第（二）项"

    you = case.you
    paragraphs = [
        f"{case.application_phrase()}，经审查，{reason.strip().rstrip('。')}。"
        f"根据{basis}的规定，本局决定不予受理。"
    ]
    if referral_agency:
        paragraphs.append(
            f"该申请事项依法属于{referral_agency.strip()}的职权范围，"
            f"请{you}向{referral_agency.strip()}提出申请。"
        )

    closing = [
        f"如不服本决定，可在收到本通知书之日起六十日内向{reconsideration_body.strip()}"
        "申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
        "特此通知。",
    ]
    issuer, seal_text = _seal(office)
    return Notice(
        bureau_name=office.bureau_name,
        title="不予受理通知书",
        document_number=document_number,
        addressee=case.addressee,
        paragraphs=tuple(paragraphs),
        table=(*case.rows(), ("决定日期", format_chinese_date(decided_on))),
        closing_paragraphs=tuple(closing),
        footer_lines=_contact_lines(office),
        issuer=issuer,
        issued_on=decided_on,
        qr_url=rating_url,
        qr_caption="扫码评价（好差评）",
        seal_text=seal_text,
    )


def correction_notice(
    *,
    office: IssuingOffice,
    case: CaseInfo,
    document_number: str,
    notified_on: dt.date,
    corrections: Sequence[CorrectionItem],
    submit_by: dt.date | None = None,
    submit_to: str | None = None,
    rating_url: str | None = None,
) -> Notice:
    """补正材料通知书: every correction at once (一次告知).

    ``submit_to`` is where the materials are handed in (default: the office's hall address),
    ``submit_by`` the deadline set by the bureau, if any.
    """
    _require(document_number, "文书编号")
    items = tuple(corrections)
    if not items:
        raise ValueError("补正材料清单不能为空")
    if notified_on < case.applied_on:
        raise ValueError("告知日期不能早于申请日期")
    if submit_by is not None and submit_by < notified_on:
        raise ValueError("补正期限不能早于告知日期")
    if submit_to is not None:
        _require(submit_to, "补正材料提交地点")

    you = case.you
    intro = (
        f"{case.application_phrase()}，经审查，申请材料不齐全或者不符合法定形式。"
        f"根据{LICENSING_LAW}第三十二条第一款第（四）项的规定，现将需要补正的全部内容"
        f"一次性告知如下："
    )
    where = (submit_to or office.hall_address).strip()
    when = f"于{format_chinese_date(submit_by)}前" if submit_by else ""
    handing_in = f"请{you}{when}将补正材料提交至{where}"
    if office.online_channel:
        handing_in += f"，也可通过{office.online_channel}在线提交"
    handing_in += "，提交时请出示本通知书或告知办件编号。"
    processing = (
        "以上为需要补正的全部内容，除补正材料本身存在问题外，本局不再要求补正其他材料。"
        f"{you}按照本通知书要求补正全部材料后，本局将依法受理并办理{you}的申请；"
        "材料补正前，本申请暂不进入审查程序。"
    )
    if submit_by:
        processing += "逾期未补正且未说明正当理由的，视为撤回本次申请。"
    closing = [handing_in, processing, "特此通知。"]

    rows = [*case.rows(), ("告知日期", format_chinese_date(notified_on))]
    if submit_by:
        rows.append(("补正期限", f"{format_chinese_date(submit_by)}前"))

    issuer, seal_text = _seal(office)
    return Notice(
        bureau_name=office.bureau_name,
        title="补正材料通知书",
        document_number=document_number,
        addressee=case.addressee,
        paragraphs=(intro,),
        table=tuple(rows),
        items_heading=f"需要补正的材料及要求（共{len(items)}项）：",
        items=tuple(item.line() for item in items),
        closing_paragraphs=tuple(closing),
        footer_lines=_contact_lines(office),
        issuer=issuer,
        issued_on=notified_on,
        qr_url=rating_url,
        qr_caption="扫码评价（好差评）",
        seal_text=seal_text,
    )


def completion_notice(
    *,
    office: IssuingOffice,
    case: CaseInfo,
    document_number: str,
    closed_on: dt.date,
    result: str,
    delivery: str | None = None,
    rating_url: str | None = None,
    rating_days: int | None = None,
) -> Notice:
    """办结通知书: the case is concluded with ``result`` (e.g. "准予行政许可"), delivered by
    ``delivery`` (e.g. "电子送达"). ``rating_url`` is printed as a QR code inviting a 好差评
    within ``rating_days`` working days (山东: 5 [L], domain.md §4.4)."""
    _require(document_number, "文书编号")
    _require(result, "办理结果")
    if closed_on < case.applied_on:
        raise ValueError("办结日期不能早于申请日期")
    if rating_days is not None and rating_days < 1:
        raise ValueError("评价期限至少 1 个工作日")
    you = case.you
    body = f"{case.application_phrase()}，本局已于{format_chinese_date(closed_on)}办结。"
    rows = [
        *case.rows(),
        ("办结日期", format_chinese_date(closed_on)),
        ("办理结果", result.strip()),
    ]
    if delivery:
        rows.append(("送达方式", delivery.strip()))
    closing: list[str] = []
    if rating_url:
        within = f"自办结之日起{rating_days}个工作日内" if rating_days else ""
        closing.append(
            f"欢迎{you}{within}扫描本通知书右下方二维码，或登录本平台“我的办件”，"
            "对本次服务进行“好差评”。评价人信息依法保护，办理人员无权查看。"
        )
    closing.append(
        f"{you}对办理结果有异议的，可依法申请行政复议或者提起行政诉讼；"
        f"对服务有意见建议的，可拨打监督投诉电话{office.complaint_phone or office.phone}。"
    )
    closing.append("特此通知。")
    issuer, seal_text = _seal(office)
    return Notice(
        bureau_name=office.bureau_name,
        title="办结通知书",
        document_number=document_number,
        addressee=case.addressee,
        paragraphs=(body,),
        table=tuple(rows),
        closing_paragraphs=tuple(closing),
        footer_lines=_contact_lines(office),
        issuer=issuer,
        issued_on=closed_on,
        qr_url=rating_url,
        qr_caption="扫码评价（好差评）",
        seal_text=seal_text,
    )
