# mypy: disable-error-code="no-untyped-call,untyped-decorator"
"""Deterministic factories for the catalogue (exported for other contexts' tests).

``ServiceItemVersionFactory`` builds a complete version that passes every validator (no
errors). Traits are named after the version's business state::

    ServiceItemVersionFactory.create()                 # draft
    ServiceItemVersionFactory.create(published=True)   # published, valid from today
    ServiceItemVersionFactory.create(retired=True)     # retired, 2025-01-01 .. 2025-07-01

(``.create()`` is typed: it returns the model instance.)

Published/retired rows are frozen (``save()`` refuses), so the default children are written
with ``bulk_create``; add further rows to a published version the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from factory.declarations import LazyAttribute, LazyFunction, Sequence, SubFactory, Trait
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from banhao.catalog.choices import (
    CaseKind,
    CodeSystem,
    HandlingForm,
    ItemType,
    LimitUnit,
    MaterialNecessity,
    OnlineDepth,
    ResultType,
    ReviewMode,
    ServiceObject,
    ThemeAudience,
    VersionState,
)
from banhao.catalog.models import (
    Faq,
    Fee,
    Material,
    ReviewStep,
    ServiceItem,
    ServiceItemVersion,
    Situation,
    SituationOption,
    Theme,
)
from banhao.org.models import Department
from banhao.shared import clock


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = Sequence(lambda n: f"测试部门{n:03d}")
    short_name = LazyAttribute(lambda o: o.name)


class ThemeFactory(DjangoModelFactory[Theme]):
    class Meta:
        model = Theme

    name = Sequence(lambda n: f"主题{n:03d}")
    audience = ThemeAudience.LEGAL_PERSON


class ServiceItemFactory(DjangoModelFactory[ServiceItem]):
    class Meta:
        model = ServiceItem

    code = Sequence(lambda n: f"TEST-XK-{n:04d}")
    code_system = CodeSystem.LOCAL
    department = SubFactory(DepartmentFactory)
    created_at = LazyFunction(clock.now)


class ServiceItemVersionFactory(DjangoModelFactory[ServiceItemVersion]):
    class Meta:
        model = ServiceItemVersion
        skip_postgeneration_save = True

    class Params:
        draft = Trait(state=VersionState.DRAFT)
        published = Trait(
            state=VersionState.PUBLISHED,
            valid_from=LazyFunction(clock.today),
            published_at=LazyFunction(clock.now),
        )
        retired = Trait(
            state=VersionState.RETIRED,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2025, 7, 1),
            published_at=LazyFunction(clock.now),
        )

    item = SubFactory(ServiceItemFactory)
    version = 1
    state = VersionState.DRAFT
    created_at = LazyFunction(clock.now)
    data_source = "test"

    name = Sequence(lambda n: f"测试许可事项{n:03d}")
    item_type = ItemType.LICENSING
    legal_basis = "《中华人民共和国行政许可法》第四十二条"
    body_nature = "1"
    use_level = "4"
    service_objects = LazyFunction(lambda: [ServiceObject.ENTERPRISE])
    legal_limit_amount = 20
    legal_limit_unit = LimitUnit.WORKING_DAYS
    promised_limit_amount = 5
    promised_limit_unit = LimitUnit.WORKING_DAYS
    case_kind = CaseKind.PROMISED
    handling_forms = LazyFunction(lambda: [HandlingForm.WINDOW, HandlingForm.ONLINE_PC])
    accept_conditions = "申请材料齐全、符合法定形式"
    handle_flow = "申请 → 受理 → 审查 → 决定 → 送达"
    visits_required = 0
    visit_reason = "无"
    is_online = True
    online_depth = OnlineDepth.LEVEL_4
    online_url = "https://zwfw.example.gov.cn/"
    place = "政务服务中心综合受理窗口"
    hours = "工作日 9:00-17:00"
    consult_phone = "0543-0000001"
    supervise_phone = "12345"
    result_type = ResultType.CERTIFICATE
    result_name = "测试许可证"
    review_mode = ReviewMode.COUNTERSIGN

    @post_generation
    def children(
        obj: ServiceItemVersion,  # noqa: N805 - factory_boy passes the built object
        create: bool,
        extracted: Any,
        **kwargs: Any,
    ) -> None:
        """A review step and an FAQ (so a 承诺件 licence passes); ``children=False`` skips.
        Written with ``bulk_create`` because published rows refuse ``save()``."""
        if not create or extracted is False:
            return
        ReviewStep.objects.bulk_create(
            [ReviewStep(version=obj, department=obj.item.department, name="部门审查", sort_order=1)]
        )
        Faq.objects.bulk_create(
            [Faq(version=obj, question="办理需要多长时间？", answer="承诺 5 个工作日内办结。")]
        )


class MaterialFactory(DjangoModelFactory[Material]):
    class Meta:
        model = Material

    version = SubFactory(ServiceItemVersionFactory)
    name = Sequence(lambda n: f"材料{n:03d}")
    necessity = MaterialNecessity.REQUIRED
    sort_order = Sequence(lambda n: n)


class SituationFactory(DjangoModelFactory[Situation]):
    class Meta:
        model = Situation

    version = SubFactory(ServiceItemVersionFactory)
    question = "是否委托他人办理？"


class SituationOptionFactory(DjangoModelFactory[SituationOption]):
    class Meta:
        model = SituationOption

    situation = SubFactory(SituationFactory)
    label = "是"


class FeeFactory(DjangoModelFactory[Fee]):
    class Meta:
        model = Fee

    version = SubFactory(ServiceItemVersionFactory)
    name = "工本费"
    standard = "每证 10 元"
    basis = "测试收费依据"


class FaqFactory(DjangoModelFactory[Faq]):
    class Meta:
        model = Faq

    version = SubFactory(ServiceItemVersionFactory)
    question = "办理需要多长时间？"
    answer = "承诺 5 个工作日内办结。"


class ReviewStepFactory(DjangoModelFactory[ReviewStep]):
    class Meta:
        model = ReviewStep

    version = SubFactory(ServiceItemVersionFactory)
    department = SubFactory(DepartmentFactory)
    name = "部门审查"
    sort_order = 1
