"""Pages and API: public verification (success and masking), 我的证照 for the holder (a company
account sees its code's licences), downloads through the gateway, staff operations with their
roles, and the API error shape."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from banhao.accounts.demo import DEMO_RESIDENT_ID
from banhao.accounts.tokens import api_token_create
from banhao.audit.models import AuditEntry
from banhao.cases.services import ApplicantData
from banhao.licences.models import Licence
from banhao.licences.services import licence_operate
from banhao.security.testing import login_staff

from .conftest import issued_permit


def _client(world, username: str | None) -> Client:
    client = Client()
    if username:
        login_staff(client, world.user(username))
    return client


def _token(world, username: str) -> dict[str, str]:
    token = api_token_create(user=world.user(username), name="t", actor=None)[1]
    return {"Authorization": f"Bearer {token}"}


def _person_licence(world) -> Licence:
    zhangsan = ApplicantData(
        kind="person",
        name="张三丰",
        id_number=DEMO_RESIDENT_ID,
        contact_name="张三丰",
        contact_phone="13905431234",
    )
    return issued_permit(world, applicant=zhangsan)


def test_public_verification_page_masks_a_person(licensing) -> None:
    licence = _person_licence(licensing)
    response = Client().get(reverse("licences:verify", args=[licence.identifier]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "验证通过：证照有效" in page
    assert "张*丰" in page and "张三丰" not in page
    assert DEMO_RESIDENT_ID not in page and DEMO_RESIDENT_ID[:6] in page
    assert "有效" in page and "邹平市行政审批服务局" in page


def test_public_verification_shows_invalid_reasons(licensing) -> None:
    licence = issued_permit(licensing)
    licence_operate(
        licence=licence, operation="revoke", actor=licensing.user("shenpi"), reason="撤销"
    )
    page = Client().get(reverse("licences:verify", args=[licence.identifier])).content.decode()
    assert "验证未通过" in page and "证照已撤销" in page
    bad = Client().get(reverse("licences:verify", args=[licence.identifier[:-1] + "0"]))
    assert bad.status_code == 200 and "校验位错误" in bad.content.decode()


def test_upload_verification_page(licensing) -> None:
    licence = issued_permit(licensing)
    client = Client()
    assert client.get(reverse("licences:verify_upload")).status_code == 200
    good = SimpleUploadedFile("l.pdf", licence.document, content_type="application/pdf")
    page = client.post(reverse("licences:verify_upload"), {"file": good}).content.decode()
    assert "验证通过" in page
    forged = licence.document.replace(b"/FontFile2", b"/FontFileX", 1)
    bad = SimpleUploadedFile("l.pdf", forged, content_type="application/pdf")
    page = client.post(reverse("licences:verify_upload"), {"file": bad}).content.decode()
    assert "文件被篡改" in page
    assert client.post(reverse("licences:verify_upload"), {}).status_code == 422


def test_public_api(licensing) -> None:
    licence = issued_permit(licensing)
    client = Client()
    body = client.get(f"/api/v1/licences/verify/{licence.identifier}").json()
    assert body["is_valid"] is True and body["status"] == {"code": "01", "label": "有效"}
    assert body["signature_valid"] and body["document_intact"] and body["check_character_valid"]
    upload = client.post(
        "/api/v1/licences/verify", {"file": SimpleUploadedFile("l.pdf", licence.document)}
    ).json()
    assert upload["is_valid"] is True and upload["identifier"] == licence.identifier
    tampered = client.post(
        "/api/v1/licences/verify", {"file": SimpleUploadedFile("l.pdf", b"%PDF-1.4 junk")}
    ).json()
    assert tampered["is_valid"] is False and "文件被篡改" in tampered["reasons"]


def test_my_licences_for_the_company_and_nobody_else(licensing) -> None:
    licence = issued_permit(licensing)  # registered at the window for qiye's code
    page = _client(licensing, "qiye").get(reverse("licences:mine")).content.decode()
    assert licence.number in page and "下载证照" in page
    assert (
        licence.number
        not in _client(licensing, "zhangsan").get(reverse("licences:mine")).content.decode()
    )
    download = _client(licensing, "qiye").get(
        reverse("licences:download", args=[licence.identifier])
    )
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == licence.document
    assert AuditEntry.objects.filter(action="licences.download").count() == 1
    for username in ("zhangsan", "zhujian"):
        response = _client(licensing, username).get(
            reverse("licences:download", args=[licence.identifier])
        )
        assert response.status_code == 404
    assert Client().get(reverse("licences:mine")).status_code == 302


def test_a_person_sees_licences_issued_to_their_id_number(licensing) -> None:
    licence = _person_licence(licensing)
    page = _client(licensing, "zhangsan").get(reverse("licences:mine")).content.decode()
    assert licence.number in page


def test_staff_operate_from_the_licence_page(licensing) -> None:
    licence = issued_permit(licensing)
    url = reverse("licences:operate", args=[licence.identifier])
    data = {"operation": "suspend", "reason": "责令整改", "row_version": licence.row_version}
    assert _client(licensing, "chuangkou").post(url, data).status_code == 404
    assert _client(licensing, "qiye").post(url, data).status_code == 404
    detail = _client(licensing, "shenpi").get(reverse("licences:detail", args=[licence.identifier]))
    assert detail.status_code == 200 and "证照业务" in detail.content.decode()
    response = _client(licensing, "shenpi").post(url, data)
    assert response.status_code == 302
    assert Licence.objects.get(pk=licence.pk).status == "02"
    stale = _client(licensing, "shenpi").post(url, data)
    assert stale.status_code == 409 and "已被他人处理" in stale.content.decode()
    change = _client(licensing, "lingdao").post(
        url,
        {
            "operation": "restore",
            "reason": "已整改",
            "row_version": Licence.objects.get(pk=licence.pk).row_version,
        },
    )
    assert change.status_code == 302
    register = _client(licensing, "chuangkou").get(reverse("licences:register"))
    assert register.status_code == 200 and licence.number in register.content.decode()
    assert _client(licensing, "qiye").get(reverse("licences:register")).status_code == 404


def test_api_holder_and_operations(licensing) -> None:
    licence = issued_permit(licensing)
    client = Client()
    mine = client.get("/api/v1/licences/mine", headers=_token(licensing, "qiye")).json()
    assert [row["identifier"] for row in mine] == [licence.identifier]
    detail = client.get(f"/api/v1/licences/{licence.identifier}", headers=_token(licensing, "qiye"))
    assert detail.status_code == 200 and detail.json()["events"][0]["national_code"] == "01"
    other = client.get(
        f"/api/v1/licences/{licence.identifier}", headers=_token(licensing, "zhangsan")
    )
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    document = client.get(
        f"/api/v1/licences/{licence.identifier}/document", headers=_token(licensing, "qiye")
    )
    assert document.status_code == 200 and document.content == licence.document
    assert client.get("/api/v1/licences/mine").status_code == 401
    body = {
        "operation": "change",
        "reason": "工程名称变更",
        "changes": {"工程名称": "鲁信大厦二期"},
        "expected_version": 0,
    }
    url = f"/api/v1/licences/{licence.identifier}/operations"
    forbidden = client.post(
        url, body, content_type="application/json", headers=_token(licensing, "qiye")
    )
    assert forbidden.status_code == 403
    done = client.post(
        url, body, content_type="application/json", headers=_token(licensing, "shenpi")
    )
    assert done.status_code == 200
    new = done.json()
    assert new["version"] == 2 and new["previous"] == licence.identifier
    assert dict(map(tuple, new["face"]))["工程名称"] == "鲁信大厦二期"
    again = client.post(
        url, body, content_type="application/json", headers=_token(licensing, "shenpi")
    )
    assert again.status_code == 409
    invalid = client.post(
        url,
        {**body, "operation": "fly"},
        content_type="application/json",
        headers=_token(licensing, "shenpi"),
    )
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "validation_failed"


@pytest.mark.parametrize("path", ["/licences/verify/x/", "/api/v1/licences/verify/x"])
def test_public_verification_is_rate_limited(licensing, settings, path: str) -> None:
    client = Client()
    statuses = [client.get(path).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
