"""The production stack under load (`make prod-up`'s stack: nginx with TLS, gunicorn, the worker,
PostgreSQL): concurrent clients over HTTPS send public hotline reports and read the case list through
the API, for PROD_LOAD_SECONDS (60) with PROD_LOAD_CLIENTS (16) clients; every report answered 201 must
be in the database afterwards (0 lost). Writes its section of docs/benchmarks.md.

Data: PROD_LOAD_CASES (20,000) synthetic cases (jaga/factories.py's `case_input`) registered in one unit
before the run; the reports are written by this script. The hotline's hourly limits are raised for the
run (all clients come from 127.0.0.1 through the proxy).
"""

# ruff: noqa: E501 (the seed is a script for `jaga shell`, kept whole)
from __future__ import annotations

import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import machine  # noqa: E402

SECONDS = int(os.environ.get("PROD_LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("PROD_LOAD_CLIENTS", "16"))
CASES = int(os.environ.get("PROD_LOAD_CASES", "20000"))
BASE = ROOT / "var" / "prod-bench"
PORT, APP_PORT = 8543, 8702
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("JAGA_", "PROD_", "DATABASE_URL"))},
    "PROD_DIR": str(BASE),
    "PROD_PORT": str(PORT),
    "PROD_APP_PORT": str(APP_PORT),
    "PROD_DATABASE": "jaga_prod_bench",
    "PROD_JAGA_HOTLINE_LIMIT_PER_ADDRESS": "10000000",
    "PROD_JAGA_HOTLINE_LIMIT_TOTAL": "10000000",
    "PROD_JAGA_WEB_WORKERS": "3",
}
SEED = f"""
from jaga.accounts.models import Organisation, Role, User, UserRole
from jaga.accounts.services import api_token_issue
from jaga.cases.services import cases_bulk_register
from jaga.factories import case_input
unit, _ = Organisation.objects.get_or_create(name="UPTD PPA Beban (bench)", defaults={{"type": "regional_service_unit", "jurisdiction_id": "31"}})
user = User.objects.filter(email="beban@bench.example").first()
if user is None:
    user = User.objects.create_user("beban@bench.example", "Tiga-kucing-hitam-7", full_name="Supervisor Beban", organisation=unit)
    UserRole.objects.create(user=user, role=Role.SUPERVISOR)
    for start in range(0, {CASES}, 2000):
        cases_bulk_register(actor=user, inputs=[case_input(child={{"nik": ""}}) for _ in range(min(2000, {CASES} - start))])
print("TOKEN", api_token_issue(user=user))
"""
COUNT = "from jaga.hotline.models import Report; print('REPORTS', Report.objects.count())"


def prod(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "deploy" / "prod.py"), *args], env=ENV, check=True, cwd=ROOT)


