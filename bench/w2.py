"""W2 — latency as data grows: five pages/endpoints served by gunicorn on localhost.

For one data size (``--count``): prepare a dedicated database (migrate, calendar, organisation,
accounts, the curated and the 1,135 real items), ``manage.py generate_cases --count N``, log
users in programmatically (staff sessions carry the TOTP flag, as after a real second step),
count the SQL queries of each page in-process (Django test client), then start gunicorn
(``--workers``) and drive each endpoint with a small threaded HTTP client at concurrency 1 and
16 after a warm-up: p50/p95/p99 latency and throughput, and the peak RSS (VmHWM) per worker.

Endpoints (the case pages take a random case from a sample spread over the whole table):

* ``queue``   — 审查待办 of 住房和城乡建设局 (reviewer ``zhujian``), first page by deadline;
* ``case``    — 办件详情 for the window clerk (``chuangkou``), staff page (audited read);
* ``mine``    — 我的办件 of the company account ``qiye``, first page;
* ``search``  — 事项目录 search ``?q=许可`` (public);
* ``api``     — ``GET /api/v1/cases/{number}`` with ``chuangkou``'s bearer token (audited read).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from common import ROOT, bench_env, manage, median, percentile, prepare_database, setup_django

HOST = "127.0.0.1"
ENDPOINTS = ("queue", "case", "mine", "search", "api")
SEARCH_QUERY = "许可"


@dataclass
class Target:
    name: str
    paths: list[str]
    headers: dict[str, str]

    def path(self, rng: random.Random) -> str:
        return self.paths[0] if len(self.paths) == 1 else rng.choice(self.paths)


# -- setting the scene (in-process Django) --------------------------------------------------


def make_targets(sample: int) -> tuple[dict[str, Target], dict[str, int]]:
    """Sessions, a token, the case sample; and the query count of each page (in-process)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from banhao.accounts.models import User
    from banhao.accounts.tokens import api_token_create
    from banhao.cases.models import Case
    from banhao.security.testing import login_staff

    users = {
        u.username: u for u in User.objects.filter(username__in=["zhujian", "chuangkou", "qiye"])
    }
    cookie = settings.SESSION_COOKIE_NAME
    sessions = {}
    for name, user in users.items():
        client = Client()
        login_staff(client, user)  # applicants: a plain login
        sessions[name] = client.cookies[cookie].value
    _token, plaintext = api_token_create(user=users["chuangkou"], name="bench", actor=None)
    max_id = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(5)
    wanted = sorted({rng.randrange(1, max_id + 1) for _ in range(sample * 3)})
    numbers = list(
        Case.objects.filter(pk__in=wanted).exclude(state="draft").values_list("number", flat=True)
    )[:sample]
    if not numbers:
        raise RuntimeError("no cases to read: did generate_cases run?")
    targets = {
        "queue": Target(
            "queue", ["/cases/staff/review/"], {"Cookie": f"{cookie}={sessions['zhujian']}"}
        ),
        "case": Target(
            "case", [f"/cases/staff/case/{n}/" for n in numbers],
            {"Cookie": f"{cookie}={sessions['chuangkou']}"},
        ),
        "mine": Target("mine", ["/cases/mine/"], {"Cookie": f"{cookie}={sessions['qiye']}"}),
        "search": Target("search", [f"/items/?q={quote(SEARCH_QUERY)}"], {}),
        "api": Target(
            "api", [f"/api/v1/cases/{n}" for n in numbers],
            {"Authorization": f"Bearer {plaintext}"},
        ),
    }  # fmt: skip
    queries: dict[str, int] = {}
    for name, target in targets.items():
        client = Client()
        counts = []
        for path in target.paths[:5]:
            extra = {}
            if "Cookie" in target.headers:
                client.cookies[cookie] = target.headers["Cookie"].split("=", 1)[1]
            if "Authorization" in target.headers:
                extra["HTTP_AUTHORIZATION"] = target.headers["Authorization"]
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, **extra)
            if response.status_code != 200:
                raise RuntimeError(f"{name} {path}: HTTP {response.status_code}")
            counts.append(len(captured.captured_queries))
        queries[name] = max(counts)
    return targets, queries


# -- gunicorn -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "gunicorn"
    if not gunicorn.exists():
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "banhao.config.wsgi", "--workers", str(workers), "--bind",
         f"{HOST}:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env={**env, "BANHAO_ALLOWED_HOSTS": f"{HOST},localhost"},
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            status, _ = request(port, "/healthz", {})
            if status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM", "VmRSS")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    except OSError:
        pass
    return values


