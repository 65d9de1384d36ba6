"""The exam campaign's checks and report (bench/exam_campaign.py): statements per save, what each
request costs, the database afterwards (lost answers, certificates with their PDF), the server
log's findings, and the results file."""
from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

import campaign_support as cs
import targets

from campaign_setup import QUESTIONS, sso_token

HERE = Path(__file__).resolve().parent


def probe_queries_per_save(config: dict, plan: dict, secret: str) -> dict:
    """SQL statements one autosave (and one start) sends, counted in-process on the same database
    (on PostgreSQL at the driver: the autosave's own statement and the pool's pings too)."""
    from lms import create_app
    from lms.extensions import db
    from lms.testing import statements_sent

    app = create_app(dict(config))
    client = app.test_client()
    assert client.post("/sso/jwt", data={"token": sso_token(secret, -1)}).status_code == 302
    html = client.get(f"/quizzes/{plan['practice_quiz_id']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    with app.app_context():
        engine = db.engine
    try:
        with statements_sent(engine) as counted:
            timings, start, first, save = probe_requests(client, plan, token, counted)
    finally:
        with app.app_context():
            db.engine.dispose()
    words = lambda statements: [" ".join(s.split()[:2]) for s in statements if s.split()]  # noqa: E731
    return {**timings, "start": start, "autosave": len(save), "autosave_statements": words(save),
            "first_autosave_in_process": len(first), "first_autosave_statements": words(first)}


def probe_requests(client, plan: dict, token: str, counted: list) -> tuple[dict, int, list, list]:
    """A start and two autosaves, counted; then two whole attempts, for the finish's time."""
    response = client.post(f"/quizzes/{plan['practice_quiz_id']}/start", data={"csrf_token": token})
    start = len(counted)
    attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"])[1])
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    versions = cs.slot_versions(page)
    saves = []
    for position in (1, 2):  # the first save of an attempt in a process also reads its question versions
        counted.clear()
        response = client.post(f"/quizzes/attempts/{attempt_id}/autosave", json={
            "position": position, "version": versions[position], "fields": {f"s{position}": ["o0"]}},
            headers={"X-CSRFToken": token, "Accept": "application/json"})
        assert response.status_code == 200, response.get_data(as_text=True)
        saves.append(list(counted))
    first, save = saves
    timings = {}
    for quiz_id, right in ((plan["practice_quiz_id"], "o0"), (plan["exam_quiz_id"], plan["right"])):
        response = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
        attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"])[1])
        for position in range(1, QUESTIONS + 1):
            client.post(f"/quizzes/attempts/{attempt_id}/autosave", json={"position": position, "fields": {
                f"s{position}": [right]}}, headers={"X-CSRFToken": token, "Accept": "application/json"})
        started = time.perf_counter()
        assert client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token}).status_code == 303
        timings["finish_ms_" + ("practice" if quiz_id == plan["practice_quiz_id"] else "exam_with_certificate")] = \
            round((time.perf_counter() - started) * 1000, 1)
    return timings, start, first, save


def check_database(config: dict, plan: dict, users: int, loads: list, finished: set) -> dict:
    """Acknowledged answers stored with their values; exactly one graded exam attempt per dealer."""
    import sqlalchemy as sa

    from lms import create_app
    from lms.certificates.models import Certificate
    from lms.extensions import db
    from lms.quizzes.models import Answer, Attempt, AttemptSlot
    from lms.sso.models import SsoIdentity

    app = create_app(dict(config))
    result = {"acknowledged": 0, "lost": 0, "wrong_value": 0, "wrong_owner": 0, "lost_samples": []}
    with app.app_context():
        by_sub = dict(db.session.execute(sa.select(SsoIdentity.sub, SsoIdentity.user_id)
                                         .where(SsoIdentity.sub.like("bench-%"))).all())
        for load in loads:
            for n, record in load.acks.items():
                owner = db.session.scalar(sa.select(Attempt.user_id).where(Attempt.id == record["attempt"]))
                if owner != by_sub.get(f"bench-{n % 10_000}"):
                    result["wrong_owner"] += 1
                stored = dict(db.session.execute(
                    sa.select(AttemptSlot.position, Answer.response).join(Answer, Answer.slot_id == AttemptSlot.id)
                    .where(AttemptSlot.attempt_id == record["attempt"])).all())
                for position, choice in record["answers"].items():
                    result["acknowledged"] += 1
                    if position not in stored:
                        result["lost"] += 1
                        result["lost_samples"].append([n, record["attempt"], position])
                    elif stored[position] != {"choice": choice}:
                        result["wrong_value"] += 1
        user_ids = [by_sub[f"bench-{n}"] for n in range(users) if f"bench-{n}" in by_sub]
        graded = dict(db.session.execute(
            sa.select(Attempt.user_id, sa.func.count()).where(
                Attempt.quiz_id == plan["exam_quiz_id"], Attempt.state == "finished", Attempt.percent.is_not(None),
                Attempt.user_id.in_(user_ids)).group_by(Attempt.user_id)).all())
        still_open = db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(
            Attempt.quiz_id == plan["exam_quiz_id"], Attempt.state == "open", Attempt.user_id.in_(user_ids)))
        certificates = dict(db.session.execute(
            sa.select(Certificate.user_id, sa.func.count()).where(
                Certificate.course_id == plan["course_id"], Certificate.user_id.in_(user_ids),
                Certificate.pdf_sha256.is_not(None))
            .group_by(Certificate.user_id)).all())
        db.engine.dispose()
    result.update(
        dealers_signed_up=len(user_ids), missing_dealers=users - len(user_ids),
        users_with_one_graded_attempt=sum(1 for u in user_ids if graded.get(u) == 1),
        finished_without_one_graded_attempt=sum(1 for n in finished if graded.get(by_sub[f"bench-{n}"]) != 1),
        finished_acknowledged=len(finished),
        users_with_no_graded_attempt=sum(1 for u in user_ids if u not in graded),
        users_with_several_graded_attempts=sum(1 for u in user_ids if graded.get(u, 0) > 1),
        open_exam_attempts=still_open, users_with_certificate=len(certificates),
        users_with_several_certificates=sum(1 for c in certificates.values() if c > 1))
    # Zero lost: every acknowledged answer is stored with its value, every acknowledged finish left exactly
    # one graded attempt, and nobody has two. Dealers stopped earlier by an error are counted as errors.
    result["zero_lost"] = (result["lost"] == result["wrong_value"] == result["wrong_owner"] == 0
                           and result["finished_without_one_graded_attempt"] == 0
                           and result["users_with_several_graded_attempts"] == 0)
    return result


