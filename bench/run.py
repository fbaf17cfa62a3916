"""`make bench`: what the audit chain costs, against plain SQL doing the same I/O.

Runs on a throw-away SQLite database, and on PostgreSQL when BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/postgres) answers. Writes docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "3000"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
HOTLINE_BURST = 1000  # rapid submissions from one address
HOTLINE_SUSTAINED = int(os.environ.get("BENCH_HOTLINE_REPORTS", "1000"))  # from distinct addresses
LIST_CASES = int(os.environ.get("BENCH_LIST_CASES", "1000000"))  # PostgreSQL only; 0 skips it
REPEAT = 30
KEEP_DB = os.environ.get("BENCH_KEEP_DB") == "1"  # PostgreSQL: keep the benchmark database for the next run
ROOT = Path(__file__).resolve().parent.parent


def measure(database_url: str) -> dict[str, float]:
    """One database: appends through record() vs raw INSERTs; verify() vs a raw SELECT of the same rows."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaga.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from jaga.audit.services import audit_verify, record

    sqlite = connection.vendor == "sqlite"
    if sqlite:  # a real file in WAL mode, as `make run` uses (a test database would be in memory)
        call_command("migrate", verbosity=0)
    else:
        # serialize=False: a test-style snapshot of a million rows would decrypt every one of them.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=KEEP_DB, serialize=False)
    try:
        actor = uuid.uuid4()
        start = time.perf_counter()
        for n in range(ROWS):
            with transaction.atomic():
                record("bench.event.happened", target_type="bench.thing", target_id=str(n), details={"n": n})
        chained = time.perf_counter() - start

        table = "bench_raw"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TABLE {table} (seq bigint, created_at varchar(40), action varchar(100), actor_id varchar(40),"
                " target_type varchar(60), target_id varchar(64), details text,"
                " prev_hash varchar(64), hash varchar(64))"
            )
        start = time.perf_counter()
        for n in range(ROWS):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        n,
                        datetime.now(UTC).isoformat(),
                        "bench.event.happened",
                        str(actor),
                        "bench.thing",
                        str(n),
                        json.dumps({"n": n}),
                        "0" * 64,
                        "0" * 64,
                    ],
                )
        raw_insert = time.perf_counter() - start

        start = time.perf_counter()
        result = audit_verify()
        verify = time.perf_counter() - start
        assert result.ok, result

        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM audit_auditevent ORDER BY seq")
            fetched = len(cursor.fetchall())
        raw_select = time.perf_counter() - start
        assert fetched == result.count
        results = {
            "chained": chained,
            "raw_insert": raw_insert,
            "verify": verify,
            "raw_select": raw_select,
            "verified_rows": result.count,
            **measure_import(),
            **measure_hotline(),
        }
        if not sqlite and LIST_CASES:
            results.update(measure_case_list())
            results.update(measure_statistics())
        return results
    finally:
        if not sqlite and not KEEP_DB:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def import_csv(rows: int, seed: int = 5) -> bytes:
    """A valid import file of synthetic children (the same column layout as the template)."""
    import csv
    import io
    import random
    from datetime import date, timedelta

    from jaga.cases.imports import COLUMN_NAMES
    from jaga.regions.models import Region
    from jaga.synth.cases import synthetic_nik

    rng = random.Random(seed)
    regencies = list(Region.objects.filter(level="regency").values_list("code", flat=True))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    for n in range(rows):
        registered = date(2024, 1, 1) + timedelta(days=rng.randint(0, 600))
        born = registered - timedelta(days=rng.randint(6 * 365, 17 * 365))
        female = rng.random() < 0.8
        regency = rng.choice(regencies)
        writer.writerow(
            {
                "registered_on": registered.isoformat(),
                "source": rng.choice(["police", "hotline", "ngo_outreach"]),
                "forms": rng.choice(["online", "prostitution", "trafficking;online"]),
                "regency_code": regency,
                "child_full_name": f"Anak Sintetis {n}",
                "child_nik": synthetic_nik(rng, regency, born, female),
                "child_date_of_birth": born.isoformat(),
                "child_sex": "female" if female else "male",
                "child_phone": f"08{rng.randint(10**9, 10**10 - 1)}",
                "consent_given_by": "guardian",
                "consent_sharing": "yes",
                "consent_statistics": "yes",
            }
        )
    return buffer.getvalue().encode()


