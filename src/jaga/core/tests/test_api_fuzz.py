"""The API against its own OpenAPI schema, for every role: schemathesis with every check.

A real server (gunicorn, the embedded database with the synthetic demo) is fuzzed once per role
with that role's API token, and once without any. A run passes only when schemathesis finds no
failure: no server error, no status or response the schema does not document, no request the schema
forbids accepted, no request it allows refused (except where a rule cannot be written in JSON Schema:
``fuzz/schemathesis.toml`` lists those operations and why). The budget here is small; ``make fuzz``
runs the same with more examples and prints the figures that docs/security.md reports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from jaga.core.tests.servers import gunicorn
from jaga.core.tests.test_config_and_cli import jaga

CONFIG = Path(__file__).parent / "fuzz" / "schemathesis.toml"
PASSWORD = "fuzz-demo-password-1234"
ROLES = [
    "caseworker.jakarta", "supervisor.jakarta", "caseworker.bali", "supervisor.bali", "analyst", "researcher",
    "linkage", "hotline", "programme", "partner", "orgadmin", "admin",
]  # fmt: skip
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "3"))
# `make test` runs the random phase on a small budget; `make fuzz` adds the coverage phase (boundary
# values of every parameter, about 2,000 cases per role) and the stateful phase (chains of calls).
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing")
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="fuzzed once, in the SQLite pass: the server under test keeps its own embedded database",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("fuzz")
    env = {
        "JAGA_DEMO_PASSWORD": PASSWORD,
        # Limits that would end the run early: the fuzzer is one client sending thousands of requests.
        "JAGA_HOTLINE_LIMIT_PER_ADDRESS": "1000000",
        "JAGA_HOTLINE_LIMIT_TOTAL": "1000000",
        "JAGA_HOTLINE_STATUS_LIMIT": "1000000",
        "JAGA_LOCKOUT_FAILURES": "1000000",
        "JAGA_LOCKOUT_ADDRESS_FAILURES": "1000000",
    }
    for step in (("migrate", "--noinput"), ("regions", "load"), ("demo", "seed", "--cases", "40")):
        done = jaga(*step, env=env, data_dir=data_dir)
        assert done.returncode == 0, done.stderr
    with gunicorn(data_dir, env, ready_path="/api/schema/") as base:
        yield base


def token(base: str, login: str) -> str:
    body = json.dumps({"email": f"{login}@jaga.example", "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["token"])


def fuzz(base: str, headers: list[str]) -> tuple[subprocess.CompletedProcess[str], int]:
    command = [SCHEMATHESIS, "--config-file", str(CONFIG), "--no-color", "run", f"{base}/api/schema/", *headers]
    # Revoking the token would end the run's own credentials; its tests are in accounts/tests/test_api.py.
    command += ["--exclude-method", "DELETE", "--phases", PHASES, "--max-examples", str(MAX_EXAMPLES)]
    command += ["--seed", "20261202", "--generation-deterministic"]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
    )
    generated = re.search(r"(\d+) generated", result.stdout)
    return result, int(generated.group(1)) if generated else 0


@pytest.mark.parametrize("login", ["anonymous", *ROLES])
def test_the_api_keeps_to_its_schema_for_every_role(server: str, login: str) -> None:
    headers = [] if login == "anonymous" else ["-H", f"Authorization: Token {token(server, login)}"]
    result, requests = fuzz(server, headers)
    summary = "\n".join(result.stdout.splitlines()[-40:])
    print(f"fuzz {login}: {requests} test cases, exit {result.returncode}")
    assert result.returncode == 0, summary
    assert requests > 0, summary
