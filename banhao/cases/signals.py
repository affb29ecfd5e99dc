"""Hooks other contexts use to react to a case, without the case spine importing them.

Both signals are sent **inside** the service's transaction, after the case row and its event
are written: a receiver that writes (e.g. the licence issued on 准予) commits or rolls back
together with the transition, and a receiver with an outside side effect (a message, an
invitation) must defer it with ``transaction.on_commit``.

* ``case_transitioned(sender=Case, case, command, previous_state, actor)`` — after every
  command of the state table (``banhao_core.workflow.Command``).
* ``case_materials_synced(sender=Case, case, actor)`` — after the material rows of a draft were
  made to match the applicant's 办理情形 answers (on creation and on every draft update), so
  that a context holding shareable documents (电子证照) can attach them.
* ``cases_generated(sender=Case, case_ids, seed)`` — after ``manage.py generate_cases`` wrote
  one batch of made-up cases (bulk rows, no services), inside the batch's transaction, so
  that other contexts add their own rows for them (e.g. ratings of the closed ones) the way
  real use would have. ``seed`` makes their choices repeatable.
"""

from __future__ import annotations

from django.dispatch import Signal

case_transitioned = Signal()
case_materials_synced = Signal()
cases_generated = Signal()
