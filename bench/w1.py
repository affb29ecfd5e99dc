"""W1 — case lifecycle throughput: Banhao's service layer vs SpiffWorkflow 3.2 vs raw SQL.

One case, the same logical work for all three (six transactions):

1. create and submit the application (一窗受理: ``case_register_at_window`` with the materials
   checked off at the window — no file upload, so that the comparison is about the workflow);
2. accept (受理: due dates from the working-day calendar, three review tasks, 办理中);
3.–5. the three departments (住建, 自然资源, 消防) approve in parallel, in a random order
   (seeded RNG);
6. the approver decides (准予许可).

* Banhao: the service functions the API calls, with events, audit chain, encryption of the
  applicant's personal data, calendar and signals.
* Peer: ``bench/case_lifecycle.bpmn`` run by SpiffWorkflow; after every step the workflow is
  serialised to JSON and stored (one row per workflow) in the same database, in one
  transaction per step, as an application embedding the engine must.
* Limit: plain DB-API doing the same logical row writes (the case row, seven event rows, three
  task rows) in the same six transactions.

Run through ``bench/run.py`` (which prepares a dedicated database); ``python bench/w1.py
--help`` for running it alone.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import median, table

BPMN = Path(__file__).resolve().parent / "case_lifecycle.bpmn"
STEPS = ("create_submit", "accept", "review_1", "review_2", "review_3", "decide")
PERMIT = "371681-XK-0001"


@dataclass
class Run:
    """One repetition of one contender."""

    name: str
    n: int
    seconds: float
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def cases_per_s(self) -> float:
        return self.n / self.seconds if self.seconds else float("nan")


# -- a database handle for the peer and the limit (SQLite file, or PostgreSQL) -------------


class Db:
    """DB-API connection in autocommit mode with explicit transactions: SQLite in WAL mode with
    the same pragmas as Banhao's settings (synchronous=NORMAL, BEGIN IMMEDIATE), or
    PostgreSQL through psycopg when ``url`` is a postgres URL."""

    def __init__(self, *, sqlite_path: Path | None = None, url: str | None = None) -> None:
        self.pg = url is not None
        if url is not None:
            import psycopg

            self.conn: Any = psycopg.connect(url, autocommit=True)
            self.begin = "BEGIN"
        else:
            assert sqlite_path is not None
            self.conn = sqlite3.connect(sqlite_path, isolation_level=None, timeout=20)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.begin = "BEGIN IMMEDIATE"

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.pg else statement

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(self.sql(statement), params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute(self.begin)
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def _timed(step_times: dict[str, float], step: str) -> Callable[[], None]:
    start = time.perf_counter()

    def done() -> None:
        step_times[step] = step_times.get(step, 0.0) + time.perf_counter() - start

    return done


# -- the limit: raw SQL -----------------------------------------------------------------------

RAW_SCHEMA = (
    "DROP TABLE IF EXISTS raw_event",
    "DROP TABLE IF EXISTS raw_task",
    "DROP TABLE IF EXISTS raw_case",
    """CREATE TABLE raw_case (id {pk}, number VARCHAR(50) UNIQUE, item_code VARCHAR(50),
        state VARCHAR(30), applicant_name VARCHAR(200), applicant_id VARCHAR(18),
        contact_phone VARCHAR(20), created_at VARCHAR(40), accepted_at VARCHAR(40),
        promised_due VARCHAR(10), decided_at VARCHAR(40), decision VARCHAR(10),
        row_version INTEGER)""",
    """CREATE TABLE raw_event (id {pk}, case_id INTEGER REFERENCES raw_case(id), seq INTEGER,
        kind VARCHAR(40), from_state VARCHAR(30), to_state VARCHAR(30), actor VARCHAR(100),
        opinion TEXT, at VARCHAR(40), details TEXT, UNIQUE (case_id, seq))""",
    """CREATE TABLE raw_task (id {pk}, case_id INTEGER REFERENCES raw_case(id),
        department VARCHAR(100), state VARCHAR(20), opinion TEXT, decided_at VARCHAR(40),
        due VARCHAR(10), row_version INTEGER, UNIQUE (case_id, department))""",
    "CREATE INDEX raw_task_queue ON raw_task (department, state, due)",
)
DEPARTMENTS = ("住房和城乡建设局", "自然资源和规划局", "消防救援大队")


def _pk(db: Db) -> str:
    return "BIGSERIAL PRIMARY KEY" if db.pg else "INTEGER PRIMARY KEY AUTOINCREMENT"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def _insert_id(db: Db, statement: str, params: tuple[Any, ...]) -> int:
    if db.pg:
        return int(db.execute(statement + " RETURNING id", params).fetchone()[0])
    return int(db.execute(statement, params).lastrowid)


def run_raw(db: Db, n: int, seed: int, prefix: str) -> Run:
    rng = random.Random(seed)
    steps: dict[str, float] = {}
    start = time.perf_counter()
    for i in range(n):
        done = _timed(steps, "create_submit")
        with db.transaction():
            case_id = _insert_id(
                db,
                "INSERT INTO raw_case (number, item_code, state, applicant_name, applicant_id,"
                " contact_phone, created_at, row_version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                (
                    f"{prefix}{i:07d}",
                    PERMIT,
                    "received",
                    "邹平市鲁信建设工程有限公司",
                    "91371681MA3CBH0A1C",
                    "13805431234",
                    _now(),
                ),
            )
            db.execute(
                "INSERT INTO raw_event (case_id, seq, kind, from_state, to_state, actor, opinion,"
                " at, details) VALUES (?, 1, 'registered_at_window', 'draft', 'received', ?, '',"
                " ?, '{}')",
                (case_id, "窗口受理人员", _now()),
            )
        done()
        done = _timed(steps, "accept")
        with db.transaction():
            db.execute(
                "UPDATE raw_case SET state = 'accepted', accepted_at = ?, promised_due = ?,"
                " row_version = row_version + 1 WHERE id = ?",
                (_now(), "2026-12-01", case_id),
            )
            db.execute(
                "INSERT INTO raw_event (case_id, seq, kind, from_state, to_state, actor, opinion,"
                " at, details) VALUES (?, 2, 'accepted', 'received', 'accepted', ?, '', ?, '{}')",
                (case_id, "窗口受理人员", _now()),
            )
            for department in DEPARTMENTS:
                db.execute(
                    "INSERT INTO raw_task (case_id, department, state, opinion, due, row_version)"
                    " VALUES (?, ?, 'pending', '', ?, 0)",
                    (case_id, department, "2026-12-01"),
                )
            db.execute(
                "UPDATE raw_case SET state = 'in_progress', row_version = row_version + 1"
                " WHERE id = ?",
                (case_id,),
            )
            db.execute(
                "INSERT INTO raw_event (case_id, seq, kind, from_state, to_state, actor, opinion,"
                " at, details) VALUES (?, 3, 'review_started', 'accepted', 'in_progress', '系统',"
                " '', ?, '{}')",
                (case_id, _now()),
            )
        done()
        order = list(DEPARTMENTS)
        rng.shuffle(order)
        for k, department in enumerate(order, start=1):
            done = _timed(steps, f"review_{k}")
            with db.transaction():
                db.execute(
                    "UPDATE raw_task SET state = 'approved', opinion = '同意', decided_at = ?,"
                    " row_version = row_version + 1 WHERE case_id = ? AND department = ?",
                    (_now(), case_id, department),
                )
                db.execute(
                    "UPDATE raw_case SET row_version = row_version + 1 WHERE id = ?", (case_id,)
                )
                db.execute(
                    "INSERT INTO raw_event (case_id, seq, kind, from_state, to_state, actor,"
                    " opinion, at, details) VALUES (?, ?, 'review_approved', '', '', ?, '同意', ?,"
                    " ?)",
                    (
                        case_id,
                        3 + k,
                        department,
                        _now(),
                        json.dumps({"department": department, "approve": True}),
                    ),
                )
            done()
        done = _timed(steps, "decide")
        with db.transaction():
            db.execute(
                "UPDATE raw_case SET state = 'decided_approved', decision = 'approve',"
                " decided_at = ?, row_version = row_version + 1 WHERE id = ?",
                (_now(), case_id),
            )
            db.execute(
                "INSERT INTO raw_event (case_id, seq, kind, from_state, to_state, actor, opinion,"
                " at, details) VALUES (?, 7, 'approved', 'in_progress', 'decided_approved', ?,"
                " '符合条件', ?, '{}')",
                (case_id, "审批负责人", _now()),
            )
        done()
    return Run("limit (raw SQL)", n, time.perf_counter() - start, steps)


def raw_setup(db: Db) -> None:
    for statement in RAW_SCHEMA:
        db.execute(statement.format(pk=_pk(db)))


# -- the peer: SpiffWorkflow ------------------------------------------------------------------


def spiff_setup(db: Db) -> Any:
    from SpiffWorkflow.bpmn.parser import BpmnParser

    db.execute("DROP TABLE IF EXISTS spiff_workflow")
    db.execute(
        f"CREATE TABLE spiff_workflow (id {_pk(db)}, case_number VARCHAR(50) UNIQUE,"
        " state VARCHAR(30), serialization TEXT, updated_at VARCHAR(40))"
    )
    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec("case_lifecycle")


def run_spiff(db: Db, spec: Any, n: int, seed: int, prefix: str) -> Run:
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    serializer = BpmnWorkflowSerializer()
    rng = random.Random(seed)
    steps: dict[str, float] = {}

    def step(row_id: int, task_name: str, data: dict[str, Any], state: str) -> None:
        with db.transaction():
            (stored,) = db.execute(
                "SELECT serialization FROM spiff_workflow WHERE id = ?", (row_id,)
            ).fetchone()
            workflow = serializer.deserialize_json(stored)
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            task = next(t for t in ready if t.task_spec.name == task_name)
            task.set_data(**data)
            task.run()
            workflow.do_engine_steps()
            db.execute(
                "UPDATE spiff_workflow SET serialization = ?, state = ?, updated_at = ?"
                " WHERE id = ?",
                (serializer.serialize_json(workflow), state, _now(), row_id),
            )

    start = time.perf_counter()
    for i in range(n):
        done = _timed(steps, "create_submit")
        with db.transaction():
            workflow = BpmnWorkflow(spec)
            workflow.data.update(
                {
                    "number": f"{prefix}{i:07d}",
                    "item": PERMIT,
                    "applicant": "邹平市鲁信建设工程有限公司",
                    "applicant_id": "91371681MA3CBH0A1C",
                }
            )
            workflow.do_engine_steps()
            row_id = _insert_id(
                db,
                "INSERT INTO spiff_workflow (case_number, state, serialization, updated_at)"
                " VALUES (?, ?, ?, ?)",
                (f"{prefix}{i:07d}", "received", serializer.serialize_json(workflow), _now()),
            )
        done()
        done = _timed(steps, "accept")
        step(row_id, "accept", {"accepted_by": "窗口受理人员"}, "in_progress")
        done()
        order = ["review_housing", "review_planning", "review_fire"]
        rng.shuffle(order)
        for k, name in enumerate(order, start=1):
            done = _timed(steps, f"review_{k}")
            step(row_id, name, {f"{name}_opinion": "同意", f"{name}_approve": True}, "in_progress")
            done()
        done = _timed(steps, "decide")
        step(row_id, "decide", {"approved": True, "reason": "符合条件"}, "decided_approved")
        done()
    elapsed = time.perf_counter() - start
    # The last workflow must have reached the 准予 end event (a check, not timed).
    (stored,) = db.execute(
        "SELECT serialization FROM spiff_workflow WHERE id = ?", (row_id,)
    ).fetchone()
    last = serializer.deserialize_json(stored)
    finished = {t.task_spec.name for t in last.get_tasks(state=TaskState.COMPLETED)}
    if not last.is_completed() or "end_approved" not in finished:
        raise RuntimeError("SpiffWorkflow did not reach end_approved")
    return Run("peer (SpiffWorkflow)", n, elapsed, steps)


# -- Banhao -------------------------------------------------------------------------------------


@dataclass
class BanhaoWorld:
    version: Any
    clerk: Any
    approver: Any
    reviewers: dict[int, Any]
    answers: dict[str, str]
    received: list[Any]
    applicant: Any


def banhao_setup() -> BanhaoWorld:
    from banhao.accounts.models import User
    from banhao.cases.services import ApplicantData, ReceivedMaterial, materials_for
    from banhao.catalog.selectors import item_get_published

    version = item_get_published(code=PERMIT)
    answers: dict[str, str] = {}
    for situation in version.situations.prefetch_related("options"):
        wanted = "是" if "监理" in situation.question else "本人"
        option = next(o for o in situation.options.all() if o.label.startswith(wanted))
        answers[str(situation.pk)] = str(option.pk)
    received = [
        ReceivedMaterial(material_id=m.pk, originals=1, copies=1)
        for m in materials_for(version, answers)
        if m.necessity in ("required", "deferrable")
    ]
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["chuangkou", "shenpi", "zhujian", "ziran", "xiaofang"]
        )
    }
    reviewers = {
        users[name].department_id: users[name] for name in ("zhujian", "ziran", "xiaofang")
    }
    return BanhaoWorld(
        version=version,
        clerk=users["chuangkou"],
        approver=users["shenpi"],
        reviewers=reviewers,
        answers=answers,
        received=received,
        applicant=ApplicantData(
            kind="company",
            name="邹平市鲁信建设工程有限公司",
            id_number="91371681MA3CBH0A1C",
            contact_name="刘经理",
            contact_phone="13805431234",
            address="邹平市黛溪街道",
        ),
    )


class QueryCounter:
    """Counts SQL statements per step through ``connection.execute_wrapper``."""

    def __init__(self) -> None:
        self.step = ""
        self.counts: Counter[str] = Counter()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.counts[self.step] += 1
        return execute(sql, params, many, context)


def run_banhao(world: BanhaoWorld, n: int, seed: int, counter: QueryCounter | None = None) -> Run:
    from banhao.cases.models import Case, ReviewTask
    from banhao.cases.services import (
        case_accept,
        case_decide,
        case_register_at_window,
        review_task_decide,
    )

    rng = random.Random(seed)
    steps: dict[str, float] = {}

    def mark(step: str) -> Callable[[], None]:
        if counter is not None:
            counter.step = step
        return _timed(steps, step)

    start = time.perf_counter()
    for _ in range(n):
        done = mark("create_submit")
        case = case_register_at_window(
            actor=world.clerk,
            item_version=world.version,
            applicant=world.applicant,
            situation_answers=world.answers,
            received=world.received,
        )
        done()
        done = mark("accept")
        case = case_accept(case=case, actor=world.clerk)
        done()
        tasks = list(ReviewTask.objects.filter(case=case).select_related("case", "department"))
        rng.shuffle(tasks)
        for k, task in enumerate(tasks, start=1):
            done = mark(f"review_{k}")
            review_task_decide(
                task=task, actor=world.reviewers[task.department_id], approve=True, opinion="同意"
            )
            done()
        done = mark("decide")
        case = case_decide(
            case=Case.objects.get(pk=case.pk),
            actor=world.approver,
            approve=True,
            reason="符合条件",
        )
        done()
        if case.state != "decided_approved":
            raise RuntimeError(f"case {case.number} ended in {case.state}")
    return Run("Banhao", n, time.perf_counter() - start, steps)


def banhao_queries(world: BanhaoWorld, n: int, seed: int) -> dict[str, Any]:
    """Queries per case and per step (measured on ``n`` cases outside the timed runs), and
    the rows each case leaves behind."""
    from django.db import connection

    from banhao.audit.models import AuditEntry
    from banhao.cases.models import CaseEvent, CaseMaterial
    from banhao.notifications.models import Notification

    before = {
        "audit_entries": AuditEntry.objects.count(),
        "case_events": CaseEvent.objects.count(),
        "case_materials": CaseMaterial.objects.count(),
        "notifications": Notification.objects.count(),
    }
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        run_banhao(world, n, seed, counter)
    after = {
        "audit_entries": AuditEntry.objects.count(),
        "case_events": CaseEvent.objects.count(),
        "case_materials": CaseMaterial.objects.count(),
        "notifications": Notification.objects.count(),
    }
    return {
        "per_case": sum(counter.counts.values()) / n,
        "per_step": {step: counter.counts[step] / n for step in STEPS},
        "rows_per_case": {k: (after[k] - before[k]) / n for k in before},
    }


def banhao_profile(world: BanhaoWorld, n: int, seed: int, top: int = 25) -> dict[str, Any]:
    """cProfile of ``n`` Banhao cases: the functions with the most own time and cumulative
    time (the call tree's hot spots), as text for the report."""
    profiler = cProfile.Profile()
    profiler.enable()
    run = run_banhao(world, n, seed)
    profiler.disable()
    out: dict[str, Any] = {"n": n, "cases_per_s_under_profiler": run.cases_per_s}
    for key in ("tottime", "cumulative"):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(key).print_stats(top)
        out[key] = buffer.getvalue()
    return out


# -- the whole W1 -------------------------------------------------------------------------------


def run_w1(
    *,
    n: int,
    reps: int,
    work_dir: Path,
    database_url: str | None,
    profile_n: int = 0,
) -> dict[str, Any]:
    """Run the three contenders ``reps`` times each, interleaved (so that the noise of the
    shared machine hits them alike), and return medians and ratios."""
    world = banhao_setup()
    if database_url:
        peer_db = Db(url=database_url)
        raw_db = Db(url=database_url)
    else:
        peer_db = Db(sqlite_path=work_dir / "spiff.sqlite3")
        raw_db = Db(sqlite_path=work_dir / "raw.sqlite3")
    spec = spiff_setup(peer_db)
    raw_setup(raw_db)
    # Warm-up: imports, caches, the calendar, SQLite pages.
    run_banhao(world, 5, 1)
    run_spiff(peer_db, spec, 5, 1, "W")
    run_raw(raw_db, 5, 1, "W")
    runs: dict[str, list[Run]] = {"banhao": [], "peer": [], "limit": []}
    for rep in range(reps):
        seed = 1000 + rep
        order = ["banhao", "peer", "limit"]
        order = order[rep % 3 :] + order[: rep % 3]
        for name in order:
            if name == "banhao":
                runs[name].append(run_banhao(world, n, seed))
            elif name == "peer":
                runs[name].append(run_spiff(peer_db, spec, n, seed, f"P{rep}-"))
            else:
                runs[name].append(run_raw(raw_db, n, seed, f"R{rep}-"))
            last = runs[name][-1]
            print(f"  rep {rep + 1}/{reps} {last.name:22s} {last.cases_per_s:8.1f} cases/s")
    queries = banhao_queries(world, min(n, 50), 7)
    peer_db.close()
    raw_db.close()

    def summary(name: str) -> dict[str, Any]:
        rs = runs[name]
        return {
            "cases_per_s": median(r.cases_per_s for r in rs),
            "cases_per_s_all": [round(r.cases_per_s, 2) for r in rs],
            "ms_per_step": {
                step: median(1000 * r.step_seconds.get(step, 0.0) / r.n for r in rs)
                for step in STEPS
            },
        }

    result: dict[str, Any] = {
        "parameters": {
            "n": n,
            "reps": reps,
            "database": "postgresql" if database_url else "sqlite (WAL, synchronous=NORMAL)",
        },
        "what_one_case_does": __doc__,
        "banhao": summary("banhao"),
        "peer": summary("peer"),
        "limit": summary("limit"),
        "banhao_queries": queries,
    }
    banhao = result["banhao"]["cases_per_s"]
    result["ratio_banhao_peer"] = banhao / result["peer"]["cases_per_s"]
    result["ratio_banhao_limit"] = banhao / result["limit"]["cases_per_s"]
    result["per_rep_ratios"] = {
        "banhao_peer": [
            round(b.cases_per_s / p.cases_per_s, 3)
            for b, p in zip(runs["banhao"], runs["peer"], strict=True)
        ],
        "banhao_limit": [
            round(b.cases_per_s / lim.cases_per_s, 3)
            for b, lim in zip(runs["banhao"], runs["limit"], strict=True)
        ],
    }
    if profile_n:
        result["profile"] = banhao_profile(world, profile_n, 99)
    return result


def w1_table(result: dict[str, Any]) -> str:
    rows = []
    for key, label in (("banhao", "Banhao"), ("peer", "SpiffWorkflow 3.2"), ("limit", "raw SQL")):
        r = result[key]
        rows.append([label, r["cases_per_s"], *[r["ms_per_step"][s] for s in STEPS]])
    head = table(["W1 (median)", "cases/s", *[f"{s} ms" for s in STEPS]], rows)
    q = result["banhao_queries"]
    return (
        f"{head}\n"
        f"Banhao/peer  = {result['ratio_banhao_peer']:.2f}x   (goal >= 7x)\n"
        f"Banhao/limit = {result['ratio_banhao_limit']:.2f}    (goal >= 0.33)\n"
        f"Banhao queries per case: {q['per_case']:.1f} "
        f"({', '.join(f'{s} {v:.0f}' for s, v in q['per_step'].items())})\n"
        f"Banhao rows per case: {json.dumps(q['rows_per_case'], ensure_ascii=False)}"
    )


def main() -> None:
    import argparse
    import os

    from common import bench_env, prepare_database, setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a fresh directory")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="cases to profile (0: none)")
    parser.add_argument("--out", type=Path, required=True, help="JSON result file")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or None
    env = bench_env(args.data_dir, database_url=database_url)
    prepare_database(env, real_items=False)
    setup_django(env)
    result = run_w1(
        n=args.n,
        reps=args.reps,
        work_dir=args.data_dir,
        database_url=database_url,
        profile_n=args.profile,
    )
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), "utf-8")
    print(w1_table(result))


if __name__ == "__main__":
    main()
