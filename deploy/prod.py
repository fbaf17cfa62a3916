"""`make prod-up`, `make prod-down`, `make prod-check`: the production stack on this machine.

The same stack as a server's (deploy/systemd, deploy/nginx, deploy/gunicorn.conf.py): Jaga under
gunicorn, the background worker, PostgreSQL on 127.0.0.1, and nginx in front with TLS from a CA of
its own (var/prod/tls/ca.pem: give it to a client to trust the site). Secrets are files
(var/prod/secrets, read through *_FILE variables), migrations run at start, the deploy check must
pass before anything serves. Ports and places: PROD_PORT (8443), PROD_APP_PORT (8701), PROD_DIR
(var/prod), PROD_DATABASE (jaga_prod).
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import signal
import ssl
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE = Path(os.environ.get("PROD_DIR", ROOT / "var" / "prod")).resolve()
PORT = int(os.environ.get("PROD_PORT", "8443"))
APP_PORT = int(os.environ.get("PROD_APP_PORT", "8701"))
DATABASE = os.environ.get("PROD_DATABASE", "jaga_prod")
PG = os.environ.get("PROD_POSTGRES", "postgres://postgres@127.0.0.1:5432")

SECRETS = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "JAGA_FIELD_KEYS": lambda: "1:" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="),
    "JAGA_BLIND_INDEX_KEY": lambda: secrets.token_urlsafe(32),
    "JAGA_LINKAGE_KEY": lambda: secrets.token_urlsafe(32),
    "JAGA_AUDIT_KEY": lambda: secrets.token_urlsafe(32),
    "JAGA_BACKUP_KEY": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="),
    "JAGA_METRICS_TOKEN": lambda: secrets.token_urlsafe(32),
}


def say(text: str) -> None:
    print(f"prod: {text}", flush=True)


def environment() -> dict[str, str]:
    """The server's environment: what /etc/jaga/jaga.env holds on a real one."""
    env = {
        "JAGA_ENV": "production",
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://localhost:{PORT},https://127.0.0.1:{PORT}",
        "JAGA_BEHIND_PROXY": "true",
        "JAGA_TRUSTED_PROXY_COUNT": "1",
        "JAGA_TRUSTED_PROXIES": "127.0.0.1",
        "JAGA_DATA_DIR": str(BASE / "data"),
        "JAGA_AUDIT_CHECKPOINT_DIR": str(BASE / "audit-checkpoints"),
        "JAGA_BACKUP_DIR": str(BASE / "backups"),
        "JAGA_BIND": f"127.0.0.1:{APP_PORT}",
        "JAGA_LOG_FORMAT": "json",
    }
    env.update({f"{name}_FILE": str(BASE / "secrets" / name.lower()) for name in SECRETS})
    return env


