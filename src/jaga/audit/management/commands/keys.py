from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jaga.audit.services import record
from jaga.core import crypto
from jaga.core.keys import keys_rotate, reindex


class Command(BaseCommand):
    help = (
        "Field-encryption keys: generate a new one, or re-encrypt everything with the newest (rotate); "
        "blind indexes: make them all again with JAGA_BLIND_INDEX_KEY (reindex)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="print a new random key to add to JAGA_FIELD_KEYS")
        rotate = sub.add_parser("rotate", help="re-encrypt every value to the newest key; safe to re-run")
        rotate.add_argument("--batch-size", type=int, default=500)
        again = sub.add_parser(
            "reindex", help="make every blind index again with JAGA_BLIND_INDEX_KEY (after a new one); safe to re-run"
        )
        again.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, action: str, batch_size: int = 500, **options: Any) -> None:
        if action == "generate":
            ring = crypto.keyring()
            self.stdout.write(f"{ring.current + 1}:{crypto.new_key()}")
            self.stderr.write(
                "Add it in front of JAGA_FIELD_KEYS (keep the old keys), restart, then `jaga keys rotate`."
            )
            return
        if action == "reindex":
            result = reindex(batch_size=batch_size, progress=self.stdout.write)
            record("core.keys.reindexed", details={"rows": result.rows, "models": result.models})
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.rows} rows in {result.models} tables re-indexed with the current blind-index key; "
                    "JAGA_BLIND_INDEX_PREVIOUS_KEYS can now be removed"
                )
            )
            return
        result = keys_rotate(batch_size=batch_size, progress=self.stdout.write)
        record("core.keys.rotated", details={"rows": result.rows, "key_version": crypto.keyring().current})
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} rows in {result.models} tables re-encrypted to key version {crypto.keyring().current}"
            )
        )
