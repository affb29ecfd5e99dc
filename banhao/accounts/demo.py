"""Demo accounts, one per role (see README). Idempotent."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.db import transaction

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_contact_set, user_create
from banhao.org import demo as org_demo
from banhao.org.models import Department, ServiceCentre, Window
from banhao.shared.errors import Conflict

#: Demo only: every demo account has this password (README says so).
DEMO_PASSWORD = "banhao-demo-2026"  # noqa: S105
#: A syntactically valid 统一社会信用代码 (GB 32100 check character) for the demo company.
DEMO_COMPANY_CODE = "91371681MA3CBH0A1C"
#: A made-up 身份证号 with a valid check character (371681 邹平市, born 1985-03-12) for zhangsan:
#: "37168119850312123" + stdnum.cn.ric.calc_check_digit(...).
DEMO_RESIDENT_ID = "371681198503121237"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    kind: str
    roles: tuple[Role, ...]
    department: str = ""
    window: str = ""
    organisation_code: str = ""
    is_superuser: bool = False
    mobile: str = ""
    id_number: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "系统管理员", User.Kind.STAFF, (Role.ADMIN,), is_superuser=True),
    DemoUser(
        "zhangsan",
        "张三",
        User.Kind.PERSON,
        (Role.APPLICANT,),
        mobile="13905431234",
        id_number=DEMO_RESIDENT_ID,
    ),
    DemoUser(
        "qiye",
        "邹平市鲁信建设工程有限公司",
        User.Kind.COMPANY,
        (Role.APPLICANT,),
        organisation_code=DEMO_COMPANY_CODE,
        mobile="13805431234",
    ),
    DemoUser("chuangkou", "李窗口", User.Kind.STAFF, (Role.WINDOW_CLERK,), window="A01"),
    DemoUser("zhujian", "王住建", User.Kind.STAFF, (Role.REVIEWER,), department=org_demo.HOUSING),
    DemoUser("ziran", "赵规划", User.Kind.STAFF, (Role.REVIEWER,), department=org_demo.PLANNING),
    DemoUser("xiaofang", "孙消防", User.Kind.STAFF, (Role.REVIEWER,), department=org_demo.FIRE),
    DemoUser(
        "shenpi",
        "周审批",
        User.Kind.STAFF,
        (Role.APPROVER,),
        department=org_demo.INVESTMENT_SECTION,
    ),
    DemoUser("bangban", "吴帮办", User.Kind.STAFF, (Role.HELPER,), window="C01"),
    DemoUser("lingdao", "郑局长", User.Kind.STAFF, (Role.LEADER,)),
    # 三权分立: the 安全管理员 and the 审计管理员 (``admin`` is the 系统管理员).
    DemoUser("anquan", "钱安全", User.Kind.STAFF, (Role.SECURITY_ADMIN,)),
    DemoUser("shenji", "冯审计", User.Kind.STAFF, (Role.AUDIT_ADMIN,)),
)


@transaction.atomic
def demo_users_load(*, centre: ServiceCentre) -> int:
    """Create the demo accounts that do not exist yet; returns how many were created.

    A demo account created before it had a mobile number or ID number gets the missing ones
    (blank fields only: nothing set by hand is overwritten)."""
    created = 0
    for spec in DEMO_USERS:
        existing = User.objects.filter(username=spec.username).first()
        if existing is not None:
            _contact_fill(existing, spec)
            continue
        is_staff_role = bool(set(spec.roles) & Role.staff_roles())
        user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            kind=spec.kind,
            display_name=spec.display_name,
            roles=spec.roles,
            actor=None,
            organisation_code=spec.organisation_code,
            service_centre=centre if is_staff_role else None,
            department=Department.objects.get(name=spec.department) if spec.department else None,
            window=Window.objects.get(service_centre=centre, number=spec.window)
            if spec.window
            else None,
            is_superuser=spec.is_superuser,
            mobile=spec.mobile,
            id_number=spec.id_number,
        )
        created += 1
    return created


def _contact_fill(user: User, spec: DemoUser) -> None:
    if spec.mobile and not user.mobile:
        user_contact_set(user=user, actor=None, mobile=spec.mobile)
    if spec.id_number and not user.id_number:
        # If someone registered with the demo ID number, this account stays without it.
        with contextlib.suppress(Conflict):
            user_contact_set(user=user, actor=None, id_number=spec.id_number)
