"""docs/workflow.md must be the rendering of the current state table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_workflow_doc_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location(
        "render_workflow_doc", ROOT / "scripts" / "render_workflow_doc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert committed == module.render(), "run: .venv/bin/python scripts/render_workflow_doc.py"
