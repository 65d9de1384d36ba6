"""Exam-campaign load benchmark: N dealers sign in through SSO, take the same exam and fetch certificates.

Run: python bench/exam_campaign.py [--users 200] [--ramp 30] [--think 2] [--kill-worker] [--rounds 5]
     [--database postgresql://postgres@127.0.0.1:5432/bench_campaign] [--workers 4] [--threads 8]

Set-up (a temporary instance folder; SQLite there unless --database names PostgreSQL, whose public
schema is dropped first): ``upgrade heads``, the demo data, an HS256 SSO issuer file, and the demo
course «Безопасное хранение…» with its final quiz replaced by 20 single-choice questions (pass 70 %,
2 h limit, 3 attempts). Its lessons are made optional, so passing the quiz completes the course
and issues the certificate. A standalone 20-question practice quiz serves the capacity phase.

Phases, all against gunicorn (gthread) on 127.0.0.1, one asyncio client with a keep-alive
connection and a cookie jar per simulated dealer:
1. campaign: dealers start over --ramp seconds; each signs in (POST /sso/jwt), opens a lesson,
   starts the exam, opens the attempt page, saves 20 answers one request each (18 right, 2 wrong),
   finishes, then polls «Мои сертификаты» until the certificate is there and downloads the PDF.
   --think seconds (uniform ×0.5–1.5) pass between a dealer's requests: a fast test-taker;
   with --kill-worker one worker gets SIGKILL when half the answers are saved.
2. capacity: the same dealers, no think time, all at once: 20 saves each on the practice quiz
   (with --hot-pool the saves go to the hot pool, as nginx routes them; the pages to the page pool).
3. baseline: the settings of the pool that took the saves (workers, threads, nice) serving a bare
   Flask "hello" app, the same client and
   concurrency, 20 JSON POSTs each.
   Phases 2 and 3 alternate for --rounds rounds (default 5; the PDF worker is stopped first, since
   every certificate is there by then). Ratio = the median over the rounds of capacity saves/s ÷
   hello requests/s: one slow moment of the machine does not decide it.
Afterwards the database is checked: every acknowledged answer stored with its value, exactly one
graded exam attempt per dealer. Results go to bench/results/exam_campaign-<db>[-kill].json.
"""
from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import campaign_support as cs  # noqa: E402
from campaign_load import Load, UserFailed, csrf_of, form  # noqa: E402
from campaign_checks import check_database, log_findings, probe_queries_per_save, report  # noqa: E402
from campaign_setup import AUDIENCE, ISS, QUESTIONS, RIGHT_PER_USER, prepare_database, set_up, sso_token  # noqa: E402

HERE = Path(__file__).resolve().parent
PUBLIC_BASE_URL = "https://lms.bench.example/"


async def save_all(load: Load, client: cs.Client, n: int, attempt_id: int, token: str, versions: dict, choices,
                   step: str, think: bool) -> None:
    record = load.acks.setdefault(n, {"attempt": attempt_id, "answers": {}})
    for position in sorted(versions):
        if think:
            await load.pause()
        body = json.dumps({"position": position, "version": versions[position],
                           "fields": {f"s{position}": [choices[position]]}}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token}
        await load.op(step, client, lambda b=body: ("POST", f"/quizzes/attempts/{attempt_id}/autosave", b, headers),
                      lambda r, p=position: r.status == 200 and json.loads(r.body).get("position") == p)
        record["answers"][position] = choices[position]
        load.saved += 1


async def start_quiz(load: Load, client: cs.Client, quiz_id: int, token: str, prefix: str):
    body, headers = form({"csrf_token": token})
    response = await load.op(prefix + "start", client, lambda: ("POST", f"/quizzes/{quiz_id}/start", body, headers),
                             lambda r: r.status == 303 and "/attempts/" in (r.header("Location") or ""))
    attempt_id = int(re.search(r"/attempts/(\d+)", response.header("Location"))[1])
    if prefix == "":
        await load.pause()
    page = await load.op(prefix + "attempt_page", client, lambda: ("GET", f"/quizzes/attempts/{attempt_id}", b"", {}),
                         lambda r: r.status == 200 and 'data-position="' in r.text)
    # Each slot's question version, as quizzes.js sends it with every save (the one-statement save).
    return attempt_id, csrf_of(page), cs.slot_versions(page.text)


