"""Public catalogue pages: home, item search with facets, the guide (办事指南), departments."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from banhao.catalog.choices import ItemType
from banhao.catalog.demo import demo_catalogue_load
from banhao.catalog.models import ServiceItem, Theme
from banhao.catalog.services import catalog_import_csv
from banhao.org.models import Department

pytestmark = pytest.mark.django_db

PERMIT = "建筑工程施工许可证核发"
PERMIT_CODE = "371681-XK-0001"
SPARSE_CODE = "511A0138000000-511602000000-000-115113010833722043-1-00"
SPARSE_NAME = "适龄儿童、少年因身体状况需要延缓入学或者休学审批"
SPARSE_URL = "http://www.sczwfw.gov.cn/jiq/front/transition/ywTransToDetail?itemCode=demo"

CSV_HEADER = (
    "source_id,region,area_code,code,name,parent_item,department,dept_code,item_type_code,"
    "item_type,legal_limit_days,promised_limit_days,materials,legal_basis,"
    "implementation_level,guide_url"
)


def _csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    """CSV in the layout of data/service_items: (code, name, department, item type)."""
    lines = [CSV_HEADER]
    lines += [
        f"test-source,四川省广安市广安区,511602000000,{code},{name},,{department},,,{item_type},"
        f",,,,,{SPARSE_URL}"
        for code, name, department, item_type in rows
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def demo() -> None:
    demo_catalogue_load()


@pytest.fixture
def sparse() -> None:
    """One item as the real CSV list has them: name, code, department, type, link only."""
    catalog_import_csv(
        file=_csv([(SPARSE_CODE, SPARSE_NAME, "区教科体局", "行政许可")]), actor=None
    )


@pytest.fixture
def many() -> None:
    """25 sparse items of one department (more than one page)."""
    catalog_import_csv(
        file=_csv(
            [(f"TEST-{n:04d}", f"测试事项第{n}号", "区测试局", "公共服务") for n in range(1, 26)]
        ),
        actor=None,
    )


def _text(response) -> str:
    return str(response.content.decode())


def _codes(response) -> list[str]:
    return [row.code for row in response.context["rows"]]


# -- home --------------------------------------------------------------------------------------


def test_home_renders_on_an_empty_database(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = _text(response)
    assert "邹平市行政审批服务局" in html
    assert 'name="q"' in html
    assert "事项目录尚未导入" in html
    assert reverse("workcalendar:month") in html


def test_home_shows_entries_by_theme_department_type_and_popular_items(
    client: Client, demo: None, sparse: None
) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = _text(response)
    # 热门事项: the curated demo items, not the imported ones
    assert PERMIT in html
    assert reverse("catalog:item_detail", args=[PERMIT_CODE]) in html
    assert SPARSE_NAME not in html
    # themes for 个人 and 法人, with links to the filtered list
    construction = Theme.objects.get(name="工程建设")
    assert f"?theme={construction.pk}" in html
    assert "个体经营" in html
    # departments and item types with counts
    section = Department.objects.get(name="行政审批服务局（市场准入审批科）")
    assert f"?department={section.pk}" in html
    assert "?type=01" in html
    assert "现行政务服务事项 10 项" in html
    assert "/api/docs" in html


# -- item list -------------------------------------------------------------------------------


def test_search_finds_the_construction_permit_by_chinese_name(client: Client, demo: None) -> None:
    response = client.get(reverse("catalog:item_list"), {"q": "施工许可"})
    assert response.status_code == 200
    assert _codes(response)[0] == PERMIT_CODE
    html = _text(response)
    assert PERMIT in html
    assert f"共 {response.context['page_obj'].paginator.count} 项" in html
    assert "1个工作日" in html


def test_search_finds_by_code(client: Client, demo: None, sparse: None) -> None:
    response = client.get(reverse("catalog:item_list"), {"q": "371681-XK-0005"})
    assert _codes(response) == ["371681-XK-0005"]
    assert "食品经营许可" in _text(response)
    response = client.get(reverse("catalog:item_list"), {"q": "511A0138000000"})
    assert _codes(response) == [SPARSE_CODE]
    assert "暂未提供" in _text(response)  # no promised limit, visits or depth


def test_search_without_results_says_so(client: Client, demo: None) -> None:
    response = client.get(reverse("catalog:item_list"), {"q": "不存在的事项名称"})
    assert response.status_code == 200
    assert "共 0 项" in _text(response)
    assert "没有找到符合条件的事项" in _text(response)


def test_department_facet_filters_and_is_highlighted(
    client: Client, demo: None, sparse: None
) -> None:
    section = Department.objects.get(name="行政审批服务局（市场准入审批科）")
    response = client.get(reverse("catalog:item_list"), {"department": section.pk})
    codes = _codes(response)
    assert codes
    assert set(codes) == set(
        ServiceItem.objects.filter(department=section).values_list("code", flat=True)
    )
    department_facet = response.context["facet_groups"][0]
    active = [o for o in department_facet.options if o.active]
    assert [o.label for o in active] == [section.name]
    assert active[0].count == len(codes)
    assert active[0].url == reverse("catalog:item_list")  # clicking again removes it
    html = _text(response)
    assert 'class="active"' in html
    assert "清除筛选" in html


def test_type_facet_filters_by_national_code(client: Client, demo: None, many: None) -> None:
    response = client.get(reverse("catalog:item_list"), {"type": ItemType.PUBLIC_SERVICE})
    assert response.context["page_obj"].paginator.count == 25
    response = client.get(reverse("catalog:item_list"), {"type": ItemType.LICENSING})
    assert response.context["page_obj"].paginator.count == 9
    type_facet = response.context["facet_groups"][1]
    # the type facet counts the other filters only, so every type stays selectable
    counts = {o.value: o.count for o in type_facet.options}
    assert counts == {ItemType.LICENSING: 9, ItemType.PUBLIC_SERVICE: 25}


def test_theme_facet_filters(client: Client, demo: None) -> None:
    self_employed = Theme.objects.get(name="个体经营")
    response = client.get(reverse("catalog:item_list"), {"theme": self_employed.pk})
    codes = _codes(response)
    assert len(codes) == self_employed.items.count() == 3
    theme_groups = response.context["facet_groups"][2:]
    assert [g.title for g in theme_groups] == ["主题·面向自然人", "主题·面向法人"]


def test_facets_combine_with_search(client: Client, demo: None) -> None:
    section = Department.objects.get(name="行政审批服务局（投资建设审批科）")
    response = client.get(
        reverse("catalog:item_list"), {"q": "施工许可", "department": str(section.pk)}
    )
    assert _codes(response) == [PERMIT_CODE]
    response = client.get(reverse("catalog:item_list"), {"q": "施工许可", "type": "20"})
    assert _codes(response) == []


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        pytest.param({"page": "abc"}, "页码无效", id="page-abc"),
        pytest.param({"page": "9999"}, "已显示最后一页", id="page-9999"),
        pytest.param({"page": "-1"}, "页码无效", id="page-negative"),
        pytest.param({"page": "0"}, "页码无效", id="page-zero"),
        pytest.param({"department": "xyz"}, "部门参数无效", id="department-xyz"),
        pytest.param({"department": "1.5"}, "部门参数无效", id="department-float"),
        pytest.param({"department": "９"}, "部门参数无效", id="department-fullwidth"),
        pytest.param({"theme": "abc"}, "主题参数无效", id="theme-abc"),
        pytest.param({"type": "99"}, "事项类型参数无效", id="type-unknown"),
        pytest.param({"department": "99999999999999999999"}, "部门参数无效", id="department-huge"),
        pytest.param({"theme": "2147483648"}, "主题参数无效", id="theme-above-int32"),
        pytest.param({"page": "100000000000000000000"}, "页码无效", id="page-huge"),
        pytest.param({"page": "9" * 5000}, "页码无效", id="page-thousands-of-digits"),
        pytest.param({"page": "1e400"}, "页码无效", id="page-float-overflow"),
        pytest.param({"page": "١٢"}, "页码无效", id="page-arabic-digits"),
    ],
)
def test_bad_parameters_show_a_notice_instead_of_failing(
    client: Client, demo: None, many: None, params: dict[str, str], notice: str
) -> None:
    response = client.get(reverse("catalog:item_list"), params)
    assert response.status_code == 200
    assert notice in _text(response)
    assert response.context["rows"]  # results are still shown


def test_out_of_range_page_shows_the_last_page(client: Client, demo: None, many: None) -> None:
    response = client.get(reverse("catalog:item_list"), {"page": "9999"})
    page = response.context["page_obj"]
    assert page.number == page.paginator.num_pages == 2
    assert len(response.context["rows"]) == 34 - 20


def test_pagination_keeps_the_filters(client: Client, many: None) -> None:
    response = client.get(reverse("catalog:item_list"), {"q": "测试事项", "department": "xyz"})
    assert response.context["page_obj"].paginator.count == 25
    assert len(response.context["rows"]) == 20
    html = _text(response)
    assert "第 1 / 2 页" in html
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', html)
    assert next_link is not None
    assert "q=%E6%B5%8B%E8%AF%95%E4%BA%8B%E9%A1%B9" in next_link.group(1)
    assert "department" not in next_link.group(1)  # the bad value is dropped from links
    second = client.get(next_link.group(1).replace("&amp;", "&"))
    assert len(second.context["rows"]) == 5


def test_htmx_request_gets_the_result_fragment_only(client: Client, demo: None) -> None:
    response = client.get(
        reverse("catalog:item_list"), {"q": "施工许可"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = _text(response)
    assert "<html" not in html
    assert PERMIT in html
    assert 'class="facets' in html
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("catalog:item_list"), {"q": "施工许可"})
    assert "<html" in _text(full)
    assert 'hx-get="/items/"' in _text(full)
    # htmx history restore wants the whole page
    restore = client.get(
        reverse("catalog:item_list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in _text(restore)


def test_list_page_makes_a_bounded_number_of_queries(
    client: Client, demo: None, many: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:item_list"))
    assert len(response.context["rows"]) == 20
    with django_assert_max_num_queries(8):
        client.get(reverse("catalog:item_list"), {"q": "许可", "type": "01", "theme": "1"})


def test_home_makes_a_bounded_number_of_queries(
    client: Client, demo: None, many: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(6):
        client.get(reverse("home"))


# -- guide -----------------------------------------------------------------------------------


def test_guide_of_the_construction_permit_shows_everything(client: Client, demo: None) -> None:
    response = client.get(reverse("catalog:item_detail", args=[PERMIT_CODE]))
    assert response.status_code == 200
    html = _text(response)
    assert f"<h1>{PERMIT}</h1>" in html
    # codes, type, body, level
    assert PERMIT_CODE in html
    assert "编码体系：地方" in html
    for text in ["行政许可", "行政审批服务局（投资建设审批科）", "法定机关", "县级", "企业法人"]:
        assert text in html
    assert "《中华人民共和国建筑法》" in html
    # time limits and compression (7 → 1 working days)
    assert "7个工作日" in html
    assert "1个工作日" in html
    assert "比法定时限压缩 86%" in html
    assert "发证机关应当自收到申请之日起七日内" in html
    # visits, depth, flags, fees
    assert "0 次" in html
    assert "Ⅳ级（全程网办）" in html
    assert "不收费" in html
    # materials: the table, waived and deferrable ones visibly marked
    materials = response.context["materials"]
    assert len(materials) == 11
    assert 'class="materials"' in html
    assert "建筑工程施工许可证申请表" in html
    assert "信息共享免交" in html
    assert "电子证照库" in html
    assert "容缺后补" in html
    assert sum(1 for m in materials if m.waived) == 3
    # situations with the materials each option adds
    assert "是否属于按照规定应当委托监理的工程？" in html
    assert "监理合同" in html
    assert "是否属于按照规定应当委托监理的工程？选“是”时提交" in html
    # review route: 会签 over three departments in order
    assert "会签（并联，全部同意）" in html
    assert [s.department.name for s in response.context["review_steps"]] == [
        "住房和城乡建设局",
        "自然资源和规划局",
        "消防救援大队",
    ]
    # result, place, phones, FAQ, version
    assert "建筑工程施工许可证" in html
    assert "出证办结" in html
    assert "邹平市政务服务中心" in html
    assert "12345" in html
    assert "哪些工程可以不办理施工许可证？" in html
    assert "第 1 版" in html
    assert "原始办事指南（外部链接）" not in html  # the demo item has no source link
    assert "暂未提供" in html  # e.g. 基本编码 is not filled in for local demo codes


def test_guide_of_a_sparse_imported_item_says_not_provided(client: Client, sparse: None) -> None:
    response = client.get(reverse("catalog:item_detail", args=[SPARSE_CODE]))
    assert response.status_code == 200
    html = _text(response)
    assert SPARSE_NAME in html
    assert html.count("暂未提供") >= 10
    assert "本事项目前只收录了" in html
    assert "原始办事指南（外部链接）" in html
    assert 'href="http://www.sczwfw.gov.cn/' in html
    # unknown yes/no elements are not turned into a false "否", nor 不收费
    assert "不收费" not in html
    assert ">否<" not in html
    assert "不通办" not in html


def test_guide_makes_a_bounded_number_of_queries(
    client: Client, demo: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:item_detail", args=[PERMIT_CODE]))
    assert response.status_code == 200


def test_unknown_code_gives_a_chinese_404_page(client: Client, demo: None) -> None:
    response = client.get(reverse("catalog:item_detail", args=["371681-XK-9999"]))
    assert response.status_code == 404
    html = _text(response)
    assert "抱歉，您要找的页面不存在" in html
    assert "371681-XK-9999" in html
    assert 'action="/items/"' in html


def test_unknown_url_uses_the_chinese_404_template(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "抱歉，您要找的页面不存在" in _text(response)


# -- departments -----------------------------------------------------------------------------


def test_department_list_shows_counts_linking_to_the_filtered_list(
    client: Client, demo: None, sparse: None
) -> None:
    response = client.get(reverse("catalog:department_list"))
    assert response.status_code == 200
    html = _text(response)
    section = Department.objects.get(name="行政审批服务局（市场准入审批科）")
    assert f'href="/items/?department={section.pk}">4 项</a>' in html
    assert "区教科体局" in html
    assert "暂无" in html  # e.g. 住房和城乡建设局 reviews but implements no demo item
