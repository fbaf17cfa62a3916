"""Field encryption (AES-256-GCM, versioned keys) and blind indexes (HMAC-SHA256).

Keys never come from SECRET_KEY. ``JAGA_FIELD_KEYS`` holds ``VERSION:BASE64KEY`` pairs separated
by commas; the highest version encrypts, every listed version decrypts, so a new key can be added
and ``jaga keys rotate`` run without downtime. ``JAGA_BLIND_INDEX_KEY`` keys the lookup hashes;
``JAGA_BLIND_INDEX_PREVIOUS_KEYS`` keeps lookups working while ``jaga keys reindex`` replaces it.
"""

from __future__ import annotations

import base64
import hmac
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value cannot be decrypted: wrong or missing key, or the ciphertext was altered."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[int, bytes]

    @property
    def current(self) -> int:
        return max(self.keys)

    @cached_property
    def ciphers(self) -> dict[int, AESGCM]:
        """One cipher object per key: building it per value would dominate bulk imports."""
        return {version: AESGCM(key) for version, key in self.keys.items()}


def parse_keys(text: str, name: str = "JAGA_FIELD_KEYS") -> dict[int, bytes]:
    keys: dict[int, bytes] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        version, sep, encoded = item.partition(":")
        if not sep or not version.isdigit():
            raise ImproperlyConfigured(f"Setting {name}: each key looks like VERSION:BASE64KEY, e.g. 1:{new_key()}")
        try:
            key = base64.urlsafe_b64decode(encoded.encode() + b"=" * (-len(encoded) % 4))
        except ValueError as exc:
            raise ImproperlyConfigured(f"Setting {name}: key version {version} is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"Setting {name}: key version {version} must be 32 bytes, not {len(key)}")
        keys[int(version)] = key
    if not keys:
        raise ImproperlyConfigured(f"Setting {name}: no key given")
    return keys


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


@lru_cache(maxsize=4)
def _keyring(text: str) -> Keyring:
    return Keyring(parse_keys(text))


def keyring() -> Keyring:
    return _keyring(settings.JAGA_FIELD_KEYS)


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """``v<version>:`` then nonce | ciphertext | tag, for files; ``context`` is bound as AAD."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.current].encrypt(nonce, data, context.encode())
    return f"{PREFIX}{ring.current}:".encode() + nonce + sealed


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    head, sep, raw = bytes(blob).partition(b":")
    version = head[len(PREFIX) :].decode(errors="replace")
    ring = keyring()
    if not sep or not version.isdigit() or int(version) not in ring.keys:
        raise DecryptionError(f"no key version {version} for {context}")
    try:
        return ring.ciphers[int(version)].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except Exception as exc:
        raise DecryptionError(f"cannot decrypt {context}") from exc


def encrypt(plaintext: str, *, context: str) -> str:
    """``v<version>:<base64(nonce | ciphertext | tag)>``; ``context`` (model and field) is bound as AAD."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.current].encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}{ring.current}:{base64.b64encode(nonce + sealed).decode()}"


def key_version(token: str) -> int | None:
    if not token.startswith(PREFIX) or ":" not in token:
        return None
    version = token[len(PREFIX) : token.index(":")]
    return int(version) if version.isdigit() else None


def decrypt(token: str, *, context: str) -> str:
    version = key_version(token)
    ring = keyring()
    if version is None or version not in ring.keys:
        raise DecryptionError(f"no key version {version} for {context}")
    raw = base64.b64decode(token[token.index(":") + 1 :])
    try:
        plain = ring.ciphers[version].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except Exception as exc:  # InvalidTag: altered ciphertext, wrong field or wrong key
        raise DecryptionError(f"cannot decrypt {context}") from exc
    return plain.decode()


def blind_index(value: str, *, purpose: str, key: str | None = None) -> str:
    """A keyed hash for exact lookups; ``purpose`` separates e.g. NIK from phone hashes."""
    secret = (key or settings.JAGA_BLIND_INDEX_KEY).encode()
    return hmac.digest(secret, f"{purpose}\x00{value}".encode(), "sha256").hex()  # hmac.new's result, in one C call


def blind_indexes(value: str, *, purpose: str) -> list[str]:
    """What to look ``value`` up by: its index under the current key and, while the key is being
    replaced (``JAGA_BLIND_INDEX_PREVIOUS_KEYS``), under each previous one."""
    keys = [settings.JAGA_BLIND_INDEX_KEY, *settings.JAGA_BLIND_INDEX_PREVIOUS_KEYS]
    return [blind_index(value, purpose=purpose, key=key) for key in keys]