def measure_import() -> dict[str, float]:
    """Check and import IMPORT_ROWS rows through the importer, against a raw bulk insert of the same rows."""
    import csv
    import io

    from django.db import connection, transaction

    from jaga.accounts.models import User
    from jaga.cases.imports import check_rows, read_table
    from jaga.cases.services import cases_bulk_register
    from jaga.synth.demo import demo_seed

    demo_seed(password="bench-password-123", cases=0)
    actor = User.objects.get(email="caseworker.jakarta@jaga.example")
    data = import_csv(IMPORT_ROWS)
    start = time.perf_counter()
    checked = check_rows(read_table(data))
    assert not checked.errors, checked.errors[:3]
    cases_bulk_register(actor=actor, inputs=checked.inputs)
    imported = time.perf_counter() - start

    rows = list(csv.reader(io.StringIO(data.decode())))
    header, body = rows[0], rows[1:]
    with connection.cursor() as cursor:
        columns = ", ".join(f"c{i} text" for i in range(len(header)))
        cursor.execute("DROP TABLE IF EXISTS bench_import")
        cursor.execute(f"CREATE TABLE bench_import ({columns})")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(header))
        cursor.executemany(f"INSERT INTO bench_import VALUES ({placeholders})", body)
    raw = time.perf_counter() - start
    return {"import": imported, "raw_bulk": raw}


