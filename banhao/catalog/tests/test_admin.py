"""Admin: drafts editable, published versions read-only, actions use the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from banhao.catalog.choices import VersionState
from banhao.catalog.models import ServiceItemVersion
from banhao.catalog.tests.factories import DepartmentFactory, ServiceItemVersionFactory

pytestmark = pytest.mark.django_db


def change_url(version: ServiceItemVersion) -> str:
    return reverse("admin:catalog_serviceitemversion_change", args=[version.pk])


def test_draft_page_is_editable_and_shows_the_validation_report(admin_client: Client) -> None:
    draft = ServiceItemVersionFactory.create(promised_limit_amount=30)
    page = admin_client.get(change_url(draft)).content.decode()
    assert "校验结果" in page
    assert "承诺办结时限（30个工作日）不得超过法定办结时限（20个工作日）" in page
    assert 'name="name"' in page  # an input: editable


def test_published_version_is_read_only(admin_client: Client) -> None:
    version = ServiceItemVersionFactory.create(published=True)
    page = admin_client.get(change_url(version)).content.decode()
    assert 'name="name"' not in page
    assert "全部校验通过" in page or "提示" in page
    response = admin_client.post(change_url(version), {"name": "改名"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.name != "改名"


def test_publish_action_reports_validator_messages(admin_client: Client) -> None:
    good = ServiceItemVersionFactory.create()
    bad = ServiceItemVersionFactory.create(consult_phone="12345")
    url = reverse("admin:catalog_serviceitemversion_changelist")
    response = admin_client.post(
        url,
        {"action": "publish_selected", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "咨询电话与监督投诉电话不能相同" in page
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.state == VersionState.PUBLISHED
    assert bad.state == VersionState.DRAFT


def test_new_draft_action(admin_client: Client) -> None:
    version = ServiceItemVersionFactory.create(published=True)
    url = reverse("admin:catalog_serviceitemversion_changelist")
    admin_client.post(
        url, {"action": "new_draft_from_selected", "_selected_action": [version.pk]}, follow=True
    )
    draft = ServiceItemVersion.objects.get(item=version.item, state=VersionState.DRAFT)
    assert draft.version == 2 and draft.faqs.count() == 1


def test_item_and_org_pages_render(admin_client: Client) -> None:
    version = ServiceItemVersionFactory.create(published=True)
    for url in (
        reverse("admin:catalog_serviceitem_change", args=[version.item.pk]),
        reverse("admin:catalog_serviceitem_changelist"),
        reverse("admin:catalog_serviceitemversion_changelist"),
        reverse("admin:org_department_changelist"),
        reverse("admin:org_servicecentre_changelist"),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_adding_an_item_in_another_code_system_is_refused(admin_client: Client) -> None:
    version = ServiceItemVersionFactory.create(published=True)
    response = admin_client.post(
        reverse("admin:catalog_serviceitem_add"),
        {
            "code": version.item.code,
            "code_system": "national",
            "department": version.item.department.pk,
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "已在「地方」编码体系中登记" in response.content.decode()


def test_adding_an_item_creates_its_first_draft(admin_client: Client) -> None:
    department = DepartmentFactory.create()
    response = admin_client.post(
        reverse("admin:catalog_serviceitem_add"),
        {
            "code": "371681-QT-0001",
            "code_system": "local",
            "department": department.pk,
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ServiceItemVersion.objects.get(item__code="371681-QT-0001")
    assert draft.state == VersionState.DRAFT and draft.version == 1