async def dealer(n: int, load: Load, plan: dict, secret: str, delay: float, clients: dict) -> None:
    """One dealer's campaign: SSO, lesson, start, 20 saves, finish, certificate."""
    await asyncio.sleep(delay)
    client = cs.Client(load.port, idle_limit=load.keep_alive)  # idle through the saves when a hot pool takes them
    try:
        await load.op("sso", client, lambda: ("POST", "/sso/jwt", *form(
            {"token": sso_token(secret, n), "next": plan["lesson_url"]})), lambda r: r.status == 302)
        await load.pause()
        lesson = await load.op("lesson", client, lambda: ("GET", plan["lesson_url"], b"", {}), lambda r: r.status == 200)
        await load.pause()
        attempt_id, token, versions = await start_quiz(load, client, plan["exam_quiz_id"], csrf_of(lesson), "")
        positions = sorted(versions)
        rng = random.Random(n)  # nosec B311 - which answers are wrong, reproducibly
        wrong_positions = set(rng.sample(positions, len(positions) - RIGHT_PER_USER))
        choices = {p: rng.choice(plan["wrong"]) if p in wrong_positions else plan["right"] for p in positions}
        saver = client
        if plan.get("hot_port"):  # the reverse proxy's route for the autosave: a pool of its own
            saver = cs.Client(plan["hot_port"], idle_limit=load.keep_alive)
            saver.cookies = client.cookies  # one browser, one cookie jar
        await save_all(load, saver, n, attempt_id, token, versions, choices, "save", think=True)
        if saver is not client:
            await saver.close()
        await load.pause()
        body, headers = form({"csrf_token": token})
        await load.op("finish", client, lambda: ("POST", f"/quizzes/attempts/{attempt_id}/finish", body, headers),
                      lambda r: r.status == 303)
        load.finished.add(n)
        finished_at = time.perf_counter()
        certificate = None
        for _ in range(40):  # bounded: about 20 s
            page = await load.op("cert_list", client, lambda: ("GET", "/certificates/", b"", {}), lambda r: r.status == 200)
            # The download route while the PDF is being made; once it is stored, the page links the
            # signed file itself, as the browser sees it.
            found = re.search(r'href="(/certificates/(?:\d+/download|file/[^"]+))"', page.text)
            if found:
                certificate = html.unescape(found[1])
                break
            await asyncio.sleep(0.5)
        if certificate is None:
            load.stats["cert_list"].errors += 1
            raise UserFailed(f"no certificate for dealer {n} after 40 polls")
        for _ in range(60):  # the worker renders the PDF; 202 until it is ready (bounded: about 3 min)
            pdf = await load.op("cert_download", client, lambda: ("GET", certificate, b"", {}),
                                lambda r: r.status == 202 or (r.status == 200 and r.body.startswith(b"%PDF")))
            if pdf.status == 200:
                load.stats.setdefault("cert_ready", cs.StepStats()).add(finished_at, time.perf_counter())
                break
            await asyncio.sleep(float(pdf.header("Retry-After") or 3))  # as the browser's page does
        else:
            load.stats["cert_download"].errors += 1
            raise UserFailed(f"no certificate PDF for dealer {n} after 60 polls")
        clients[n] = (client, token)
    except UserFailed:
        await client.close()


async def killer(load: Load, server: cs.Server, target: int, record: dict) -> None:
    """SIGKILL one gunicorn worker once half of the campaign's answers are acknowledged."""
    while load.saved < target:
        await asyncio.sleep(0.05)
    pid = random.choice(server.worker_pids())  # nosec B311
    os.kill(pid, signal.SIGKILL)
    record.update(pid=pid, after_saves=load.saved, at=time.strftime("%H:%M:%S"))
    print(f"  killed worker {pid} (kill -9) after {load.saved} acknowledged saves", flush=True)


