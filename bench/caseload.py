"""`make bench` (caseload part): the homes, the intake queue and the task lists of a service unit with a
million cases, on PostgreSQL, against the same reads in raw SQL.

The unit's rows are written by SQL (`generate_series`), not by `jaga synth`: what is measured here is
how the pages read large tables, so the rows only need the shape real ones have (1,000,000 cases of one
unit, 30% closed; 50 caseworkers leading 90% of them, one of them the demo caseworker with about 19,000;
100,000 open cases nobody leads, in the intake queue; an open task for about 36% of the cases, a seventh
of them overdue; 1,000 assessments waiting for approval). Identity fields are empty: nothing here decrypts.

Writes its section of docs/benchmarks.md (between the caseload markers).
"""

from __future__ import annotations

import os
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("BENCH_CASELOAD_CASES", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
KEEP_DB = os.environ.get("BENCH_KEEP_DB") == "1"  # keep the seeded database for the next run (and for EXPLAIN)
sys.path.insert(0, str(ROOT / "bench"))

from run import _percentiles, machine  # noqa: E402

CASES_SQL = """
INSERT INTO cases_case (id, organisation_id, reference, year, number, registered_on, exploitation_date, source,
  modus, place_type, exploitation_regency_id, residence_regency_id, risk_level, status, closure_reason,
  assigned_to_id, created_by_id, created_at, updated_at, restricted_at, in_statistics,
  assessed_on, planned_on, served_on, closed_on)
SELECT gen_random_uuid(), %(org)s, 'B-' || n, 2024 + n %% 3, n, date '2024-01-01' + (n %% 1000), NULL, 'police',
  '', '', '31.71', NULL, (ARRAY['high', 'medium', 'low', ''])[1 + n %% 4],
  CASE WHEN n %% 10 < 3 THEN 'closed' WHEN n %% 10 < 6 THEN 'services' ELSE 'registered' END, '',
  CASE WHEN n %% 10 = 9 THEN NULL WHEN n %% 47 = 0 THEN %(demo)s ELSE (%(workers)s)[1 + n %% 49] END,
  %(demo)s, now(), now(), NULL, true, NULL, NULL, NULL, NULL
FROM generate_series(1, %(n)s) AS n
"""
CHILDREN_SQL = """
INSERT INTO cases_child (case_id, full_name, aliases, nik, nik_index, date_of_birth, address, phone, phone_index,
  guardian_name, guardian_relationship, age_at_registration, age_is_estimated, age_band, sex, disability,
  schooling, nationality, erased_at)
SELECT id, '', '', '', '', '', '', '', '', '', '', 14, false, '10-14', 'female', NULL, '', 'ID', NULL
FROM cases_case WHERE organisation_id = %(org)s
"""
TASKS_SQL = """
INSERT INTO cases_task (id, case_id, kind, title, owner_id, due_on, state, plan_action_id, created_by_id,
  created_at, closed_by_id, closed_at)
SELECT gen_random_uuid(), id, 'follow_up', '', assigned_to_id,
  CASE WHEN number %% 7 = 0 THEN current_date - 3 ELSE current_date + (number %% 30) END,
  'open', NULL, assigned_to_id, now(), NULL, NULL
FROM cases_case WHERE organisation_id = %(org)s AND assigned_to_id IS NOT NULL AND status <> 'closed'
  AND number %% 10 IN (4, 5, 7, 8)
"""
ASSESSMENTS_SQL = """
INSERT INTO cases_assessment (id, state, written_by_id, created_at, submitted_by_id, submitted_at, decided_by_id,
  decided_at, comment, case_id, safety, health, psychosocial, legal, education, family_economy, risk_rating,
  narrative)
SELECT gen_random_uuid(), 'submitted', assigned_to_id, now(), assigned_to_id, now(), NULL, NULL, '', id,
  'some', 'none', 'some', 'none', 'none', 'none', 'medium', ''
FROM cases_case WHERE organisation_id = %(org)s AND status = 'registered' AND assigned_to_id IS NOT NULL
ORDER BY number LIMIT 1000
"""
# The reads the pages make, written by hand: the baselines.
RAW = {
    "queue": [
        "SELECT c.id, c.reference, c.registered_on, c.risk_level, c.status, r.name, h.age_band, h.sex"
        " FROM cases_case c JOIN regions_region r ON r.code = c.exploitation_regency_id"
        " JOIN cases_child h ON h.case_id = c.id"
        " WHERE c.organisation_id = %(org)s AND c.assigned_to_id IS NULL AND c.status <> 'closed'"
        " ORDER BY c.urgency, c.registered_on, c.created_at LIMIT 200",
        "SELECT count(*) FROM (SELECT 1 FROM cases_case WHERE organisation_id = %(org)s"
        " AND assigned_to_id IS NULL AND status <> 'closed' LIMIT 1001) AS waiting",
    ],
    "caseworker_home": [
        "SELECT count(*) FROM (SELECT 1 FROM cases_case WHERE assigned_to_id = %(demo)s AND status <> 'closed'"
        " LIMIT 1001) AS mine",
        "SELECT count(*) FROM (SELECT 1 FROM cases_task WHERE owner_id = %(demo)s AND state = 'open'"
        " AND due_on < current_date LIMIT 1001) AS late",
        "SELECT count(*) FROM (SELECT 1 FROM cases_task WHERE owner_id = %(demo)s AND state = 'open'"
        " AND due_on BETWEEN current_date AND current_date + 7 LIMIT 1001) AS soon",
    ],
}


def seed(organisation: object, demo: object, workers: list[object]) -> None:
    from django.db import connection

    params = {"org": organisation, "demo": demo, "workers": workers, "n": CASES}
    with connection.cursor() as cursor:
        for label, sql in [
            ("cases", CASES_SQL),
            ("children", CHILDREN_SQL),
            ("tasks", TASKS_SQL),
            ("assessments", ASSESSMENTS_SQL),
        ]:
            start = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {label}: {cursor.rowcount:,} rows in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by the time anyone reads them


def timed(probe: object) -> tuple[float, float]:
    probe()  # type: ignore[operator]
    samples = []
    for _n in range(REPEAT):
        start = time.perf_counter()
        answer = probe()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
        assert answer is None or answer.status_code == 200, answer.status_code
    return _percentiles(samples)


def measure() -> dict[str, tuple[float, float]]:
    os.environ["DATABASE_URL"] = PG_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaga.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from jaga.accounts.models import Role, User, UserRole
    from jaga.synth.demo import demo_seed

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        demo_seed(password="bench-password-1", cases=0)
        caseworker = User.objects.get(email="caseworker.jakarta@jaga.example")
        supervisor = User.objects.get(email="supervisor.jakarta@jaga.example")
        unit = caseworker.organisation
        workers = []
        for n in range(49):
            user = User.objects.create_user(
                f"pekerja{n}@bench.example", None, full_name=f"Pekerja {n}", organisation=unit
            )
            UserRole.objects.create(user=user, role=Role.CASEWORKER)
            workers.append(user.pk)
        seed(unit.pk, caseworker.pk, workers)
        from jaga.accounts.services import api_token_issue

        worker_page, boss_page = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
        worker_page.force_login(caseworker)
        boss_page.force_login(supervisor)
        api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {api_token_issue(user=caseworker)}")
        probes = {
            "caseworker_home": lambda: worker_page.get("/"),
            "supervisor_home": lambda: boss_page.get("/"),
            "intake_queue": lambda: boss_page.get("/cases/queue/"),
            "tasks_page": lambda: worker_page.get("/cases/tasks/"),
            "tasks_api": lambda: api.get("/api/v1/tasks/"),
            "approvals": lambda: boss_page.get("/cases/approvals/"),
            "team_caseload": lambda: boss_page.get("/cases/caseload/"),
            "caseworker_list": lambda: worker_page.get("/cases/", {"mine": "on"}),
        }
        results = {name: timed(probe) for name, probe in probes.items()}
        params = {"org": unit.pk, "demo": caseworker.pk}

        def raw(statements: list[str]) -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        for name, statements in RAW.items():
            results[f"raw_{name}"] = timed(lambda statements=statements: raw(statements))
        return results
    finally:
        if not KEEP_DB:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


LABELS = {
    "caseworker_home": "caseworker's home (about 19,000 cases led, their tasks)",
    "supervisor_home": "supervisor's home (queue, approvals, team's overdue tasks, caseload per caseworker)",
    "intake_queue": "intake queue page (100,000 waiting; the 50 most urgent and oldest)",
    "tasks_page": "caseworker's task list",
    "tasks_api": "`GET /api/v1/tasks/`",
    "approvals": "what waits for the supervisor's approval (1,000; the oldest 50 shown)",
    "team_caseload": "team caseload page (50 caseworkers, their overdue tasks)",
    "caseworker_list": "caseworker's own cases (`/cases/?mine=on`)",
    "raw_queue": "baseline: the queue's first page and its capped count in raw SQL",
    "raw_caseworker_home": "baseline: the caseworker home's three counts in raw SQL",
}


def main() -> None:
    results = measure()
    pages = [name for name in LABELS if not name.startswith("raw_")]
    worst = max(results[name][1] for name in pages)
    queue_ratio = results["intake_queue"][0] / results["raw_queue"][0]
    home_ratio = results["caseworker_home"][0] / results["raw_caseworker_home"][0]
    lines = [
        "<!-- caseload:start -->",
        f"## Caseload pages with {CASES:,} cases in one unit (PostgreSQL)",
        "",
        f"{date.today().isoformat()}, {machine()}. `python bench/caseload.py` (part of `make bench`). Data: rows"
        " written by SQL in the shape of a large unit (see the script's docstring), not `jaga synth`; one"
        " user at a time, {REPEAT} requests each through Django's test client (the full page: middleware,"
        " templates, audit).".replace("{REPEAT}", str(REPEAT)),
        "",
        "| what | p50 | p95 |",
        "|---|---|---|",
        *[f"| {LABELS[name]} | {results[name][0]:.1f} ms | {results[name][1]:.1f} ms |" for name in LABELS],
        "",
        f"Target: p95 at most 100 ms: {'met' if worst <= 100 else 'not met'} (slowest page p95 {worst:.1f} ms).",
        f"Intake queue page vs its raw SQL (p50): {queue_ratio:.1f}x; caseworker's home vs its raw counts:"
        f" {home_ratio:.1f}x"
        " (the page also renders the whole home, every other app's items and the header).",
        "<!-- caseload:end -->",
    ]
    section = "\n".join(lines)
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    pattern = r"<!-- caseload:start -->.*<!-- caseload:end -->"
    text = (
        re.sub(pattern, lambda _m: section, text, flags=re.S)
        if re.search(pattern, text, re.S)
        else text + "\n" + section + "\n"
    )
    path.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
