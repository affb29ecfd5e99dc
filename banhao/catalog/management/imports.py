"""The shared body of the import commands: progress bar, report, Chinese errors."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from banhao.catalog.services import ImportReport
from banhao.shared.errors import BanhaoError


class ImportService(Protocol):
    def __call__(
        self,
        *,
        file: str,
        actor: None,
        dry_run: bool,
        source: str,
        progress: Callable[[int], object],
        on_parsed: Callable[[int], object],
    ) -> ImportReport: ...


def run_import(command: BaseCommand, service: ImportService, *, path: str, dry_run: bool) -> None:
    """Run ``service`` on ``path`` with a tqdm bar on stderr; print the notes and the summary
    on stdout and the time taken on stderr. Errors become ``CommandError`` (exit code 1)."""
    started = time.monotonic()
    bar: tqdm[Any] | None = None

    def on_parsed(total: int) -> None:
        nonlocal bar
        bar = tqdm(total=total, file=sys.stderr, unit="项", desc="导入事项", leave=False)

    def progress(n: int) -> None:
        if bar is not None:
            bar.update(n)

    try:
        report = service(
            file=path,
            actor=None,
            dry_run=dry_run,
            source=path,
            progress=progress,
            on_parsed=on_parsed,
        )
    except FileNotFoundError as exc:
        raise CommandError(f"找不到文件：{path}") from exc
    except BanhaoError as exc:
        raise CommandError(exc.message) from exc
    finally:
        if bar is not None:
            bar.close()
    for note in report.notes_zh():
        command.stdout.write(note)
    command.stdout.write(report.summary_zh())
    command.stderr.write(f"用时 {time.monotonic() - started:.1f} 秒")
