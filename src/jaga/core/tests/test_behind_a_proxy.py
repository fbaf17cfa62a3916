"""The production stack behind a reverse proxy: gunicorn in production mode, as nginx would call it.

The test stands where nginx stands: it connects from 127.0.0.1 and sends the X-Forwarded-For and
X-Forwarded-Proto headers the README's nginx configuration sends. Lockouts, the hotline's limits and
the audit log must see each real client, not the proxy.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jaga.core.tests.servers import gunicorn
from jaga.core.tests.test_config_and_cli import ENCRYPTION, PRODUCTION_KEY, jaga

ADMIN = "root@jaga.example"
ADMIN_PASSWORD = "Tujuh-gajah-ungu-3"
REPORT = {
    "forms": ["online"],
    "regency_code": "31.71",
    "description": "Seorang anak ditawarkan lewat aplikasi pesan (laporan uji).",
    "urls": ["https://contoh.example/a"],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("proxy")
    env = {
        "JAGA_ENV": "production",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "jaga.example",
        "JAGA_BEHIND_PROXY": "true",
        "JAGA_TRUSTED_PROXY_COUNT": "1",
        "JAGA_TRUSTED_PROXIES": "127.0.0.1",
        "JAGA_HOTLINE_LIMIT_PER_ADDRESS": "3",
        **ENCRYPTION,
    }
    for step in (("migrate", "--noinput"), ("regions", "load"), ("collectstatic", "--noinput")):
        done = jaga(*step, env=env, data_dir=data_dir)
        assert done.returncode == 0, done.stderr
    made = jaga(
        "createsuperuser", "--noinput", "--email", ADMIN, "--full_name", "Root",
        env={**env, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD}, data_dir=data_dir,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with gunicorn(data_dir, env) as base:
        yield base, data_dir


def call(base: str, method: str, path: str, body: Any, *, client: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={
            "Host": "jaga.example",
            "Content-Type": "application/json",
            # What nginx sends: whatever the client wrote, then the address nginx saw.
            "X-Forwarded-For": f"203.0.113.250, {client}",
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def login(base: str, password: str, client: str) -> tuple[int, dict[str, Any]]:
    return call(base, "POST", "/api/v1/auth/token/", {"email": ADMIN, "password": password}, client=client)


def test_five_failures_from_five_clients_do_not_lock_the_admin_out(server: tuple[str, Path]) -> None:
    base, _data_dir = server
    for n in range(1, 6):
        assert login(base, "wrong-password", f"100.64.0.{n}")[0] == 401
    status, body = login(base, ADMIN_PASSWORD, "100.64.0.6")
    # The password is right; production then asks for MFA to be set up first (not "locked out").
    assert (status, body.get("code")) == (403, "mfa_required")


def test_five_failures_from_one_client_lock_that_client(server: tuple[str, Path]) -> None:
    base, _data_dir = server
    for _attempt in range(5):
        login(base, "wrong-password", "100.64.1.1")
    status, body = login(base, ADMIN_PASSWORD, "100.64.1.1")
    assert (status, body.get("code")) == (403, "locked_out")
    assert login(base, ADMIN_PASSWORD, "100.64.1.2")[1].get("code") == "mfa_required"


def test_the_hotline_limits_each_reporter_not_the_proxy(server: tuple[str, Path]) -> None:
    import time

    from jaga.hotline.ratelimit import seconds_to_next_window

    if seconds_to_next_window() < 20:  # the limits count per clock hour: not across its turn
        time.sleep(seconds_to_next_window() + 1)
    base, _data_dir = server
    path = "/api/v1/hotline/public-reports/"
    statuses = [call(base, "POST", path, REPORT, client=f"100.64.2.{n}")[0] for n in range(11)]
    assert statuses == [201] * 11, "eleven reporters, one report each"
    again = [call(base, "POST", path, REPORT, client="100.64.3.1")[0] for _n in range(4)]
    assert again == [201, 201, 201, 429], "one reporter past the limit of 3 an hour"


def test_the_audit_log_records_the_real_client(server: tuple[str, Path]) -> None:
    base, data_dir = server
    login(base, "wrong-password", "100.64.4.4")
    with sqlite3.connect(data_dir / "jaga.sqlite3") as db:
        rows = db.execute("SELECT ip FROM audit_auditevent WHERE action = 'accounts.login.failed'")
        addresses = {row[0] for row in rows}
    assert "100.64.4.4" in addresses
    assert "127.0.0.1" not in addresses and "203.0.113.250" not in addresses
