"""A real Jaga server for tests that drive it as a client would: gunicorn on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jaga_env(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without Jaga's own settings, plus ``env``."""
    skip = ("JAGA_", "DATABASE_URL", "SECRET_KEY", "DJANGO_")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(skip)}, **env}


@contextmanager
def gunicorn(data_dir: Path, env: dict[str, str], *, ready_path: str = "/healthz") -> Iterator[str]:
    """Serves the database in ``data_dir`` with ``env``; yields the base URL once ``ready_path`` answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jaga.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env={**jaga_env(env), "JAGA_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(base + ready_path, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers, if not with 200
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
