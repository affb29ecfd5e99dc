from __future__ import annotations

from django.test import Client

from banhao.cases.models import Case
from banhao.cases.services import case_accept
from banhao.security.testing import login_staff

from .conftest import World
from .test_story import register


def test_the_admin_shows_cases_but_cannot_change_them(world: World, client: Client) -> None:
    case = case_accept(case=register(world), actor=world.user("chuangkou"))
    login_staff(client, world.user("admin"))
    assert client.get("/admin/cases/case/").status_code == 200
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    response = client.post(f"/admin/cases/case/{case.pk}/change/", {"state": "closed"})
    assert response.status_code == 403
    assert client.post(f"/admin/cases/case/{case.pk}/delete/").status_code == 403
    assert Case.objects.get(pk=case.pk).state == "in_progress"
