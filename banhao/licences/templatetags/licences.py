"""Licence snippets for other contexts' templates (the case pages), without the case spine
importing this context: ``{% load licences %}``.

    {% case_licence_card case %}      the licence issued on the case's 准予 decision
    {% material_licence row %}        the licence attached to a material (信息共享免交)
"""

from __future__ import annotations

from typing import Any

from django import template

from banhao.licences.selectors import licence_current_for_case, licence_for_material

register = template.Library()


@register.inclusion_tag("licences/_case_licence.html")
def case_licence_card(case: Any) -> dict[str, Any]:
    return {"licence": licence_current_for_case(case_id=case.pk) if case is not None else None}


@register.inclusion_tag("licences/_material_licence.html")
def material_licence(row: Any) -> dict[str, Any]:
    return {"licence": licence_for_material(case_material_id=row.pk) if row is not None else None}
