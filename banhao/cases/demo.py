"""Demo cases: about 200 applications over the last three months, replayed day by day through
the real services (``clock.at``), so states, deadlines, lights, events and audit entries are
exactly what the platform itself would have produced.

Deterministic (fixed seed) and idempotent: if demo cases exist, nothing happens.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from banhao.accounts.models import User
from banhao.cases.models import Case, CaseMaterial, ReviewTask
from banhao.cases.services import (
    ApplicantData,
    ReceivedMaterial,
    case_accept,
    case_close,
    case_create_draft,
    case_decide,
    case_deliver,
    case_end_special_procedure,
    case_extend,
    case_material_upload,
    case_receive,
    case_refuse_acceptance,
    case_register_at_window,
    case_request_correction,
    case_resubmit,
    case_start_special_procedure,
    case_submit,
    case_supplement,
    case_withdraw,
    materials_for,
    review_task_decide,
)
from banhao.catalog.models import ServiceItemVersion
from banhao.catalog.selectors import version_list_in_force
from banhao.org.models import ServiceCentre
from banhao.shared import clock
from banhao.shared.errors import BanhaoError
from banhao.workcalendar.selectors import work_calendar

SEED = 20261128
DEMO_MARK = "demo"
#: The smallest well-formed PDF: one blank A4 page (uploads are parsed, see cases.uploads).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n"
    b"0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建国",
    "志强",
    "海燕",
    "晓东",
    "春梅",
]
COMPANIES = [
    "邹平鑫源建材有限公司",
    "邹平市惠民超市有限公司",
    "山东黛溪食品有限公司",
    "邹平市长山镇兴旺烟花爆竹零售店",
    "邹平市好客来餐饮有限公司",
    "邹平宏达建设工程有限公司",
    "邹平市韩店镇便民超市",
    "山东鲁中物流有限公司",
]
#: Final states and their weights (roughly what a county hall's book looks like).
TARGETS: tuple[tuple[str, int], ...] = (
    ("draft", 6),
    ("submitted", 8),
    ("received", 8),
    ("correction_requested", 8),
    ("not_accepted", 5),
    ("in_progress", 45),
    ("special_procedure", 8),
    ("decided", 8),
    ("delivering", 8),
    ("closed", 88),
    ("closed_rejected", 4),
    ("withdrawn", 4),
)


@dataclass
class _Context:
    rng: random.Random
    centre: ServiceCentre
    clerk: User
    approver: User
    reviewers: dict[int, User]
    applicants: list[User]


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


def _resident_id(rng: random.Random) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
    base = f"371681{birth:%Y%m%d}{rng.randrange(100, 999)}"
    return base + ric.calc_check_digit(base + "0")  # the function ignores the last character


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    base = "9137168" + "1" + "".join(rng.choice(alphabet) for _ in range(9))
    return base + uscc.calc_check_digit(base)


def _walk_in(rng: random.Random) -> ApplicantData:
    if rng.random() < 0.5:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return ApplicantData(
            kind="person",
            name=name,
            id_number=_resident_id(rng),
            contact_name=name,
            contact_phone=f"13{rng.randrange(10**9):09d}",
            address="邹平市" + rng.choice(["黛溪", "黄山", "高新", "长山"]) + "街道",
        )
    name = rng.choice(COMPANIES)
    return ApplicantData(
        kind="company",
        name=name,
        id_number=_credit_code(rng),
        contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        contact_phone=f"15{rng.randrange(10**9):09d}",
        address="邹平市",
    )


def _answers(version: ServiceItemVersion, rng: random.Random) -> dict[str, str]:
    return {
        str(situation.pk): str(rng.choice(list(situation.options.all())).pk)
        for situation in version.situations.prefetch_related("options")
    }


def _working_moment(day: dt.date, rng: random.Random, centre_id: int) -> dt.datetime:
    calendar = work_calendar(service_centre_id=centre_id)
    day = calendar.next_working_day(day).day
    return _local(day, rng.randrange(9, 16), rng.randrange(0, 60))


class _Demo:
    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.calendar = work_calendar(service_centre_id=ctx.centre.pk)

    def later(self, moment: dt.datetime, working_days: int) -> dt.datetime:
        """A moment ``working_days`` later (same-day when 0), never after now."""
        day = self.calendar.add_working_days(timezone.localdate(moment), working_days).day
        candidate = _local(day, self.ctx.rng.randrange(9, 17), self.ctx.rng.randrange(0, 60))
        candidate = max(candidate, moment + dt.timedelta(minutes=7))
        return min(candidate, clock.now() - dt.timedelta(minutes=1))

    def step(self, moment: dt.datetime, action: Callable[[], Case]) -> Case:
        with clock.at(moment):
            return action()

    def start(
        self, version: ServiceItemVersion, moment: dt.datetime, *, online: bool, complete: bool
    ) -> Case:
        rng = self.ctx.rng
        answers = _answers(version, rng)
        wanted = materials_for(version, answers)
        if online:
            applicant_user = rng.choice(self.ctx.applicants)
            data = (
                ApplicantData(
                    kind="company",
                    name=applicant_user.display_name,
                    id_number=applicant_user.organisation_code,
                    contact_name="刘经理",
                    contact_phone="13805431234",
                )
                if applicant_user.kind == User.Kind.COMPANY
                else ApplicantData(
                    kind="person",
                    name=applicant_user.display_name,
                    id_number=_resident_id(rng),
                    contact_name=applicant_user.display_name,
                    contact_phone="13905431234",
                )
            )
            with clock.at(moment):
                case = case_create_draft(
                    actor=applicant_user,
                    item_version=version,
                    service_centre=self.ctx.centre,
                    applicant=data,
                    situation_answers=answers,
                    form_data={DEMO_MARK: True, "说明": "演示申请"},
                )
                for row in case.materials.filter(status=CaseMaterial.Status.MISSING):
                    upload = SimpleUploadedFile("材料.pdf", PDF_BYTES)
                    case_material_upload(
                        case=case, material_id=row.pk, upload=upload, actor=applicant_user
                    )
            return case
        received = [
            ReceivedMaterial(material_id=m.pk, originals=1, copies=1)
            for m in wanted
            if complete or m.is_key or m.necessity != "deferrable"
        ]
        with clock.at(moment):
            return case_register_at_window(
                actor=self.ctx.clerk,
                item_version=version,
                applicant=_walk_in(rng),
                situation_answers=answers,
                received=received,
                form_data={DEMO_MARK: True, "说明": "窗口登记演示申请"},
            )

    def review_all(self, case: Case, moment: dt.datetime, *, reject: bool = False) -> dt.datetime:
        rng = self.ctx.rng
        for index, listed in enumerate(case.review_tasks.order_by("order", "id")):
            task = ReviewTask.objects.get(pk=listed.pk)
            if task.state != "pending":
                continue
            moment = self.later(moment, rng.choice((0, 0, 1, 1, 2, 3)))
            reviewer = self.ctx.reviewers.get(task.department_id)
            if reviewer is None:
                reviewer = _department_reviewer(task.department_id, self.ctx.centre)
                self.ctx.reviewers[task.department_id] = reviewer
            refuse = reject and index == 0
            with clock.at(moment):
                review_task_decide(
                    task=task,
                    actor=reviewer,
                    approve=not refuse,
                    opinion="经审查，不符合相关条件" if refuse else "经审查，符合条件，同意",
                )
        return moment


def _department_reviewer(department_id: int, centre: ServiceCentre) -> User:
    """A reviewer account for a department that has no demo reviewer yet."""
    from banhao.accounts.roles import Role
    from banhao.accounts.services import user_create
    from banhao.org.models import Department

    department = Department.objects.get(pk=department_id)
    existing = User.objects.filter(department=department, groups__name=Role.REVIEWER.value).first()
    if existing is not None:
        return existing
    return user_create(
        username=f"reviewer{department_id}",
        password=None,
        kind=User.Kind.STAFF,
        display_name=f"{department.short_name or department.name}审查员",
        roles=[Role.REVIEWER],
        actor=None,
        service_centre=centre,
        department=department,
    )


def _play(  # noqa: PLR0911, PLR0912, PLR0915 - one case's life, read top to bottom
    demo: _Demo, version: ServiceItemVersion, target: str, start: dt.datetime
) -> None:
    rng = demo.ctx.rng
    clerk, approver = demo.ctx.clerk, demo.ctx.approver
    online = target in ("draft", "submitted") or rng.random() < 0.3
    tolerant = target in ("in_progress", "closed") and rng.random() < 0.15
    case = demo.start(version, start, online=online, complete=not tolerant)
    tolerant = (
        tolerant
        and case.materials.filter(
            status=CaseMaterial.Status.MISSING, is_key=False, is_required=True
        ).exists()
    )
    moment = start
    if online:
        if target == "draft":
            return
        moment = demo.later(moment, 0)
        case = demo.step(moment, lambda: case_submit(case=case, actor=case.applicant))  # type: ignore[arg-type]
        if target == "submitted":
            return
        moment = demo.later(moment, rng.choice((0, 1)))
        case = demo.step(moment, lambda: case_receive(case=case, actor=clerk))
    if target == "received":
        return
    if target in ("correction_requested", "not_accepted") or rng.random() < 0.1:
        moment = demo.later(moment, rng.choice((0, 1)))
        case = demo.step(
            moment,
            lambda: case_request_correction(
                case=case,
                actor=clerk,
                items=[
                    "申请表签字不完整，请法定代表人签字并加盖公章",
                    "现场照片不清晰，请补充近期清晰照片",
                ],
            ),
        )
        if target == "correction_requested":
            return
        moment = demo.later(moment, rng.choice((1, 2, 3)))
        case = demo.step(moment, lambda: case_resubmit(case=case, actor=case.applicant or clerk))
        if target == "not_accepted":
            moment = demo.later(moment, 0)
            demo.step(
                moment,
                lambda: case_refuse_acceptance(
                    case=case,
                    actor=clerk,
                    ground="not_corrected",
                    reason="补正后材料仍不符合法定形式",
                ),
            )
            return
    moment = demo.later(moment, 0)
    case = demo.step(
        moment,
        lambda: case_accept(
            case=case, actor=clerk, tolerant=tolerant, has_commitment_letter=tolerant
        ),
    )
    if target == "special_procedure" or (target == "closed" and rng.random() < 0.08):
        moment = demo.later(moment, 1)
        reviewer = next(iter(demo.ctx.reviewers.values()))
        case = demo.step(
            moment,
            lambda: case_start_special_procedure(
                case=case,
                actor=reviewer,
                kind=rng.choice(["expert_review", "inspection", "hearing"]),
                reason="依法需组织现场核查和专家评审",
                planned_working_days=5,
            ),
        )
        if target == "special_procedure":
            return
        moment = demo.later(moment, 3)
        case = demo.step(
            moment,
            lambda: case_end_special_procedure(
                case=case, actor=reviewer, result="核查完毕，符合条件"
            ),
        )
    if target == "in_progress":
        # Leave some departments still reviewing; some cases run late (red lights).
        if rng.random() < 0.5:
            task = case.review_tasks.filter(state="pending").first()
            if task is not None:
                reviewer = demo.ctx.reviewers.get(task.department_id) or _department_reviewer(
                    task.department_id, demo.ctx.centre
                )
                with clock.at(demo.later(moment, 0)):
                    review_task_decide(task=task, actor=reviewer, approve=True, opinion="同意")
        if rng.random() < 0.1:
            with clock.at(demo.later(moment, 0)):
                case_extend(
                    case=Case.objects.get(pk=case.pk),
                    actor=approver,
                    working_days=5,
                    reason="需要多部门现场核查，经负责人批准延长",
                )
        return
    reject = target == "closed_rejected"
    deferred = list(
        case.materials.filter(status=CaseMaterial.Status.DEFERRED).values_list("pk", flat=True)
    )
    if deferred:
        moment = demo.later(moment, 1)
        case = demo.step(
            moment, lambda: case_supplement(case=case, actor=clerk, material_ids=deferred)
        )
    moment = demo.review_all(case, moment, reject=reject)
    case = Case.objects.get(pk=case.pk)
    moment = demo.later(moment, rng.choice((0, 0, 1)))
    case = demo.step(
        moment,
        lambda: case_decide(
            case=case,
            actor=approver,
            approve=not reject,
            reason="经审查，不符合法定条件" if reject else "经审查，符合法定条件，准予许可",
            rights_notified=reject,
        ),
    )
    if target == "decided":
        return
    moment = demo.later(moment, 0)
    method = rng.choice(["window", "electronic", "electronic", "post"])
    tracking = f"EMS{rng.randrange(10**10):010d}" if method == "post" else ""
    case = demo.step(
        moment,
        lambda: case_deliver(case=case, actor=clerk, method=method, tracking_number=tracking),
    )
    if target == "delivering":
        return
    moment = demo.later(moment, rng.choice((0, 0, 1)))
    demo.step(moment, lambda: case_close(case=case, actor=clerk))


def _withdraw(demo: _Demo, version: ServiceItemVersion, start: dt.datetime) -> None:
    case = demo.start(version, start, online=True, complete=True)
    applicant = case.applicant
    assert applicant is not None  # online cases always have an account
    moment = demo.later(start, 0)
    case = demo.step(moment, lambda: case_submit(case=case, actor=applicant))
    demo.step(
        demo.later(moment, 1),
        lambda: case_withdraw(case=case, actor=applicant, reason="申请人自行撤回"),
    )


@transaction.atomic
def demo_cases_load(*, count: int = 200, days: int = 90) -> int:
    """Create ``count`` demo cases started over the last ``days`` days; returns how many.
    All or nothing: one transaction."""
    if Case.objects.filter(form_data__demo=True).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    centre = ServiceCentre.objects.get(code="zouping")
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["chuangkou", "shenpi", "zhujian", "ziran", "xiaofang", "zhangsan", "qiye"]
        )
    }
    reviewers = {
        u.department_id: u
        for u in users.values()
        if u.department_id is not None and u.username in ("zhujian", "ziran", "xiaofang")
    }
    ctx = _Context(
        rng=rng,
        centre=centre,
        clerk=users["chuangkou"],
        approver=users["shenpi"],
        reviewers=reviewers,
        applicants=[users["zhangsan"], users["qiye"]],
    )
    demo = _Demo(ctx)
    curated = list(version_list_in_force().filter(data_source="demo").order_by("item__code"))
    imported = list(
        version_list_in_force()
        .filter(item_type="01")
        .exclude(data_source="demo")
        .order_by("item__code")[:40]
    )
    targets = [name for name, weight in TARGETS for _ in range(weight)]
    rng.shuffle(targets)
    today = clock.today()
    created = 0
    for index in range(count):
        target = targets[index % len(targets)] if index < len(targets) else rng.choice(targets)
        version = (
            rng.choice(curated) if rng.random() < 0.8 or not imported else rng.choice(imported)
        )
        # Open cases start recently; closed ones anywhere in the period.
        span = days if target in ("closed", "closed_rejected", "not_accepted", "withdrawn") else 25
        start = _working_moment(today - dt.timedelta(days=rng.randrange(1, span)), rng, centre.pk)
        try:
            if target == "withdrawn":
                _withdraw(demo, version, start)
            else:
                _play(demo, version, target, start)
        except BanhaoError as exc:  # pragma: no cover - a demo path the rules refuse
            raise RuntimeError(f"演示数据生成失败（{target}，{version}）：{exc.message}") from exc
        created += 1
    return created
