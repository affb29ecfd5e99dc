"""Catalogue and organisation API: list/search, detail, themes, departments, errors."""

from __future__ import annotations

import pytest
from django.test import Client

from banhao.catalog.choices import ItemType
from banhao.catalog.demo import demo_catalogue_load
from banhao.catalog.models import Theme
from banhao.catalog.tests.factories import ServiceItemVersionFactory
from banhao.org.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    demo_catalogue_load()
    # A draft and a retired version never show up.
    ServiceItemVersionFactory.create(name="施工许可草稿")
    ServiceItemVersionFactory.create(retired=True, name="已停用的施工许可")


def test_list_is_paginated(client: Client, demo: None) -> None:
    response = client.get("/api/v1/catalog/items", {"page_size": 4, "page": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 9 and body["page"] == 2 and body["page_size"] == 4
    assert len(body["items"]) == 4


def test_search_in_chinese(client: Client, demo: None, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/catalog/items", {"q": "施工许可"})
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item == {
        "code": "371681-XK-0001",
        "name": "建筑工程施工许可证核发",
        "parent": "建筑工程施工许可证核发",
        "department": {
            "id": Department.objects.get(name="行政审批服务局（投资建设审批科）").pk,
            "name": "行政审批服务局（投资建设审批科）",
        },
        "item_type": {"code": "01", "label": "行政许可"},
        "promised_limit": "1个工作日",
        "online_depth": {"code": "4", "label": "Ⅳ级（全程网办）"},
        "visits_required": 0,
        "version": 1,
    }


def test_search_by_code_and_relevance_order(client: Client, demo: None) -> None:
    body = client.get("/api/v1/catalog/items", {"q": "371681-XK-0002"}).json()
    assert [i["name"] for i in body["items"]] == ["企业设立登记"]
    names = [i["name"] for i in client.get("/api/v1/catalog/items", {"q": "许可"}).json()["items"]]
    assert names[0] == "食品经营许可"  # shortest name containing the query first


def test_filters(client: Client, demo: None) -> None:
    department = Department.objects.get(name="行政审批服务局（市场准入审批科）")
    body = client.get("/api/v1/catalog/items", {"department": department.pk}).json()
    assert body["count"] == 4
    theme = Theme.objects.get(name="开办企业")
    body = client.get("/api/v1/catalog/items", {"theme": theme.pk}).json()
    assert {i["name"] for i in body["items"]} == {"企业设立登记", "营业执照变更登记"}
    body = client.get("/api/v1/catalog/items", {"type": ItemType.PUBLIC_SERVICE}).json()
    assert body["count"] == 0


def test_detail_is_the_full_guide(
    client: Client, demo: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/catalog/items/371681-XK-0001")
    assert response.status_code == 200
    guide = response.json()
    assert guide["name"] == "建筑工程施工许可证核发"
    assert guide["legal_limit"] == {
        "amount": 7,
        "unit": "working_days",
        "label": "7个工作日",
        "explanation": guide["legal_limit"]["explanation"],
    }
    assert guide["promised_limit"]["label"] == "1个工作日"
    assert guide["case_kind"] == {"code": "2", "label": "承诺件"}
    assert guide["review_route"]["mode"]["code"] == "countersign"
    assert [s["department"]["name"] for s in guide["review_route"]["steps"]] == [
        "住房和城乡建设局",
        "自然资源和规划局",
        "消防救援大队",
    ]
    deferrable = [m for m in guide["materials"] if m["necessity"]["code"] == "deferrable"]
    assert deferrable and not any(m["is_key"] for m in deferrable)
    assert guide["situations"][0]["options"][0] == {"label": "是", "materials": ["监理合同"]}
    assert guide["faqs"] and guide["fees"] == [] and guide["is_fee"] is False
    assert guide["version"] == 1 and guide["valid_from"]
    assert guide["themes"][0]["name"] == "工程建设"
    assert guide["code_system"] == {"code": "local", "label": "地方"}


def test_unknown_code_is_404_with_the_error_shape(client: Client, demo: None) -> None:
    response = client.get("/api/v1/catalog/items/NO-SUCH-CODE")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "未找到事项：NO-SUCH-CODE"}
    }


def test_drafts_are_not_public(client: Client, demo: None) -> None:
    draft = ServiceItemVersionFactory.create(name="仅草稿")
    assert client.get(f"/api/v1/catalog/items/{draft.item.code}").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"type": "99"}, "type"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"department": "x"}, "department"),
        ({"page_size": "1000"}, "page_size"),
        ({"page": "100000000000000000000"}, "page"),
        ({"page": "100001"}, "page"),
        ({"department": "99999999999999999999"}, "department"),
        ({"department": "2147483648"}, "department"),
        ({"theme": "99999999999999999999"}, "theme"),
    ],
)
def test_bad_query_parameters_are_422(client: Client, params: dict[str, str], field: str) -> None:
    response = client.get("/api/v1/catalog/items", params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["field"] == field


def test_the_largest_accepted_values_are_answered(client: Client) -> None:
    response = client.get(
        "/api/v1/catalog/items", {"page": "100000", "department": "2147483647", "page_size": "100"}
    )
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_themes(client: Client, demo: None) -> None:
    themes = client.get("/api/v1/catalog/themes").json()
    by_name = {t["name"]: t for t in themes}
    assert by_name["开办企业"]["item_count"] == 2
    assert by_name["个体经营"]["audience"] == {"code": "person", "label": "面向自然人"}


def test_departments_with_item_counts(client: Client, demo: None) -> None:
    departments = client.get("/api/v1/org/departments").json()
    counts = {d["name"]: d["item_count"] for d in departments}
    assert counts["行政审批服务局（市场准入审批科）"] == 4
    assert counts["行政审批服务局（投资建设审批科）"] == 2
    assert counts["住房和城乡建设局"] == 0
    assert set(departments[0]) == {"id", "name", "short_name", "uscc", "item_count"}
