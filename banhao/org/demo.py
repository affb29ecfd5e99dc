"""Demo organisation: 邹平市政务服务中心 (area code 371681), its windows and departments.

Idempotent: running it again changes nothing. Addresses and hours are those a county hall
publishes; phone numbers are placeholders (演示数据), not real lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from banhao.audit.services import audit_record
from banhao.org.models import Department, ServiceCentre, Window

CENTRE_CODE = "zouping"
CENTRE_NAME = "邹平市政务服务中心"
CENTRE_ADDRESS = "山东省滨州市邹平市黛溪三路 邹平市政务服务中心"
CENTRE_HOURS = (
    "周一至周五 上午9:00-12:00 下午13:00-17:00（法定节假日除外），周六延时服务 9:00-12:00"
)
CENTRE_PHONE = "0543-0000000（演示）"

#: 行政审批服务局 sections that accept and decide the concentrated items (相对集中许可).
BUREAU = "行政审批服务局"
INVESTMENT_SECTION = f"{BUREAU}（投资建设审批科）"
MARKET_SECTION = f"{BUREAU}（市场准入审批科）"
SOCIAL_SECTION = f"{BUREAU}（社会事务审批科）"

HOUSING = "住房和城乡建设局"
PLANNING = "自然资源和规划局"
FIRE = "消防救援大队"
EMERGENCY = "应急管理局"
MARKET_REGULATION = "市场监督管理局"
HEALTH = "卫生健康局"
ENFORCEMENT = "综合行政执法局"
TOBACCO = "烟草专卖局"


@dataclass(frozen=True)
class DemoDepartment:
    name: str
    short_name: str
    sort_order: int


DEMO_DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(INVESTMENT_SECTION, "投资建设审批科", 10),
    DemoDepartment(MARKET_SECTION, "市场准入审批科", 11),
    DemoDepartment(SOCIAL_SECTION, "社会事务审批科", 12),
    DemoDepartment(HOUSING, "住建局", 20),
    DemoDepartment(PLANNING, "自然资源局", 21),
    DemoDepartment(FIRE, "消防大队", 22),
    DemoDepartment(EMERGENCY, "应急局", 23),
    DemoDepartment(MARKET_REGULATION, "市场监管局", 24),
    DemoDepartment(HEALTH, "卫健局", 25),
    DemoDepartment(ENFORCEMENT, "综合执法局", 26),
    DemoDepartment(TOBACCO, "烟草局", 27),
)

DEMO_WINDOWS: tuple[tuple[str, str, str], ...] = (
    *((f"A{n:02d}", "综合受理", Window.Kind.COMPREHENSIVE) for n in range(1, 9)),
    ("B01", "出件", Window.Kind.DELIVERY),
    ("C01", "帮办代办", Window.Kind.HELP),
    ("D01", "延时服务", Window.Kind.EXTENDED_HOURS),
)


@transaction.atomic
def demo_organisation_load() -> ServiceCentre:
    """Create (or complete) the demo centre, its 11 windows and the demo departments."""
    centre, created = ServiceCentre.objects.get_or_create(
        code=CENTRE_CODE,
        defaults={
            "name": CENTRE_NAME,
            "area_code": "371681",
            "address": CENTRE_ADDRESS,
            "phone": CENTRE_PHONE,
            "opening_hours": CENTRE_HOURS,
        },
    )
    windows_created = 0
    for number, name, kind in DEMO_WINDOWS:
        _, made = Window.objects.get_or_create(
            service_centre=centre, number=number, defaults={"name": name, "kind": kind}
        )
        windows_created += made
    departments_created = 0
    for spec in DEMO_DEPARTMENTS:
        _, made = Department.objects.get_or_create(
            name=spec.name,
            defaults={
                "short_name": spec.short_name,
                "sort_order": spec.sort_order,
                "service_centre": centre,
            },
        )
        departments_created += made
    if created or windows_created or departments_created:
        audit_record(
            actor=None,
            action="org.demo_load",
            obj=centre,
            details={
                "centre_created": created,
                "windows_created": windows_created,
                "departments_created": departments_created,
            },
        )
    return centre
