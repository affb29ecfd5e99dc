"""Organisation API: ``/api/v1/org/…``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from banhao.catalog.selectors import department_list_with_counts

router = Router(tags=["机构"])


class DepartmentOut(Schema):
    id: int = Field(..., examples=[3])
    name: str = Field(..., examples=["行政审批服务局（投资建设审批科）"])
    short_name: str = Field(..., examples=["投资建设审批科"])
    uscc: str = Field(..., description="统一社会信用代码（未知时为空）", examples=[""])
    item_count: int = Field(..., description="现行有效的事项数", examples=[2])


@router.get("/departments", response=list[DepartmentOut], summary="部门及事项数")
def department_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": department.pk,
            "name": department.name,
            "short_name": department.short_name,
            "uscc": department.uscc,
            "item_count": department.item_count,  # type: ignore[attr-defined]
        }
        for department in department_list_with_counts()
    ]