def log_findings(text: str, outlived: list[int] = ()) -> dict:
    """What went wrong on the server side: Python tracebacks, and the native trouble (GLib heap
    corruption, aborts, workers killed by a signal, workers outliving their master) they miss."""
    findings = {"tracebacks": text.count("Traceback (most recent call last)"),
                "database_is_locked": text.count("database is locked"),
                "worker_timeouts": text.count("WORKER TIMEOUT"), "lines": text.count("\n")}
    for name, pattern in targets.NATIVE_LOG_PATTERNS.items():
        findings[name] = len(re.findall(pattern, text))
    findings["workers_outliving_server"] = len(outlived)
    return findings


def log_problems(findings: dict) -> int:
    """Every finding that means trouble (all but the line count)."""
    return sum(count for name, count in findings.items() if name not in ("lines", "kept_at"))


def report(args, kind, out, settings, server, plan, probe, phases, app_log, check) -> None:
    load, kill, wall, rounds = phases["campaign"], phases["kill"], phases["wall"], phases["rounds"]
    cs.print_table(f"Campaign ({kind}, {args.users} dealers, ramp {args.ramp:g} s, think {args.think:g} s, "
                   f"wall {wall:.1f} s)", load.stats)
    requests = sum(len(s.samples) for s in load.stats.values())
    print(f"campaign throughput: {requests / wall:.1f} requests/s over {wall:.1f} s ({requests} requests)")
    table = dict(phases["prepared"].stats)
    per_round = []
    for number, (burst, base) in enumerate(rounds, 1):
        cap, hello = burst.stats.get("capacity_save"), base.stats.get("hello_post")
        table.update({f"capacity_save#{number}": cap, f"hello_post#{number}": hello} if cap and hello else {})
        cap, hello = (cap.summary() if cap else {}), (hello.summary() if hello else {})
        ratio = cap["per_s"] / hello["per_s"] if cap.get("per_s") and hello.get("per_s") else None
        per_round.append({"round": number, "saves_per_s": cap.get("per_s"), "save_p95_ms": cap.get("p95_ms"),
                          "bare_flask_per_s": hello.get("per_s"), "ratio": round(ratio, 3) if ratio else None})
    cs.print_table(f"Capacity ({len(phases['acknowledged'].acks)} dealers at once, no think time) and bare-Flask "
                   f"baseline, {len(rounds)} interleaved rounds", table)
    ratios = sorted(r["ratio"] for r in per_round if r["ratio"] is not None)
    ratio = statistics.median(ratios) if len(ratios) == len(rounds) and ratios else None
    for r in per_round:
        print(f"  round {r['round']}: {r['saves_per_s']} saves/s ÷ {r['bare_flask_per_s']} requests/s = "
              f"{r['ratio']}")
    print(f"answer-save capacity ÷ bare Flask, median of {len(rounds)} rounds: {ratio:.2f}" if ratio else "ratio: n/a")
    save = load.stats["save"].summary()
    print(f"SQL statements: {probe['autosave']} per autosave ({', '.join(probe['autosave_statements'])}; "
          f"the first in a process {probe['first_autosave_in_process']}), "
          f"{probe['start']} per start; one finish alone: {probe['finish_ms_practice']} ms without a certificate, "
          f"{probe['finish_ms_exam_with_certificate']} ms with one (recorded; lms worker renders its PDF)")
    loads = [load, phases["prepared"]] + [burst for burst, _ in rounds]
    ready = load.stats.get("cert_ready")
    if ready:
        summary = ready.summary()
        print(f"certificate PDF ready after the finish: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms "
              f"(rendered by `nice -n 10 lms worker`)")
    errors = sum(s.failures for each in loads for s in each.stats.values())
    retries = sum(s.retries for each in loads for s in each.stats.values())
    by_kind = {kind: sum(getattr(s, kind) for each in loads for s in each.stats.values())
               for kind in ("timeouts", "server_errors", "dropped", "errors")}
    error_samples = [sample for each in loads for sample in each.samples_of_errors]
    retry_reasons = {reason: sum(each.retry_reasons.get(reason, 0) for each in loads)
                     for reason in {r for each in loads for r in each.retry_reasons}}
    for sample in error_samples[:10]:
        print("  error:", sample)
    print(f"server log: {app_log}")
    print(f"failures: {by_kind['timeouts']} timeouts, {by_kind['server_errors']} 5xx, {by_kind['dropped']} dropped "
          f"connections (tries, retried or not), {by_kind['errors']} requests given up")
    if retry_reasons:
        print("retried because:", retry_reasons)
    if check["zero_lost"]:
        print(f"zero lost: {check['acknowledged']} acknowledged answers all stored with their values; "
              f"{check['users_with_one_graded_attempt']} dealers with exactly one graded attempt "
              f"({check['finished_acknowledged']} finishes acknowledged, none with two graded attempts)")
    else:
        print("LOST OR WRONG: " + ", ".join(f"{k}={v}" for k, v in check.items() if k != "lost_samples"))
    print(f"certificates with their signed PDF: {check['users_with_certificate']} of {args.users} dealers")
    goals = {
        "save_p95": {"value_ms": save["p95_ms"], "target_ms": targets.SAVE_P95_MS,
                     "met": save["p95_ms"] is not None and save["p95_ms"] < targets.SAVE_P95_MS},
        "save_throughput_vs_bare_flask": {"median_ratio": ratio, "rounds": per_round,
                                          "target": targets.SAVE_THROUGHPUT_VS_BARE_FLASK,
                                          "met": ratio is not None and ratio >= targets.SAVE_THROUGHPUT_VS_BARE_FLASK},
        "zero_failures": {"failures": errors, **by_kind, "retries": retries,
                          "met": errors == targets.ZERO_FAILURES,
                          "note": "a worker was killed on purpose" if args.kill_worker else None},
        "clean_server_log": {"problems": log_problems(app_log), "met": log_problems(app_log) == 0},
        "zero_lost": {"met": check["zero_lost"]},
    }
    print("\nTargets:")
    met = lambda name: "met" if goals[name]["met"] else "MISSED"  # noqa: E731
    print(f"  answer-save p95 < {targets.SAVE_P95_MS:g} ms at {args.users} dealers: {save['p95_ms']} ms — "
          f"{met('save_p95')}")
    print(f"  answer-save throughput ≥ {targets.SAVE_THROUGHPUT_VS_BARE_FLASK:g}× bare Flask: "
          f"{ratio or 0:.2f}× (median) — {met('save_throughput_vs_bare_flask')}")
    print(f"  zero failures: {errors} ({by_kind['timeouts']} timeouts, {by_kind['server_errors']} 5xx, "
          f"{by_kind['dropped']} dropped, {by_kind['errors']} given up; {retries} retries) — {met('zero_failures')}"
          f"{' (a worker was killed on purpose)' if args.kill_worker else ''}")
    print(f"  clean server log (tracebacks, native warnings, aborts, outliving workers): "
          f"{log_problems(app_log)} — {met('clean_server_log')}")
    print(f"  zero lost: {met('zero_lost')}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "exam_campaign", "database": kind, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": sys.argv[1:], "machine": cs.machine(), "gunicorn": {**settings, "command": " ".join(server.command[3:])},
        "load": {"users": args.users, "ramp_s": args.ramp, "think_s": args.think, "questions": QUESTIONS,
                 "kill_worker": args.kill_worker},
        "campaign": {"wall_s": round(wall, 2), "requests": requests, "requests_per_s": round(requests / wall, 1),
                     "steps": {k: v.summary() for k, v in load.stats.items()}},
        "capacity_start": {k: v.summary() for k, v in phases["prepared"].stats.items()},
        "capacity_rounds": [{"capacity": {k: v.summary() for k, v in burst.stats.items()},
                             "baseline": {k: v.summary() for k, v in base.stats.items()},
                             "cpu_ms_per_request": {"capacity_save": getattr(burst, "cpu_ms", None),
                                                    "hello_post": getattr(base, "cpu_ms", None)}}
                            for burst, base in rounds],
        "save_to_bare_flask_ratio": ratio, "ratio_per_round": per_round, "sql_statements": probe, "kill": kill,
        "server_log": app_log, "errors_sample": error_samples, "retry_reasons": retry_reasons, "check": check,
        "targets": goals,
    }, indent=2, ensure_ascii=False) + "\n")
    print(f"\nresults: {out.relative_to(HERE.parent) if out.is_relative_to(HERE.parent) else out}")
