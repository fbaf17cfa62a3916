"""`make soak`: the fault review, repeated against a real server and worker. Not part of `make test`.

Jaga runs as production runs it (gunicorn with 2 processes x 4 threads, `jaga worker` beside it) on a
throw-away database: SQLite, then PostgreSQL when SOAK_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/jaga_soak) answers. Then:

1. worker kills: kill -9 of the worker while imports run (SOAK_WORKER_KILLS, 20); the sweep fails the
   jobs left behind, they are retried from their page and end imported whole;
2. web kills: kill -9 of the web server (SOAK_WEB_KILLS, 20) while files are being uploaded (the kill
   lands mid-upload) and cases are created through the API with an Idempotency-Key and retried until
   answered; every answered create is stored once and no file on disk holds a planted name;
3. database faults: 6 dropped connections (PostgreSQL: pg_terminate_backend) or 6 outside write locks
   of 12 s (SQLite), then a 60,000-row import, while writers write: 2xx or 503 with Retry-After,
   never 500, and every answered write stored;
4. hostile files at every upload point (case import, participant import, case attachment, agreement
   document, training material): each refused with a message, none stored;
5. hotline load: concurrent public reports past the hourly total: every accepted report stored, the
   total exact.

Then the audit chain is verified. Figures are printed and written to docs/benchmarks.md.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import platform
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Soak-kata-sandi-" + secrets.token_hex(4)
PLANT = "Zokplanted" + secrets.token_hex(3)  # in every name sent; must never be found in clear on disk
WORKER_KILLS = int(os.environ.get("SOAK_WORKER_KILLS", "20"))
WEB_KILLS = int(os.environ.get("SOAK_WEB_KILLS", "20"))
DB_FAULTS = 6
IMPORT_FILES = 10  # each killed about twice over the worker kills
IMPORT_ROWS = 1500
WEB_UPLOAD_ROWS = 5000
LONG_IMPORT_ROWS = int(os.environ.get("SOAK_LONG_IMPORT_ROWS", "60000"))
HOTLINE_CAP = 2000
HOTLINE_THREADS = 16
CASEWORKER = "caseworker.jakarta@jaga.example"
OFFICER = "programme@jaga.example"
REPORT = {
    "forms": ["online"],
    "regency_code": "31.71",
    "description": "Laporan uji ketahanan: akun menawarkan anak lewat aplikasi pesan.",
    "urls": ["https://contoh.example/p/1"],
}


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    if not samples:
        return 0.0, 0.0
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000


# --- The stack ----------------------------------------------------------------------------------


class Stack:
    """gunicorn and `jaga worker` as their own process groups (so that kill -9 takes all of each)."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.data_dir = data_dir
        self.tmp = data_dir / "tmp"  # the processes' TMPDIR: searched for leftovers at the end
        self.tmp.mkdir()
        skip = ("JAGA_", "DATABASE_URL", "SECRET_KEY", "DJANGO_")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
        self.env.update(
            {
                "JAGA_DATA_DIR": str(data_dir),
                "TMPDIR": str(self.tmp),
                "JAGA_DEMO_PASSWORD": PASSWORD,
                "JAGA_JOB_STALE_MINUTES": "1",
                "JAGA_WORKER_SILENT_SECONDS": "31",
                "JAGA_HOTLINE_LIMIT_PER_ADDRESS": "1000000",
                "JAGA_HOTLINE_LIMIT_TOTAL": str(HOTLINE_CAP),
                "JAGA_HOTLINE_ALERT_PER_HOUR": "1000000",
                "JAGA_LOCKOUT_ADDRESS_FAILURES": "1000",
            }
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def jaga(self, *args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "jaga", *args], env=self.env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"jaga {' '.join(args)} failed:\n{done.stderr[-3000:]}")

    def _spawn(self, command: list[str], name: str) -> subprocess.Popen[bytes]:
        out = open(self.data_dir / f"{name}.log", "ab")  # noqa: SIM115 - kept open by the child
        return subprocess.Popen(command, env=self.env, stdout=out, stderr=out, start_new_session=True)

    def start_web(self) -> None:
        self.web = self._spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jaga.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
            "web",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise SystemExit("the web server did not start")

    def start_worker(self) -> None:
        self.worker = self._spawn(
            [sys.executable, "-m", "jaga", "worker", "--no-startup-delay", "--no-reload"], "worker"
        )

    @staticmethod
    def _kill(process: subprocess.Popen[bytes] | None) -> None:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def kill_web(self) -> None:
        self._kill(self.web)

    def kill_worker(self) -> None:
        self._kill(self.worker)

    def stop(self) -> None:
        self.kill_web()
        self.kill_worker()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def patiently(send: Callable[[], requests.Response]) -> requests.Response:
    """As a client should: a 503 (the database busy with a long import) is tried again after Retry-After."""
    for _attempt in range(60):
        answer = send()
        if answer.status_code != 503:
            return answer
        time.sleep(float(answer.headers.get("Retry-After", "5")))
    return answer


