"""What /readyz and the operations page both read of the machine."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings


def disk_free_mb() -> int:
    """Free space, in MiB, on the fuller of the disks holding the data folder and the backups."""
    folders = {Path(settings.DATA_DIR), Path(settings.JAGA_BACKUP_DIR)}
    return min(shutil.disk_usage(folder).free for folder in folders if folder.exists()) // (1024 * 1024)
