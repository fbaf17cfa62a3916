from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class AuditEvent(models.Model):
    """One security-relevant event. Rows form a hash chain ordered by ``seq``.

    ``actor_id`` and ``organisation_id`` are plain UUIDs, not foreign keys: a row must never
    change when the user or organisation it names changes.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    action = models.CharField(max_length=100, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    organisation_id = models.UUIDField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["created_at"], name="audit_created_at")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit rows are append-only")