# -- the load driver ------------------------------------------------------------------------


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, int]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": HOST, **headers})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def drive(port: int, target: Target, concurrency: int, seconds: float, seed: int) -> dict[str, Any]:
    """``concurrency`` threads request the target back to back for ``seconds``."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop(n: int) -> None:
        rng = random.Random(seed * 100 + n)
        mine: list[float] = []
        bad: list[int] = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                status, _size = request(port, target.path(rng), target.headers)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - start)
            if status != 200:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    began = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_statuses": sorted(set(errors))[:5],
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * percentile(latencies, 50),
        "p95_ms": 1000 * percentile(latencies, 95),
        "p99_ms": 1000 * percentile(latencies, 99),
    }


def run_load(
    env: dict[str, str],
    targets: dict[str, Target],
    *,
    workers: int,
    seconds: float,
    warmup: float,
    reps: int,
) -> dict[str, Any]:
    port = free_port()
    server = start_server(env, workers, port)
    peak: dict[int, int] = {}
    sampling = True

    def sample() -> None:
        while sampling:
            for pid in worker_pids(server.pid):
                kb = memory_kb(pid).get("VmHWM", 0)
                peak[pid] = max(peak.get(pid, 0), kb)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results: dict[str, Any] = {}
    try:
        for name in ENDPOINTS:
            target = targets[name]
            drive(port, target, 4, warmup, 0)
            results[name] = {}
            for concurrency in (1, 16):
                runs = [drive(port, target, concurrency, seconds, rep + 1) for rep in range(reps)]
                best = {
                    key: median(r[key] for r in runs)
                    for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
                }
                best["requests"] = sum(r["requests"] for r in runs)
                best["errors"] = sum(r["errors"] for r in runs)
                best["error_statuses"] = sorted({s for r in runs for s in r["error_statuses"]})
                results[name][f"c{concurrency}"] = best
                print(
                    f"  {name:7s} c={concurrency:<2d} p50 {best['p50_ms']:7.1f} ms  p95 "
                    f"{best['p95_ms']:7.1f} ms  p99 {best['p99_ms']:7.1f} ms  "
                    f"{best['rps']:6.1f} req/s  errors {best['errors']}",
                    flush=True,
                )
    finally:
        sampling = False
        sampler.join(timeout=2)
        for pid in worker_pids(server.pid):
            kb = memory_kb(pid).get("VmHWM", 0)
            peak[pid] = max(peak.get(pid, 0), kb)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    results["rss_peak_mb_per_worker"] = sorted(round(kb / 1024, 1) for kb in peak.values())
    return results


def database_size_mb(data_dir: Path) -> float:
    total = sum(p.stat().st_size for p in data_dir.glob("banhao.sqlite3*") if p.is_file())
    return round(total / 1024 / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--count", type=int, required=True, help="cases to generate")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint/concurrency")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sample", type=int, default=300, help="cases the case pages read")
    parser.add_argument("--reuse", action="store_true", help="keep an existing generated DB")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or None
    env = bench_env(args.data_dir, database_url=database_url)
    marker = args.data_dir / f"generated-{args.count}"
    timings: dict[str, float] = {}
    if args.reuse and marker.exists():
        manage(["migrate", "--noinput", "-v", "0"], env)  # indexes added since
    else:
        start = time.perf_counter()
        prepare_database(env, real_items=True)
        timings["prepare_s"] = time.perf_counter() - start
        start = time.perf_counter()
        manage(["generate_cases", "--count", str(args.count)], env)
        timings["generate_s"] = time.perf_counter() - start
        timings["generate_cases_per_s"] = args.count / timings["generate_s"]
        marker.touch()
        if not database_url:
            # What a production database does after a bulk load: fresh statistics.
            manage(["shell", "-c", "from django.db import connection; "
                    "connection.cursor().execute('ANALYZE')"], env, quiet=True)  # fmt: skip
    setup_django(env)
    targets, queries = make_targets(args.sample)
    print(f"  queries per page: {queries}", flush=True)
    load = run_load(
        env,
        targets,
        workers=args.workers,
        seconds=args.seconds,
        warmup=args.warmup,
        reps=args.reps,
    )
    result = {
        "count": args.count,
        "workers": args.workers,
        "seconds_per_measurement": args.seconds,
        "reps": args.reps,
        "database_mb": database_size_mb(args.data_dir) if not database_url else None,
        "timings": timings,
        "queries_per_page": queries,
        "load": load,
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