def measure_hotline() -> dict[str, float]:
    """A burst from one address against the limit, then sustained intake from many addresses."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client, override_settings

    from jaga.hotline.models import Report

    url = "/api/v1/hotline/public-reports/"
    body = {
        "forms": ["online"],
        "regency_code": "51.71",
        "description": "Laporan uji beban: akun menawarkan anak lewat aplikasi pesan.",
        "urls": ["https://contoh.example/p/1?utm_source=wa"],
    }
    before = Report.objects.count()
    one = Client(HTTP_HOST="localhost", REMOTE_ADDR="203.0.113.1")
    codes = [one.post(url, body, content_type="application/json").status_code for _ in range(HOTLINE_BURST)]
    accepted = sum(1 for code in codes if 200 <= code < 300)
    stored = Report.objects.count() - before
    assert stored == accepted == settings.JAGA_HOTLINE_LIMIT_PER_ADDRESS, (stored, accepted)
    assert codes.count(429) == HOTLINE_BURST - accepted

    latencies = []
    with override_settings(JAGA_HOTLINE_LIMIT_TOTAL=10**9, JAGA_HOTLINE_ALERT_PER_HOUR=10**9):
        start = time.perf_counter()
        for n in range(HOTLINE_SUSTAINED):
            client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
            began = time.perf_counter()
            assert client.post(url, body, content_type="application/json").status_code == 201
            latencies.append(time.perf_counter() - began)
        sustained = time.perf_counter() - start
    assert Report.objects.count() - before == accepted + HOTLINE_SUSTAINED

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_report")
        cursor.execute("CREATE TABLE bench_report (code varchar(16), received varchar(40), body text, url text)")
    start = time.perf_counter()
    for n in range(HOTLINE_SUSTAINED):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_report VALUES (%s, %s, %s, %s)",
                [f"JG-{n:08d}", datetime.now(UTC).isoformat(), json.dumps(body), body["urls"][0]],
            )
    raw = time.perf_counter() - start
    p50, p95 = _percentiles(latencies)
    return {
        "hotline_burst_accepted": accepted,
        "hotline_burst_refused": codes.count(429),
        "hotline_stored": stored,
        "hotline_per_second": HOTLINE_SUSTAINED / sustained,
        "hotline_p50": p50,
        "hotline_p95": p95,
        "hotline_raw_per_second": HOTLINE_SUSTAINED / raw,
    }


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def measure_case_list() -> dict[str, float]:
    """LIST_CASES cases in one organisation; p50/p95 of what a caseworker opens, page and API."""
    from django.test import Client

    from jaga.accounts.models import User
    from jaga.cases.imports import check_rows, read_table
    from jaga.cases.models import Case
    from jaga.cases.services import cases_bulk_register

    actor = User.objects.get(email="caseworker.jakarta@jaga.example")
    made = Case.objects.filter(organisation=actor.organisation).count()
    seed = 100
    while made < LIST_CASES:
        chunk = min(20_000, LIST_CASES - made)
        checked = check_rows(read_table(import_csv(chunk, seed=seed)))
        cases_bulk_register(actor=actor, inputs=checked.inputs)
        made += chunk
        seed += 1
        print(f"  {made:,} cases", file=sys.stderr, flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The first child of the import benchmark (same seed), indexed under this run's keys.
    nik = check_rows(read_table(import_csv(1))).inputs[0].child.nik
    client = Client(HTTP_HOST="localhost")
    client.force_login(actor)
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {_token(actor)}")
    probes = {
        "list_page": lambda: client.get("/cases/"),
        "filtered_page": lambda: client.get("/cases/", {"status": "registered", "form": "trafficking", "region": "35"}),
        # The search form posts and is redirected to its results (the NIK never in a URL): both requests.
        "nik_page": lambda: client.post("/cases/", {"q": nik}, follow=True),
        "list_api": lambda: api.get("/api/v1/cases/"),
        "filtered_api": lambda: api.get(
            "/api/v1/cases/", {"status": "registered", "form": "trafficking", "region": "35"}
        ),
        "nik_api": lambda: api.post("/api/v1/cases/search/", {"q": nik}, content_type="application/json"),
        "raw_sql_first_page": lambda: _raw_first_page(actor.organisation_id),
    }
    results: dict[str, float] = {}
    for name, probe in probes.items():
        probe()  # warm
        samples = []
        for _n in range(REPEAT):
            start = time.perf_counter()
            response = probe()
            samples.append(time.perf_counter() - start)
            assert response is None or response.status_code == 200, (name, response.status_code)
        results[f"{name}_p50"], results[f"{name}_p95"] = _percentiles(samples)
    results["list_cases"] = made
    return results


def _timed(probe: object, repeat: int = REPEAT) -> tuple[float, float]:
    probe()  # type: ignore[operator]
    samples = []
    for _n in range(repeat):
        start = time.perf_counter()
        probe()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return _percentiles(samples)


# The national dashboard's tables as plain GROUP BY queries over the cases (one per table).
RAW_DASHBOARD = {
    "province": "SELECT r.parent_id, count(*) FROM cases_case c"
    " JOIN regions_region r ON r.code = c.exploitation_regency_id"
    " WHERE c.year = %(year)s AND c.in_statistics GROUP BY 1",
    "month": "SELECT extract(month FROM c.registered_on), count(*) FROM cases_case c"
    " WHERE c.year = %(year)s AND c.in_statistics GROUP BY 1",
    "sex_age": "SELECT h.sex, h.age_band, count(*) FROM cases_case c JOIN cases_child h ON h.case_id = c.id"
    " WHERE c.year = %(year)s AND c.in_statistics GROUP BY 1, 2",
    "form": "SELECT f.form, count(DISTINCT c.id) FROM cases_case c JOIN cases_caseform f ON f.case_id = c.id"
    " WHERE c.year = %(year)s AND c.in_statistics GROUP BY 1",
    "source": "SELECT c.source, count(*) FROM cases_case c WHERE c.year = %(year)s AND c.in_statistics GROUP BY 1",
    "place": "SELECT c.place_type, count(*) FROM cases_case c WHERE c.year = %(year)s AND c.in_statistics GROUP BY 1",
}
RAW_CROSSTAB = (
    "SELECT f.form, h.sex, h.age_band, count(DISTINCT c.id) FROM cases_case c"
    " JOIN cases_child h ON h.case_id = c.id JOIN cases_caseform f ON f.case_id = c.id"
    " WHERE c.in_statistics GROUP BY 1, 2, 3"
)


def measure_statistics() -> dict[str, float]:
    """The dashboards over LIST_CASES cases: Jaga (aggregates + suppression), raw GROUP BY, DuckDB."""
    import csv as csv_module

    import duckdb
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from jaga.stats.aggregates import dashboard, stats_refresh, years_available
    from jaga.stats.crosstab import crosstab
    from jaga.stats.models import GridCache

    start = time.perf_counter()
    stats_refresh()
    refresh = time.perf_counter() - start
    year = years_available()[0]
    cold = []
    for _n in range(5):
        cache.clear()
        GridCache.objects.all().delete()
        began = time.perf_counter()
        dashboard(year=year)
        cold.append(time.perf_counter() - began)
    client = Client(HTTP_HOST="localhost")
    results: dict[str, float] = {"stats_refresh_s": refresh, "stats_year": year}
    results["dash_cold_p50"], results["dash_cold_p95"] = _percentiles(cold)
    probes = {
        "dash_national": lambda: dashboard(year=year),
        "dash_province": lambda: dashboard(year=year, province="35"),
        "dash_page": lambda: client.get("/statistik/", {"year": year}),
        "dash_api": lambda: client.get("/api/v1/stats/dashboard/", {"year": year}),
        "crosstab3": lambda: crosstab(dims=["form", "sex", "age_band"]),
    }
    for name, probe in probes.items():
        results[f"{name}_p50"], results[f"{name}_p95"] = _timed(probe, repeat=10 if name == "crosstab3" else REPEAT)

    def raw_dashboard() -> None:
        with connection.cursor() as cursor:
            for sql in RAW_DASHBOARD.values():
                cursor.execute(sql, {"year": year})
                cursor.fetchall()

    def raw_crosstab() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_CROSSTAB)
            cursor.fetchall()

    results["raw_dash_p50"], results["raw_dash_p95"] = _timed(raw_dashboard, repeat=5)
    results["raw_crosstab_p50"], results["raw_crosstab_p95"] = _timed(raw_crosstab, repeat=5)

    # DuckDB: the same rows, copied out of PostgreSQL once, then the same GROUP BY queries.
    folder = Path(tempfile.mkdtemp())
    tables = {
        "cases_case": "SELECT id, year, registered_on, exploitation_regency_id, source, place_type, in_statistics"
        " FROM cases_case",
        "cases_child": "SELECT case_id, sex, age_band FROM cases_child",
        "cases_caseform": "SELECT case_id, form FROM cases_caseform",
        "regions_region": "SELECT code, parent_id FROM regions_region",
    }
    duck = duckdb.connect()
    with connection.cursor() as cursor:
        for name, sql in tables.items():
            path = folder / f"{name}.csv"
            with path.open("w", newline="") as handle:
                cursor.execute(sql)
                writer = csv_module.writer(handle)
                writer.writerow([c.name for c in cursor.description])
                while batch := cursor.fetchmany(50_000):
                    writer.writerows(batch)
            duck.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{path}')")

    def duck_dashboard() -> None:
        for sql in RAW_DASHBOARD.values():
            duck.execute(sql.replace("%(year)s", str(year))).fetchall()

    results["duck_dash_p50"], results["duck_dash_p95"] = _timed(duck_dashboard, repeat=10)
    results["duck_crosstab_p50"], results["duck_crosstab_p95"] = _timed(
        lambda: duck.execute(RAW_CROSSTAB).fetchall(), repeat=10
    )
    return results


def _token(actor: object) -> str:
    from jaga.accounts.services import api_token_issue

    return api_token_issue(user=actor)  # type: ignore[arg-type]


def _raw_first_page(organisation_id: object) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.reference, c.registered_on, c.status, r.name, ch.age_band, ch.sex FROM cases_case c"
            " JOIN regions_region r ON r.code = c.exploitation_regency_id JOIN cases_child ch ON ch.case_id = c.id"
            " WHERE c.organisation_id = %s ORDER BY c.registered_on DESC, c.number DESC LIMIT 25",
            [organisation_id],
        )
        cursor.fetchall()
        cursor.execute("SELECT count(*) FROM cases_case WHERE organisation_id = %s", [organisation_id])
        cursor.fetchone()


def child(database_url: str) -> dict[str, float]:
    """Each database in its own process: Django's settings are read once per process."""
    # A kept database needs the same development keys next time.
    data_dir = str(ROOT / "var" / "bench") if KEEP_DB else tempfile.mkdtemp()
    env = {**os.environ, "BENCH_CHILD": database_url, "JAGA_DATA_DIR": data_dir}
    out = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def main() -> None:
    if "BENCH_CHILD" in os.environ:
        print(json.dumps(measure(os.environ["BENCH_CHILD"])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        runs = {"SQLite (WAL)": child(f"sqlite:///{tmp}/bench.sqlite3")}
    pg_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        runs["PostgreSQL"] = child(pg_url)
    except subprocess.CalledProcessError as exc:
        print(f"PostgreSQL skipped: {exc.stderr.strip().splitlines()[-1] if exc.stderr else exc}")

    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, by `make bench` ({ROWS} rows).",
        "Each figure is one run; ratios compare Jaga's code with plain SQL doing the same I/O in the same run.",
        "",
        "## Audit log",
        "",
        "| database | `record()` per row, own transaction | raw INSERT per row, own transaction | ratio "
        "| `jaga audit verify` | raw SELECT of the same rows | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in runs.items():
        lines.append(
            f"| {name} | {r['chained'] / ROWS * 1e3:.3f} ms ({ROWS / r['chained']:,.0f}/s) "
            f"| {r['raw_insert'] / ROWS * 1e3:.3f} ms | {r['chained'] / r['raw_insert']:.1f}x "
            f"| {r['verify']:.3f} s ({r['verified_rows'] / r['verify']:,.0f} rows/s) | {r['raw_select']:.3f} s "
            f"| {r['verify'] / r['raw_select']:.1f}x |"
        )
    lines += [
        "",
        "## Import of historical cases",
        "",
        "| database | rows | check + import (validation, encryption, bulk insert, audit) | rows/s "
        "| raw bulk INSERT of the same rows | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in runs.items():
        lines.append(
            f"| {name} | {IMPORT_ROWS:,} | {r['import']:.1f} s | {IMPORT_ROWS / r['import']:,.0f} "
            f"| {r['raw_bulk']:.2f} s | {r['import'] / r['raw_bulk']:.0f}x |"
        )
    slowest = min(IMPORT_ROWS / r["import"] for r in runs.values())
    lines += [
        "",
        f"Target: at least 5,000 rows/s: {'met' if slowest >= 5000 else 'not met yet'}.",
        "",
        "`record()` reads the chain head, hashes the canonical row and inserts it under a lock (an advisory lock",
        "on PostgreSQL); the baseline inserts a row of the same size without either. `verify` re-hashes every",
        "row through the ORM; the baseline only fetches them.",
        "",
    ]
    lines += [
        "## Public hotline intake (`POST /api/v1/hotline/public-reports/`)",
        "",
        f"A burst of {HOTLINE_BURST:,} submissions from one address, then {HOTLINE_SUSTAINED:,} from distinct"
        " addresses one after another (validation, URL normalisation, encryption, rate-limit counters, audit).",
        "",
        "| database | burst: accepted / refused (429) / rows stored | sustained reports/s | p50 | p95 "
        "| raw INSERT per report, own transaction | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in runs.items():
        lines.append(
            f"| {name} | {r['hotline_burst_accepted']:.0f} / {r['hotline_burst_refused']:.0f} / "
            f"{r['hotline_stored']:.0f} | {r['hotline_per_second']:,.0f} | {r['hotline_p50']:.1f} ms "
            f"| {r['hotline_p95']:.1f} ms | {r['hotline_raw_per_second']:,.0f}/s "
            f"| {r['hotline_raw_per_second'] / r['hotline_per_second']:.0f}x |"
        )
    lines += [
        "",
        "Accepted equals the configured limit per address (`JAGA_HOTLINE_LIMIT_PER_ADDRESS`, default 10 per hour)",
        "and equals the rows stored: every 2xx answer is a report, every other answer is a 429.",
        "",
    ]
    pg = runs.get("PostgreSQL", {})
    if "list_page_p95" in pg:
        lines += [
            f"## Case list with {int(pg['list_cases']):,} cases in one organisation (PostgreSQL)",
            "",
            "| what a caseworker opens | p50 | p95 |",
            "|---|---|---|",
        ]
        for key, label in (
            ("list_page", "first page of the case list (page)"),
            ("filtered_page", "filtered page: status, form, province (page)"),
            ("nik_page", "NIK lookup through the blind index (page: the search posted, then its results)"),
            ("list_api", "first page of `GET /api/v1/cases/`"),
            ("filtered_api", "filtered page: status, form, province (API)"),
            ("nik_api", "NIK lookup through the blind index (`POST /api/v1/cases/search/`)"),
            ("raw_sql_first_page", "baseline: the first page and its count in raw SQL"),
        ):
            lines.append(f"| {label} | {pg[key + '_p50']:.1f} ms | {pg[key + '_p95']:.1f} ms |")
        ratio = pg["list_page_p50"] / pg["raw_sql_first_page_p50"]
        worst = max(
            pg[f"{key}_p95"]
            for key in ("list_page", "filtered_page", "nik_page", "list_api", "filtered_api", "nik_api")
        )
        verdict = "met" if worst <= 100 else "not met"
        lines += [
            "",
            f"Target: p95 at most 100 ms for one user: {verdict} (slowest p95 {worst:.1f} ms).",
            f"Page vs raw SQL (p50): {ratio:.1f}x; the baseline counts every case exactly, the page counts up to",
            "1,001 (`core/pagination.py`), which is why it is faster.",
            "",
        ]
    if "dash_national_p95" in pg:
        year = int(pg["stats_year"])
        lines += [
            f"## Statistics over the same {int(pg['list_cases']):,} cases (PostgreSQL; year {year})",
            "",
            f"`jaga stats refresh` (every aggregate from the cases): {pg['stats_refresh_s']:.1f} s, in the background.",
            "",
            "| what | p50 | p95 |",
            "|---|---|---|",
        ]
        for key, label in (
            ("dash_national", "national dashboard, server time (aggregates + suppressed tables, cached per refresh)"),
            ("dash_province", "a province dashboard, server time"),
            ("dash_page", "the public dashboard page, rendered with its charts and map"),
            ("dash_api", "`GET /api/v1/stats/dashboard/`"),
            ("dash_cold", "national dashboard after a refresh, first request (computes and suppresses every table)"),
            ("crosstab3", "three-way cross-tab (form x sex x age band), counted from the cases and suppressed"),
            ("raw_dash", "baseline: the dashboard's six GROUP BY queries in raw SQL on PostgreSQL"),
            ("raw_crosstab", "baseline: the three-way GROUP BY in raw SQL on PostgreSQL"),
            ("duck_dash", "baseline: the same six GROUP BY queries in DuckDB (in memory)"),
            ("duck_crosstab", "baseline: the three-way GROUP BY in DuckDB"),
        ):
            lines.append(f"| {label} | {pg[key + '_p50']:.1f} ms | {pg[key + '_p95']:.1f} ms |")
        lines += [
            "",
            f"Target: the national dashboard under 100 ms of server time: p95 {pg['dash_national_p95']:.1f} ms "
            f"({'met' if pg['dash_national_p95'] <= 100 else 'not met'}). DuckDB's scan of the same six questions "
            f"takes {pg['duck_dash_p50'] / pg['dash_national_p50']:.0f}x as long (p50), raw SQL on PostgreSQL "
            f"{pg['raw_dash_p50'] / pg['dash_national_p50']:.0f}x: the dashboard reads aggregates, not cases.",
            "",
        ]
    out = ROOT / "docs" / "benchmarks.md"
    # bench/linkage.py writes its own section; keep it.
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = previous[previous.index("<!-- linkage:start -->") :] if "<!-- linkage:start -->" in previous else ""
    out.write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
