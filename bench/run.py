"""The benchmark harness: ``make bench`` / ``make bench-quick`` (docs/performance.md).

    python bench/run.py --quick            # W1 small + W2 at 10,000 cases (< 3 minutes)
    python bench/run.py                    # W1 N=2,000 x 3 (+ profile), W2 at 10 k and 1 M
    python bench/run.py --only w1          # one part
    DATABASE_URL=postgres://… python bench/run.py --only w1   # W1 on PostgreSQL

Every run works in its own directory under ``var/bench/<timestamp>/`` (SQLite files, uploads;
never the developer's database), prints the tables and writes
``bench/results/bench-<timestamp>.json`` (and ``bench-latest.json``). With ``DATABASE_URL`` the
harness uses that server as it is (it starts nothing): Banhao's tables are migrated into it
and the peer's and the limit's tables are created there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from common import PYTHON, ROOT, machine, table, utc_now, write_result

BENCH = Path(__file__).resolve().parent

PROFILES: dict[str, dict[str, Any]] = {
    "quick": {
        "w1": {"n": 150, "reps": 3, "profile": 0},
        "w2": [{"count": 10_000, "seconds": 3.0, "warmup": 1.0, "reps": 1}],
    },
    "full": {
        "w1": {"n": 2000, "reps": 3, "profile": 300},
        "w2": [
            {"count": 10_000, "seconds": 10.0, "warmup": 3.0, "reps": 3},
            {"count": 1_000_000, "seconds": 10.0, "warmup": 3.0, "reps": 3},
        ],
    },
}


def run_w1(work: Path, settings: dict[str, Any]) -> dict[str, Any]:
    out = work / "w1.json"
    subprocess.run(
        [PYTHON, str(BENCH / "w1.py"), "--data-dir", str(work / "w1"), "--n", str(settings["n"]),
         "--reps", str(settings["reps"]), "--profile", str(settings["profile"]), "--out", str(out)],
        cwd=ROOT, check=True,
    )  # fmt: skip
    return dict(json.loads(out.read_text("utf-8")))


def run_w2(
    work: Path, settings: dict[str, Any], workers: int, reuse: Path | None
) -> dict[str, Any]:
    count = settings["count"]
    data_dir = reuse / f"w2-{count}" if reuse else work / f"w2-{count}"
    out = work / f"w2-{count}.json"
    print(f"W2 at {count:,} cases ({data_dir})", flush=True)
    subprocess.run(
        [PYTHON, str(BENCH / "w2.py"), "--data-dir", str(data_dir), "--count", str(count),
         "--workers", str(workers), "--seconds", str(settings["seconds"]),
         "--warmup", str(settings["warmup"]), "--reps", str(settings["reps"]), "--out", str(out),
         *(["--reuse"] if reuse else [])],
        cwd=ROOT, check=True,
    )  # fmt: skip
    return dict(json.loads(out.read_text("utf-8")))


def w2_table(results: list[dict[str, Any]]) -> str:
    rows = []
    by_count = {r["count"]: r for r in results}
    small = by_count.get(min(by_count)) if by_count else None
    large = by_count.get(max(by_count)) if len(by_count) > 1 else None
    for r in results:
        for name in ("queue", "case", "mine", "search", "api"):
            for c in ("c1", "c16"):
                m = r["load"][name][c]
                ratio = ""
                if large is not None and small is not None and r is large:
                    base = small["load"][name][c]["p95_ms"]
                    ratio = f"{m['p95_ms'] / base:.2f}" if base else "-"
                rows.append([
                    f"{r['count']:,}", name, c[1:], m["p50_ms"], m["p95_ms"], m["p99_ms"],
                    m["rps"], m["errors"], r["queries_per_page"][name], ratio,
                ])  # fmt: skip
    text = table(
        ["cases", "endpoint", "conc", "p50 ms", "p95 ms", "p99 ms", "req/s", "errors",
         "queries", "p95 big/small"],
        rows,
    )  # fmt: skip
    for r in results:
        text += (
            f"\n{r['count']:,} cases: peak RSS per worker (MB) "
            f"{r['load']['rss_peak_mb_per_worker']}; database {r['database_mb']} MB; "
            f"{json.dumps({k: round(v, 1) for k, v in r['timings'].items()})}"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description="Banhao performance harness")
    parser.add_argument("--quick", action="store_true", help="small run (< 3 minutes)")
    parser.add_argument("--only", choices=["w1", "w2"], help="run one part")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (W2)")
    parser.add_argument("--w1-n", type=int, help="override W1 cases per repetition")
    parser.add_argument("--w1-reps", type=int, help="override W1 repetitions")
    parser.add_argument("--w2-counts", help="override W2 sizes, e.g. 10000,1000000")
    parser.add_argument(
        "--reuse", type=Path, help="a previous run's directory: reuse its generated W2 data"
    )
    args = parser.parse_args()
    profile = PROFILES["quick" if args.quick else "full"]
    w1_settings = dict(profile["w1"])
    if args.w1_n:
        w1_settings["n"] = args.w1_n
    if args.w1_reps:
        w1_settings["reps"] = args.w1_reps
    w2_settings = [dict(s) for s in profile["w2"]]
    if args.w2_counts:
        template = w2_settings[-1]
        w2_settings = [{**template, "count": int(c)} for c in args.w2_counts.split(",")]
    started = utc_now()
    work = ROOT / "var" / "bench" / started.strftime("%Y%m%dT%H%M%SZ")
    work.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or None
    print(f"Banhao bench ({'quick' if args.quick else 'full'}) in {work}", flush=True)
    if database_url:
        print("DATABASE_URL is set: using that server as it is (nothing is started).")
    payload: dict[str, Any] = {
        "date": started.isoformat(),
        "machine": machine(),
        "mode": "quick" if args.quick else "full",
        "database": "postgresql" if database_url else "sqlite",
        "parameters": {"w1": w1_settings, "w2": w2_settings, "workers": args.workers},
    }
    clock_start = time.perf_counter()
    if args.only in (None, "w1"):
        print(f"W1: case lifecycle, N={w1_settings['n']} x {w1_settings['reps']}", flush=True)
        payload["w1"] = run_w1(work, w1_settings)
    if args.only in (None, "w2"):
        payload["w2"] = [run_w2(work, s, args.workers, args.reuse) for s in w2_settings]
    payload["elapsed_s"] = round(time.perf_counter() - clock_start, 1)
    path = write_result("bench", payload)
    print()
    print(f"== Banhao bench {payload['date'][:19]}Z  {payload['machine']['cpu']} "
          f"({payload['machine']['cores']} cores, {payload['machine']['ram_gb']} GB), "
          f"Python {payload['machine']['python']}, SQLite {payload['machine']['sqlite']}, "
          f"commit {payload['machine']['git_commit']}")  # fmt: skip
    if "w1" in payload:
        from w1 import w1_table

        print()
        print(w1_table(payload["w1"]))
    if "w2" in payload:
        print()
        print(w2_table(payload["w2"]))
    print(f"\nresults: {path.relative_to(ROOT)}  ({payload['elapsed_s']} s)")


if __name__ == "__main__":
    main()