def login(stack: Stack, email: str) -> requests.Session:
    session = requests.Session()
    session.get(stack.base + "/accounts/login/", timeout=30)
    answer = patiently(
        lambda: session.post(
            stack.base + "/accounts/login/",
            data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            timeout=30,
            allow_redirects=False,
        )
    )
    assert answer.status_code == 302 and "sessionid" in session.cookies, (email, answer.status_code)
    return session


def post_form(stack: Stack, session: requests.Session, path: str, data: dict[str, Any], files: Any = None) -> int:
    data = {**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    return patiently(
        lambda: session.post(stack.base + path, data=data, files=files, timeout=120, allow_redirects=False)
    ).status_code


def api_token(stack: Stack, email: str) -> str:
    body = {"email": email, "password": PASSWORD}
    answer = patiently(lambda: requests.post(stack.base + "/api/v1/auth/token/", json=body, timeout=30))
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json()["token"])


def jobs_settle() -> None:
    """Waits until no import runs (each drill starts on a quiet database)."""
    wait_for(lambda: not jobs(state__in=["queued", "validating", "importing"]).exists(), 900, "imports to end")


# --- Files --------------------------------------------------------------------------------------


def import_file(rows: int, seed: int) -> bytes:
    sys.path.insert(0, str(ROOT / "bench"))
    from run import import_csv  # the benchmark's valid import file (template columns, synthetic NIKs)

    return import_csv(rows, seed=seed).replace(b"Anak Sintetis", PLANT.encode())


def case_body(n: int) -> dict[str, Any]:
    return {
        "registered_on": "2026-03-14",
        "source": "police",
        "forms": ["online"],
        "regency_code": "31.71",
        "child": {"full_name": f"{PLANT} Api {n}", "sex": "female", "estimated_age": 14},
        "consent": {"given_by": "guardian", "services": True, "sharing": True, "statistics": True},
    }


