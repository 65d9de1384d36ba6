"""Realistic bulk data for the report benchmarks: dealers, staff, courses, progress, attempts, certificates.

Run on a database that ``lms init`` has prepared (bench/reports.py seeds its own):
  .venv/bin/python bench/seed_reports.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports \
    --dealers 2000 --users 50000 --courses 100 --attempts 1000000 --seed 1 --now 2026-01-15
Deterministic for a given ``--seed`` and ``--now``. Rows go in with batched multi-row inserts
(SQLAlchemy Core) and, on PostgreSQL, with COPY for the large tables, so a million quiz attempts
take minutes, not hours. Seeded certificates have no stored PDF (a placeholder hash and size 0).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from lms.auth.models import Dealer, Role, User  # noqa: E402
from lms.certificates.models import Certificate  # noqa: E402
from lms.courses.models import (Course, CourseCompletionRecord, CourseSection, CourseTarget, Lesson,  # noqa: E402
                                LessonProgress)
from lms.database import database_uri  # noqa: E402
from lms.quizzes.models import Attempt, Quiz  # noqa: E402
from lms.timeutil import utcnow  # noqa: E402

REGIONS = ("Москва", "Московская область", "Санкт-Петербург", "Краснодарский край", "Ростовская область",
           "Воронежская область", "Новосибирская область", "Свердловская область", "Татарстан", "Башкортостан",
           "Самарская область", "Омская область", "Алтайский край", "Ставропольский край", "Белгородская область",
           "Курская область", "Тульская область", "Пермский край", "Красноярский край", "Челябинская область")
TIERS = (("gold", 0.15), ("silver", 0.35), ("bronze", 0.5))
PRODUCT_LINES = ("Тракторы", "Комбайны", "Сеялки", "Опрыскиватели", "Погрузчики", "Запчасти", "Сервис", "Финансы")
FIRST = ("Иван", "Мария", "Алексей", "Ольга", "Дмитрий", "Анна", "Сергей", "Елена", "Павел", "Наталья",
         "Андрей", "Татьяна", "Михаил", "Юлия", "Николай", "Ирина")
LAST = ("Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
        "Новиков", "Федоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семенов")
SLUG_PREFIX = "seed-course-"
BATCH = 10_000
TARGETED_EVERY = 5  # every fifth course is aimed at a tier, a region and two dealers, not at everyone


class SeedError(Exception):
    """The database cannot take this data set (it already holds one)."""


class Writer:
    """Buffers rows per table and writes them in batches: COPY on PostgreSQL, multi-row INSERT elsewhere."""

    def __init__(self, connection, batch: int = BATCH):
        self.connection, self.batch, self.buffers, self.counts = connection, batch, {}, {}
        self.copy = connection.dialect.name == "postgresql"

    def add(self, table: sa.Table, columns: tuple, row: tuple) -> None:
        buffer = self.buffers.setdefault(table.name, (table, columns, []))[2]
        buffer.append(row)
        if len(buffer) >= self.batch:
            self.flush(table.name)

    def flush(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.buffers):
            table, columns, rows = self.buffers[key]
            if not rows:
                continue
            if self.copy:
                cursor = self.connection.connection.dbapi_connection.cursor()
                quoted = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                self.connection.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
            self.counts[key] = self.counts.get(key, 0) + len(rows)
            rows.clear()


def _next_id(connection, model) -> int:
    return (connection.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _insert(connection, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(model.__table__.insert(), rows[start:start + BATCH])


def seed(connection, *, dealers: int, users: int, courses: int, attempts: int, seed_value: int, now: datetime,
         log=lambda message: None) -> dict:
    """Insert the data set; returns the number of rows per table."""
    rnd = random.Random(seed_value)
    if connection.scalar(sa.select(Course.id).where(Course.slug.like(SLUG_PREFIX + "%")).limit(1)):
        raise SeedError("Seed data is already present (courses named seed-course-…).")
    writer = Writer(connection)
    dealer_base, user_base = _next_id(connection, Dealer), _next_id(connection, User)
    course_base, section_base = _next_id(connection, Course), _next_id(connection, CourseSection)
    lesson_base, quiz_base = _next_id(connection, Lesson), _next_id(connection, Quiz)
    tier_names, tier_weights = zip(*TIERS)

    dealer_rows = []
    for i in range(dealers):
        dealer_rows.append({"id": dealer_base + i, "name": f"Дилер {i + 1:05d} ({rnd.choice(LAST)} и партнёры)",
                            "tax_id": f"99{seed_value % 100:02d}{i:08d}", "tier": rnd.choices(tier_names, tier_weights)[0],
                            "region": rnd.choice(REGIONS), "active": rnd.random() > 0.02,
                            "created_at": now - timedelta(days=rnd.randint(400, 2000))})
    _insert(connection, Dealer, dealer_rows)
    dealer_names = {row["id"]: row["name"] for row in dealer_rows}
    log(f"dealers: {dealers}")

    user_rows = []
    for i in range(users):
        dealer_id = dealer_base + (i % dealers if i < dealers else rnd.randrange(dealers))
        seen = rnd.random()
        user_rows.append({
            "id": user_base + i, "email": f"seed{seed_value}-{i}@seed.example.com",
            "name": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", "password_hash": None, "dealer_id": dealer_id,
            "role": Role.DEALER_ADMIN if i < dealers else Role.LEARNER, "locale": None,
            "active": rnd.random() > 0.03, "created_at": now - timedelta(days=rnd.randint(30, 900)),
            "last_seen_at": (now - timedelta(minutes=rnd.randint(0, 60 * 24 * 120))) if seen < 0.8 else None})
    _insert(connection, User, user_rows)
    log(f"users: {users}")

    course_rows, section_rows, lesson_rows, quiz_rows, lessons_of = [], [], [], [], {}
    lesson_id = lesson_base
    for i in range(courses):
        course_id = course_base + i
        validity = rnd.choice((12, 12, 24, 36, None))
        title = f"Курс {i + 1:03d}: {rnd.choice(PRODUCT_LINES).lower()} — обучение"
        course_rows.append({"id": course_id, "slug": f"{SLUG_PREFIX}{i + 1:04d}", "title": title, "description": "",
                            "description_html": "", "language": "ru", "version": 1, "published": True,
                            "product_line": PRODUCT_LINES[i % len(PRODUCT_LINES)],
                            "certificate_validity_months": validity, "targets_all": True,
                            "created_at": now - timedelta(days=800), "updated_at": now - timedelta(days=800)})
        section_rows.append({"id": section_base + i, "course_id": course_id, "title": "", "position": 0})
        lessons_of[course_id] = []
        for position in range(rnd.randint(4, 10)):
            lesson_rows.append({"id": lesson_id, "course_id": course_id, "section_id": section_base + i,
                                "slug": f"lesson-{position + 1}", "title": f"Урок {position + 1}", "kind": "markdown",
                                "position": position, "required": True, "minutes": 15, "body": "", "body_html": "",
                                "attachments": []})
            lessons_of[course_id].append(lesson_id)
            lesson_id += 1
        quiz_rows.append({"id": quiz_base + i, "course_id": course_id, "title": f"Итоговый тест: {title}",
                          "published": True})
    # Targeting takes nothing from ``rnd``, so the rest of the data is the same as without it.
    # Learners' progress ignores it (as after a course is re-targeted): coverage then meets both
    # gaps and certificates outside a course's audience.
    target_rows = []
    for i, row in enumerate(course_rows):
        if i % TARGETED_EVERY == TARGETED_EVERY - 1:
            row["targets_all"] = False
            target_rows += [{"course_id": row["id"], "kind": kind, "value": value, "dealer_id": dealer_id}
                            for kind, value, dealer_id in (
                                ("tier", tier_names[i % len(tier_names)], None),
                                ("region", REGIONS[i % len(REGIONS)], None),
                                ("dealer", None, dealer_base + (i * 7) % dealers),
                                ("dealer", None, dealer_base + (i * 13 + 1) % dealers))]
    _insert(connection, Course, course_rows)
    _insert(connection, CourseTarget, target_rows)
    _insert(connection, CourseSection, section_rows)
    _insert(connection, Lesson, lesson_rows)
    _insert(connection, Quiz, quiz_rows)
    log(f"courses: {courses}, lessons: {len(lesson_rows)}")

    course_info = {row["id"]: row for row in course_rows}
    progress_cols = ("user_id", "lesson_id", "started_at", "completed_at")
    enrolments = []  # (user_row, course_id, finished_lessons_at) of learners who finished every lesson
    for user in user_rows:
        for course_id in rnd.sample(list(course_info), min(len(course_info), rnd.randint(0, 8))):
            at = now - timedelta(minutes=rnd.randint(60, 60 * 24 * 730))
            lessons = lessons_of[course_id]
            depth = len(lessons) if rnd.random() < 0.6 else rnd.randint(1, len(lessons))
            for index, lesson in enumerate(lessons[:depth]):
                done = index < depth - 1 or depth == len(lessons) or rnd.random() < 0.5
                finished = at + timedelta(minutes=rnd.randint(3, 45))
                writer.add(LessonProgress.__table__, progress_cols, (user["id"], lesson, at, finished if done else None))
                at = finished + timedelta(minutes=rnd.randint(1, 60 * 24 * 3))
            if depth == len(lessons):
                enrolments.append((user, course_id, at))
    writer.flush()
    log(f"lesson progress: {writer.counts.get('lesson_progress', 0)}")

    per_enrolment = [0] * len(enrolments)
    for _ in range(attempts if enrolments else 0):
        per_enrolment[rnd.randrange(len(enrolments))] += 1
    attempt_cols = ("quiz_id", "user_id", "number", "state", "seed", "started_at", "finished_at", "marks",
                    "max_marks", "percent", "passed", "needs_grading")
    completion_cols = ("user_id", "course_id", "course_version", "score_percent", "completed_at")
    certificate_cols = ("serial", "code", "user_id", "course_id", "course_version", "edition", "learner_name",
                        "dealer_id", "dealer_name", "course_title", "score_percent", "locale", "issued_at",
                        "expires_at", "revoked_at", "revoke_reason", "pdf_sha256", "pdf_size", "updated_at")
    serial = 0
    for (user, course_id, at), count in zip(enrolments, per_enrolment):
        quiz_id, passed_at, score = quiz_base + (course_id - course_base), None, None
        for number in range(1, count + 1):
            percent = round(min(100.0, max(0.0, rnd.gauss(68 + 4 * number, 15))), 2)
            finished = at + timedelta(minutes=rnd.randint(5, 40))
            passed = percent >= 70
            writer.add(Attempt.__table__, attempt_cols, (quiz_id, user["id"], number, "finished", "", at, finished,
                                                         round(percent / 10, 2), 10, percent, passed, False))
            if passed and passed_at is None:
                passed_at, score = finished, percent
            at = finished + timedelta(minutes=rnd.randint(10, 60 * 24 * 7))
        if passed_at is None:
            continue
        writer.add(CourseCompletionRecord.__table__, completion_cols, (user["id"], course_id, 1, score, passed_at))
        validity = course_info[course_id]["certificate_validity_months"]
        if validity is None:
            continue
        serial += 1
        revoked = passed_at + timedelta(days=rnd.randint(1, 90)) if rnd.random() < 0.01 else None
        writer.add(Certificate.__table__, certificate_cols, (
            f"S{seed_value % 1000:03d}-{serial:09d}", f"seed-{seed_value}-{serial:012d}", user["id"], course_id, 1,
            0, user["name"], user["dealer_id"], dealer_names[user["dealer_id"]], course_info[course_id]["title"],
            score, "ru", passed_at, passed_at + timedelta(days=30 * validity) if validity else None, revoked,
            "seed" if revoked else None, "0" * 64, 0, passed_at))
    writer.flush()
    if connection.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for model in (Dealer, User, Course, CourseSection, Lesson, Quiz):
            table = model.__table__
            sequence = sa.func.pg_get_serial_sequence(f'"{table.name}"', "id")
            connection.execute(sa.select(sa.func.setval(sequence, sa.select(sa.func.max(table.c.id)).scalar_subquery())))
        # Only the tables seeded here: a database-wide ANALYZE also records the empty tables of the
        # test database (pages of deleted rows, no autovacuum in CI) as holding no rows at all, and the
        # planner then nests loops over the xAPI statements the conformance suite posts later: queries
        # of 40 s, and the conformance test took 1,024 s instead of 46 s.
        seeded = [model.__table__.name for model in (Dealer, User, Course, CourseTarget, CourseSection, Lesson, Quiz)]
        names = ", ".join(f'"{name}"' for name in dict.fromkeys(seeded + list(writer.buffers)))
        connection.execute(sa.text(f"ANALYZE {names}"))
    counts = {"dealer": dealers, "user": users, "course": courses, "lesson": len(lesson_rows), **writer.counts}
    return counts



def _count(minimum: int):
    def parse(raw: str) -> int:
        value = int(raw)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def _date(raw: str) -> datetime:
    try:
        return datetime.strptime(raw, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date YYYY-MM-DD") from None


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("LMS_DATABASE_URL"),
                        help="SQLAlchemy URL of the database (default: $LMS_DATABASE_URL)")
    parser.add_argument("--dealers", type=_count(1), default=200)
    parser.add_argument("--users", type=_count(1), default=5000)
    parser.add_argument("--courses", type=_count(1), default=20)
    parser.add_argument("--attempts", type=_count(0), default=100_000)
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--now", type=_date, default=None,
                        help="anchor date YYYY-MM-DD (default: today); with --seed, fixes the data")
    args = parser.parse_args(argv)
    if not args.database:
        parser.error("--database is required (or set LMS_DATABASE_URL)")
    if args.users < args.dealers:
        parser.error("--users: need at least one user per dealer")
    return args


def main(argv=None) -> int:
    """Fill the database with generated dealers, staff, courses, progress, attempts and certificates."""
    args = parse_args(argv)
    anchor = args.now or utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    engine = sa.create_engine(database_uri({"DATABASE_URL": args.database}, "."))
    started = time.perf_counter()
    try:
        with engine.begin() as connection:
            counts = seed(connection, dealers=args.dealers, users=args.users, courses=args.courses,
                          attempts=args.attempts, seed_value=args.seed, now=anchor,
                          log=lambda message: print(f"  {message}", flush=True))
    except SeedError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    summary = ", ".join(f"{table} {count}" for table, count in counts.items())
    print(f"Seeded in {time.perf_counter() - started:.1f} s: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
