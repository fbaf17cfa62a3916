"""The production stack on this machine (`make prod-up`: deploy/prod.py), driven over HTTPS as a client
would: nginx with TLS from the stack's own CA in front of gunicorn, the worker, PostgreSQL; secrets
from files, migrations at start, the deploy check passed. Skipped where nginx or PostgreSQL is not
there (`.ci/run` installs nginx)."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jaga.core.tests.servers import free_port, jaga_env

ROOT = Path(__file__).resolve().parents[4]


def _postgres_up() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None or not _postgres_up(), reason="needs nginx (Debian's package) and PostgreSQL"
)


@dataclass
class Stack:
    url: str
    context: ssl.SSLContext
    base: Path
    env: dict[str, str]
    prod: list[str]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    base = tmp_path_factory.mktemp("prod")
    port, app_port = free_port(), free_port()
    env = jaga_env({"PROD_DIR": str(base), "PROD_PORT": str(port), "PROD_APP_PORT": str(app_port),
                    "PROD_DATABASE": "jaga_prod_test"})  # fmt: skip
    prod = [sys.executable, str(ROOT / "deploy" / "prod.py")]
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS jaga_prod_test WITH (FORCE)")
    started = subprocess.run([*prod, "up"], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    try:
        assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-3000:]
        context = ssl.create_default_context(cafile=str(base / "tls" / "ca.pem"))
        yield Stack(url=f"https://localhost:{port}", context=context, base=base, env=env, prod=prod)
    finally:
        subprocess.run([*prod, "down"], env=env, capture_output=True, timeout=120, cwd=ROOT)


def fetch(stack: Stack, path: str, data: bytes | None = None, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"{stack.url}{path}", data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, context=stack.context, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_stack_answers_over_https_with_its_own_ca_and_is_ready(stack: Stack) -> None:
    status, headers, body = fetch(stack, "/readyz")
    ready = json.loads(body)
    assert status == 200 and ready["database"] == "ok" and ready["worker"] == "ok", ready
    status, headers, _ = fetch(stack, "/lapor/")
    assert status == 200 and "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "Secure" in headers.get("Set-Cookie", "Secure"), "cookies only over TLS"
    assert len(headers["X-Request-ID"]) >= 8
    with pytest.raises(urllib.error.URLError):  # a client that does not trust the stack's CA is refused
        urllib.request.urlopen(f"{stack.url}/healthz", context=ssl.create_default_context(), timeout=10)


def test_a_public_report_is_taken_and_followed_over_https(stack: Stack) -> None:
    report = {
        "forms": ["other"],
        "regency_code": "51.71",
        "description": "Laporan uji lewat HTTPS di tumpukan produksi.",
    }
    status, _, body = fetch(stack, "/api/v1/hotline/public-reports/", json.dumps(report).encode(),
                            **{"Content-Type": "application/json"})  # fmt: skip
    assert status == 201, body
    receipt = json.loads(body)
    status, _, body = fetch(
        stack, f"/api/v1/hotline/status/?code={receipt['tracking_code']}&secret={receipt['secret']}"
    )
    assert status == 200 and json.loads(body)["status"] == "received"
    log = stack.base / "nginx" / "logs" / "access.log"
    for _ in range(50):  # nginx writes the line after it has sent the answer
        access = log.read_text(encoding="utf-8")
        if "/api/v1/hotline/status/" in access:
            break
        time.sleep(0.1)
    assert "/api/v1/hotline/status/" in access and receipt["secret"] not in access, "no query string in the log"


def test_metrics_need_the_token_and_the_secrets_are_files(stack: Stack) -> None:
    base = stack.base
    token = (base / "secrets" / "jaga_metrics_token").read_text(encoding="utf-8").strip()
    assert fetch(stack, "/metrics")[0] == 401
    status, _, body = fetch(stack, "/metrics", Authorization=f"Bearer {token}")
    assert status == 200 and b"jaga_http_requests_total" in body
    environment = (base / "jaga.env").read_text(encoding="utf-8")
    assert "JAGA_FIELD_KEYS_FILE=" in environment and "JAGA_FIELD_KEYS=" not in environment, "keys only as files"
    assert oct((base / "secrets" / "jaga_field_keys").stat().st_mode)[-3:] == "600"
    checked = subprocess.run(
        [*stack.prod, "check"], env=stack.env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert checked.returncode == 0 and "good" in checked.stdout, checked.stderr[-2000:]
