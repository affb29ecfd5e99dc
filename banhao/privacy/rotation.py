"""Key rotation: re-encrypt every encrypted column with the active data key (ADR 0006).

A row is *stale* when one of its encrypted columns holds a ciphertext of another key than
``BANHAO_DATA_KEY_ACTIVE``. Stale rows are loaded (decrypted with their old key, which must
still be configured), and written back (encrypted with the active key), a batch per
transaction. Running it again finds nothing to do. With ``reindex`` every row's blind indexes
are recomputed too (after ``BANHAO_INDEX_KEY`` changed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from banhao.privacy import crypto
from banhao.privacy.fields import blind_index_fields, encrypted_fields

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class RotationResult:
    model: str  # "cases.Case"
    rows: int


def encrypted_models() -> list[type[models.Model]]:
    """Every installed model with an encrypted column."""
    return [model for model in apps.get_models() if encrypted_fields(model)]


def _raw(name: str) -> str:
    return f"_raw_{name}"


def stale_rows(model: type[models.Model], active_id: str) -> models.QuerySet[models.Model]:
    """The rows of ``model`` with a value not encrypted with ``active_id`` (by the raw column,
    read through a cast so that nothing is decrypted)."""
    active_prefix = f"{crypto.PREFIX}{active_id}:"
    aliases = {}
    condition = models.Q()
    for field in encrypted_fields(model):
        raw = _raw(field.name)
        aliases[raw] = Cast(field.name, output_field=models.TextField())
        condition |= (
            models.Q(**{f"{raw}__isnull": False})
            & ~models.Q(**{raw: ""})
            & ~models.Q(**{f"{raw}__startswith": active_prefix})
        )
    queryset: models.QuerySet[models.Model] = model._base_manager.alias(**aliases)
    return queryset.filter(condition)


def _rewrite(
    queryset: models.QuerySet[models.Model],
    fields: list[str],
    index_fields: list[str],
    *,
    batch_size: int,
    progress: Callable[[int], object],
) -> int:
    """Load and write back ``fields`` of every row of ``queryset``, by primary key, a batch
    per transaction; recompute ``index_fields`` on the way."""
    model = queryset.model
    indexes = [f for f in blind_index_fields(model) if f.name in index_fields]
    done = 0
    last_pk = None
    while True:
        with transaction.atomic():
            batch = queryset.order_by("pk")
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            objs = list(batch.select_for_update()[:batch_size])
            if not objs:
                return done
            for obj in objs:
                for index in indexes:
                    setattr(obj, index.attname, index.compute(obj))
            model._base_manager.bulk_update(objs, [*fields, *index_fields])
        done += len(objs)
        last_pk = objs[-1].pk
        progress(len(objs))


def count_stale(*, reindex: bool = False) -> int:
    """How many rows ``rotate`` would rewrite."""
    active = crypto.keyring().active_id
    total = 0
    for model in encrypted_models():
        if reindex and blind_index_fields(model):
            total += model._base_manager.count()
        else:
            total += stale_rows(model, active).count()
    return total


def rotate(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    reindex: bool = False,
    progress: Callable[[int], object] = lambda n: None,
) -> list[RotationResult]:
    """Re-encrypt every stale row with the active key (and, with ``reindex``, recompute every
    blind index). ``crypto.UnknownKey`` when a row uses a key that is no longer configured."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    active = crypto.keyring().active_id
    results = []
    for model in encrypted_models():
        fields = [f.name for f in encrypted_fields(model)]
        index_fields = [f.name for f in blind_index_fields(model)] if reindex else []
        queryset = model._base_manager.all() if index_fields else stale_rows(model, active)
        rows = _rewrite(queryset, fields, index_fields, batch_size=batch_size, progress=progress)
        results.append(RotationResult(model=model._meta.label, rows=rows))
    return results
