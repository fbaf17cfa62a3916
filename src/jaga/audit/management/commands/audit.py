from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaga.audit.chain import Checkpoint
from jaga.audit.services import audit_checkpoint, audit_checkpoint_save, audit_verify, longest, saved_checkpoints


class Command(BaseCommand):
    help = "Check the audit log's hash chain (verify) or print its head to keep off the server (checkpoint)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="walk the whole chain; exit 1 at the first broken row")
        verify.add_argument(
            "--checkpoint",
            help="COUNT:HASH from an earlier `jaga audit checkpoint`; also detects removed newest rows",
        )
        saving = sub.add_parser("checkpoint", help="print COUNT:HASH of the newest row")
        saving.add_argument(
            "--save",
            action="store_true",
            help="also write it, signed with JAGA_AUDIT_KEY, to JAGA_AUDIT_CHECKPOINT_DIR (e.g. hourly from cron)",
        )

    def handle(
        self, *args: Any, action: str, checkpoint: str | None = None, save: bool = False, **options: Any
    ) -> None:
        if action == "checkpoint":
            self.stdout.write(str(audit_checkpoint()))
            if save:
                self.stderr.write(f"saved {audit_checkpoint_save()}")
            return
        found, forged = saved_checkpoints()
        if forged:
            self.stderr.write(f"WARNING: {forged} saved checkpoint file(s) fail their signature and were ignored")
        parsed = longest(found)  # the saved files are read once, here, not again by audit_verify
        if checkpoint:
            try:
                parsed = Checkpoint.parse(checkpoint)
            except ValueError as exc:
                raise CommandError(f"--checkpoint: {exc}") from exc
        result = audit_verify(checkpoint=parsed)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"audit log intact: {result.count} rows, head {result.head}"))
            return
        self.stderr.write(
            f"audit log BROKEN at row {result.broken_seq}: {result.reason} ({result.count} rows verified before it)"
        )
        sys.exit(1)