def hostile_files() -> dict[str, tuple[str, bytes, str]]:
    """name: (filename, bytes, kind) where kind is "table" (for imports), "document", or "both"."""
    from openpyxl import Workbook

    def xlsx(rows: list[list[Any]]) -> bytes:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>')
            chunk = b"A" * (1024 * 1024)
            for _mb in range(390):
                sheet.write(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return {
        "zip bomb (390 MB cell)": ("bom.xlsx", bomb.getvalue(), "both"),
        "formula without a value": (
            "rumus.xlsx",
            xlsx([["full_name", "sex"], ['=CONCAT("a","b")', "perempuan"]]),
            "table",
        ),
        "duplicated column": ("dobel.csv", b"full_name,sex,full_name\nA,perempuan,B\n", "table"),
        "header only": ("kosong.csv", b"full_name,sex\n", "table"),
        "binary garbage": ("acak.csv", os.urandom(40_000), "table"),
        "empty file": ("nol.pdf", b"", "both"),
        "HTML as PDF": ("surat.pdf", b"<html><script>alert(1)</script></html>", "document"),
        "SVG with script": (
            "gambar.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "document",
        ),
        "PDF with JavaScript": (
            "aktif.pdf",
            b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF",
            "document",
        ),
        "Word with macros": ("makro.docx", macro.getvalue(), "document"),
        "over the size limit (60 MB)": ("besar.csv", b"full_name,sex\n" + b"A,perempuan\n" * 5_000_000, "both"),
    }


def slow_upload(stack: Stack, session: requests.Session, path: str, filename: str, data: bytes) -> str:
    """A multipart upload sent in 64 KB pieces over about two seconds, so that a kill lands mid-upload."""
    boundary = "soak" + secrets.token_hex(8)
    token = session.cookies["csrftoken"]
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    cookies = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=60)
    try:
        connection.connect()
    except OSError:
        time.sleep(0.2)
        return "server down"
    try:
        connection.putrequest("POST", path)
        for name, value in (
            ("Content-Type", f"multipart/form-data; boundary={boundary}"),
            ("Content-Length", str(len(body))),
            ("Cookie", cookies),
        ):
            connection.putheader(name, value)
        connection.endheaders()
        step = 64 * 1024
        pause = 2.0 / max(len(body) // step, 1)
        for start in range(0, len(body), step):
            connection.send(body[start : start + step])
            time.sleep(pause)
        return str(connection.getresponse().status)
    except OSError:
        return "cut"
    finally:
        connection.close()


# --- Writers ------------------------------------------------------------------------------------


class Writers:
    """Threads that create cases (API, Idempotency-Key, retried until answered) and send hotline reports."""

    def __init__(self, stack: Stack, token: str, cases: int, reports: int, prefix: str) -> None:
        self.stack, self.token, self.prefix = stack, token, prefix
        self.statuses: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.acked: dict[str, str] = {}  # idempotency key: case id
        self.reports_accepted = 0
        self.refused_total = 0
        self.unexpected: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._cases, args=(n,)) for n in range(cases)]
        self.threads += [threading.Thread(target=self._reports) for _n in range(reports)]

    def _send(self, method: Callable[..., requests.Response], *args: Any, **kwargs: Any) -> requests.Response | None:
        began = time.perf_counter()
        try:
            answer = method(*args, timeout=60, **kwargs)
        except requests.RequestException:
            with self.lock:
                self.statuses["no answer"] += 1
            return None
        with self.lock:
            self.statuses[str(answer.status_code)] += 1
            if answer.status_code < 300:
                self.latencies.append(time.perf_counter() - began)
        return answer

    def _cases(self, thread: int) -> None:
        n = 0
        while not self.stop.is_set():
            key = f"{self.prefix}-{thread}-{n}"
            while True:  # the same key until the create is answered: a retry never duplicates
                answer = self._send(
                    requests.post,
                    self.stack.base + "/api/v1/cases/",
                    json=case_body(n),
                    headers={"Authorization": f"Token {self.token}", "Idempotency-Key": key},
                )
                if answer is not None and answer.status_code == 201:
                    with self.lock:
                        self.acked[key] = answer.json()["id"]
                    break
                if answer is not None and answer.status_code not in (500, 502, 503):
                    with self.lock:
                        self.unexpected.append(f"{answer.status_code}: {answer.text[:300]}")
                    break
                time.sleep(0.5)
            n += 1

    def _reports(self) -> None:
        while not self.stop.is_set():
            answer = self._send(requests.post, self.stack.base + "/api/v1/hotline/public-reports/", json=REPORT)
            if answer is not None and answer.status_code == 201:
                with self.lock:
                    self.reports_accepted += 1
            elif answer is not None and answer.status_code == 429:
                with self.lock:
                    self.refused_total += 1
            time.sleep(1)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


