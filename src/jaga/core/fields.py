"""Model fields whose values exist in plain text only in memory."""

from __future__ import annotations

from typing import Any

from django.db import models

from jaga.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as AES-GCM ciphertext; empty values are stored as empty strings.

    Lookups other than ``isnull``/``exact ''`` cannot work on ciphertext: search through a blind
    index field instead.
    """

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value: Any) -> Any:
        return self.encrypt(super().get_prep_value(value))

    def encrypt(self, value: Any) -> Any:
        """The stored form of a value: a fresh ciphertext each time (nonces are never reused)."""
        if value in (None, ""):
            return value
        return crypto.encrypt(str(value), context=self.crypto_context)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "jaga.core.fields.EncryptedTextField", args, kwargs
