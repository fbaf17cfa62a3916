"""The `jaga` command and configuration from the environment, run as real processes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jaga.core.tests.servers import jaga_env

PRODUCTION_KEY = "k" * 20 + "-production-secret-key-for-tests-only-0123456789"
# Test-only keys (never used anywhere else): production refuses to start without its encryption keys.
ENCRYPTION = {
    "JAGA_FIELD_KEYS": "1:" + "A" * 43,
    "JAGA_BLIND_INDEX_KEY": "blind-index-key-for-tests-only-0123456789",
    "JAGA_LINKAGE_KEY": "linkage-key-for-tests-only-0123456789abcdef",
    "JAGA_AUDIT_KEY": "audit-key-for-tests-only-0123456789abcdefgh",
}


def jaga(*args: str, env: dict[str, str] | None = None, data_dir: Path) -> subprocess.CompletedProcess[str]:
    full_env = jaga_env({"JAGA_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "jaga", *args], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_help_lists_jagas_own_commands(tmp_path: Path) -> None:
    result = jaga("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("audit", "demo", "regions"):
        assert f"  {command} " in result.stdout
    assert "hash chain" in result.stdout


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"JAGA_ENV": "production", "ALLOWED_HOSTS": "jaga.example", **ENCRYPTION}, "SECRET_KEY"),
        ({"JAGA_ENV": "production", "SECRET_KEY": PRODUCTION_KEY, **ENCRYPTION}, "ALLOWED_HOSTS"),
        ({"JAGA_ENV": "production", "SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "jaga.example"}, "JAGA_FIELD_KEYS"),
        ({"JAGA_ENV": "staging"}, "JAGA_ENV"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DATABASE_URL": "mysql://root@localhost/jaga"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"JAGA_LOCKOUT_FAILURES": "five"}, "JAGA_LOCKOUT_FAILURES"),
        ({"JAGA_MFA_REQUIRED": "perhaps"}, "JAGA_MFA_REQUIRED"),
        ({"SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE"),
    ],
)
def test_a_missing_or_malformed_setting_stops_start_up_naming_it(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = jaga("check", env=env, data_dir=tmp_path)
    assert result.returncode != 0
    assert f"Setting {named}:" in result.stderr


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(PRODUCTION_KEY + "\n")
    env = {"JAGA_ENV": "production", "SECRET_KEY_FILE": str(key_file), "ALLOWED_HOSTS": "jaga.example", **ENCRYPTION}
    result = jaga("check", "--deploy", "--fail-level", "WARNING", env=env, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_audit_chain_is_verified_from_the_command_line(tmp_path: Path) -> None:
    assert jaga("migrate", "--noinput", data_dir=tmp_path).returncode == 0
    seeded = jaga("demo", "seed", "--cases", "20", env={"JAGA_DEMO_PASSWORD": "demo-pass-12345"}, data_dir=tmp_path)
    assert "admin@jaga.example" in seeded.stdout and "demo-pass-12345" in seeded.stdout
    again = jaga("demo", "seed", data_dir=tmp_path)
    assert "not loaded again" in again.stdout
    checkpoint = jaga("audit", "checkpoint", data_dir=tmp_path).stdout.strip()
    assert int(checkpoint.split(":")[0]) > 20, "one row per synthetic case registration, and the demo's own"
    assert jaga("audit", "verify", "--checkpoint", checkpoint, data_dir=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "jaga.sqlite3") as db:
        db.execute("UPDATE audit_auditevent SET details = '{}' WHERE seq = 1")
    broken = jaga("audit", "verify", data_dir=tmp_path)
    assert broken.returncode == 1
    assert "BROKEN at row 1" in broken.stderr
    # Emptied, with no checkpoint given: the signed checkpoint the statistics refresh saved still tells.
    with sqlite3.connect(tmp_path / "jaga.sqlite3") as db:
        db.execute("DELETE FROM audit_auditevent")
    emptied = jaga("audit", "verify", data_dir=tmp_path)
    assert emptied.returncode == 1 and "the log 0" in emptied.stderr, emptied.stderr


def test_production_hardening_headers_and_cookies(tmp_path: Path) -> None:
    env = {"JAGA_ENV": "production", "SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "jaga.example", **ENCRYPTION}
    assert jaga("migrate", "--noinput", env=env, data_dir=tmp_path).returncode == 0
    assert jaga("collectstatic", "--noinput", env=env, data_dir=tmp_path).returncode == 0
    script = """
import json
from django.test import Client
from jaga.accounts.models import Organisation, User
org = Organisation.objects.create(name="Org", type="ngo")
User.objects.create_user("p@jaga.example", "Tiga-kucing-hitam-7", full_name="P", organisation=org)
client = Client(HTTP_HOST="jaga.example")
login_page = client.get("/accounts/login/", secure=True)
plain = Client(HTTP_HOST="jaga.example").get("/accounts/login/")
login = client.post("/accounts/login/", {"username": "p@jaga.example", "password": "Tiga-kucing-hitam-7"}, secure=True)
setup = client.get("/accounts/mfa/setup/", secure=True)
print(json.dumps({
    "headers": dict(login_page.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "login_location": login.headers.get("Location"),
    "cookies": {name: dict(morsel) for name, morsel in client.cookies.items()},
    "setup_headers": dict(setup.headers),
    "login_footer": login_page.content.decode().split("<footer>")[1],
}))
"""
    result = jaga("shell", "-c", script, env=env, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    footer = seen["login_footer"]
    assert "demo" not in footer and "sintetis" not in footer and "audit" not in footer, footer
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
    assert seen["login_location"] == "/accounts/mfa/setup/", "production requires MFA"
    session = seen["cookies"]["sessionid"]
    assert session["secure"] and session["httponly"]
    csrf = seen["cookies"]["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert "no-store" in seen["setup_headers"]["Cache-Control"]


def test_createsuperuser_makes_a_system_admin_who_can_log_in(tmp_path: Path) -> None:
    assert jaga("migrate", "--noinput", data_dir=tmp_path).returncode == 0
    env = {"DJANGO_SUPERUSER_PASSWORD": "Tujuh-gajah-ungu-3"}
    made = jaga(
        "createsuperuser",
        "--noinput",
        "--email",
        "root@jaga.example",
        "--full_name",
        "Root",
        env=env,
        data_dir=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    script = (
        "from django.test import Client; c = Client(HTTP_HOST='localhost'); "
        "r = c.post('/accounts/login/', {'username': 'root@jaga.example', 'password': 'Tujuh-gajah-ungu-3'}); "
        "print(r.status_code, c.get('/accounts/organisations/').status_code)"
    )
    assert jaga("shell", "-c", script, data_dir=tmp_path).stdout.strip().splitlines()[-1].split() == ["302", "200"]
    with sqlite3.connect(tmp_path / "jaga.sqlite3") as db:
        rows = db.execute("SELECT details FROM audit_auditevent WHERE action = 'accounts.user.system_admin_created'")
        assert [json.loads(details) for (details,) in rows] == [{"via": "command line", "roles": ["system_admin"]}]


@pytest.mark.django_db
def test_the_embedded_database_writes_each_commit_to_disk_before_answering() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("an SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2, "FULL"
