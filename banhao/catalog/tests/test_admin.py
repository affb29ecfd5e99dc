"""Admin: drafts editable, published versions read-only, actions use the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from banhao.audit.models import AuditEntry
from banhao.catalog.choices import VersionState
from banhao.catalog.models import ServiceItem, ServiceItemVersion, Situation, Theme
from banhao.catalog.services import item_version_create_draft
from banhao.catalog.tests.factories import (
    DepartmentFactory,
    ServiceItemVersionFactory,
    ThemeFactory,
)
from banhao.shared.clock import now

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


def test_item_changelist_makes_a_bounded_number_of_queries(
    admin_client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        version = ServiceItemVersionFactory.create(published=True, children=False)
        ServiceItemVersion.objects.bulk_create(
            [ServiceItemVersion(item=version.item, version=2, name="新草稿名", created_at=now())]
        )
    url = reverse("admin:catalog_serviceitem_changelist")
    with django_assert_max_num_queries(8):  # constant: was one query more per item
        page = admin_client.get(url).content.decode()
    assert page.count("新草稿名") == 30  # the newest version's name


def test_adding_an_item_with_a_code_that_is_not_url_safe_is_refused(admin_client: Client) -> None:
    department = DepartmentFactory.create()
    response = admin_client.post(
        reverse("admin:catalog_serviceitem_add"),
        {
            "code": "371681/QT/0001",
            "code_system": "local",
            "department": department.pk,
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "事项编码只能包含字母、数字、点、下划线和连字符" in response.content.decode()
    assert not ServiceItem.objects.exists()


def test_an_item_with_published_versions_cannot_be_deleted_in_the_admin(
    admin_client: Client,
) -> None:
    version = ServiceItemVersionFactory.create(published=True)
    url = reverse("admin:catalog_serviceitem_delete", args=[version.item.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ServiceItem.objects.filter(pk=version.item.pk).exists()
    draft_only = ServiceItemVersionFactory.create()
    url = reverse("admin:catalog_serviceitem_delete", args=[draft_only.item.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not ServiceItem.objects.filter(pk=draft_only.item.pk).exists()
    assert AuditEntry.objects.filter(action="catalog.item_admin_delete").count() == 1


def test_a_theme_used_by_published_items_cannot_be_deleted(admin_client: Client) -> None:
    theme = ThemeFactory.create(name="工程建设")
    version = ServiceItemVersionFactory.create(published=True)
    version.item.themes.add(theme)
    url = reverse("admin:catalog_theme_delete", args=[theme.pk])
    page = admin_client.get(url).content.decode()
    assert "已被 1 个已发布事项使用，不能删除" in page
    response = admin_client.post(url, {"post": "yes"})
    assert Theme.objects.filter(pk=theme.pk).exists()
    assert "已被 1 个已发布事项使用，不能删除" in response.content.decode()
    # The bulk action refuses as well.
    response = admin_client.post(
        reverse("admin:catalog_theme_changelist"),
        {"action": "delete_selected", "_selected_action": [theme.pk], "post": "yes"},
    )
    assert Theme.objects.filter(pk=theme.pk).exists()
    assert not AuditEntry.objects.filter(action="catalog.theme_delete").exists()


def test_deleting_an_unused_theme_is_audited(admin_client: Client) -> None:
    theme = ThemeFactory.create(name="旧主题")
    url = reverse("admin:catalog_theme_delete", args=[theme.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Theme.objects.filter(pk=theme.pk).exists()
    entry = AuditEntry.objects.get(action="catalog.theme_delete")
    assert entry.details["name"] == "旧主题（面向法人）" and entry.actor_label == "admin"
    other = ThemeFactory.create(name="另一个主题")
    admin_client.post(
        reverse("admin:catalog_theme_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert not Theme.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(action="catalog.theme_delete").count() == 2


def test_draft_deletion_and_reference_data_edits_are_audited(admin_client: Client) -> None:
    draft = ServiceItemVersionFactory.create(published=True)
    draft = item_version_create_draft(item=draft.item, actor=None)
    situation = Situation.objects.create(version=draft, question="是否委托？")
    admin_client.post(
        reverse("admin:catalog_situation_delete", args=[situation.pk]), {"post": "yes"}
    )
    assert not Situation.objects.filter(pk=situation.pk).exists()
    response = admin_client.post(change_url(draft).replace("change", "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not ServiceItemVersion.objects.filter(pk=draft.pk).exists()
    admin_client.post(reverse("admin:catalog_parentitem_add"), {"name": "企业设立登记"})
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == [
        "catalog.version_admin_edit",
        "catalog.version_discard_draft",
        "catalog.parentitem_create",
    ]
    # Versions are never bulk-deleted (drafts one by one, published ones not at all).
    changelist = admin_client.get(reverse("admin:catalog_serviceitemversion_changelist"))
    assert "delete_selected" not in changelist.content.decode()
