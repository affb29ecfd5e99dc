"""Shared helpers of the benchmark harness: machine description, medians, tables, JSON
results and the dedicated data directory (never the developer's database)."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


def utc_now() -> dt.datetime:
    # The harness measures wall-clock time; it is not application code (no banhao clock).
    return dt.datetime.now(dt.UTC)  # noqa: TID251


def median(values: Iterable[float]) -> float:
    data = list(values)
    return statistics.median(data) if data else float("nan")


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values) - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        )
    except OSError:
        commit, dirty = "", False
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "git_commit": commit + ("+dirty" if dirty else ""),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table (monospace; CJK-free content keeps the columns aligned)."""
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.rjust(w) if n and i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    return str(value)


def write_result(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), "utf-8")
    latest = RESULTS / f"{name}-latest.json"
    latest.write_text(path.read_text("utf-8"), "utf-8")
    return path


def bench_env(data_dir: Path, *, database_url: str | None = None) -> dict[str, str]:
    """The environment of every process of a run: its own data dir (SQLite file, uploads),
    DEBUG off, and DATABASE_URL only when the caller points at a PostgreSQL server."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["BANHAO_DATA_DIR"] = str(data_dir)
    env["BANHAO_DEBUG"] = "0"
    env["DJANGO_SETTINGS_MODULE"] = "banhao.config.settings"
    env["BANHAO_LOG_LEVEL"] = "WARNING"
    # The load driver sends many requests from one address; the limits guard logins and the
    # public API, not the pages measured here.
    env["BANHAO_RATE_LIMIT_PUBLIC_API"] = "100000000"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(args: Sequence[str], env: dict[str, str], *, quiet: bool = False) -> None:
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def prepare_database(env: dict[str, str], *, real_items: bool) -> None:
    """Migrate the run's database and load calendar, organisation, accounts and catalogue
    (``seed_demo`` without demo cases; idempotent)."""
    manage(["migrate", "--noinput", "-v", "0"], env)
    seed = ["seed_demo", "--skip-cases"]
    if not real_items:
        seed.append("--skip-real-items")
    manage(seed, env, quiet=True)


def setup_django(env: dict[str, str]) -> None:
    """Configure this process for the run's database (before anything imports settings)."""
    os.environ.update(env)
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
