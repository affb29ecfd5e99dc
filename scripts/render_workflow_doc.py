"""Write docs/workflow.md from the state table in banhao_core.workflow.

    .venv/bin/python scripts/render_workflow_doc.py

A test fails when the committed file and the table disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from banhao_core.workflow import render_table_markdown  # noqa: E402

HEADER = """# 办件状态表 — the case state machine

Generated from `banhao_core/workflow/transitions.py` by `scripts/render_workflow_doc.py`; do
not edit by hand. Each row is one allowed transition: who may do it (角色), the guards that
must hold (条件), what it does to the clock (计时: 开始 start, 暂停 pause, 恢复 resume, 停止
stop), the GB/T 39046 6.4 step name (环节) and the rule it implements (依据). Any pair of state
and command not listed is refused with `invalid_transition`.

延长审批 (`extend`) keeps the case in 办理中 and adds working days to the deadline (bounded by
Art.42); 特别程序 pauses the clock (Art.45). Parallel review (并联审批) modes — 会签 all must
approve, 或签 the first decision settles it, 依次 in order — are decided by
`banhao_core/workflow/review.py`; any rejection completes the review as rejected with every
rejecting department's reasons collected.

"""


def render() -> str:
    return HEADER + render_table_markdown().rstrip() + "\n"


if __name__ == "__main__":
    (ROOT / "docs" / "workflow.md").write_text(render(), encoding="utf-8")
    print("docs/workflow.md written")
