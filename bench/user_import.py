"""Benchmark: a bulk import of dealers and users (issue 20) previews and applies within 30 s on SQLite.

Run: .venv/bin/python bench/user_import.py [--rows 10000] [--check]
It builds a fresh SQLite database (``lms init``'s migrations), writes a CSV of ``--rows`` people across
one dealer per 50 of them, then times the preview (read + plan), the apply (plan written and committed,
``lms_user_provisioned`` fired for each new person) and a second preview of the same file (which must
find nothing to change). ``--check`` exits 1 when preview + apply take 30 s or more.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMIT_SECONDS = 30.0


def people_csv(rows: int) -> bytes:
    lines = ["email,name,role,dealer_tax_id,dealer_name,tier,region,active"]
    for number in range(rows):
        dealer = number // 50
        role = "dealer_admin" if number % 50 == 0 else "learner"
        lines.append(f"person{number:06d}@bench.example,Person {number:06d},{role},{9000000000 + dealer},"
                     f"Dealer {dealer:04d},{('gold', 'silver', 'bronze')[dealer % 3]},Region {dealer % 40:02d},yes")
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(rows: int, database_url: str | None = None, instance_path: str | None = None) -> dict:
    """Time preview, apply and re-preview of ``rows`` people; returns the figures and counts."""
    from lms import create_app
    from lms.events import dispatch_committed_events
    from lms.extensions import db
    from lms.people.importer import apply_plan, plan_import, read_rows
    from lms.testing import init_database

    folder = Path(instance_path or tempfile.mkdtemp(prefix="lms-bench-import-"))
    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "TESTING": True})
    if database_url is None:
        init_database(app)
    data = people_csv(rows)
    with app.app_context():
        started = time.perf_counter()
        plan = plan_import(read_rows(data, "people.csv", max_rows=rows + 1))
        preview = time.perf_counter() - started
        assert plan.ok, plan.problems[:5]
        started = time.perf_counter()
        counts = apply_plan(plan)
        db.session.commit()
        written = time.perf_counter() - started
        dispatch_committed_events()  # lms_user_provisioned for each new person (other domains react)
        apply = time.perf_counter() - started
        started = time.perf_counter()
        again = plan_import(read_rows(data, "people.csv", max_rows=rows + 1)).counts()
        second = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return {"rows": rows, "preview_s": preview, "apply_s": apply, "written_s": written, "second_preview_s": second,
            "counts": counts, "second_counts": again}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--check", action="store_true", help=f"exit 1 when preview + apply take {LIMIT_SECONDS:g} s or more")
    args = parser.parse_args(argv)
    figures = run(args.rows)
    total = figures["preview_s"] + figures["apply_s"]
    print(f"user import of {figures['rows']} rows on SQLite: preview {figures['preview_s']:.2f} s, "
          f"apply {figures['apply_s']:.2f} s (written in {figures['written_s']:.2f} s, the rest is the "
          f"lms_user_provisioned hooks), total {total:.2f} s (limit {LIMIT_SECONDS:g} s); "
          f"second preview {figures['second_preview_s']:.2f} s: {figures['second_counts']}")
    return 1 if args.check and total >= LIMIT_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
