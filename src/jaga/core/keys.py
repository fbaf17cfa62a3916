"""Key rotation, batch by batch and resumable: re-encrypt every encrypted field with the newest key
(``keys_rotate``), or make every blind index again with the current blind-index key (``reindex``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from jaga.core import crypto
from jaga.core.fields import EncryptedTextField


def encrypted_models() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def _stale_pks(model: type[models.Model], fields: list[EncryptedTextField], current: int) -> Iterator[object]:
    """Primary keys of rows holding any value under an older key, read straight from the table."""
    quote = connection.ops.quote_name
    table, pk_column = quote(str(model._meta.db_table)), quote(str(model._meta.pk.column))
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk_column}, {columns} FROM {table} ORDER BY {pk_column}")  # noqa: S608
        for pk, *values in cursor.fetchall():
            if any(value and crypto.key_version(value) != current for value in values):
                yield model._meta.pk.to_python(pk)


def _rotate_blobs(batch_size: int, current: int, progress: Callable[[str], None]) -> tuple[int, int]:
    """Models with ``ENCRYPTED_BLOB_FIELD`` hold whole files sealed with ``crypto.encrypt_bytes``."""
    rows = tables = 0
    prefix = f"{crypto.PREFIX}{current}:".encode()
    for model in apps.get_models():
        field = getattr(model, "ENCRYPTED_BLOB_FIELD", None)
        if not field:
            continue
        stale = [
            pk for pk, blob in model._default_manager.values_list("pk", field) if not bytes(blob).startswith(prefix)
        ]
        if stale:
            tables += 1
        for start in range(0, len(stale), batch_size):
            with transaction.atomic():
                for row in model._default_manager.filter(pk__in=stale[start : start + batch_size]).select_for_update():
                    context = getattr(row, "crypto_context")  # noqa: B009 (every model with a sealed file has one)
                    plain = crypto.decrypt_bytes(getattr(row, field), context=context)
                    setattr(row, field, crypto.encrypt_bytes(plain, context=context))
                    row.save(update_fields=[field])
            rows += len(stale[start : start + batch_size])
            progress(f"{model._meta.label}: {min(start + batch_size, len(stale))}/{len(stale)} files re-encrypted")
    return rows, tables


@dataclass
class RotationResult:
    rows: int = 0
    models: int = 0


def keys_rotate(*, batch_size: int = 500, progress: Callable[[str], None] = lambda _m: None) -> RotationResult:
    """Each batch commits on its own: an interrupted run loses nothing and the next one resumes."""
    current = crypto.keyring().current
    result = RotationResult()
    for model, fields in encrypted_models():
        stale = list(_stale_pks(model, fields, current))
        if not stale:
            continue
        result.models += 1
        names = [f.name for f in fields]
        for start in range(0, len(stale), batch_size):
            chunk = stale[start : start + batch_size]
            with transaction.atomic():
                for row in model._default_manager.filter(pk__in=chunk).select_for_update():
                    row.save(update_fields=names)  # get_prep_value encrypts with the newest key
            result.rows += len(chunk)
            progress(f"{model._meta.label}: {min(start + batch_size, len(stale))}/{len(stale)} rows re-encrypted")
    rows, tables = _rotate_blobs(batch_size, current, progress)
    result.rows += rows
    result.models += tables
    return result


def reindex(*, batch_size: int = 500, progress: Callable[[str], None] = lambda _m: None) -> RotationResult:
    """Every blind index made again with ``JAGA_BLIND_INDEX_KEY``, from the decrypted values: models
    with blind indexes say how to make theirs (``fresh_blind_indexes``). Only indexes that differ are
    written; each batch commits on its own, so an interrupted run loses nothing and the next resumes.
    Lookups accept ``JAGA_BLIND_INDEX_PREVIOUS_KEYS`` meanwhile; afterwards they can be removed."""
    result = RotationResult()
    for model in apps.get_models():
        if not hasattr(model, "fresh_blind_indexes"):
            continue
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        changed_here = 0
        for start in range(0, len(pks), batch_size):
            chunk = pks[start : start + batch_size]
            with transaction.atomic():
                for row in model._default_manager.filter(pk__in=chunk).select_for_update():
                    fresh = row.fresh_blind_indexes()
                    stale = [name for name, value in fresh.items() if getattr(row, name) != value]
                    if stale:
                        for name in stale:
                            setattr(row, name, fresh[name])
                        row.save(update_fields=stale)
                        changed_here += 1
            progress(f"{model._meta.label}: {min(start + batch_size, len(pks))}/{len(pks)} rows checked")
        result.rows += changed_here
        result.models += 1 if changed_here else 0
    return result
