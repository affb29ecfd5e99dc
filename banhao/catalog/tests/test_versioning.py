"""Version lifecycle: drafts, publication (validator gate), immutability, validity dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import transaction

from banhao.audit.models import AuditEntry
from banhao.catalog.choices import CodeSystem, MaterialNecessity, VersionState
from banhao.catalog.models import (
    Fee,
    Material,
    ServiceItemVersion,
    Situation,
    SituationOption,
    VersionLocked,
)
from banhao.catalog.selectors import item_get_published, version_current, version_problems
from banhao.catalog.services import (
    item_create,
    item_version_create_draft,
    item_version_discard_draft,
    item_version_publish,
    item_version_retire,
    item_version_set_content,
    item_version_update_draft,
)
from banhao.catalog.specs import (
    FeeSpec,
    MaterialSpec,
    OptionSpec,
    ReviewStepSpec,
    SituationSpec,
    VersionContent,
)
from banhao.catalog.tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    ServiceItemVersionFactory,
)
from banhao.shared.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02 10:00 +0800"


def _travel(when: str) -> time_machine.travel:
    return time_machine.travel(when, tick=False)


def test_publishing_a_valid_draft_makes_it_current_from_valid_from() -> None:
    with _travel(MONDAY):
        draft = ServiceItemVersionFactory.create()
        published = item_version_publish(version=draft, actor=None)
        assert published.state == VersionState.PUBLISHED
        assert published.valid_from == dt.date(2026, 3, 2)
        assert published.valid_to is None
        assert version_current(draft.item) == published
        assert AuditEntry.objects.filter(action="catalog.version_publish").count() == 1


def test_publishing_refuses_a_draft_with_errors_and_lists_them() -> None:
    draft = ServiceItemVersionFactory.create(promised_limit_amount=30, consult_phone="12345")
    with pytest.raises(ValidationFailed) as caught:
        item_version_publish(version=draft, actor=None)
    error = caught.value
    assert error.code == "publish_refused"
    assert "承诺办结时限（30个工作日）不得超过法定办结时限（20个工作日）" in error.message
    assert "咨询电话与监督投诉电话不能相同" in error.message
    rules = {p["rule"] for p in error.details["problems"] if p["level"] == "error"}
    assert rules == {"promised_le_legal", "phones_differ"}
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT


def test_publishing_refuses_a_date_in_the_past() -> None:
    with _travel(MONDAY):
        draft = ServiceItemVersionFactory.create()
        with pytest.raises(ValidationFailed, match="不得早于今天"):
            item_version_publish(version=draft, actor=None, valid_from=dt.date(2026, 3, 1))


def test_published_versions_are_immutable() -> None:
    version = ServiceItemVersionFactory.create(published=True)
    with pytest.raises(Conflict) as caught:
        item_version_update_draft(version=version, actor=None, name="改名")
    assert caught.value.code == "version_locked"
    version.name = "直接改"
    with pytest.raises(VersionLocked):
        version.save()
    with pytest.raises(VersionLocked):
        Material(version=version, name="新增材料").save()
    with pytest.raises(VersionLocked):
        version.delete()
    with pytest.raises(Conflict):
        item_version_set_content(
            version=version, actor=None, content=VersionContent(fields={"hours": "全天"})
        )


def test_publishing_a_new_version_retires_the_previous_one() -> None:
    with _travel("2026-01-05 09:00 +0800"):
        first = ServiceItemVersionFactory.create(published=True)
    with _travel(MONDAY):
        draft = item_version_create_draft(item=first.item, actor=None)
        item_version_update_draft(version=draft, actor=None, promised_limit_amount=3)
        second = item_version_publish(version=draft, actor=None, valid_from=dt.date(2026, 3, 9))
    first.refresh_from_db()
    assert first.state == VersionState.RETIRED
    assert first.valid_to == dt.date(2026, 3, 9)
    assert second.version == 2 and second.state == VersionState.PUBLISHED
    # Until 3-08 the first version still applies; from 3-09 the second.
    assert version_current(first.item, on=dt.date(2026, 3, 8)) == first
    assert version_current(first.item, on=dt.date(2026, 3, 9)) == second
    assert version_current(first.item, on=dt.date(2025, 12, 31)) is None


def test_a_case_stays_on_the_version_it_was_opened_under() -> None:
    """A case opened on 2026-02-10 keeps version 1 even after version 2 is published."""
    with _travel("2026-01-05 09:00 +0800"):
        first = ServiceItemVersionFactory.create(published=True, promised_limit_amount=5)
    case_opened_on = dt.date(2026, 2, 10)
    case_version = version_current(first.item, on=case_opened_on)
    with _travel(MONDAY):
        draft = item_version_create_draft(item=first.item, actor=None)
        item_version_update_draft(version=draft, actor=None, promised_limit_amount=2)
        item_version_publish(version=draft, actor=None)
        assert item_get_published(code=first.item.code).promised_limit_amount == 2
    assert case_version is not None
    case_version.refresh_from_db()
    assert case_version.pk == first.pk
    assert case_version.promised_limit_amount == 5
    assert version_current(first.item, on=case_opened_on) == first


def test_create_draft_copies_every_child_row() -> None:
    department = DepartmentFactory.create(name="住房和城乡建设局")
    draft = ServiceItemVersionFactory.create(children=False)
    item_version_set_content(
        version=draft,
        actor=None,
        content=VersionContent(
            fields={"is_fee": True, "fee_basis": "收费依据文件"},
            materials=[
                MaterialSpec("申请表", is_key=True),
                MaterialSpec("授权委托书"),
                MaterialSpec("现场照片", necessity=MaterialNecessity.DEFERRABLE),
            ],
            situations=[
                SituationSpec("是否委托？", (OptionSpec("是", ("授权委托书",)), OptionSpec("否")))
            ],
            fees=[FeeSpec("工本费", "10 元/证")],
            review_steps=[ReviewStepSpec(department.name, "审查")],
        ),
    )
    published = item_version_publish(version=draft, actor=None)
    copy = item_version_create_draft(item=published.item, actor=None)
    assert copy.version == 2 and copy.state == VersionState.DRAFT
    assert [m.name for m in copy.materials.all()] == ["申请表", "授权委托书", "现场照片"]
    assert copy.materials.get(name="申请表").is_key
    option = SituationOption.objects.get(situation__version=copy, label="是")
    assert [m.name for m in option.materials.all()] == ["授权委托书"]
    assert option.materials.get().version == copy  # linked to the copy's own material
    assert [f.name for f in copy.fees.all()] == ["工本费"]
    assert [(s.department.name, s.name) for s in copy.review_steps.all()] == [
        ("住房和城乡建设局", "审查")
    ]
    assert copy.is_fee and copy.fee_basis == "收费依据文件"
    # The original is untouched.
    assert published.materials.count() == 3


def test_replacing_materials_keeps_situation_links_by_name() -> None:
    draft = ServiceItemVersionFactory.create()
    item_version_set_content(
        version=draft,
        actor=None,
        content=VersionContent(
            materials=[MaterialSpec("申请表"), MaterialSpec("委托书")],
            situations=[SituationSpec("委托？", (OptionSpec("是", ("委托书",)),))],
        ),
    )
    item_version_set_content(
        version=draft,
        actor=None,
        content=VersionContent(materials=[MaterialSpec("申请表（新版）"), MaterialSpec("委托书")]),
    )
    option = SituationOption.objects.get(situation__version=draft)
    assert [m.name for m in option.materials.all()] == ["委托书"]


def test_situation_option_must_name_an_existing_material() -> None:
    draft = ServiceItemVersionFactory.create()
    with pytest.raises(ValidationFailed, match="不存在的材料“身份证”"):
        item_version_set_content(
            version=draft,
            actor=None,
            content=VersionContent(
                materials=[MaterialSpec("申请表")],
                situations=[SituationSpec("？", (OptionSpec("是", ("身份证",)),))],
            ),
        )


def test_one_draft_per_item() -> None:
    version = ServiceItemVersionFactory.create(published=True)
    item_version_create_draft(item=version.item, actor=None)
    with pytest.raises(Conflict) as caught:
        item_version_create_draft(item=version.item, actor=None)
    assert caught.value.code == "draft_exists"


def test_update_draft_validates_field_names_and_choices() -> None:
    draft = ServiceItemVersionFactory.create()
    with pytest.raises(ValidationFailed, match="不能修改的字段"):
        item_version_update_draft(version=draft, actor=None, state="published")
    with pytest.raises(ValidationFailed, match="事项类型"):
        item_version_update_draft(version=draft, actor=None, item_type="77")
    with pytest.raises(ValidationFailed, match="未知的代码"):
        item_version_update_draft(version=draft, actor=None, handling_forms=["1", "8"])
    updated = item_version_update_draft(version=draft, actor=None, handling_forms=["4", "1", "4"])
    assert updated.handling_forms == ["1", "4"]


def test_retire_ends_validity_and_keeps_the_row() -> None:
    with _travel("2026-01-05 09:00 +0800"):
        version = ServiceItemVersionFactory.create(published=True)
    with _travel(MONDAY):
        retired = item_version_retire(version=version, actor=None)
        assert retired.state == VersionState.RETIRED
        assert retired.valid_to == dt.date(2026, 3, 2)
        assert version_current(version.item) is None
    assert version_current(version.item, on=dt.date(2026, 3, 1)) == version
    with pytest.raises(Conflict):
        item_version_retire(version=retired, actor=None)


def test_discard_draft() -> None:
    published = ServiceItemVersionFactory.create(published=True)
    draft = item_version_create_draft(item=published.item, actor=None)
    item_version_discard_draft(version=draft, actor=None)
    assert not ServiceItemVersion.objects.filter(pk=draft.pk).exists()
    with pytest.raises(Conflict):
        item_version_discard_draft(version=published, actor=None)


def test_item_code_is_unique_across_code_systems() -> None:
    department = DepartmentFactory.create()
    ServiceItemFactory.create(code="11370000MB0000000X-XK-01", code_system=CodeSystem.NATIONAL)
    with pytest.raises(ValidationFailed) as caught:
        item_create(
            code="11370000MB0000000X-XK-01",
            code_system=CodeSystem.PROVINCIAL,
            department=department,
            actor=None,
        )
    assert caught.value.code == "code_in_other_system"
    assert caught.value.message == (
        "事项编码 11370000MB0000000X-XK-01 已在「国家」编码体系中登记，不能重复用于「省级」编码体系"
    )
    with pytest.raises(Conflict, match="已存在"):
        item_create(
            code="11370000MB0000000X-XK-01",
            code_system=CodeSystem.NATIONAL,
            department=department,
            actor=None,
        )


def test_item_create_starts_with_an_empty_draft_that_cannot_be_published() -> None:
    item = item_create(
        code="371681-XK-9999",
        code_system=CodeSystem.LOCAL,
        department=DepartmentFactory.create(),
        actor=None,
        name="新事项",
        item_type="01",
    )
    draft = item.versions.get()
    assert draft.state == VersionState.DRAFT and draft.name == "新事项"
    assert any(p.is_error for p in version_problems(draft))
    with pytest.raises(ValidationFailed):
        item_version_publish(version=draft, actor=None)


def test_rows_of_a_published_version_cannot_be_deleted_or_relinked() -> None:
    version = ServiceItemVersionFactory.create(published=True)
    form, proxy = Material.objects.bulk_create(
        [Material(version=version, name="申请表"), Material(version=version, name="委托书")]
    )
    (situation,) = Situation.objects.bulk_create([Situation(version=version, question="委托？")])
    (option,) = SituationOption.objects.bulk_create(
        [SituationOption(situation=situation, label="是")]
    )
    SituationOption.materials.through.objects.bulk_create(
        [SituationOption.materials.through(situationoption_id=option.pk, material_id=proxy.pk)]
    )
    (fee,) = Fee.objects.bulk_create([Fee(version=version, name="工本费", standard="10 元")])
    faq = version.faqs.get()
    step = version.review_steps.get()

    attempts: dict[str, Callable[[], object]] = {
        "option.delete": option.delete,
        "option.materials.clear": option.materials.clear,
        "option.materials.add": lambda: option.materials.add(form),
        "option.materials.remove": lambda: option.materials.remove(proxy),
        "option.materials.set": lambda: option.materials.set([form]),
        "material.situation_options.clear": proxy.situation_options.clear,
        "material.situation_options.add": lambda: form.situation_options.add(option),
        "material.delete": form.delete,
        "situation.delete": situation.delete,
        "fee.delete": fee.delete,
        "faq.delete": faq.delete,
        "step.delete": step.delete,
        "materials queryset delete": lambda: Material.objects.filter(version=version).delete(),
        "options queryset delete": lambda: SituationOption.objects.filter(
            situation__version=version
        ).delete(),
        "versions queryset delete": lambda: ServiceItemVersion.objects.filter(
            pk=version.pk
        ).delete(),
        "item delete (cascade)": version.item.delete,
    }
    for name, attempt in attempts.items():
        # (m2m_changed guards raise inside Django's own atomic block: a savepoint per try)
        with pytest.raises(VersionLocked), transaction.atomic():
            attempt()
            pytest.fail(name)
    assert [m.name for m in option.materials.all()] == ["委托书"]
    assert version.materials.count() == 2 and version.fees.count() == 1
    assert ServiceItemVersion.objects.filter(pk=version.pk).exists()


def test_rows_of_a_draft_can_still_be_deleted_and_relinked() -> None:
    draft = ServiceItemVersionFactory.create()
    form = Material.objects.create(version=draft, name="申请表")
    situation = Situation.objects.create(version=draft, question="委托？")
    option = SituationOption.objects.create(situation=situation, label="是")
    option.materials.add(form)
    option.materials.clear()
    option.delete()
    situation.delete()
    form.delete()
    item_version_discard_draft(version=draft, actor=None)
    assert not ServiceItemVersion.objects.filter(pk=draft.pk).exists()


def test_a_version_that_has_not_taken_effect_yet_cannot_be_retired() -> None:
    with _travel("2026-01-05 09:00 +0800"):
        first = ServiceItemVersionFactory.create(published=True)
    with _travel(MONDAY):
        draft = item_version_create_draft(item=first.item, actor=None)
        second = item_version_publish(version=draft, actor=None, valid_from=dt.date(2026, 3, 9))
        with pytest.raises(Conflict) as caught:
            item_version_retire(version=second, actor=None)
        assert caught.value.code == "not_yet_effective"
        assert caught.value.message == "尚未生效的版本不能停用，请改为放弃草稿或调整生效日期"
        with pytest.raises(Conflict):
            item_version_retire(version=second, actor=None, valid_to=dt.date(2026, 3, 20))
    second.refresh_from_db()
    assert second.state == VersionState.PUBLISHED and second.valid_to is None
    assert version_current(first.item, on=dt.date(2026, 3, 8)) == first
    assert version_current(first.item, on=dt.date(2026, 3, 9)) == second
    # Once in force it can be retired.
    with _travel("2026-03-10 09:00 +0800"):
        retired = item_version_retire(version=second, actor=None)
    assert retired.valid_to == dt.date(2026, 3, 10)


CODE_MESSAGE = "事项编码只能包含字母、数字、点、下划线和连字符，且须以字母或数字开头"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XK/0001", CODE_MESSAGE),
        ("XK 0001", CODE_MESSAGE),
        ("_XK", CODE_MESSAGE),
        ("许可0001", CODE_MESSAGE),
        ("X" * 65, "事项编码长度 65 超过上限 64"),
    ],
)
def test_item_create_refuses_codes_that_are_not_url_safe(code: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        item_create(
            code=code,
            code_system=CodeSystem.LOCAL,
            department=DepartmentFactory.create(),
            actor=None,
        )
    assert caught.value.field == "code"
    assert caught.value.message == message
    assert not ServiceItemVersion.objects.exists()


def test_item_create_accepts_dots_and_underscores() -> None:
    item = item_create(
        code="371681.XK_0001",
        code_system=CodeSystem.LOCAL,
        department=DepartmentFactory.create(),
        actor=None,
    )
    assert item.code == "371681.XK_0001"
