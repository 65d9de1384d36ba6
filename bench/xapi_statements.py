"""Benchmark: the LRS's statement POST throughput beside a bare JSON POST route, and one agent's
statements about one activity among many stored statements.

Run: .venv/bin/python bench/xapi_statements.py [--database-url URL] [--posts 2000] [--stored 1000000]
     .venv/bin/python bench/xapi_statements.py --quick      (tiny sizes on SQLite; CI runs this)
The database's public schema is dropped first on PostgreSQL (use a scratch database). Both POST loops
go through the same Flask test client (the LRS once more in batches of 100), so the ratio shows the
LRS's own work (validation, the JSON column, its indexes, the commit) rather than the machine. The stored statements are bulk-seeded in SQL (on
PostgreSQL with generate_series), shaped exactly as the LRS stores them, then ANALYZEd; the query is the
real GET /xapi/statements?agent=…&activity=… with its median and worst time over repeated runs.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from flask import jsonify, request  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from lms import create_app  # noqa: E402
from lms.events import commit  # noqa: E402
from lms.extensions import csrf, db  # noqa: E402

AGENTS, ACTIVITIES = 10_000, 500
VERB = "http://adlnet.gov/expapi/verbs/experienced"


def build(url: str, instance: str):
    if url.startswith("postgresql"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret-key-long-enough", "DATABASE_URL": url,
                      "INSTANCE_PATH": instance, "SERVER_NAME": "lms.bench", "XAPI_PORTAL_STATEMENTS": False})

    @app.post("/bench-baseline")
    def baseline():
        return jsonify([str(uuid.uuid4()) for _ in [request.get_json()]])

    csrf.exempt(baseline)  # token-authenticated like the LRS: the same request, minus the LRS's work

    with app.app_context():
        upgrade(revision="heads")
    return app


def credentials(app) -> dict:
    from lms.api.tokens import create_token

    with app.app_context():
        _token, value = create_token(name="bench", integration="bench", scopes=["xapi:read", "xapi:write"])
        commit()
    basic = base64.b64encode(f"bench:{value}".encode()).decode()
    return {"Authorization": f"Basic {basic}", "X-Experience-API-Version": "1.0.3"}


def sample_statement(n: int) -> dict:
    return {"actor": {"objectType": "Agent", "name": f"Learner {n}", "mbox": f"mailto:post{n % 100}@example.com"},
            "verb": {"id": VERB, "display": {"en-US": "experienced"}},
            "object": {"objectType": "Activity", "id": f"http://bench.example/posted/{n % 20}",
                       "definition": {"name": {"en-US": f"Activity {n % 20}"}}},
            "result": {"completion": True, "score": {"scaled": 0.9}}, "context": {"registration": str(uuid.uuid4())}}


def post_rate(client, path: str, headers: dict, count: int, batch: int = 1) -> float:
    """Statements per second of ``count`` statements POSTed one by one (or ``batch`` per request)."""
    bodies = [sample_statement(n) for n in range(count)]
    if batch > 1:
        bodies = [bodies[i:i + batch] for i in range(0, count, batch)]
    started = time.perf_counter()
    for body in bodies:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
    return count / (time.perf_counter() - started)


SEED_POSTGRESQL = """
INSERT INTO xapi_statement (statement_id, actor_ifi, verb_id, activity_id, stored, voided, statement)
SELECT sid, 'mbox:mailto:learner' || (i % CAST(:agents AS int)) || '@example.com', CAST(:verb AS text),
       'http://bench.example/activities/' || (i % CAST(:activities AS int)), stored, false,
       jsonb_build_object(
         'id', sid,
         'actor', jsonb_build_object('objectType', 'Agent', 'mbox', 'mailto:learner' || (i % CAST(:agents AS int)) || '@example.com'),
         'verb', jsonb_build_object('id', CAST(:verb AS text), 'display', jsonb_build_object('en-US', 'experienced')),
         'object', jsonb_build_object('objectType', 'Activity', 'id', 'http://bench.example/activities/' || (i % CAST(:activities AS int))),
         'stored', to_char(stored, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'timestamp', to_char(stored, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'authority', jsonb_build_object('objectType', 'Agent', 'account',
                                         jsonb_build_object('homePage', 'http://lms.bench/', 'name', 'bench')),
         'version', '1.0.0')
FROM (SELECT i, gen_random_uuid()::text AS sid,
             (timestamp '2026-01-01' + i * interval '1 second') AS stored
      FROM generate_series(CAST(:start AS int), CAST(:stop AS int)) AS i) AS seeded
"""


def seed(app, count: int) -> float:
    """Bulk-insert ``count`` statements (and their link rows) as the LRS stores them; returns seconds."""
    started = time.perf_counter()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            chunk = 250_000
            for start in range(0, count, chunk):
                db.session.execute(sa.text(SEED_POSTGRESQL), {"agents": AGENTS, "activities": ACTIVITIES, "verb": VERB,
                                                             "start": start, "stop": min(count, start + chunk) - 1})
                db.session.commit()
        else:
            from lms.xapi.models import XapiStatement

            rows = []
            for i in range(count):
                sid, stamp = str(uuid.uuid4()), f"2026-01-01T00:00:{i % 60:02d}.000Z"
                actor, activity = f"mailto:learner{i % AGENTS}@example.com", f"http://bench.example/activities/{i % ACTIVITIES}"
                rows.append({"statement_id": sid, "actor_ifi": f"mbox:{actor}", "verb_id": VERB,
                             "activity_id": activity, "stored": datetime(2026, 1, 1), "voided": False,
                             "statement": {"id": sid, "actor": {"objectType": "Agent", "mbox": actor},
                                           "verb": {"id": VERB}, "object": {"objectType": "Activity", "id": activity},
                                           "stored": stamp, "timestamp": stamp, "version": "1.0.0"}})
            db.session.execute(sa.insert(XapiStatement), rows)
            db.session.commit()
        db.session.execute(sa.text(
            "INSERT INTO xapi_statement_link (stored_seq, kind, value) "
            "SELECT stored_seq, 'agent', actor_ifi FROM xapi_statement WHERE actor_ifi LIKE 'mbox:mailto:learner%' "
            "UNION ALL SELECT stored_seq, 'activity', activity_id FROM xapi_statement "
            "WHERE activity_id LIKE 'http://bench.example/activities/%'"))
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return time.perf_counter() - started


def query_times(client, headers: dict, repeats: int) -> tuple[list[float], int]:
    agent = json.dumps({"mbox": "mailto:learner1234@example.com"})
    url = "/xapi/statements?" + urlencode({"agent": agent, "activity": "http://bench.example/activities/234"})
    samples, found = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        found = len(response.json["statements"])
    return samples, found


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("LMS_BENCH_DATABASE_URL"))
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="tiny sizes on SQLite, for CI")
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.stored, args.repeats = 20, 2000, 3
    with tempfile.TemporaryDirectory() as instance:
        url = args.database_url if args.database_url and not args.quick else f"sqlite:///{instance}/bench.sqlite3"
        app = build(url, instance)
        client = app.test_client()
        headers = credentials(app)
        post_rate(client, "/xapi/statements", headers, min(20, args.posts))  # warm-up
        post_rate(client, "/bench-baseline", headers, min(20, args.posts))
        lrs_rate = post_rate(client, "/xapi/statements", headers, args.posts)
        baseline_rate = post_rate(client, "/bench-baseline", headers, args.posts)
        batch_rate = post_rate(client, "/xapi/statements", headers, args.posts, batch=100)
        seconds = seed(app, args.stored)
        samples, found = query_times(client, headers, args.repeats)
        result = {"database": url.split(":", 1)[0], "posts": args.posts,
                  "lrs_statements_per_second": round(lrs_rate, 1), "baseline_posts_per_second": round(baseline_rate, 1),
                  "lrs_statements_per_second_in_batches_of_100": round(batch_rate, 1),
                  "stored_statements": args.stored + 3 * args.posts + 40, "seed_seconds": round(seconds, 1),
                  "query_found": found, "query_median_ms": round(statistics.median(samples), 2),
                  "query_max_ms": round(max(samples), 2)}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