def jaga_shell(code: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("JAGA_", "DATABASE_URL"))},
           **dict(line.split("=", 1) for line in (BASE / "jaga.env").read_text().splitlines() if "=" in line)}  # fmt: skip
    result = subprocess.run([str(Path(sys.executable).parent / "jaga"), "shell", "-c", code], env=env, check=True,
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    return result.stdout


def main() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS jaga_prod_bench WITH (FORCE)")
    prod("up")
    try:
        token = re.search(r"TOKEN (\S+)", jaga_shell(SEED)).group(1)  # type: ignore[union-attr]
        before = int(re.search(r"REPORTS (\d+)", jaga_shell(COUNT)).group(1))  # type: ignore[union-attr]
        context = ssl.create_default_context(cafile=str(BASE / "tls" / "ca.pem"))
        url = f"https://localhost:{PORT}"
        body = json.dumps({"forms": ["other"], "regency_code": "51.71",
                           "description": "Laporan beban (bench): anak ditawarkan di sebuah penginapan."}).encode()  # fmt: skip

        direct = f"http://127.0.0.1:{APP_PORT}"  # the baseline: gunicorn itself, without nginx and TLS
        behind = {"X-Forwarded-Proto": "https", "Host": f"localhost:{PORT}"}

        def call(kind: str, base: str) -> tuple[str, float, int]:
            extra = behind if base == direct else {}
            if kind == "report":
                request = urllib.request.Request(f"{base}/api/v1/hotline/public-reports/", data=body,
                                                 headers={"Content-Type": "application/json", **extra})  # fmt: skip
            else:
                request = urllib.request.Request(f"{base}/api/v1/cases/?page=1",
                                                 headers={"Authorization": f"Token {token}", **extra})  # fmt: skip
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, context=context if base == url else None, timeout=60) as answer:
                    answer.read()
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            return kind, (time.perf_counter() - started) * 1000, status

        def load(base: str) -> list[tuple[str, float, int]]:
            deadline = time.monotonic() + SECONDS

            def client(n: int) -> list[tuple[str, float, int]]:
                done, i = [], 0
                while time.monotonic() < deadline:
                    done.append(call("report" if (n + i) % 2 == 0 else "list", base))
                    i += 1
                return done

            with ThreadPoolExecutor(CLIENTS) as pool:
                return [r for batch in pool.map(client, range(CLIENTS)) for r in batch]

        results = load(url)
        after = int(re.search(r"REPORTS (\d+)", jaga_shell(COUNT)).group(1))  # type: ignore[union-attr]
        baseline = load(direct)
    finally:
        prod("down")
    lines = [
        "<!-- prod-load:start -->",
        "## The production stack under load (`bench/prod_load.py`)",
        "",
        f"{date.today().isoformat()}, {machine()}. The stack of `make prod-up` (nginx 1.22 with TLS, gunicorn"
        f" with 3 workers, the worker, PostgreSQL 15, all on this machine); {CLIENTS} concurrent clients over"
        f" HTTPS for {SECONDS} s, half sending public hotline reports, half reading the first page of the"
        f" case list through the API as a supervisor of a unit with {CASES:,} synthetic cases (`case_input` of"
        " jaga/factories.py, one invented child each, through `cases_bulk_register`). Latency is the client's, TLS included."
        " Baseline in the same run: the same load sent to gunicorn directly (no nginx, no TLS) right after.",
        "",
        "| what | requests | answered 2xx | p50 | p95 | per second | baseline p50: gunicorn direct (stack / direct) |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, label in (("report", "hotline report (`POST /api/v1/hotline/public-reports/`)"),
                        ("list", "case list (`GET /api/v1/cases/`)")):  # fmt: skip
        times = sorted(ms for k, ms, _s in results if k == kind)
        good = sum(1 for k, _ms, s in results if k == kind and 200 <= s < 300)
        p95 = times[int(len(times) * 0.95) - 1] if times else 0
        direct_times = sorted(ms for k, ms, _s in baseline if k == kind)
        ratio = statistics.median(times) / statistics.median(direct_times) if direct_times else float("nan")
        lines.append(f"| {label} | {len(times):,} | {good:,} | {statistics.median(times):.0f} ms | {p95:.0f} ms |"
                     f" {len(times) / SECONDS:.1f} | {statistics.median(direct_times):.0f} ms ({ratio:.2f}x) |")  # fmt: skip
    accepted = sum(1 for k, _ms, s in results if k == "report" and s == 201)
    lost = accepted - (after - before)
    lines += ["", f"Reports answered 201: {accepted:,}; reports stored: {after - before:,}; lost: {lost}.",
              "<!-- prod-load:end -->"]  # fmt: skip
    section = "\n".join(lines)
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    pattern = r"<!-- prod-load:start -->.*<!-- prod-load:end -->"
    text = (re.sub(pattern, lambda _m: section, text, flags=re.S) if re.search(pattern, text, re.S)
            else text.rstrip("\n") + "\n\n" + section + "\n")  # fmt: skip
    path.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
