"""manage.py generate_cases --count N: realistic volume for performance measurements (bench/).

Cases are spread over the published items (the 9 curated ones more often than the 1,135
imported ones), over two years and over the states a county hall's book shows: older cases
are mostly 办结, recent ones are in every open state. Every case has the process record its
state implies (event rows built from the core state table: kind, command, states, 业务动作,
环节名称), its review tasks (the version's route, or the implementing department) and, for items
with materials, its material rows. A few cases belong to the demo applicant accounts
(``zhangsan``, ``qiye``) so that 我的办件 grows with the data.

Rows go in with ``executemany`` inside one transaction per batch (``--batch``), with explicit
ids; personal data is encrypted exactly as the model would store it (a pool of applicants,
encrypted once). Generated cases write no audit entries (they are not business events) and
send no notifications. Refused in production (``BANHAO_ENV=production``).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from stdnum.cn import ric, uscc
from tqdm import tqdm

from banhao.accounts.models import User
from banhao.cases.models import Case, CaseEvent, CaseMaterial, ReviewTask
from banhao.cases.signals import cases_generated
from banhao.catalog.selectors import version_list_in_force
from banhao.org.models import Department, ServiceCentre
from banhao.shared import clock
from banhao.workcalendar.selectors import current_revision, work_calendar
from banhao_core.calendar import WorkCalendar
from banhao_core.workflow import CaseState
from banhao_core.workflow import Command as WorkflowCommand
from banhao_core.workflow.events import BUSINESS_ACTIONS, EVENT_KINDS
from banhao_core.workflow.transitions import TRANSITIONS

C = WorkflowCommand
#: The commands that lead to each final state (after 暂存 or 窗口登记, see ``_path``).
PATHS: dict[str, tuple[WorkflowCommand, ...]] = {
    "draft": (),
    "submitted": (C.SUBMIT,),
    "received": (C.SUBMIT, C.RECEIVE),
    "correction_requested": (C.SUBMIT, C.RECEIVE, C.REQUEST_CORRECTION),
    "not_accepted": (C.SUBMIT, C.RECEIVE, C.REFUSE_ACCEPTANCE),
    "withdrawn": (C.SUBMIT, C.RECEIVE, C.WITHDRAW),
    "in_progress": (C.SUBMIT, C.RECEIVE, C.ACCEPT, C.START_REVIEW),
    "decided_approved": (C.SUBMIT, C.RECEIVE, C.ACCEPT, C.START_REVIEW, C.DECIDE_APPROVE),
    "decided_rejected": (C.SUBMIT, C.RECEIVE, C.ACCEPT, C.START_REVIEW, C.DECIDE_REJECT),
    "delivering": (
        C.SUBMIT, C.RECEIVE, C.ACCEPT, C.START_REVIEW, C.DECIDE_APPROVE, C.START_DELIVERY,
    ),
    "closed": (
        C.SUBMIT, C.RECEIVE, C.ACCEPT, C.START_REVIEW, C.DECIDE_APPROVE, C.START_DELIVERY,
        C.CLOSE,
    ),
    "closed_rejected": (
        C.SUBMIT, C.RECEIVE, C.ACCEPT, C.START_REVIEW, C.DECIDE_REJECT, C.START_DELIVERY,
        C.CLOSE,
    ),
}  # fmt: skip
#: Weights of final states for cases older than two months, and for recent ones.
OLD_WEIGHTS = {
    "closed": 86, "closed_rejected": 3, "not_accepted": 4, "withdrawn": 4, "draft": 3,
}  # fmt: skip
RECENT_WEIGHTS = {
    "draft": 6, "submitted": 8, "received": 8, "correction_requested": 8, "not_accepted": 5,
    "in_progress": 50, "decided_approved": 6, "decided_rejected": 2, "delivering": 8,
    "closed": 88, "closed_rejected": 4, "withdrawn": 4,
}  # fmt: skip
#: Commands that wait days rather than minutes after the previous step.
SLOW_COMMANDS = frozenset({C.ACCEPT, C.DECIDE_APPROVE, C.DECIDE_REJECT, C.CLOSE})
RECENT_DAYS = 60
YEARS = 2
CURATED_SHARE = 0.3
ACCOUNT_SHARE = 0.005
APPLICANT_POOL = 400
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超霞平刚"
COMPANY_WORDS = ("鑫源", "惠民", "黛溪", "长山", "好客来", "宏达", "韩店", "鲁中", "兴旺", "鲁信")
COMPANY_KINDS = ("建材有限公司", "超市有限公司", "食品有限公司", "餐饮有限公司", "物流有限公司")


@dataclass
class _Version:
    pk: int
    name: str
    number_prefix: str
    curated: bool
    promised_days: int
    legal_days: int
    route: list[tuple[int, str, str]]  # (department id, department name, step name)
    mode: str
    materials: list[tuple[int, str, bool, bool]]  # (material id, name, required, key)


@dataclass
class _Rows:
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    tasks: list[tuple[Any, ...]] = field(default_factory=list)
    materials: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _Applicant:
    kind: str
    id_type: str
    organisation_code: str
    values: dict[str, str]  # encrypted columns + blind index, as stored


@dataclass
class _Pick:
    version: _Version
    target: str
    path: tuple[WorkflowCommand, ...]
    account: User | None
    applicant: _Applicant
    window: bool
    created: dt.datetime


def _field(name: str) -> Any:
    return Case._meta.get_field(name)


def _working_days(amount: int | None, unit: str) -> int:
    if unit == "immediate":
        return 0
    if not amount:
        return 20
    return amount if unit in ("working_days", "") else max(1, amount * 5 // 7)


class Command(BaseCommand):
    help = "生成大量逼真的办件（性能测试用；不写审计、不发通知；生产环境拒绝执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="要生成的办件数量")
        parser.add_argument("--batch", type=int, default=5000, help="每个事务的办件数")
        parser.add_argument("--seed", type=int, default=20261128)
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("生产环境不能生成测试办件")
        count, batch = int(options["count"]), max(1, int(options["batch"]))
        if count <= 0:
            raise CommandError("--count 必须为正整数")
        centre = ServiceCentre.objects.filter(code="zouping").first() or (
            ServiceCentre.objects.order_by("pk").first()
        )
        if centre is None:
            raise CommandError("没有政务服务中心：请先运行 manage.py seed_demo --skip-cases")
        # Made-up data, not secrets: a seeded generator makes runs repeatable.
        generator = _Generator(centre, random.Random(int(options["seed"])))  # noqa: S311
        done = 0
        with tqdm(
            total=count, unit="件", disable=options["no_progress"], smoothing=0.1
        ) as progress:
            while done < count:
                size = min(batch, count - done)
                generator.batch(size)
                done += size
                progress.update(size)
        generator.reset_sequences()
        self.stdout.write(self.style.SUCCESS(f"已生成 {count} 件"))


class _Generator:
    def __init__(self, centre: ServiceCentre, rng: random.Random) -> None:
        self.centre = centre
        self.rng = rng
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.calendar: WorkCalendar = work_calendar(service_centre_id=centre.pk)
        self.today = clock.today()
        self.revision = current_revision()
        self.versions = self._versions()
        if not self.versions:
            raise CommandError("没有已发布的事项：请先运行 manage.py seed_demo --skip-cases")
        self.curated = [v for v in self.versions if v.curated] or self.versions
        self.users = {u.username: u for u in User.objects.all()}
        self.accounts = [u for u in self.users.values() if u.kind in ("person", "company")]
        self.clerk = self.users.get("chuangkou")
        self.approver = self.users.get("shenpi")
        self.reviewers = {
            u.department_id: u
            for u in User.objects.filter(groups__name="reviewer", department__isnull=False)
        }
        self.applicants = [self._applicant() for _ in range(APPLICANT_POOL)]
        self.account_applicants = {u.pk: self._applicant_for(u) for u in self.accounts}
        self.next_ids = {
            model: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            for model in (Case, CaseEvent, ReviewTask, CaseMaterial)
        }
        self.due_cache: dict[tuple[dt.date, int], dt.date] = {}

    # -- reference data ----------------------------------------------------------------

    def _versions(self) -> list[_Version]:
        rows = (
            version_list_in_force()
            .select_related("item", "item__department")
            .prefetch_related("review_steps__department", "materials")
        )
        departments = {d.pk: d for d in Department.objects.all()}
        result = []
        for version in rows:
            item = version.item
            steps = sorted(version.review_steps.all(), key=lambda s: (s.sort_order, s.pk))
            if steps:
                route = [(s.department_id, s.department.name, s.name) for s in steps]
                mode = version.review_mode or "countersign"
            else:
                department = departments.get(item.department_id)
                if department is None:
                    continue
                route = [(department.pk, department.name, "审查")]
                mode = "countersign"
            materials = [
                (m.pk, m.name[:200], m.necessity in ("required", "deferrable"), m.is_key)
                for m in sorted(version.materials.all(), key=lambda m: (m.sort_order, m.pk))
            ]
            result.append(
                _Version(
                    pk=version.pk,
                    name=version.name,
                    number_prefix=self.centre.area_code[:6],
                    curated=bool(steps) or len(materials) >= 3,
                    promised_days=_working_days(
                        version.promised_limit_amount, version.promised_limit_unit
                    ),
                    legal_days=_working_days(version.legal_limit_amount, version.legal_limit_unit),
                    route=route,
                    mode=mode,
                    materials=materials,
                )
            )
        return result

    def _encrypt(self, **values: str) -> dict[str, str]:
        """The stored form of the encrypted columns and the blind index, as the model's
        fields produce it."""
        case = Case(**values)
        stored = {name: _field(name).get_prep_value(value) for name, value in values.items()}
        stored["applicant_id_index"] = _field("applicant_id_index").compute(case)
        return stored

    def _applicant(self) -> _Applicant:
        rng = self.rng
        person = rng.random() < 0.5
        contact = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", *GIVEN))
        phone = f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}"
        if person:
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
            base = f"371681{birth:%Y%m%d}{rng.randrange(100, 999)}"
            number = base + ric.calc_check_digit(base + "0")
            name, kind, id_type, org = contact, "person", "111", ""
        else:
            base = f"9137168{rng.randrange(10**9, 10**10)}"[:17]
            base = base[:8] + "".join(
                rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9)
            )
            number = base + uscc.calc_check_digit(base)
            name = "邹平" + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)
            kind, id_type, org = "company", "001", number
        values = self._encrypt(
            applicant_name=name,
            applicant_id_number=number,
            contact_name=contact,
            contact_phone=phone,
            address=f"邹平市{rng.choice(('黛溪', '黄山', '高新', '长山', '魏桥', '韩店'))}街道",
        )
        return _Applicant(kind, id_type, org, values)

    def _applicant_for(self, user: User) -> _Applicant:
        if user.kind == "company" and user.organisation_code:
            values = self._encrypt(
                applicant_name=str(user.get_full_name() or user.username),
                applicant_id_number=user.organisation_code,
                contact_name="联系人",
                contact_phone="13805430000",
                address="邹平市黛溪街道",
            )
            return _Applicant("company", "001", user.organisation_code, values)
        applicant = self.rng.choice([a for a in self.applicants if a.kind == "person"])
        return applicant

    # -- one batch ---------------------------------------------------------------------

    def _due(self, day: dt.date, days: int) -> dt.date:
        key = (day, days)
        due = self.due_cache.get(key)
        if due is None:
            due = self.calendar.add_working_days(day, days).day
            self.due_cache[key] = due
        return due

    def _moment(self, day: dt.date) -> dt.datetime:
        rng = self.rng
        return dt.datetime(
            day.year, day.month, day.day, rng.randrange(8, 17), rng.randrange(60),
            rng.randrange(60), tzinfo=self.tz,
        )  # fmt: skip

    def _target(self, age_days: int) -> str:
        weights = RECENT_WEIGHTS if age_days <= RECENT_DAYS else OLD_WEIGHTS
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def batch(self, size: int) -> None:
        rows = _Rows()
        for _ in range(size):
            self._case(rows)
        self._write(rows)

    def _pick(self) -> _Pick:
        """Item, day, final state, applicant and channel of one case."""
        rng = self.rng
        age = min(int(rng.expovariate(1 / 200)), YEARS * 365)
        if rng.random() < 0.5:
            age = rng.randrange(0, YEARS * 365)
        day = self.today - dt.timedelta(days=age)
        oldest = self.today - dt.timedelta(days=YEARS * 365 + 7)
        while not self.calendar.is_working_day(day) and day > oldest:
            day -= dt.timedelta(days=1)
        pool = self.curated if rng.random() < CURATED_SHARE else self.versions
        version = rng.choice(pool)
        target = self._target(age)
        path = PATHS[target]
        account = (
            rng.choice(self.accounts) if self.accounts and rng.random() < ACCOUNT_SHARE else None
        )
        applicant = (
            self.account_applicants[account.pk]
            if account is not None
            else rng.choice(self.applicants)
        )
        window = rng.random() < 0.4 and C.SUBMIT in path and account is None
        if window:
            path = (C.REGISTER_AT_WINDOW, *path[2:])
        return _Pick(
            version=version, target=target, path=path, account=account, applicant=applicant,
            window=window, created=self._moment(day),
        )  # fmt: skip

    def _case(self, rows: _Rows) -> None:
        """One case: replay its path through the state table into event (and task) rows."""
        rng = self.rng
        pick = self._pick()
        case_id = self.next_ids[Case]
        self.next_ids[Case] += 1
        version, account = pick.version, pick.account
        moment = pick.created
        latest = max(pick.created, clock.now() - dt.timedelta(minutes=5))
        state = CaseState.DRAFT
        seq = 0
        times: dict[str, dt.datetime] = {}
        if not pick.window:
            seq += 1
            rows.events.append(
                self._event(case_id, seq, None, state, state, moment, kind="draft_saved",
                            step_name="暂存申请", actor=account)
            )  # fmt: skip
        for command in pick.path:
            row = TRANSITIONS[(state, command)]
            # Steps take minutes to days; none is later than now.
            gap = (
                dt.timedelta(days=rng.randrange(0, 3), minutes=rng.randrange(5, 120))
                if command in SLOW_COMMANDS
                else dt.timedelta(minutes=rng.randrange(5, 240))
            )
            moment = min(moment + gap, latest)
            times[command.value] = moment
            seq += 1
            rows.events.append(
                self._event(case_id, seq, command, row.source, row.target, moment,
                            kind=EVENT_KINDS[command].value, step_name=row.description_zh,
                            actor=self._actor_for(command, account))
            )  # fmt: skip
            state = row.target
            if command is C.START_REVIEW:
                accepted = times["accept"].astimezone(self.tz).date()
                due = self._due(accepted, version.promised_days)
                seq = self._tasks(rows, case_id=case_id, version=version, opened=moment,
                                  due=due, target=pick.target, seq=seq)  # fmt: skip
        rows.cases.append(self._case_row(case_id, pick, state, times))
        if version.materials and pick.target != "draft":
            adapt = connection.ops.adapt_datetimefield_value
            received = adapt(times.get("receive") or times.get("register_at_window") or moment)
            for material_id, name, required, key in version.materials:
                material_pk = self.next_ids[CaseMaterial]
                self.next_ids[CaseMaterial] += 1
                status = "received" if required else "not_applicable"
                rows.materials.append(
                    (material_pk, case_id, material_id, name, required, key, status, "", "",
                     "", 0, 1 if required else 0, 0, received)
                )  # fmt: skip

    def _case_row(
        self, case_id: int, pick: _Pick, state: CaseState, times: dict[str, dt.datetime]
    ) -> tuple[Any, ...]:
        adapt = connection.ops.adapt_datetimefield_value
        adapt_date = connection.ops.adapt_datefield_value
        version, applicant, account = pick.version, pick.applicant, pick.account
        accepted = times.get("accept")
        promised = legal = None
        if accepted is not None:
            start = accepted.astimezone(self.tz).date()
            promised = self._due(start, version.promised_days)
            legal = self._due(start, max(version.legal_days, version.promised_days))
        decision = (
            "approve" if "decide_approve" in times else "reject" if "decide_reject" in times else ""
        )
        reason = {"approve": "符合条件", "reject": "经审查不符合条件"}.get(decision, "")
        closed = times.get("close") or times.get("refuse_acceptance") or times.get("withdraw")
        submitted = times.get("submit") or times.get("register_at_window")
        received = times.get("receive") or times.get("register_at_window")
        decided_at = times.get("decide_approve") or times.get("decide_reject")
        acceptance = f"邹审服受字〔{accepted.year}〕第{case_id % 10**6:06d}号" if accepted else ""
        values = applicant.values
        return (
            case_id, self._number(case_id, pick.created), state.value, "1" if pick.window else "2",
            applicant.kind, values["applicant_name"], applicant.id_type,
            values["applicant_id_number"], values["applicant_id_index"],
            applicant.organisation_code, values["contact_name"], values["contact_phone"],
            values["address"], "{}", "{}", adapt(pick.created), adapt(submitted),
            adapt(received), adapt(accepted), acceptance, False, False, adapt_date(promised),
            adapt_date(legal), False, 0, self.revision, "", decision, reason, adapt(decided_at),
            "window" if "start_delivery" in times else "", "", adapt(closed), len(pick.path),
            account.pk if account is not None else None, version.pk,
            self.clerk.pk if (pick.window and self.clerk) else None, self.centre.pk, None,
        )  # fmt: skip

    def _actor_for(self, command: WorkflowCommand, account: User | None) -> User | None:
        if command in (C.SUBMIT, C.WITHDRAW):
            return account
        if command in (C.DECIDE_APPROVE, C.DECIDE_REJECT):
            return self.approver
        if command is C.START_REVIEW:
            return None
        return self.clerk

    def _event(  # noqa: PLR0917 - one positional per column group
        self,
        case_id: int,
        seq: int,
        command: WorkflowCommand | None,
        source: CaseState,
        target: CaseState,
        at: dt.datetime,
        *,
        kind: str,
        step_name: str,
        actor: User | None,
        unit: str | None = None,
        opinion: str = "",
        details: dict[str, Any] | None = None,
        action: str | None = None,
    ) -> tuple[Any, ...]:
        event_id = self.next_ids[CaseEvent]
        self.next_ids[CaseEvent] += 1
        adapt = connection.ops.adapt_datetimefield_value
        return (
            event_id, case_id, seq, kind, command.value if command else "",
            source.value if command else "", target.value if command else "",
            action or (BUSINESS_ACTIONS[command].value if command else "other"), step_name,
            actor.pk if actor is not None else None,
            str(actor) if actor is not None else "系统",
            unit or self.centre.name, "", opinion, adapt(at), adapt(at),
            json.dumps(details or {}, ensure_ascii=False),
        )  # fmt: skip

    def _tasks(
        self,
        rows: _Rows,
        *,
        case_id: int,
        version: _Version,
        opened: dt.datetime,
        due: dt.date,
        target: str,
        seq: int,
    ) -> int:
        """Review tasks (and their decision events) for a case whose review started.
        In progress: some departments have decided; decided: all approved, or one rejected."""
        rng = self.rng
        adapt = connection.ops.adapt_datetimefield_value
        reject = target in ("decided_rejected", "closed_rejected")
        rejecting = rng.randrange(len(version.route)) if reject else None
        adapt_date = connection.ops.adapt_datefield_value
        for order, (department_id, department_name, step_name) in enumerate(version.route):
            task_id = self.next_ids[ReviewTask]
            self.next_ids[ReviewTask] += 1
            if target == "in_progress":
                state = "approved" if rng.random() < 0.3 else "pending"
            else:
                state = "rejected" if order == rejecting else "approved"
            reviewer = self.reviewers.get(department_id)
            decided = opened + dt.timedelta(hours=rng.randrange(1, 30))
            opinion = (
                "" if state == "pending" else ("同意" if state == "approved" else "不符合条件")
            )
            rows.tasks.append(
                (task_id, case_id, department_id, version.mode, order, step_name, state, opinion,
                 reviewer.pk if reviewer is not None and state != "pending" else None,
                 adapt(opened), adapt(decided) if state != "pending" else None,
                 adapt_date(due), 1 if state != "pending" else 0)
            )  # fmt: skip
            if state != "pending":
                seq += 1
                rows.events.append(
                    self._event(case_id, seq, None, CaseState.DRAFT, CaseState.DRAFT, decided,
                                kind=f"review_{state}", step_name=f"{department_name}{step_name}",
                                actor=reviewer, unit=department_name, opinion=opinion,
                                details={"department": department_name,
                                         "approve": state == "approved"},
                                action="pass" if state == "approved" else "other")
                )  # fmt: skip
        return seq

    def _number(self, case_id: int, created: dt.datetime) -> str:
        """区划 + date + a sequence from the row id: unique across runs, and apart from the
        six-digit sequence of real numbers (it has eight digits, starting at 5)."""
        day = created.astimezone(self.tz).date()
        return f"{self.centre.area_code[:6]}{day:%Y%m%d}{50_000_000 + case_id:08d}"

    def _write(self, batch: _Rows) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for model, columns, rows in (
                (Case, CASE_COLUMNS, batch.cases),
                (CaseEvent, EVENT_COLUMNS, batch.events),
                (ReviewTask, TASK_COLUMNS, batch.tasks),
                (CaseMaterial, MATERIAL_COLUMNS, batch.materials),
            ):
                if not rows:
                    continue
                table = connection.ops.quote_name(model._meta.db_table)
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
            # Other contexts add their rows for these cases (ratings of the closed ones, …).
            cases_generated.send(
                sender=Case,
                case_ids=[row[0] for row in batch.cases],
                seed=self.rng.randrange(2**31),
            )

    def reset_sequences(self) -> None:
        """PostgreSQL: move the id sequences past the explicit ids (SQLite needs nothing)."""
        statements = connection.ops.sequence_reset_sql(
            no_style(), [Case, CaseEvent, ReviewTask, CaseMaterial]
        )
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


CASE_COLUMNS = (
    "id", "number", "state", "channel", "applicant_kind", "applicant_name", "applicant_id_type",
    "applicant_id_number", "applicant_id_index", "organisation_code", "contact_name",
    "contact_phone", "address", "situation_answers", "form_data", "created_at", "submitted_at",
    "received_at", "accepted_at", "acceptance_number", "accepted_with_tolerance",
    "has_commitment_letter", "promised_due", "legal_due", "due_is_provisional",
    "extended_working_days", "clock_revision", "alert_level", "decision", "decision_reason",
    "decided_at", "delivery_method", "tracking_number", "closed_at", "row_version",
    "applicant_id", "item_version_id", "registered_by_id", "service_centre_id", "window_id",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "case_id", "seq", "kind", "command", "from_state", "to_state", "action", "step_name",
    "actor_id", "actor_name", "unit_name", "unit_code", "opinion", "started_at", "ended_at",
    "details",
)  # fmt: skip
TASK_COLUMNS = (
    "id", "case_id", "department_id", "mode", "order", "step_name", "state", "opinion",
    "decided_by_id", "opened_at", "decided_at", "due", "row_version",
)  # fmt: skip
MATERIAL_COLUMNS = (
    "id", "case_id", "material_id", "name", "is_required", "is_key", "status", "file",
    "original_filename", "content_type", "size", "originals_received", "copies_received",
    "updated_at",
)  # fmt: skip
