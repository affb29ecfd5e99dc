"""The case's notices (受理通知书, 不予受理通知书, 补正材料通知书, 办结通知书) as PDF, built
from the recorded facts of the case — the same document every time it is downloaded.

The 受理, 不予受理 and 办结 notices carry the 好差评 rating link as a QR code (domain.md §4.1:
"windows must show a rating QR code"; §4.4). The link is signed here (``rating_token``) so a
walk-in applicant can rate without an account; the feedback context reads it with
``read_rating_token`` and finds its page by URL name — the case spine never imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from banhao.cases.models import Case, CaseEvent, CaseMaterial, CorrectionRequest
from banhao.documents.notices import (
    CaseInfo,
    CorrectionItem,
    IssuingOffice,
    RefusalGround,
    acceptance_notice,
    completion_notice,
    correction_notice,
    refusal_of_acceptance_notice,
)
from banhao.documents.pdf import render_notice
from banhao.shared.errors import NotFound
from banhao_core.time_limits import TimeLimit

NOTICE_KINDS = {
    "acceptance": "受理通知书",
    "refusal": "不予受理通知书",
    "correction": "补正材料通知书",
    "completion": "办结通知书",
}
#: The service event each notice invites a rating of (``banhao_core.ratings.ServiceEvent``).
RATING_EVENTS = {"acceptance": "acceptance", "refusal": "close", "completion": "close"}
RATING_LINK_SALT = "banhao.cases.notices.rating-link"
DECISION_RESULTS = {"approve": "准予行政许可", "reject": "不予行政许可"}
DELIVERY_LABELS = {"window": "窗口领取", "post": "邮寄送达", "electronic": "电子送达"}
PROVISIONAL_NOTE = (
    "承诺办结日期所涉年度的国务院放假安排尚未公布，该日期为暂定日期，"
    "以正式公布的放假安排为准，本局将据此重新计算并告知。"
)
GROUNDS = {
    "no_licence_needed": RefusalGround.NOT_REQUIRED,
    "outside_competence": RefusalGround.OUTSIDE_COMPETENCE,
}


def _office(case: Case) -> IssuingOffice:
    centre = case.service_centre
    return IssuingOffice(
        bureau_name=settings.BANHAO_BUREAU_NAME,
        hall_address=f"{centre.name}（{centre.address}）" if centre.address else centre.name,
        phone=centre.phone or "12345",
        office_hours=centre.opening_hours or None,
        progress_channel="本平台“我的办件”",
        online_channel="本平台",
    )


def _case_info(case: Case) -> CaseInfo:
    applied = case.received_at or case.submitted_at or case.created_at
    return CaseInfo(
        case_number=case.number,
        item_name=case.item_version.name,
        applicant=case.applicant_name,
        applied_on=timezone.localdate(applied),
        applicant_is_organisation=case.applicant_kind == "company",
    )


def _correction_item(text: str) -> CorrectionItem:
    for separator in ("：", ":"):
        if separator in text:
            material, requirement = text.split(separator, 1)
            if material.strip() and requirement.strip():
                return CorrectionItem(material=material.strip(), requirement=requirement.strip())
    return CorrectionItem(material=text.strip(), requirement="请按要求补正后重新提交")


def _limit_label(case: Case) -> str:
    version = case.item_version
    from banhao.catalog.snapshots import version_promised_limit

    limit: TimeLimit | None = version_promised_limit(version)
    return limit.label if limit is not None else "20个工作日"


def rating_token(case: Case, event: str) -> str:
    """The signed token of the rating link of one service event of ``case``."""
    return signing.dumps([case.number, event], salt=RATING_LINK_SALT, compress=True)


def read_rating_token(token: str) -> tuple[str, str]:
    """``(case number, event)`` of a rating token; ``NotFound`` when it was not signed here."""
    try:
        value = signing.loads(token, salt=RATING_LINK_SALT)
    except signing.BadSignature as exc:
        raise NotFound("评价链接无效，请扫描通知书或窗口的二维码") from exc
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, str) for part in value)
    ):
        raise NotFound("评价链接无效，请扫描通知书或窗口的二维码")
    return value[0], value[1]


def rating_url(case: Case, event: str, *, base_url: str = "") -> str:
    """The rating link (absolute when ``base_url`` is given, as a printed QR code must be)."""
    path = reverse("feedback:qr_rate", args=[rating_token(case, event)])
    return base_url.rstrip("/") + path if base_url else path


def notice_pdf(case: Case, kind: str, *, base_url: str = "") -> tuple[str, bytes]:
    """``(file name, PDF bytes)`` of one notice of the case; ``NotFound`` when the case has no
    such notice (e.g. a refusal notice for an accepted case). With ``base_url`` (the site's
    address) the 受理, 不予受理 and 办结 notices print the rating QR code."""
    office, info = _office(case), _case_info(case)
    rated_event = RATING_EVENTS.get(kind)
    link = rating_url(case, rated_event, base_url=base_url) if base_url and rated_event else None
    if kind == "acceptance" and case.accepted_at is not None and case.promised_due:
        deferred = list(
            case.materials.filter(status=CaseMaterial.Status.DEFERRED).values_list(
                "name", flat=True
            )
        )
        notice = acceptance_notice(
            office=office,
            case=info,
            document_number=case.acceptance_number,
            accepted_on=timezone.localdate(case.accepted_at),
            time_limit=_limit_label(case),
            due_on=case.promised_due,
            due_is_provisional=case.due_is_provisional,
            provisional_note=PROVISIONAL_NOTE if case.due_is_provisional else None,
            deferred_materials=deferred,
            supplement_due_on=case.promised_due if deferred else None,
            rating_url=link,
        )
    elif kind == "refusal" and case.state == "not_accepted":
        event = CaseEvent.objects.filter(case=case, command="refuse_acceptance").last()
        details = event.details if event is not None else {}
        ground = GROUNDS.get(str(details.get("ground", "")), RefusalGround.OTHER)
        notice = refusal_of_acceptance_notice(
            office=office,
            case=info,
            document_number=case.acceptance_number,
            decided_on=timezone.localdate(case.closed_at or case.created_at),
            ground=ground,
            reason=case.decision_reason or "申请材料不符合法定形式",
            reconsideration_body=settings.BANHAO_RECONSIDERATION_BODY,
            referral_agency=str(details.get("referral_agency", "")) or None,
            legal_basis="《中华人民共和国行政许可法》第三十二条"
            if ground is RefusalGround.OTHER
            else None,
            rating_url=link,
        )
    elif kind == "correction":
        request = CorrectionRequest.objects.filter(case=case).order_by("issued_at").last()
        if request is None:
            raise NotFound("该办件没有补正告知")
        notice = correction_notice(
            office=office,
            case=info,
            document_number=request.notice_number,
            notified_on=timezone.localdate(request.issued_at),
            corrections=[_correction_item(str(item)) for item in request.items],
            submit_to=case.service_centre.name,
        )
    elif kind == "completion" and case.state == "closed" and case.closed_at is not None:
        notice = completion_notice(
            office=office,
            case=info,
            document_number=case.acceptance_number or case.number,
            closed_on=timezone.localdate(case.closed_at),
            result=DECISION_RESULTS.get(case.decision, "已办结"),
            delivery=DELIVERY_LABELS.get(case.delivery_method) or None,
            rating_url=link,
        )
    else:
        raise NotFound("该办件没有这份文书")
    return f"{case.number}-{NOTICE_KINDS[kind]}.pdf", render_notice(notice)