async def campaign(server: cs.Server, plan: dict, args, secret: str) -> tuple[Load, dict, dict, float]:
    """The campaign phase; returns its load, the dealers who got their certificate (client and token), the kill
    record and the wall time."""
    load = Load(server.port, args.think, keep_alive=args.keep_alive)
    clients: dict[int, tuple] = {}
    kill: dict = {}
    started = time.perf_counter()
    tasks = [dealer(n, load, plan, secret, n * args.ramp / args.users, clients) for n in range(args.users)]
    if args.kill_worker:
        tasks.append(killer(load, server, args.users * QUESTIONS // 2, kill))
    await asyncio.gather(*tasks)
    return load, clients, kill, time.perf_counter() - started


async def capacity_rounds(port: int, hello_port: int, plan: dict, clients: dict, rounds: int,
                          servers: dict | None = None, save_port: int | None = None):
    """Capacity and baseline, interleaved: each round, the signed-in dealers all save 20 answers at once on the
    practice quiz (no think time), then as many fresh clients POST 20 times each to the bare Flask app.

    Interleaving and taking the median of the rounds' ratios keeps a slow moment of the machine (the
    baseline alone moved between 870 and 2050 requests/s from run to run) from deciding the ratio.
    The pages (start, attempt page) go to ``port``; the saves to ``save_port`` when a hot pool takes
    them, as the reverse proxy routes them (one browser, one cookie jar), else to ``port``.
    Returns the start-up load, [(capacity load, baseline load)] per round, and the acknowledged answers.
    """
    prepared, dealers, acks = Load(port, 0), {}, {}

    async def prepare(n, client, token):
        await client.close()  # a dealer who finished early idled past the keep-alive timeout: reconnect
        try:
            started = await start_quiz(prepared, client, plan["practice_quiz_id"], token, "practice_")
        except UserFailed:
            await client.close()
            return
        saver = client
        if save_port:
            await client.close()
            saver = cs.Client(save_port)
            saver.cookies = client.cookies
        dealers[n] = (saver, *started)

    await asyncio.gather(*(prepare(n, c, t) for n, (c, t) in clients.items()))
    results = []
    for number in range(1, rounds + 1):
        burst = Load(port, 0)
        burst.acks = acks  # later rounds overwrite the same slots: the last acknowledged value must be stored

        async def save(n, client, attempt_id, token, versions, burst=burst):
            try:
                await save_all(burst, client, 10_000 + n, attempt_id, token, versions,
                               {p: random.choice(["o0", "o1", "o2", "o3"]) for p in versions},  # nosec B311
                               "capacity_save", False)
            except UserFailed:
                pass

        before = cs.cpu_now(servers or {})
        await asyncio.gather(*(save(n, *dealer) for n, dealer in dealers.items()))
        middle = cs.cpu_now(servers or {})
        base = await baseline(hello_port, len(clients))
        after = cs.cpu_now(servers or {})
        saves, hellos = burst.stats["capacity_save"].summary(), base.stats["hello_post"].summary()
        # Where each request's CPU went (the two cores are shared by all of these), for the report.
        burst.cpu_ms = cs.cpu_per_request(before, middle, saves["n"])
        base.cpu_ms = cs.cpu_per_request(middle, after, hellos["n"])
        results.append((burst, base))
        print(f"  round {number}: {saves['per_s']} saves/s, bare Flask {hellos['per_s']} requests/s; CPU ms per "
              f"save {burst.cpu_ms}, per hello {base.cpu_ms}", flush=True)
    for client, *_ in dealers.values():
        await client.close()
    acknowledged = Load(port, 0)
    acknowledged.acks = acks
    return prepared, results, acknowledged


async def baseline(port: int, users: int) -> Load:
    load = Load(port, 0)
    go, counter = asyncio.Event(), [users]

    async def one(n):
        client = cs.Client(port)
        try:
            await load.op("hello_warmup", client, lambda: ("GET", "/healthz", b"", {}), lambda r: r.status == 200)
            counter[0] -= 1
            if counter[0] == 0:
                go.set()
            await asyncio.wait_for(go.wait(), 120)
            for position in range(1, QUESTIONS + 1):
                body = json.dumps({"position": position, "fields": {f"s{position}": ["o0"]}}).encode()
                await load.op("hello_post", client, lambda b=body: ("POST", "/hello", b, {"Content-Type": "application/json"}),
                              lambda r: r.status == 200)
        except UserFailed:
            pass
        finally:
            await client.close()

    await asyncio.gather(*(one(n) for n in range(users)))
    return load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=30.0, help="seconds over which the dealers start")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a dealer's requests")
    parser.add_argument("--database", help="postgresql://… (default: SQLite in the temporary instance folder)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep-alive", type=int, default=30)
    parser.add_argument("--hot-pool", type=int, default=0, metavar="WORKERS",
                        help="answer saves go to a second gunicorn of WORKERS workers, as docs/deploy/nginx-lms.conf "
                             "routes them; the page pool runs under nice --page-nice (default 5)")
    parser.add_argument("--page-nice", type=int, default=None)
    parser.add_argument("--hot-threads", type=int, default=16, help="threads of each hot-pool worker "
                        "(docs/deploy/lms-web-hot.service); the baseline uses them too when there is a hot pool")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one worker halfway through")
    parser.add_argument("--rounds", type=int, default=5, help="capacity and baseline rounds, interleaved")
    parser.add_argument("--out", help="results file (default bench/results/exam_campaign-<db>[-kill].json)")
    parser.add_argument("--quick", action="store_true",
                        help="a handful of dealers and one round, to check the script still runs (CI)")
    args = parser.parse_args()
    if args.quick:
        args.users, args.ramp, args.think, args.rounds = 4, 1.0, 0.05, 1
        args.workers, args.threads = 2, 2
        args.out = args.out or str(Path(tempfile.gettempdir()) / "exam_campaign-quick.json")
    kind = "postgresql" if args.database else "sqlite"
    out = Path(args.out or HERE / "results" / f"exam_campaign-{kind}{'-kill' if args.kill_worker else ''}.json")
    secret, sso_secret = secrets.token_urlsafe(48), secrets.token_urlsafe(32)
    page_nice = args.page_nice if args.page_nice is not None else (5 if args.hot_pool else 0)
    settings = {"workers": args.workers, "threads": args.threads, "worker_class": "gthread",
                "keep_alive": args.keep_alive, "hot_pool_workers": args.hot_pool, "page_nice": page_nice,
                "hot_pool_threads": args.hot_threads if args.hot_pool else None}
    with tempfile.TemporaryDirectory(prefix="exam-campaign-") as folder:
        url = prepare_database(args.database, folder)
        issuers = Path(folder) / "sso-issuers.toml"
        issuers.write_text(f'[[issuer]]\nname = "bench-portal"\niss = "{ISS}"\naudience = "{AUDIENCE}"\n'
                           f'algorithms = ["HS256"]\nsecret = "{sso_secret}"\n')
        instance = Path(folder) / "instance"
        # The recommended set-up (docs/configuration.md): certificate PDFs rendered by a niced ``lms worker``.
        config = {"SECRET_KEY": secret, "DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SSO_ISSUERS": str(issuers),
                  "CERTIFICATE_PDF_IN_WORKER": True, "PUBLIC_BASE_URL": PUBLIC_BASE_URL}
        print(f"Setting up ({kind}) in {folder} …", flush=True)
        plan = set_up(config)
        probe = probe_queries_per_save(config, plan, sso_secret)
        env = {"LMS_SECRET_KEY": secret, "LMS_DATABASE_URL": url, "LMS_INSTANCE_PATH": str(instance),
               "LMS_SSO_ISSUERS": str(issuers), "LMS_CERTIFICATE_PDF_IN_WORKER": "true",
               "LMS_PUBLIC_BASE_URL": PUBLIC_BASE_URL}
        worker = cs.start_worker(env, Path(folder) / "worker.log")
        server = cs.start_gunicorn("lms:create_app()", workers=args.workers, threads=args.threads, nice=page_nice,
                                   keepalive=args.keep_alive, env=env, log_path=Path(folder) / "gunicorn-app.log")
        hot = cs.start_gunicorn("lms:create_app()", workers=args.hot_pool, threads=args.hot_threads,
                                keepalive=args.keep_alive, env=env, log_path=Path(folder) / "gunicorn-hot.log"
                                ) if args.hot_pool else None
        plan["hot_port"] = hot.port if hot else None
        # The baseline runs as the pool the capacity saves go to (the hot pool when there is one, as
        # nginx routes them) does: its workers, threads and nice level.
        hello = cs.start_gunicorn("campaign_support:hello_app()", workers=args.hot_pool or args.workers,
                                  threads=args.hot_threads if args.hot_pool else args.threads,
                                  keepalive=args.keep_alive, nice=0 if args.hot_pool else page_nice, env={},
                                  log_path=Path(folder) / "gunicorn-hello.log", chdir=HERE)
        print(f"gunicorn {' '.join(server.command[3:])} (pid {server.process.pid})", flush=True)
        print(f"Campaign: {args.users} dealers over {args.ramp:g} s, think {args.think:g} s"
              f"{', killing a worker halfway' if args.kill_worker else ''} …", flush=True)
        try:
            phases = asyncio.run(all_phases(server, worker, hello, plan, args, sso_secret, hot))
        finally:
            for stopping in (server, hot, worker, hello):
                if stopping is not None:
                    stopping.stop()
        hot_log = "\n--- hot pool\n" + hot.log_text() if hot else ""
        app_log = log_findings(server.log_text() + hot_log + "\n" + worker.log_text(),
                               server.outlived + (hot.outlived if hot else []))
        kept = Path(tempfile.gettempdir()) / f"{out.stem}-gunicorn.log"
        kept.write_text(server.log_text() + hot_log + "\n--- lms worker\n" + worker.log_text())  # all counted
        app_log["kept_at"] = str(kept)
        load = phases["campaign"]
        check = check_database(config, plan, args.users, [load, phases["acknowledged"]], load.finished)
    report(args, kind, out, settings, server, plan, probe, phases, app_log, check)


async def all_phases(server: cs.Server, worker: cs.Worker, hello: cs.Server, plan: dict, args, secret: str,
                     hot: cs.Server | None = None) -> dict:
    """The campaign, then (the worker stopped: every PDF is there) the capacity and baseline rounds."""
    load, clients, kill, wall = await campaign(server, plan, args, secret)
    await asyncio.to_thread(worker.stop)
    print(f"Capacity and baseline: {args.rounds} rounds of {len(clients)} clients × {QUESTIONS} requests …", flush=True)
    saves = hot or server
    prepared, rounds, acknowledged = await capacity_rounds(server.port, hello.port, plan, clients, args.rounds,
                                                           {"portal": saves, "bare Flask": hello},
                                                           save_port=hot.port if hot else None)
    return {"campaign": load, "kill": kill, "wall": wall, "prepared": prepared, "rounds": rounds,
            "acknowledged": acknowledged}


if __name__ == "__main__":
    main()
