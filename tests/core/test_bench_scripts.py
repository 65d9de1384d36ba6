"""Every benchmark in bench/ runs in CI in its quick mode (tiny sizes, no timing targets), so none
can rot again (issue 21: bench/certificates.py once crashed before its download part unnoticed).

Each script runs as a user runs it, in a subprocess, and must exit 0 and print its result table.
On the PostgreSQL pass the scripts that take a database run against a throw-away database of
their own beside the test database (they empty it first).
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
# script -> (extra arguments, a line its output must hold, whether it needs PostgreSQL)
QUICK_RUNS = {
    # Nothing lost, nothing given up (the certificate link it looks for once changed unnoticed:
    # 785 of 1000 dealers "gave up"), and a clean server and worker log.
    "exam_campaign.py": (("zero lost: met", "— met\n  clean server log", "outliving workers): 0 — met"), False),
    "certificates.py": ("download throughput ÷ static file", False),
    "quiz_attempts.py": ("autosave", False),
    "reports.py": ("dealer admin: activity", True),
    "scorm_commit.py": ("scorm commit targets", False),
}
# Benchmarks whose quick run is a test of their own domain, with assertions on what it found.
QUICK_RUN_ELSEWHERE = {"xapi_statements.py": "tests/xapi/test_xapi_bench.py",
                       "user_import.py": "tests/people/test_import_bench.py"}
# Imported by the benchmarks (seed_reports.py also seeds a database by hand).
SUPPORT_MODULES = {"campaign_checks.py", "campaign_load.py", "campaign_setup.py", "campaign_support.py", "seed_reports.py",
                   "targets.py"}


def bench_database() -> str | None:
    """A PostgreSQL database for the benchmarks, beside the test database; None on SQLite."""
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return None
    import psycopg
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    name = f"{parsed.database}_bench"
    plain = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def test_every_benchmark_has_a_quick_run():
    scripts = {path.name for path in BENCH.glob("*.py")} - SUPPORT_MODULES
    assert scripts == set(QUICK_RUNS) | set(QUICK_RUN_ELSEWHERE), "add the new benchmark's --quick run to QUICK_RUNS"
    for script, test in QUICK_RUN_ELSEWHERE.items():
        text = (BENCH.parent / test).read_text(encoding="utf-8")
        assert f"bench/{script}" in text or f'"bench" / "{script}"' in text, (script, test)


@pytest.mark.parametrize("script", sorted(QUICK_RUNS))
def test_benchmark_runs_in_quick_mode(script):
    marker, needs_postgresql = QUICK_RUNS[script]
    database = bench_database()
    if needs_postgresql and database is None:
        pytest.skip(f"{script} measures PostgreSQL only; the PostgreSQL pass of the suite runs it")
    env = {**os.environ}
    arguments = [sys.executable, script, "--quick"]
    if database:
        env["LMS_BENCH_DATABASE_URL"] = database
        if script == "exam_campaign.py":
            arguments += ["--database", database]
    result = subprocess.run(arguments, cwd=BENCH, env=env, capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    for expected in (marker,) if isinstance(marker, str) else marker:
        assert expected in result.stdout, output[-4000:]
    assert "Traceback" not in output, output[-4000:]
