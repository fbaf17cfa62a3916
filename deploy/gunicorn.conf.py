"""gunicorn's settings for Jaga (the systemd unit and `make prod-up` use this file).

The access log has no query strings (the hotline's status check carries a secret in one) and joins
Jaga's own JSON lines on the request id. With PROMETHEUS_MULTIPROC_DIR set, the workers share their
metrics through that folder: emptied at start, a dead worker's files marked at its exit.
"""

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("JAGA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("JAGA_WEB_WORKERS", "3"))
timeout = 60
graceful_timeout = 30
forwarded_allow_ips = os.environ.get("JAGA_TRUSTED_PROXIES", "127.0.0.1")
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(L)ss %({x-request-id}o)s'
errorlog = "-"


def on_starting(server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
