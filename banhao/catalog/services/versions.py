"""Version lifecycle of a 实施清单: draft → published → retired.

* A version is editable only while it is a draft; published versions are frozen (a case keeps
  the version it was opened under).
* Publishing runs the validators (``banhao.catalog.validators``); any error refuses with
  ``ValidationFailed`` whose ``details["problems"]`` lists every problem.
* Publishing closes the validity of the versions before it on the new ``valid_from``
  (``valid_to`` is exclusive) and marks the previously published one retired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max, Q

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.catalog.choices import HandlingForm, ServiceObject, VersionState
from banhao.catalog.models import (
    Faq,
    Fee,
    Material,
    ReviewStep,
    ServiceItem,
    ServiceItemVersion,
    Situation,
    SituationOption,
)
from banhao.catalog.selectors import version_problems
from banhao.catalog.specs import MaterialSpec, VersionContent
from banhao.catalog.validators import errors_of
from banhao.org.models import Department
from banhao.shared import clock
from banhao.shared.errors import Conflict, ValidationFailed

#: Fields that describe the lifecycle, not the content, of a version.
LIFECYCLE_FIELDS = frozenset(
    {
        "id",
        "item",
        "version",
        "state",
        "valid_from",
        "valid_to",
        "published_at",
        "created_at",
        "created_by",
        "published_by",
    }
)
FILE_FIELDS = frozenset({"result_sample"})
MULTI_CHOICE_FIELDS: dict[str, list[str]] = {
    "service_objects": list(ServiceObject.values),
    "handling_forms": list(HandlingForm.values),
}


def version_content_fields() -> tuple[str, ...]:
    """Names of the content fields of ``ServiceItemVersion`` (every 实施清单 element)."""
    return tuple(
        f.name for f in ServiceItemVersion._meta.concrete_fields if f.name not in LIFECYCLE_FIELDS
    )


def normalise_multi_choice(name: str, values: Any) -> list[str]:
    """Sorted, de-duplicated list of codes; raises ``ValidationFailed`` for unknown codes."""
    allowed = MULTI_CHOICE_FIELDS[name]
    if not isinstance(values, list | tuple | set | frozenset):
        raise ValidationFailed("应为代码列表", field=name)
    codes = {str(value) for value in values}
    unknown = sorted(codes - set(allowed))
    if unknown:
        raise ValidationFailed(f"未知的代码：{'、'.join(unknown)}", field=name)
    return [code for code in allowed if code in codes]


def _lock(version: ServiceItemVersion) -> ServiceItemVersion:
    return ServiceItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)


def _require_draft(version: ServiceItemVersion) -> None:
    if version.state != VersionState.DRAFT:
        raise Conflict(
            f"「{version.name}」第{version.version}版已{version.get_state_display()}，不能修改；"
            "请基于该版本新建草稿",
            code="version_locked",
        )


def _apply_fields(version: ServiceItemVersion, fields: dict[str, Any]) -> list[str]:
    """Set content fields on ``version`` (not saved); returns the names that changed."""
    allowed = set(version_content_fields())
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationFailed(f"不能修改的字段：{'、'.join(unknown)}", code="unknown_field")
    changed = []
    for name, value in fields.items():
        new_value = normalise_multi_choice(name, value) if name in MULTI_CHOICE_FIELDS else value
        current = getattr(version, name)
        if name in FILE_FIELDS:
            current = current.name if current else ""
        if current != new_value:
            setattr(version, name, new_value)
            changed.append(name)
    return changed


def _full_clean(version: ServiceItemVersion) -> None:
    try:
        version.full_clean(exclude=["item"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        messages = [
            f"{getattr(ServiceItemVersion._meta.get_field(name), 'verbose_name', name)}："
            f"{'；'.join(errors)}"
            if name != "__all__"
            else "；".join(errors)
            for name, errors in exc.message_dict.items()
        ]
        first = next(iter(exc.message_dict), None)
        raise ValidationFailed(
            "；".join(messages),
            field=first if first != "__all__" else None,
            details={"errors": exc.message_dict},
        ) from exc


def next_version_number(item_id: int) -> int:
    """The number the next version of the item gets (highest so far + 1)."""
    current = ServiceItemVersion.objects.filter(item_id=item_id).aggregate(n=Max("version"))["n"]
    return int(current or 0) + 1


def material_row(
    version: ServiceItemVersion,
    spec: MaterialSpec,
    order: int,
    *,
    files_from: Material | None = None,
) -> Material:
    """An unsaved ``Material`` of ``version`` described by ``spec`` (the one place material
    rows are built from ``MaterialSpec.FIELDS``). ``files_from`` supplies the blank form and
    the sample, which a spec does not carry."""
    return Material(
        version=version,
        sort_order=order,
        blank_form=files_from.blank_form.name if files_from and files_from.blank_form else "",
        sample=files_from.sample.name if files_from and files_from.sample else "",
        **{name: getattr(spec, name) for name in MaterialSpec.FIELDS},
    )


def _duplicate_names(specs: list[MaterialSpec]) -> None:
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValidationFailed(f"材料重复：{'、'.join(duplicates)}", field="materials")


def _write_children(version: ServiceItemVersion, content: VersionContent) -> None:
    """Replace the child rows named in ``content`` (``None`` lists are kept as they are).

    When materials are replaced but situations kept, situation options are re-linked to the
    new materials by material name.
    """
    relink: dict[int, list[str]] | None = None
    if content.materials is not None:
        if content.situations is None:
            relink = {
                option.pk: [m.name for m in option.materials.all()]
                for option in SituationOption.objects.filter(
                    situation__version=version
                ).prefetch_related("materials")
            }
        _duplicate_names(content.materials)
        Material.objects.filter(version=version).delete()
        Material.objects.bulk_create(
            [material_row(version, spec, order) for order, spec in enumerate(content.materials, 1)]
        )
    by_name = {m.name: m for m in Material.objects.filter(version=version)}
    through = SituationOption.materials.through
    if relink:
        through.objects.bulk_create(
            [
                through(situationoption_id=option_id, material_id=by_name[name].pk)
                for option_id, names in relink.items()
                for name in names
                if name in by_name
            ]
        )
    if content.situations is not None:
        Situation.objects.filter(version=version).delete()
        situations = Situation.objects.bulk_create(
            [
                Situation(version=version, question=spec.question, sort_order=order)
                for order, spec in enumerate(content.situations, 1)
            ]
        )
        links = []
        for situation, spec in zip(situations, content.situations, strict=True):
            options = SituationOption.objects.bulk_create(
                [
                    SituationOption(situation=situation, label=option.label, sort_order=order)
                    for order, option in enumerate(spec.options, 1)
                ]
            )
            for option, option_spec in zip(options, spec.options, strict=True):
                for name in option_spec.materials:
                    if name not in by_name:
                        raise ValidationFailed(
                            f"办理情形“{spec.question}”的选项“{option_spec.label}”"
                            f"引用了不存在的材料“{name}”",
                            field="situations",
                        )
                    links.append(
                        through(situationoption_id=option.pk, material_id=by_name[name].pk)
                    )
        through.objects.bulk_create(links)
    if content.fees is not None:
        Fee.objects.filter(version=version).delete()
        Fee.objects.bulk_create(
            [
                Fee(version=version, sort_order=order, **asdict(spec))
                for order, spec in enumerate(content.fees, 1)
            ]
        )
    if content.faqs is not None:
        Faq.objects.filter(version=version).delete()
        Faq.objects.bulk_create(
            [
                Faq(version=version, sort_order=order, question=spec.question, answer=spec.answer)
                for order, spec in enumerate(content.faqs, 1)
            ]
        )
    if content.review_steps is not None:
        wanted = [spec.department for spec in content.review_steps]
        departments = {d.name: d for d in Department.objects.filter(name__in=wanted)}
        missing = [name for name in wanted if name not in departments]
        if missing:
            raise ValidationFailed(f"未找到审查部门：{'、'.join(missing)}", field="review_steps")
        ReviewStep.objects.filter(version=version).delete()
        ReviewStep.objects.bulk_create(
            [
                ReviewStep(
                    version=version,
                    sort_order=order,
                    department=departments[spec.department],
                    name=spec.name,
                )
                for order, spec in enumerate(content.review_steps, 1)
            ]
        )


def _copy_materials(
    source: ServiceItemVersion,
    target: ServiceItemVersion,
    materials: list[MaterialSpec] | None,
) -> dict[int, int]:
    """Copy ``source``'s materials to ``target`` — or, given ``materials``, write exactly
    those, in that order, each keeping the files of the source material of the same name.
    Returns {source material id: target material id} for the materials kept."""
    originals = list(Material.objects.filter(version=source).order_by("sort_order", "id"))
    pairs: list[tuple[int, MaterialSpec, Material | None]]
    if materials is None:
        pairs = [(m.sort_order, MaterialSpec.from_material(m), m) for m in originals]
    else:
        _duplicate_names(materials)
        by_name = {m.name: m for m in originals}
        pairs = [(order, spec, by_name.get(spec.name)) for order, spec in enumerate(materials, 1)]
    copies = Material.objects.bulk_create(
        [material_row(target, spec, order, files_from=old) for order, spec, old in pairs]
    )
    return {
        old.pk: new.pk for (_, _, old), new in zip(pairs, copies, strict=True) if old is not None
    }


def _copy_children(
    source: ServiceItemVersion,
    target: ServiceItemVersion,
    *,
    materials: list[MaterialSpec] | None = None,
) -> None:
    """Copy every child row of ``source`` to ``target`` (bulk; ``target`` is new).

    ``materials`` replaces the material list (matched by name; situation options keep the
    links to the materials that stay)."""
    material_map = _copy_materials(source, target, materials)
    situations = list(
        Situation.objects.filter(version=source).prefetch_related("options__materials")
    )
    situation_copies = Situation.objects.bulk_create(
        [
            Situation(version=target, question=s.question, sort_order=s.sort_order)
            for s in situations
        ]
    )
    through = SituationOption.materials.through
    links: list[Any] = []
    for old_situation, new_situation in zip(situations, situation_copies, strict=True):
        old_options = list(old_situation.options.all())
        new_options = SituationOption.objects.bulk_create(
            [
                SituationOption(situation=new_situation, label=o.label, sort_order=o.sort_order)
                for o in old_options
            ]
        )
        for old_option, new_option in zip(old_options, new_options, strict=True):
            links.extend(
                through(situationoption_id=new_option.pk, material_id=material_map[m.pk])
                for m in old_option.materials.all()
                if m.pk in material_map
            )
    through.objects.bulk_create(links)
    Fee.objects.bulk_create(
        [
            Fee(
                version=target,
                sort_order=f.sort_order,
                name=f.name,
                standard=f.standard,
                basis=f.basis,
                is_reducible=f.is_reducible,
                reduction_basis=f.reduction_basis,
            )
            for f in Fee.objects.filter(version=source)
        ]
    )
    Faq.objects.bulk_create(
        [
            Faq(version=target, sort_order=f.sort_order, question=f.question, answer=f.answer)
            for f in Faq.objects.filter(version=source)
        ]
    )
    ReviewStep.objects.bulk_create(
        [
            ReviewStep(
                version=target, sort_order=s.sort_order, department_id=s.department_id, name=s.name
            )
            for s in ReviewStep.objects.filter(version=source)
        ]
    )


def copy_version(
    source: ServiceItemVersion,
    *,
    state: str,
    actor: User | None,
    overrides: dict[str, Any] | None = None,
    valid_from: dt.date | None = None,
    materials: list[MaterialSpec] | None = None,
) -> ServiceItemVersion:
    """A new version of ``source.item`` with ``source``'s content (internal building block;
    callers hold the transaction, check states and write the audit entry). ``materials``
    replaces the material list (see ``_copy_materials``)."""
    values: dict[str, Any] = {}
    for name in version_content_fields():
        value = getattr(source, name)
        values[name] = (value.name if value else "") if name in FILE_FIELDS else value
    now = clock.now()
    target = ServiceItemVersion(
        item_id=source.item_id,
        version=next_version_number(source.item_id),
        state=state,
        created_at=now,
        created_by=actor,
        valid_from=valid_from,
        published_at=now if state == VersionState.PUBLISHED else None,
        published_by=actor if state == VersionState.PUBLISHED else None,
        **values,
    )
    if overrides:
        _apply_fields(target, overrides)
    target.save()
    _copy_children(source, target, materials=materials)
    return target


def close_previous_versions(
    *, item_id: int, valid_from: dt.date, exclude_pk: int | None = None
) -> None:
    """Retire the published version and end every earlier validity at ``valid_from``."""
    others = ServiceItemVersion.objects.filter(
        item_id=item_id, state__in=(VersionState.PUBLISHED, VersionState.RETIRED)
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    latest = others.order_by("-valid_from").first()
    if latest is not None and latest.valid_from is not None and latest.valid_from > valid_from:
        raise ValidationFailed(
            f"生效日期 {valid_from} 不得早于第{latest.version}版的生效日期 {latest.valid_from}",
            field="valid_from",
        )
    others.filter(state=VersionState.PUBLISHED).update(state=VersionState.RETIRED)
    others.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)).update(valid_to=valid_from)


@transaction.atomic
def item_version_create_draft(
    *,
    item: ServiceItem,
    actor: User | None,
    from_version: ServiceItemVersion | None = None,
) -> ServiceItemVersion:
    """A new draft copying every element and child row of ``from_version`` (default: the
    item's newest version). An item has at most one draft (``Conflict`` otherwise)."""
    ServiceItem.objects.select_for_update().filter(pk=item.pk).first()
    existing = ServiceItemVersion.objects.filter(item=item, state=VersionState.DRAFT).first()
    if existing is not None:
        raise Conflict(
            f"该事项已有草稿（第{existing.version}版），请先发布或删除该草稿",
            code="draft_exists",
        )
    if from_version is not None and from_version.item_id != item.pk:
        raise ValidationFailed("所选版本不属于该事项", field="from_version")
    source = from_version or item.versions.order_by("-version").first()
    if source is None:
        draft = ServiceItemVersion.objects.create(
            item=item,
            version=1,
            state=VersionState.DRAFT,
            created_at=clock.now(),
            created_by=actor,
        )
    else:
        draft = copy_version(source, state=VersionState.DRAFT, actor=actor)
    audit_record(
        actor=actor,
        action="catalog.version_create_draft",
        obj=draft,
        details={
            "item": item.code,
            "version": draft.version,
            "from_version": source.version if source else None,
        },
    )
    return draft


@transaction.atomic
def item_version_update_draft(
    *, version: ServiceItemVersion, actor: User | None, **fields: Any
) -> ServiceItemVersion:
    """Change content fields of a draft (``ServiceItemVersion`` field names)."""
    version = _lock(version)
    _require_draft(version)
    changed = _apply_fields(version, fields)
    if changed:
        _full_clean(version)
        version.save()
        audit_record(
            actor=actor,
            action="catalog.version_update_draft",
            obj=version,
            details={"item": version.item.code, "fields": changed},
        )
    return version


@transaction.atomic
def item_version_set_content(
    *, version: ServiceItemVersion, actor: User | None, content: VersionContent
) -> ServiceItemVersion:
    """Write scalar elements and replace child tables of a draft in one go."""
    version = _lock(version)
    _require_draft(version)
    changed = _apply_fields(version, content.fields)
    if changed:
        _full_clean(version)
        version.save()
    _write_children(version, content)
    audit_record(
        actor=actor,
        action="catalog.version_set_content",
        obj=version,
        details={
            "item": version.item.code,
            "fields": changed,
            "replaced": [
                name
                for name in ("materials", "situations", "fees", "faqs", "review_steps")
                if getattr(content, name) is not None
            ],
        },
    )
    return version


def publish_unchecked(
    version: ServiceItemVersion, *, actor: User | None, valid_from: dt.date
) -> ServiceItemVersion:
    """Publish without the validator gate (for importers of an external, already published
    catalogue). Caller holds the transaction and writes the audit entry."""
    close_previous_versions(item_id=version.item_id, valid_from=valid_from, exclude_pk=version.pk)
    ServiceItemVersion.objects.filter(pk=version.pk).update(
        state=VersionState.PUBLISHED,
        valid_from=valid_from,
        valid_to=None,
        published_at=clock.now(),
        published_by=actor,
    )
    return ServiceItemVersion.objects.select_related("item").get(pk=version.pk)


def _refuse_stale_draft(draft: ServiceItemVersion) -> None:
    """A draft numbered below a published (or retired) version was copied from older content;
    publishing it would silently revert the newer version."""
    newest = (
        ServiceItemVersion.objects.filter(item_id=draft.item_id)
        .exclude(state=VersionState.DRAFT)
        .aggregate(n=Max("version"))["n"]
    )
    if newest is not None and draft.version < newest:
        raise ValidationFailed(
            f"草稿（第{draft.version}版）早于已发布的第{newest}版，发布会覆盖较新的内容；"
            f"请放弃该草稿，基于第{newest}版新建草稿",
            code="stale_draft",
            field="version",
        )


@transaction.atomic
def item_version_publish(
    *, version: ServiceItemVersion, actor: User | None, valid_from: dt.date | None = None
) -> ServiceItemVersion:
    """Publish a draft from ``valid_from`` (default today; never in the past).

    Runs every validator; an error-level problem refuses with ``ValidationFailed`` (code
    ``publish_refused``) listing all problems in ``details["problems"]``. The previously
    published version is retired and stops applying on ``valid_from``.
    """
    version = _lock(version)
    _require_draft(version)
    today = clock.today()
    day = valid_from or today
    if day < today:
        raise ValidationFailed("生效日期不得早于今天", field="valid_from")
    _refuse_stale_draft(version)
    problems = version_problems(version)
    errors = errors_of(problems)
    if errors:
        raise ValidationFailed(
            f"「{version.name or version.item.code}」未通过发布校验："
            + "；".join(p.message_zh for p in errors),
            code="publish_refused",
            details={"problems": [asdict(p) for p in problems]},
        )
    published = publish_unchecked(version, actor=actor, valid_from=day)
    audit_record(
        actor=actor,
        action="catalog.version_publish",
        obj=published,
        details={
            "item": published.item.code,
            "version": published.version,
            "valid_from": day.isoformat(),
            "warnings": [p.message_zh for p in problems if not p.is_error],
        },
    )
    return published


@transaction.atomic
def item_version_retire(
    *, version: ServiceItemVersion, actor: User | None, valid_to: dt.date | None = None
) -> ServiceItemVersion:
    """Withdraw a published version that is in force: it stops applying on ``valid_to``
    (default today). Cases opened on it keep it.

    A version that has not taken effect yet is refused: its predecessor's validity already
    ends on its ``valid_from``, so retiring it would leave the item without any version.
    """
    version = _lock(version)
    if version.state != VersionState.PUBLISHED:
        raise Conflict("只能停用已发布的版本", code="not_published")
    today = clock.today()
    assert version.valid_from is not None  # guaranteed by catalog_published_has_valid_from
    if version.valid_from > today:
        raise Conflict(
            "尚未生效的版本不能停用，请改为放弃草稿或调整生效日期", code="not_yet_effective"
        )
    day = valid_to or today
    if day < today:
        raise ValidationFailed("停用日期不得早于今天", field="valid_to")
    ServiceItemVersion.objects.filter(pk=version.pk).update(
        state=VersionState.RETIRED, valid_to=day
    )
    audit_record(
        actor=actor,
        action="catalog.version_retire",
        obj=version,
        details={"item": version.item.code, "version": version.version, "valid_to": str(day)},
    )
    return ServiceItemVersion.objects.select_related("item").get(pk=version.pk)


@transaction.atomic
def item_version_discard_draft(*, version: ServiceItemVersion, actor: User | None) -> None:
    """Delete a draft and its rows."""
    version = _lock(version)
    _require_draft(version)
    details = {"item": version.item.code, "version": version.version}
    audit_record(actor=actor, action="catalog.version_discard_draft", obj=version, details=details)
    version.delete()
