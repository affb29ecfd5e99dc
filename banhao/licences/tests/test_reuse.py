"""Reuse (信息共享免交, 国务院令第716号 Art.9–11): a later application that needs a licence this
platform issued gets it attached automatically; without a valid licence the applicant is asked
for the material."""

from __future__ import annotations

from banhao.cases.models import Case, CaseMaterial
from banhao.cases.services import case_create_draft, case_update_draft
from banhao.cases.tests.conftest import company_applicant
from banhao.catalog.selectors import item_get_published
from banhao.licences.models import Licence, LicenceAttachment
from banhao.licences.selectors import licence_attachments_for_case
from banhao.licences.services import licence_operate

from .conftest import approve, business_version, register

FIREWORKS = "371681-XK-0004"  # needs the 营业执照 from the 电子证照库


def _draft(world) -> Case:
    version = item_get_published(code=FIREWORKS)
    answers = {
        str(s.pk): str(next(iter(s.options.all())).pk)
        for s in version.situations.prefetch_related("options")
    }
    return case_create_draft(
        actor=world.user("qiye"),
        item_version=version,
        service_centre=world.centre,
        applicant=company_applicant(),
        situation_answers=answers,
    )


def _business_licence(world) -> Licence:
    case = approve(world, register(world, version=business_version()))
    return Licence.objects.get(case=case)


def _row(case: Case, name: str) -> CaseMaterial:
    return CaseMaterial.objects.get(case=case, name=name)


def test_a_valid_licence_is_attached_and_not_asked_for(licensing) -> None:
    licence = _business_licence(licensing)
    draft = _draft(licensing)
    row = _row(draft, "营业执照")
    assert row.status == CaseMaterial.Status.SHARED
    attachment = LicenceAttachment.objects.get(case_material=row)
    assert attachment.licence == licence
    assert licence_attachments_for_case(case_id=draft.pk) == {row.pk: licence}


def test_without_a_licence_the_applicant_is_asked_to_upload(licensing) -> None:
    draft = _draft(licensing)
    row = _row(draft, "营业执照")
    assert row.status == CaseMaterial.Status.MISSING
    assert not LicenceAttachment.objects.exists()
    # Materials no licence type of ours covers keep the catalogue's 共享免交.
    permit = register(licensing)
    assert _row(permit, "建设工程规划许可证").status == CaseMaterial.Status.SHARED


def test_a_licence_issued_later_is_attached_when_the_draft_is_updated(licensing) -> None:
    draft = _draft(licensing)
    assert _row(draft, "营业执照").status == CaseMaterial.Status.MISSING
    licence = _business_licence(licensing)
    draft = case_update_draft(
        case=draft, actor=licensing.user("qiye"), situation_answers=draft.situation_answers
    )
    row = _row(draft, "营业执照")
    assert row.status == CaseMaterial.Status.SHARED
    assert LicenceAttachment.objects.get(case_material=row).licence == licence


def test_a_revoked_licence_is_not_reused(licensing) -> None:
    licence = _business_licence(licensing)
    licence_operate(
        licence=licence, operation="revoke", actor=licensing.user("shenpi"), reason="撤销"
    )
    draft = _draft(licensing)
    assert _row(draft, "营业执照").status == CaseMaterial.Status.MISSING
    assert not LicenceAttachment.objects.exists()


def test_the_construction_permit_reuses_the_builders_business_licence(licensing) -> None:
    licence = _business_licence(licensing)
    permit = register(licensing)
    row = _row(permit, "建设单位营业执照")
    assert row.status == CaseMaterial.Status.SHARED
    assert LicenceAttachment.objects.get(case_material=row).licence == licence


def test_the_case_pages_show_the_attached_licence(licensing) -> None:
    from django.test import Client
    from django.urls import reverse

    from banhao.security.testing import login_staff

    licence = _business_licence(licensing)
    permit = register(licensing)
    staff = Client()
    login_staff(staff, licensing.user("chuangkou"))
    page = staff.get(reverse("cases:staff_case", args=[permit.number])).content.decode()
    assert f"电子证照库：营业执照 {licence.number}-001" in page
    owner = Client()
    login_staff(owner, licensing.user("qiye"))
    page = owner.get(reverse("cases:case_detail", args=[permit.number])).content.decode()
    assert f"电子证照库：营业执照 {licence.number}-001" in page


def test_without_a_licence_the_draft_page_offers_the_upload(licensing) -> None:
    from django.test import Client
    from django.urls import reverse

    from banhao.security.testing import login_staff

    client = Client()
    login_staff(client, licensing.user("qiye"))
    draft = _draft(licensing)
    upload = reverse("cases:material_upload", args=[draft.number, _row(draft, "营业执照").pk])
    assert upload in client.get(reverse("cases:case_detail", args=[draft.number])).content.decode()
    _business_licence(licensing)
    shared = _draft(licensing)
    url = reverse("cases:material_upload", args=[shared.number, _row(shared, "营业执照").pk])
    assert (
        url not in client.get(reverse("cases:case_detail", args=[shared.number])).content.decode()
    )
