"""Demo data of the 电子证照 context: the licence types of the curated items and the licences of
the demo's approved cases. Idempotent."""

from __future__ import annotations

from banhao.cases.models import Case
from banhao.catalog.models import ServiceItem
from banhao.licences.models import Licence, SealKey
from banhao.licences.services import (
    FaceField,
    licence_issue_for_case,
    licence_type_define,
    seal_key_create,
)

#: 住建部's 统一社会信用代码 + 013 (domain.md §7.2: 证照类型代码 = definer's USCC + 3 digits).
CONSTRUCTION_PERMIT_TYPE = "11100000000013338W013"
#: A demo code for the 营业执照 type (a valid USCC of the form of 市场监管总局's + 001).
BUSINESS_LICENCE_TYPE = "11100000MB0143020" + "1" + "001"


def demo_licence_types_load() -> int:
    """Define the demo licence types (for the items present); the number defined."""
    count = 0
    permit = ServiceItem.objects.filter(code="371681-XK-0001").first()
    if permit is not None:
        licence_type_define(
            service_item=permit,
            name="建筑工程施工许可证",
            type_code=CONSTRUCTION_PERMIT_TYPE,
            defining_authority="中华人民共和国住房和城乡建设部",
            validity_years=None,  # 施工许可证 has no end date; it lapses if work does not start
            face_fields=[
                FaceField("builder", "建设单位", "case.applicant_name"),
                FaceField("project", "工程名称", "form.project_name"),
                FaceField("project_code", "项目代码", "form.project_code"),
                FaceField("case", "办件编号", "case.number"),
            ],
            reusable_for_materials=["建筑工程施工许可证"],
            actor=None,
        )
        count += 1
    business = ServiceItem.objects.filter(code="371681-XK-0002").first()
    if business is not None:
        licence_type_define(
            service_item=business,
            name="营业执照",
            type_code=BUSINESS_LICENCE_TYPE,
            defining_authority="国家市场监督管理总局",
            validity_years=None,
            face_fields=[
                FaceField("name", "名称", "case.applicant_name"),
                FaceField("description", "经营范围", "form.description"),
                FaceField("case", "办件编号", "case.number"),
            ],
            reusable_for_materials=["营业执照", "建设单位营业执照", "原营业执照"],
            actor=None,
        )
        count += 1
    return count


def demo_licences_load() -> int:
    """The seal key, the licence types and a licence for every approved demo case that has
    none yet (cases decided before the types existed); the number of licences issued."""
    if not SealKey.objects.filter(is_active=True).exists():
        seal_key_create(actor=None)
    demo_licence_types_load()
    issued = 0
    approved = Case.objects.filter(decision="approve").select_related("item_version")
    have = set(Licence.objects.values_list("case_id", flat=True))
    for case in approved:
        if case.pk in have:
            continue
        if licence_issue_for_case(case=case, actor=None) is not None:
            issued += 1
    return issued