def process_env() -> dict[str, str]:
    """This environment without Jaga's own settings, plus the stack's; ``PROD_JAGA_X`` sets ``JAGA_X``
    (the load bench raises the hotline's hourly limits this way)."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("JAGA_", "DATABASE_URL", "SECRET_KEY"))}
    extra = {k.removeprefix("PROD_"): v for k, v in os.environ.items() if k.startswith("PROD_JAGA_")}
    return {**keep, **environment(), **extra}


def run(*args: str) -> None:
    subprocess.run([str(BIN / "jaga"), *args], check=True, env=process_env(), cwd=ROOT)


def make_secrets() -> None:
    folder = BASE / "secrets"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    for name, make in SECRETS.items():
        path = folder / name.lower()
        if not path.exists():
            path.write_text(make(), encoding="utf-8")
            path.chmod(0o600)
    lines = [f"{key}={value}" for key, value in environment().items()]
    (BASE / "jaga.env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
            say(f"database {DATABASE} created")


def make_certificates() -> None:
    tls = BASE / "tls"
    tls.mkdir(parents=True, exist_ok=True)
    if (tls / "server.pem").exists():
        return
    openssl = ["openssl"]
    subprocess.run([*openssl, "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-days", "3650",
                    "-subj", "/CN=Jaga local CA", "-keyout", str(tls / "ca.key"), "-out", str(tls / "ca.pem")],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([*openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", str(tls / "server.key"), "-out", str(tls / "server.csr")],
                   check=True, capture_output=True)  # fmt: skip
    (tls / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n", encoding="utf-8")
    subprocess.run([*openssl, "x509", "-req", "-in", str(tls / "server.csr"), "-CA", str(tls / "ca.pem"),
                    "-CAkey", str(tls / "ca.key"), "-CAcreateserial", "-days", "825",
                    "-extfile", str(tls / "san.ext"), "-out", str(tls / "server.pem")],
                   check=True, capture_output=True)  # fmt: skip
    for key in ("ca.key", "server.key"):
        (tls / key).chmod(0o600)
    say(f"TLS certificate for localhost made by the CA {tls / 'ca.pem'}")


def nginx_conf() -> Path:
    folder = BASE / "nginx"
    for sub in ("tmp", "logs"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    site = string.Template((ROOT / "deploy" / "nginx" / "jaga.conf").read_text(encoding="utf-8")).safe_substitute(
        JAGA_LISTEN=f"127.0.0.1:{PORT}",
        JAGA_SERVER_NAME="localhost",
        JAGA_TLS_CERT=str(BASE / "tls" / "server.pem"),
        JAGA_TLS_KEY=str(BASE / "tls" / "server.key"),
        JAGA_ACCESS_LOG=str(folder / "logs" / "access.log"),
        JAGA_UPSTREAM=f"127.0.0.1:{APP_PORT}",
    )
    temp = folder / "tmp"
    conf = folder / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'logs' / 'error.log'};\n"
        "events { worker_connections 512; }\nhttp {\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
        f"{site}\n}}\n",
        encoding="utf-8",
    )
    return conf


def _pid(name: str) -> int | None:
    path = BASE / f"{name}.pid"
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def wait_ready(timeout: float = 90) -> None:
    context = ssl.create_default_context(cafile=str(BASE / "tls" / "ca.pem"))
    deadline, last = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"https://localhost:{PORT}/readyz", context=context, timeout=5) as answer:
                if answer.status == 200:
                    return
        except Exception as exc:  # not up yet: connection refused, 503 while the worker starts
            last = str(exc)
        time.sleep(1)
    raise SystemExit(f"prod: https://localhost:{PORT}/readyz did not answer 200 in {timeout:.0f} s ({last})")


def up() -> None:
    BASE.mkdir(parents=True, exist_ok=True)
    (BASE / "logs").mkdir(exist_ok=True)
    make_secrets()
    make_database()
    make_certificates()
    run("check", "--deploy", "--fail-level", "WARNING")
    run("migrate", "--noinput", "-v", "0")
    run("regions", "load")
    run("collectstatic", "--noinput", "-v", "0")
    if _pid("gunicorn") is None:
        subprocess.run(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "jaga.wsgi:application",
             "--daemon", "--pid", str(BASE / "gunicorn.pid"),
             "--access-logfile", str(BASE / "logs" / "web-access.log"),
             "--error-logfile", str(BASE / "logs" / "web.log")],
            check=True, env={**process_env(), "PROMETHEUS_MULTIPROC_DIR": str(BASE / "metrics")}, cwd=ROOT,
        )  # fmt: skip
    if _pid("worker") is None:
        with (BASE / "logs" / "worker.log").open("ab") as log:
            worker = subprocess.Popen([str(BIN / "jaga"), "worker", "--no-reload"], env=process_env(), cwd=ROOT,
                                      stdout=log, stderr=log, start_new_session=True)  # fmt: skip
        (BASE / "worker.pid").write_text(str(worker.pid))
    conf = nginx_conf()
    subprocess.run(["nginx", "-t", "-q", "-c", str(conf), "-p", str(BASE / "nginx")], check=True)
    if _pid("nginx/nginx") is None:
        subprocess.run(["nginx", "-c", str(conf), "-p", str(BASE / "nginx")], check=True)
    wait_ready()
    say(f"Jaga serves https://localhost:{PORT}/ (trust {BASE / 'tls' / 'ca.pem'}); environment: {BASE / 'jaga.env'}")
    say(f"first system admin: set -a; . {BASE / 'jaga.env'}; set +a; .venv/bin/jaga createsuperuser")


def down() -> None:
    conf = BASE / "nginx" / "nginx.conf"
    if _pid("nginx/nginx") is not None:
        subprocess.run(["nginx", "-s", "quit", "-c", str(conf), "-p", str(BASE / "nginx")], check=False)
    for name in ("gunicorn", "worker"):
        pid = _pid(name)
        if pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGTERM) if name == "worker" else os.kill(pid, signal.SIGTERM)
        (BASE / f"{name}.pid").unlink(missing_ok=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_pid(n) for n in ("gunicorn", "worker", "nginx/nginx")):
        time.sleep(0.5)
    say("stopped")


def check() -> None:
    run("check", "--deploy", "--fail-level", "WARNING")
    subprocess.run(["nginx", "-t", "-q", "-c", str(nginx_conf()), "-p", str(BASE / "nginx")], check=True)
    wait_ready(timeout=10)
    say("configuration and the running stack are good")


if __name__ == "__main__":
    {"up": up, "down": down, "check": check}[sys.argv[1]]()
