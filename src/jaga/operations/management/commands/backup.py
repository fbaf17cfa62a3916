"""``jaga backup create|verify|restore|list|prune``: backups from the command line (docs/adr/0019)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Backups. create [--out FILE]: a consistent, compressed, encrypted backup while Jaga runs (default: into "
        "JAGA_BACKUP_DIR). verify FILE: read it whole and check every table. restore FILE: into an empty database "
        "migrated by the same release, with the same keys. list: the backups made here. prune: rotate now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "verify", "restore", "list", "prune"])
        parser.add_argument("file", nargs="?", help="verify, restore: the backup file")
        parser.add_argument("--out", help="create: the file to write")
        parser.add_argument(
            "--json", action="store_true", help="verify: print the manifest (counts and digests) as JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from jaga.audit.services import record
        from jaga.operations import backup, services
        from jaga.operations.models import BackupRun

        action = options["action"]
        try:
            if action == "create":
                run = services.backup_create(actor=None, out=Path(options["out"]) if options["out"] else None)
                self.stdout.write(f"{run.path}: {run.tables} tables, {run.rows:,} rows, {run.size:,} bytes")
            elif action in ("verify", "restore"):
                if not options["file"]:
                    raise CommandError(f"backup {action} FILE: give the backup file.")
                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"{path}: no such file.")
                if action == "verify" and options["json"]:
                    manifest = backup.read(path)
                    body = {"header": manifest.header, "counts": manifest.counts, "digests": manifest.digests}
                    self.stdout.write(json.dumps(body, indent=1))
                elif action == "verify":
                    manifest = backup.read(path)
                    made = manifest.header["created_at"]
                    self.stdout.write(
                        f"{path}: good; made {made}, {len(manifest.counts)} tables, {manifest.rows:,} rows"
                    )
                else:
                    manifest = backup.restore(path, progress=lambda table: self.stderr.write(f"  {table}"))
                    record("operations.backup.restored", actor=None, details={"file": path.name, "rows": manifest.rows})
                    tables = len(manifest.counts)
                    self.stdout.write(
                        f"{path}: restored {manifest.rows:,} rows in {tables} tables; every count matches. "
                        "Now run `jaga audit verify`."
                    )
            elif action == "list":
                for run in BackupRun.objects.all()[:50]:
                    self.stdout.write(f"{run.started_at:%Y-%m-%d %H:%M}  {run.state:8}  {run.size:>12,}  {run.path}")
            else:
                self.stdout.write(f"{services.backups_prune()} backups removed by rotation")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
