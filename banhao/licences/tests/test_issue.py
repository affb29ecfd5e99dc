"""Issuing: the 准予 decision issues the licence with its 照面信息 from the case; the
identifier follows GB/T 36904; the PDF embeds the CJK font, the seal, the QR code's URL and the
identifier, and carries the signed payload."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from banhao.audit.models import AuditEntry
from banhao.cases.models import Case
from banhao.cases.services import case_decide
from banhao.cases.tests.conftest import COMPANY_CODE
from banhao.documents.licence import read_seal
from banhao.licences.models import Licence, LicenceEvent
from banhao.licences.seal import sm3_hex
from banhao.licences.services import licence_issue_for_case
from banhao.shared.errors import Conflict
from banhao_core.licences import parse_identifier

from .conftest import approve, issued_permit, register


def test_approval_issues_the_licence_with_data_from_the_case(licensing) -> None:
    licence = issued_permit(licensing)
    identifier = parse_identifier(licence.identifier)
    assert identifier.type_code == "11100000000013338W013"
    assert identifier.issuer_code == "11371681MB28505211"
    assert identifier.serial == "2026000001" and identifier.version == 1
    assert licence.status == "01" and licence.operation == "issue"
    assert licence.holder_code_type == "001" and licence.organisation_code == COMPANY_CODE
    assert licence.holder_name == "邹平市鲁信建设工程有限公司"
    assert str(licence.issued_on) == "2026-11-27" and licence.valid_to is None  # 长期
    face = dict(licence.data["face"])
    assert face == {
        "建设单位": "邹平市鲁信建设工程有限公司",
        "工程名称": "鲁信大厦",
        "项目代码": "2611-371681-04-01-123456",
        "办件编号": licence.case.number if licence.case else None,
    }
    assert licence.data["holder_code_type"] == "001"
    assert licence.data["verify_url"].endswith(f"/licences/verify/{licence.identifier}/")
    assert LicenceEvent.objects.filter(licence=licence, national_code="01").count() == 1
    assert AuditEntry.objects.filter(action="licences.issue", object_id=str(licence.pk)).exists()


def test_the_pdf_embeds_font_identifier_qr_url_and_signed_payload(licensing) -> None:
    licence = issued_permit(licensing)
    pdf = licence.document
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf and b"Helvetica" not in pdf  # the CJK font is embedded
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text().replace("\n", "")
    assert licence.identifier in text
    assert "建筑工程施工许可证" in text and "鲁信大厦" in text
    assert "行政审批专用章" in text  # the seal drawn on the page
    prefix, payload = read_seal(pdf)
    assert len(prefix) == licence.signed_length and sm3_hex(prefix) == licence.document_sm3
    assert payload["data"] == licence.data and payload["signature"] == licence.signature
    assert payload["key_id"] == licence.seal_key.key_id
    assert payload["public_key"] == licence.seal_key.public_key
    # Personal data is encrypted at rest, the file included.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT holder_name, canonical_data, document_b64 FROM licences_licence WHERE id = %s",
            [licence.pk],
        )
        row = cursor.fetchone()
    assert all(value.startswith("sm4gcm:v1:") for value in row)
    assert json.loads(licence.canonical_data)["identifier"] == licence.identifier


def test_a_refusal_issues_nothing_and_issuing_is_idempotent(licensing) -> None:
    case = register(licensing)
    with pytest.raises(Conflict):
        licence_issue_for_case(case=case, actor=None)
    approved = approve(licensing, case)
    first = Licence.objects.get(case=approved)
    assert licence_issue_for_case(case=approved, actor=None) == first
    assert Licence.objects.filter(case=approved).count() == 1


def test_an_item_without_licence_type_issues_nothing(world) -> None:
    case = approve(world, register(world))
    assert case.state == "decided_approved"
    assert not Licence.objects.exists()
    assert licence_issue_for_case(case=case, actor=None) is None


def test_rejected_cases_get_no_licence(licensing) -> None:
    from banhao.cases.models import ReviewTask
    from banhao.cases.services import case_accept, review_task_decide

    case = case_accept(case=register(licensing), actor=licensing.user("chuangkou"))
    fire = ReviewTask.objects.get(case=case, department__name="消防救援大队")
    review_task_decide(task=fire, actor=licensing.user("xiaofang"), approve=False, opinion="不符")
    case_decide(
        case=Case.objects.get(pk=case.pk),
        actor=licensing.user("shenpi"),
        approve=False,
        reason="消防条件不符",
        rights_notified=True,
    )
    assert not Licence.objects.exists()


def test_serials_count_per_type_and_year(licensing) -> None:
    first = issued_permit(licensing)
    second = issued_permit(licensing)
    assert (first.serial, second.serial) == ("2026000001", "2026000002")
    assert first.identifier != second.identifier
