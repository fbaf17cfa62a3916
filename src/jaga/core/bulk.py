"""Inserting many rows fast, with every field prepared as the ORM prepares it (encryption included)."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from django.utils import timezone

from jaga.core.fields import EncryptedTextField

# Fields whose preparation leaves a value of this exact Python type unchanged, on every backend:
# their values are taken as they are, and anything else goes through the field's own preparation.
_PLAIN: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
}


def _plain_type(kind: models.Field, db: BaseDatabaseWrapper) -> type | None:
    """The Python type a field's values keep in the database's parameters, if preparation only checks it."""
    if type(kind) is models.UUIDField and db.features.has_native_uuid_field:
        return uuid.UUID
    return _PLAIN.get(type(kind))


def _preparer(field: models.Field, db: BaseDatabaseWrapper) -> Callable[[models.Model], object]:
    """A function from an object to the value its field sends to the database, as ``bulk_create``
    would compute it, with shortcuts for values whose preparation is known (measured in `make bench`)."""
    attname = field.attname

    def prepared(obj: models.Model) -> object:
        return field.get_db_prep_save(field.pre_save(obj, True), db)

    if isinstance(field, EncryptedTextField):

        def encrypted(obj: models.Model) -> object:
            value = obj.__dict__[attname]
            return field.encrypt(value) if type(value) is str else prepared(obj)

        return encrypted
    kind = field.target_field if isinstance(field, models.ForeignKey) else field
    if type(kind) is models.UUIDField and not db.features.has_native_uuid_field:

        def hexed(obj: models.Model) -> object:  # what UUIDField stores where the database has no UUID type
            value = obj.__dict__[attname]
            return value.hex if type(value) is uuid.UUID else prepared(obj)

        return hexed
    plain = _plain_type(kind, db)
    if plain is not None:

        def fast(obj: models.Model) -> object:
            value = obj.__dict__[attname]
            return value if value is None or type(value) is plain else prepared(obj)

        return fast
    if isinstance(field, models.DateField | models.JSONField):
        # DateTimeField too: rows built together often share one `now`; and bulk audit rows one `details`.
        last: list[object] = [object(), None]

        def remembered(obj: models.Model) -> object:
            value = obj.__dict__[attname]
            if value is None:
                return None
            if value is not last[0]:
                last[:] = [value, field.get_db_prep_save(value, db)]
            return last[1]

        return remembered
    return prepared


M = TypeVar("M", bound=models.Model)

_DEFAULTS: dict[type[models.Model], list[tuple[str, Callable[[], object]]]] = {}


def instantiate(model: type[M], **values: object) -> M:
    """``model(**values)`` for many rows: a new, unsaved object with every field's default, then
    ``values`` by attribute name (``case_id``, not ``case``). About five times cheaper than the
    model's constructor, which checks each argument; it sends no init signals and validates nothing."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = [
            (f.attname, f._get_default)  # type: ignore[attr-defined]  # Django's own default callable
            for f in model._meta.concrete_fields
            if not f.generated
        ]
    obj = model.__new__(model)
    obj._state = ModelState()
    state = obj.__dict__
    for attname, default in defaults:
        if attname not in values:
            state[attname] = default()
    state.update(values)
    return obj


def bulk_insert(objects: Sequence[models.Model], *, batch_size: int = 2000) -> None:
    """``bulk_create`` without the per-object query compilation, for imports of many thousand rows
    (COPY on PostgreSQL, one prepared INSERT elsewhere).

    Each value goes through the field's own ``pre_save`` and ``get_db_prep_save`` (so encrypted
    fields are encrypted and defaults applied). Objects need their primary keys set, except an
    auto-incremented one, which the database assigns (and which is then not read back).
    """
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    auto_pk = isinstance(meta.pk, models.AutoField | models.BigAutoField)
    # Generated columns are computed by the database (``Case.urgency``): never written.
    fields = [f for f in meta.concrete_fields if not (auto_pk and f.primary_key) and not f.generated]
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy's lookup per value is costly
    quote = db.ops.quote_name
    target = f"{quote(str(meta.db_table))} ({', '.join(quote(str(f.column)) for f in fields)})"

    now = timezone.now()
    for field in fields:  # auto_now(_add) fields take one time for the whole batch, as one statement would
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
    preparers = [_preparer(field, db) for field in fields]

    def values(obj: models.Model) -> list[Any]:
        return [prepare(obj) for prepare in preparers]

    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY streams the rows in one command; psycopg adapts each value as it would for INSERT.
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row(values(obj))
        else:
            sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
            for start in range(0, len(objects), batch_size):
                cursor.executemany(sql, [values(obj) for obj in objects[start : start + batch_size]])
    for obj in objects:  # saved: a later save() updates them (as after bulk_create)
        obj._state.adding = False
        obj._state.db = db.alias


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for building many long-lived objects at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