# --- The drills ---------------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def jobs(**filters: Any) -> Any:
    from django.db import connection

    from jaga.cases.models import ImportJob

    connection.close()  # a fresh read of what the other processes wrote
    return ImportJob.objects.defer("data").filter(**filters)


def retry_stopped(stack: Stack, web: requests.Session) -> int:
    """Opens each failed job's page (which sweeps) and retries the ones that stopped."""
    retried = 0
    for job in jobs(state__in=["failed", "validating", "importing"]):
        web.get(f"{stack.base}/cases/imports/{job.pk}/", timeout=30)
    for job in jobs(state="failed"):
        if job.retryable:
            assert post_form(stack, web, f"/cases/imports/{job.pk}/", {"action": "retry"}) == 302
            retried += 1
    return retried


def drill_worker_kills(stack: Stack, figures: dict[str, Any]) -> None:
    from jaga.cases.models import Case

    web = login(stack, CASEWORKER)
    before = Case.objects.count()
    for n in range(IMPORT_FILES):
        assert (
            post_form(stack, web, "/cases/imports/", {}, {"file": (f"f{n}.csv", import_file(IMPORT_ROWS, 100 + n))})
            == 302
        )
    kills, killed_in, uploaded = 0, Counter[str](), IMPORT_FILES
    started, since = time.monotonic(), datetime.now(UTC)
    while kills < WORKER_KILLS:
        # A job this worker runs (one killed earlier keeps its state, and its old heartbeat, until the sweep).
        running = {"state__in": ["validating", "importing"], "heartbeat_at__gt": since}
        if not jobs(state__in=["queued", "validating", "importing", "failed"]).exists():
            # Every file is imported (a fast database outruns the kills): another file to kill the worker on.
            data = import_file(IMPORT_ROWS, 100 + uploaded)
            assert post_form(stack, web, "/cases/imports/", {}, {"file": (f"f{uploaded}.csv", data)}) == 302
            uploaded += 1
            continue
        if not (jobs(state="queued").exists() or jobs(**running).exists()):
            log(f"  {kills} kills; waiting for the sweep to fail the jobs left behind, then retrying them")
            deadline = time.monotonic() + 300
            while retry_stopped(stack, web) == 0:
                if time.monotonic() > deadline:
                    raise SystemExit("no stopped job became retryable")
                time.sleep(5)
        # A small job may finish between two looks: then there is nothing to kill, and the loop looks again.
        wait_for(
            lambda running=running: jobs(**running).exists() or not jobs(state="queued").exists(),
            240,
            "a job to run",
        )
        if not jobs(**running).exists():
            continue
        time.sleep(random.uniform(0, 0.4))
        states = list(jobs(**running).values_list("state", flat=True))
        stack.kill_worker()
        kills += 1
        killed_in.update(states)
        since = datetime.now(UTC)
        stack.start_worker()
    log(f"  {kills} worker kills done; letting every job end")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and jobs(state="done").count() < uploaded:
        if not jobs(state__in=["queued", "validating", "importing"]).exists():
            retry_stopped(stack, web)
        time.sleep(2)
    done = list(jobs(state="done"))
    stored = Case.objects.count() - before
    from django_tasks_db.models import DBTaskResult

    wait_for(
        lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(), 180, "orphaned queue rows to be failed"
    )
    figures["worker"] = {
        "kills": kills,
        "killed while": dict(killed_in),
        "jobs": uploaded,
        "jobs imported whole": sum(1 for job in done if job.imported == IMPORT_ROWS),
        "cases stored": stored,
        "cases expected": uploaded * IMPORT_ROWS,
        "partial writes": stored - len(done) * IMPORT_ROWS,
        "orphaned queue rows failed by the sweep": DBTaskResult.objects.filter(
            exception_class_path="jaga.core.jobs.WorkerStopped"
        ).count(),
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    assert figures["worker"]["jobs imported whole"] == uploaded, figures["worker"]
    assert stored == uploaded * IMPORT_ROWS, figures["worker"]


def drill_web_kills(stack: Stack, figures: dict[str, Any]) -> None:
    from jaga.cases.models import Case, ImportJob

    web = login(stack, CASEWORKER)
    token = api_token(stack, CASEWORKER)
    cases_before, jobs_before = Case.objects.count(), ImportJob.objects.count()
    started = datetime.now(UTC)
    uploads: Counter[str] = Counter()
    stop = threading.Event()
    data = import_file(WEB_UPLOAD_ROWS, 7)  # names, sent slowly

    def uploader() -> None:
        while not stop.is_set():
            uploads[slow_upload(stack, web, "/cases/imports/", "lambat.csv", data)] += 1

    thread = threading.Thread(target=uploader)
    with Writers(stack, token, cases=3, reports=0, prefix="web") as writers:
        thread.start()
        for _kill in range(WEB_KILLS):
            time.sleep(random.uniform(1.0, 2.5))
            stack.kill_web()
            time.sleep(0.3)
            stack.start_web()
        stop.set()
        thread.join()
    from django.db import connection

    log("  letting the uploaded imports end")
    jobs_settle()
    connection.close()
    new_cases = Case.objects.count() - cases_before
    uploaded = list(ImportJob.objects.defer("data").filter(created_at__gte=started))
    api_cases = Case.objects.filter(pk__in=list(writers.acked.values())).count()
    figures["web"] = {
        "kills": WEB_KILLS,
        "uploads answered": uploads.get("302", 0),
        "uploads cut mid-way": uploads.get("cut", 0),
        "uploads tried while the server was down": uploads.get("server down", 0),
        "import jobs stored": ImportJob.objects.count() - jobs_before,
        "stored jobs imported whole": sum(job.state == "done" and job.imported == WEB_UPLOAD_ROWS for job in uploaded),
        "API creates answered": len(writers.acked),
        "answered creates stored": api_cases,
        "API requests without an answer (retried)": writers.statuses["no answer"],
        "statuses": dict(writers.statuses),
    }
    assert api_cases == len(writers.acked) == len(set(writers.acked.values())), figures["web"]
    assert not writers.unexpected, writers.unexpected
    assert all(job.state == "done" and job.imported == WEB_UPLOAD_ROWS for job in uploaded), figures["web"]
    # Every stored import job was answered or cut after its body was read whole; none is half a file.
    assert (
        uploads.get("302", 0)
        <= ImportJob.objects.count() - jobs_before
        <= uploads.get("302", 0) + uploads.get("cut", 0)
    )
    figures["web"]["cases from jobs and API"] = new_cases


def drill_database(stack: Stack, figures: dict[str, Any], vendor: str) -> None:
    from jaga.cases.models import Case
    from jaga.hotline.models import Report

    token = api_token(stack, CASEWORKER)
    web = login(stack, CASEWORKER)
    reports_before = Report.objects.count()
    with Writers(stack, token, cases=4, reports=2, prefix="db") as faults:
        for _n in range(DB_FAULTS):
            time.sleep(2)
            if vendor == "sqlite":
                outside = sqlite3.connect(stack.data_dir / "jaga.sqlite3", timeout=30)
                outside.execute("BEGIN IMMEDIATE")  # the write lock, held as a long outside write would
                time.sleep(12)
                outside.rollback()
                outside.close()
            else:
                import psycopg

                with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as admin:
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
        time.sleep(2)
    from django.db import connection

    connection.close()  # this process's own connection was among those dropped
    cases_before_import = Case.objects.count()
    log(f"  a {LONG_IMPORT_ROWS:,}-row import while writers write")
    assert (
        post_form(stack, web, "/cases/imports/", {}, {"file": ("besar.csv", import_file(LONG_IMPORT_ROWS, 9))}) == 302
    )
    job = jobs().order_by("-created_at").first()
    with Writers(stack, token, cases=4, reports=2, prefix="long") as during:
        wait_for(lambda: jobs(pk=job.pk, state__in=["done", "failed"]).exists(), 1800, "the long import")
        time.sleep(1)
    job = jobs(pk=job.pk).get()
    stored_reports = Report.objects.count() - reports_before
    for name, writers in (("faults", faults), ("long import", during)):
        p50, p95 = percentiles(writers.latencies)
        stored = Case.objects.filter(pk__in=list(writers.acked.values())).count()
        figures[f"db {name}"] = {
            "statuses": dict(writers.statuses),
            "answered creates": len(writers.acked),
            "answered creates stored": stored,
            "reports accepted": writers.reports_accepted,
            "p50 ms": round(p50),
            "p95 ms": round(p95),
        }
        assert stored == len(writers.acked), figures[f"db {name}"]
        assert writers.statuses.get("500", 0) == 0 and not writers.unexpected, (
            figures[f"db {name}"],
            writers.unexpected,
        )
    figures["db long import"]["import"] = f"{job.state}, {job.imported:,} rows"
    figures["db long import"]["import seconds"] = round((job.finished_at - job.created_at).total_seconds())
    figures["db reports"] = {"accepted": faults.reports_accepted + during.reports_accepted, "stored": stored_reports}
    assert job.state == "done" and job.imported == LONG_IMPORT_ROWS and cases_before_import <= Case.objects.count()
    assert stored_reports == faults.reports_accepted + during.reports_accepted, figures["db reports"]


def drill_hostile_files(stack: Stack, figures: dict[str, Any]) -> None:
    from jaga.accounts.models import Organisation, User
    from jaga.cases.models import Attachment, Case
    from jaga.programs.models import Agreement, Material, Module, ParticipantImportJob, TrainingSession

    caseworker, officer = login(stack, CASEWORKER), login(stack, OFFICER)
    me = User.objects.get(email=CASEWORKER)
    case = Case.objects.filter(assigned_to=me).first()  # one the caseworker leads (need to know)
    session = TrainingSession.objects.first()
    module = Module.objects.first()
    partner = Organisation.objects.exclude(pk=User.objects.get(email=OFFICER).organisation_id).first()
    own = User.objects.get(email=OFFICER).organisation_id
    outcome: Counter[str] = Counter()
    rows = []

    def stored_now() -> tuple[int, ...]:
        from django.db import connection

        connection.close()
        return (
            Attachment.objects.count(),
            Agreement.objects.exclude(document=None).count(),
            Material.objects.count(),
            jobs(state="done").count(),
            ParticipantImportJob.objects.filter(state="done").count(),
        )

    def wait_jobs() -> None:
        wait_for(
            lambda: (
                not jobs(state__in=["queued", "validating", "importing"]).exists()
                and not ParticipantImportJob.objects.filter(state__in=["queued", "validating", "importing"]).exists()
            ),
            300,
            "hostile imports to end",
        )

    points: dict[str, tuple[str, Callable[[str, bytes], int]]] = {
        "case import": (
            "table",
            lambda name, data: post_form(stack, caseworker, "/cases/imports/", {}, {"file": (name, data)}),
        ),
        "participant import": (
            "table",
            lambda name, data: post_form(
                stack,
                officer,
                f"/programs/training/sessions/{session.pk}/",
                {"action": "import"},
                {"import-file": (name, data)},
            ),
        ),
        "case attachment": (
            "document",
            lambda name, data: post_form(
                stack, caseworker, f"/cases/{case.pk}/attachments/", {}, {"file": (name, data)}
            ),
        ),
        "agreement document": (
            "document",
            lambda name, data: post_form(
                stack,
                officer,
                f"/programs/partners/{partner.pk}/",
                {
                    "action": "agreement",
                    "title": "Uji",
                    "kind": "mou",
                    "programme": "training",
                    "parties": [partner.pk, own],
                    "scope": "Uji ketahanan",
                    "starts_on": "2026-01-01",
                },
                {"document": (name, data)},
            ),
        ),
        "training material": (
            "document",
            lambda name, data: post_form(
                stack,
                officer,
                f"/programs/training/modules/{module.pk}/",
                {"action": "material", "material-title": "Uji", "material-changes": ""},
                {"material-file": (name, data)},
            ),
        ),
    }
    for label, (filename, data, kind) in hostile_files().items():
        for point, (takes, send) in points.items():
            if kind not in (takes, "both"):
                continue
            before = stored_now()
            try:
                status = send(filename, data)
            except requests.RequestException as exc:
                status = 0
                log(f"  {label} at {point}: no answer ({type(exc).__name__})")
            if takes == "table":
                wait_jobs()
            after = stored_now()
            if status >= 500 or status == 0:
                result = "server error"
            elif status in (401, 403, 404):
                raise SystemExit(f"{point} answered {status}: the drill is set up wrong")
            elif after != before:
                result = "accepted"
            elif status in (302, 303) and takes == "table":
                result = "refused by the job, with a message"
            else:
                result = f"refused at upload ({status})"
            outcome[
                "server error" if result == "server error" else "accepted" if result == "accepted" else "refused"
            ] += 1
            rows.append((label, point, result))
    figures["hostile"] = {"files x points": len(rows), **dict(outcome), "detail": rows}
    assert outcome["refused"] == len(rows), rows


def drill_hotline(stack: Stack, figures: dict[str, Any]) -> None:
    from django.db import connection

    from jaga.hotline.models import Report

    connection.close()
    before = Report.objects.count()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    attempts = HOTLINE_CAP + 400 - before

    def send(count: int) -> None:
        for _n in range(count):
            began = time.perf_counter()
            status = requests.post(stack.base + "/api/v1/hotline/public-reports/", json=REPORT, timeout=60).status_code
            with lock:
                statuses[status] += 1
                latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=send, args=(attempts // HOTLINE_THREADS,)) for _n in range(HOTLINE_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    connection.close()
    stored = Report.objects.count() - before
    p50, p95 = percentiles(latencies)
    # The total is per clock hour (the counter's window): the most reports stored in any one hour.
    recent = Report.objects.filter(received_at__gte=datetime.now(UTC) - timedelta(hours=3))
    per_hour = Counter(int(at.timestamp()) // 3600 for at in recent.values_list("received_at", flat=True))
    figures["hotline"] = {
        "concurrent senders": HOTLINE_THREADS,
        "reports sent": sum(statuses.values()),
        "accepted (201)": statuses[201],
        "stored": stored,
        "refused at the hourly total (429)": statuses[429],
        "hourly total": HOTLINE_CAP,
        "most stored in one clock hour": max(per_hour.values()),
        "lost": statuses[201] - stored,
        "per second": round(sum(statuses.values()) / elapsed),
        "p50 ms": round(p50),
        "p95 ms": round(p95),
    }
    assert stored == statuses[201] and max(per_hour.values()) <= HOTLINE_CAP, figures["hotline"]
    assert set(statuses) <= {201, 429}, statuses


def plaintext_on_disk(stack: Stack) -> list[str]:
    """Every file the processes wrote (database, WAL, logs, TMPDIR): which hold a planted name in clear."""
    found = []
    for path in stack.data_dir.rglob("*"):
        if path.is_file() and PLANT.encode() in path.read_bytes():
            found.append(str(path.relative_to(stack.data_dir)))
    return found


# --- One database -------------------------------------------------------------------------------


def soak(database_url: str | None) -> dict[str, Any]:
    vendor = "postgresql" if database_url else "sqlite"
    data_dir = Path(tempfile.mkdtemp(prefix=f"jaga-soak-{vendor}-"))
    stack = Stack(data_dir, database_url)
    log(f"{vendor}: preparing {data_dir}")
    stack.jaga("migrate", "--noinput")
    stack.jaga("regions", "load")
    stack.jaga("demo", "seed", "--cases", "100")
    os.environ.update({k: v for k, v in stack.env.items() if k.startswith(("JAGA_", "DATABASE_URL"))})
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaga.settings")
    import django

    django.setup()
    figures: dict[str, Any] = {"database": vendor}
    try:
        stack.start_web()
        stack.start_worker()
        for name, drill in (
            ("worker kills", lambda: drill_worker_kills(stack, figures)),
            ("web kills", lambda: drill_web_kills(stack, figures)),
            ("database faults and a long import", lambda: drill_database(stack, figures, vendor)),
            ("hostile files", lambda: drill_hostile_files(stack, figures)),
            ("hotline load", lambda: drill_hotline(stack, figures)),
        ):
            log(f"{vendor}: {name}")
            drill()
        stack.kill_worker()
        stack.kill_web()
        verify = subprocess.run(
            [sys.executable, "-m", "jaga", "audit", "verify"], env=stack.env, capture_output=True, text=True
        )
        figures["audit verify"] = "exit 0" if verify.returncode == 0 else f"exit {verify.returncode}"
        figures["files holding a planted name"] = plaintext_on_disk(stack)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert not figures["files holding a planted name"], figures["files holding a planted name"]
        server_errors = re.findall(rb"Internal Server Error[^\n]*", (data_dir / "web.log").read_bytes())
        figures["500s in the server log"] = len(server_errors)
    finally:
        stack.stop()
    return figures


def postgres_url() -> str | None:
    url = os.environ.get("SOAK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/jaga_soak")
    try:
        import psycopg

        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # no PostgreSQL here: the soak runs on SQLite only
        log(f"PostgreSQL not available ({type(exc).__name__}); SQLite only")
        return None
    return url


def write_doc(results: list[dict[str, Any]]) -> None:
    """Each database's figures in their own block of docs/benchmarks.md, replaced by the next run on it."""
    machine = (
        f"{platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores"
        f" · Python {platform.python_version()}"
    )
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    if "## Soak" not in text:
        text += "\n## Soak (`make soak`)\n"
    for figures in results:
        vendor = figures["database"]
        body = json.dumps({k: v for k, v in figures.items() if k != "database"}, indent=1, ensure_ascii=False)
        block = (
            f"<!-- soak:{vendor}:start -->\n### {vendor}\n\n"
            f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}.\n\n```json\n{body}\n```\n"
            f"<!-- soak:{vendor}:end -->"
        )
        pattern = rf"<!-- soak:{vendor}:start -->.*<!-- soak:{vendor}:end -->"
        if re.search(pattern, text, flags=re.S):
            text = re.sub(pattern, lambda _m, block=block: block, text, flags=re.S)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaga.settings")
    which = os.environ.get("SOAK_DATABASES", "sqlite,postgresql").split(",")
    results = []
    for vendor in which:
        url = postgres_url() if vendor == "postgresql" else None
        if vendor == "postgresql" and url is None:
            continue
        # Each database in its own process: Django is set up once per process.
        done = subprocess.run([sys.executable, __file__, "--one", url or ""], env={**os.environ})
        if done.returncode:
            raise SystemExit(f"the soak on {vendor} failed")
        results.append(json.loads((Path(tempfile.gettempdir()) / f"jaga-soak-{vendor}.json").read_text()))
    write_doc(results)
    log("figures written to docs/benchmarks.md")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        url = sys.argv[2] or None
        result = soak(url)
        print(json.dumps(result, indent=1, ensure_ascii=False))
        (Path(tempfile.gettempdir()) / f"jaga-soak-{result['database']}.json").write_text(json.dumps(result))
    else:
        main()
