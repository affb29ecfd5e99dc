"""Model fields for personal data at rest (ADR 0006).

* ``EncryptedCharField`` — a text column holding ``sm4gcm:v1:…`` ciphertext; Python code sees
  the plaintext (``case.applicant_id_number`` is the number). The associated data is the
  column's identity ``<app label>.<Model>.<field>``, so values cannot be moved between
  columns. An empty value is stored as ``""`` (emptiness is not secret). The column cannot be
  searched: only ``isnull`` and ``exact`` against ``""`` are allowed, anything else raises
  ``FieldError`` — look values up by their blind index.
* ``BlindIndexField`` — the 64-hex-digit HMAC-SM3 of another field (``source``) for lookups
  and uniqueness. It is computed from the source whenever the row is saved (``pre_save``),
  so the two never drift apart; queries use ``blind_lookup(Model, "field", value)``.
* ``BlindIndexedModel`` and ``PrivacyQuerySet`` keep the indexes right on the paths that
  bypass ``pre_save`` of a field that is not saved: ``save(update_fields=[source])``,
  ``QuerySet.update(source=…)`` and ``bulk_update(objs, [source])``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core import validators
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.models.lookups import Exact, Lookup

from banhao.privacy import crypto

_M = TypeVar("_M", bound=models.Model)

#: Lookups an encrypted column allows (``exact`` only against ``""``).
ALLOWED_LOOKUPS = frozenset({"exact", "isnull"})


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted with SM4-GCM in the database, plaintext in Python.

    ``max_length`` limits the plaintext (validation and forms); the column itself is ``text``
    because the ciphertext is longer.
    """

    description = "Text encrypted with SM4-GCM (ciphertext in the database)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    @property
    def context(self) -> str:
        """The associated data of this column: ``accounts.User.id_number``."""
        return f"{self.model._meta.label}.{self.name}"

    # -- values --------------------------------------------------------------------------------

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return crypto.decrypt(value, context=self.context)

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if crypto.is_ciphertext(value):
            try:
                return crypto.decrypt(value, context=self.context)
            except crypto.CryptoError as exc:
                raise ValidationError(str(exc), code="invalid") from exc
        return value  # type: ignore[no-any-return]

    def get_prep_value(self, value: Any) -> Any:
        # Field's, not TextField's: that one runs to_python, which would decrypt look-alikes.
        value = models.Field.get_prep_value(self, value)
        if value is None or value == "" or hasattr(value, "resolve_expression"):
            return value
        return crypto.encrypt(str(value), context=self.context)

    def formfield(self, **kwargs: Any) -> Any:
        # A one-line input limited to max_length (TextField's would be a textarea).
        return models.Field.formfield(self, **{"max_length": self.max_length, **kwargs})

    # -- lookups -------------------------------------------------------------------------------

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name in ALLOWED_LOOKUPS:
            return super().get_lookup(lookup_name)
        # A lookup that refuses itself when the query is built, with a clear message (raising
        # here would also break tools that only inspect lookups, e.g. the mypy plugin).
        return _refused_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None  # no transforms (lower, length, …) on ciphertext


def _refusal(field: Any, lookup_name: str) -> FieldError:
    context = field.context if isinstance(field, EncryptedCharField) else "the column"
    return FieldError(
        f"{context} is encrypted and cannot be searched with '{lookup_name}'; filter on its "
        "blind index (banhao.privacy.fields.blind_lookup) instead"
    )


class RefusedLookup(Lookup):
    """Stands for any lookup an encrypted column does not support."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        raise _refusal(lhs.output_field, str(self.lookup_name))


@functools.cache
def _refused_lookup(lookup_name: str) -> type[RefusedLookup]:
    return type(f"Refused_{lookup_name}", (RefusedLookup,), {"lookup_name": lookup_name})


@EncryptedCharField.register_lookup
class EncryptedExact(Exact):
    """``field=""`` only: a ciphertext never equals a freshly encrypted value."""

    def get_prep_lookup(self) -> Any:
        if self.rhs is not None and self.rhs != "":  # None becomes isnull
            raise _refusal(self.lhs.output_field, "exact")
        return super().get_prep_lookup()


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC-SM3 of the field ``source`` for ``purpose`` (``""`` when the source is empty)."""

    description = "Blind index (HMAC-SM3) of another field"

    def __init__(self, *args: Any, source: str, purpose: str, **kwargs: Any) -> None:
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for key, default in (("max_length", 64), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                del kwargs[key]
        if kwargs.get("editable", True) is False:
            del kwargs["editable"]
        else:
            kwargs["editable"] = True
        return name, path, args, kwargs

    def compute(self, instance: models.Model) -> str:
        """The index of ``instance``'s current source value."""
        return crypto.blind_index(getattr(instance, self.source) or "", self.purpose)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def encrypted_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def _with_indexes(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """``names`` plus the blind indexes of the fields among them."""
    result = list(names)
    for index in blind_index_fields(model):
        if index.source in result and index.name not in result:
            result.append(index.name)
    return result


class BlindIndexedModel(models.Model):
    """Base of models with blind indexes: indexes follow their source on every save."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_blind_indexes()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = _with_indexes(type(self), kwargs["update_fields"])
        super().save(*args, **kwargs)

    def refresh_blind_indexes(self) -> None:
        """Recompute the blind index of every loaded source field."""
        for index in blind_index_fields(type(self)):
            if index.source in self.__dict__:  # loaded, not deferred (a plain field's attname)
                setattr(self, index.attname, index.compute(self))

    def validate_constraints(self, exclude: Any = None) -> None:
        self.refresh_blind_indexes()  # a unique index is checked against the current value
        super().validate_constraints(exclude=exclude)


class PrivacyQuerySet(models.QuerySet[_M]):
    """``update`` and ``bulk_update`` that keep blind indexes in step with their sources."""

    def update(self, **kwargs: Any) -> int:
        for index in blind_index_fields(self.model):
            if index.source in kwargs and index.name not in kwargs:
                value = kwargs[index.source]
                if hasattr(value, "resolve_expression"):
                    raise FieldError(
                        f"{index.source} has a blind index: update it with a value, not an "
                        "expression"
                    )
                kwargs[index.name] = crypto.blind_index(value or "", index.purpose)
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(
        self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        names = _with_indexes(self.model, fields)
        for index in blind_index_fields(self.model):
            if index.name in names:
                for obj in objs:
                    setattr(obj, index.attname, index.compute(obj))
        return super().bulk_update(objs, names, batch_size=batch_size)

    bulk_update.alters_data = True  # type: ignore[attr-defined]


def blind_lookup(model: type[models.Model], field_name: str, value: str) -> models.Q:
    """The condition "``field_name`` equals ``value``" for an encrypted field, on its blind
    index: ``User.objects.filter(blind_lookup(User, "id_number", number))``. Values are
    compared normalised (``crypto.normalise``); an empty value matches the rows without one."""
    for index in blind_index_fields(model):
        if index.source == field_name:
            return models.Q(**{index.name: crypto.blind_index(value, index.purpose)})
    raise FieldError(f"{model._meta.label}.{field_name} has no blind index")
