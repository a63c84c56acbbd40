"""Benchmark the daily deadline scan (deadlines.scan.scan_deadlines) on PostgreSQL.

    python bench/scan_deadlines.py [--milestones 100000] [--database-url postgres://…/bench_scan] [--fresh]

Builds a synthetic plan once (one document, one section, N/10 measures of 10 milestones each)
in a database of its own, then measures: a first scan that creates every status, a second scan
of the same day, a scan of the next day, queries per batch at two batch sizes, and the
"what is overdue today" query with its plan. The budget (the issue): 100,000 milestones in one
pass in well under a minute.
"""

import argparse
import math
import os
import random
import signal
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scan"
TITLE = "基准测试文件"
FIRST_DAY = date(2020, 6, 30)
NEXT_DAY = date(2020, 7, 1)
DUE_FROM, DUE_DAYS = date(2019, 1, 1), (date(2021, 12, 31) - date(2019, 1, 1)).days + 1
# Per measure, by position 1..10: mostly dated, some phase, one ongoing (no due date).
KINDS = ["dated"] * 7 + ["phase"] * 2 + ["ongoing"]
BUDGET_SECONDS = 60
STATEMENT_TIMEOUT = "120s"  # no single query may hang the run


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=100_000, help="a multiple of 10 (default 100000)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL only (default {DEFAULT_URL})")
    parser.add_argument("--fresh", action="store_true", help="delete the benchmark rows and build them again")
    parser.add_argument("--time-limit", type=int, default=900, help="stop after this many seconds (default 900)")
    args = parser.parse_args()
    # Measure.number is a smallint: at most 32767 measures of 10 milestones.
    if args.milestones <= 0 or args.milestones % 10 or args.milestones // 10 > 32767:
        parser.error("--milestones must be a positive multiple of 10, at most 327670")
    return args


def database_config(url: str) -> dict:
    """The Django settings of `url`; refuses anything but PostgreSQL and databases not named for benchmarks."""
    import environ

    try:
        config = environ.Env.db_url_config(url)
    except (ValueError, KeyError) as exc:
        sys.exit(f"Cannot read --database-url {url!r}: {exc}")
    if config.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit(f"This benchmark runs on PostgreSQL only; {url!r} is {config.get('ENGINE') or 'not a database URL'}.")
    # It runs migrate and writes N rows: never point it at a test database or at real data.
    if not str(config.get("NAME", "")).startswith("bench"):
        sys.exit(f"Use a database of its own whose name starts with 'bench' (e.g. bench_scan), not {config['NAME']!r}.")
    return config


def ensure_database(config: dict) -> None:
    """Create the database through the "postgres" maintenance database if it is missing."""
    import psycopg2
    from psycopg2 import sql

    params = {"dbname": "postgres", "user": config.get("USER") or None, "password": config.get("PASSWORD") or None}
    params |= {"host": config.get("HOST") or None, "port": config.get("PORT") or None, "connect_timeout": 10}
    try:
        conn = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    except psycopg2.OperationalError as exc:
        sys.exit(f"Cannot reach PostgreSQL at {config.get('HOST')}:{config.get('PORT')}: {exc}")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
                print(f"created database {config['NAME']}")
    finally:
        conn.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "reform.settings"
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log unless captured
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")


def benchmark_milestone_ids() -> tuple[str, list]:
    """SQL selecting the benchmark document's milestone ids, for raw deletes."""
    from measures.models import Measure, Milestone, PolicyDocument

    q = _quote
    return (
        f"SELECT m.id FROM {q(Milestone)} m JOIN {q(Measure)} x ON x.id = m.measure_id "
        f"JOIN {q(PolicyDocument)} d ON d.id = x.document_id WHERE d.title = %s",
        [TITLE],
    )


def _quote(model) -> str:
    from django.db import connection

    return connection.ops.quote_name(model._meta.db_table)


def clear_statuses() -> None:
    """Delete the statuses and events of the benchmark milestones (plain SQL: no signals, one query each)."""
    from django.db import connection

    from deadlines.models import MilestoneStatus, StatusEvent

    ids, params = benchmark_milestone_ids()
    with connection.cursor() as cursor:
        for model in (StatusEvent, MilestoneStatus):
            cursor.execute(f"DELETE FROM {_quote(model)} WHERE milestone_id IN ({ids})", params)


def delete_dataset() -> None:
    """Remove every benchmark row. Raw SQL: a queryset delete would load 100,000 audited milestones
    and write an audit entry for each."""
    from django.db import connection, transaction

    from measures.models import Measure, Milestone, PolicyDocument, Section

    docs = f"SELECT id FROM {_quote(PolicyDocument)} WHERE title = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        clear_statuses()
        measures = f"SELECT id FROM {_quote(Measure)} WHERE document_id IN ({docs})"
        cursor.execute(f"DELETE FROM {_quote(Milestone)} WHERE measure_id IN ({measures})", [TITLE])
        for model in (Measure, Section):
            cursor.execute(f"DELETE FROM {_quote(model)} WHERE document_id IN ({docs})", [TITLE])
        cursor.execute(f"DELETE FROM {_quote(PolicyDocument)} WHERE title = %s", [TITLE])


def prepare_dataset(n: int, fresh: bool) -> None:
    """Reuse the benchmark plan if it has exactly `n` milestones, else (or with --fresh) build it."""
    from measures.models import Milestone, PolicyDocument

    others = Milestone.objects.exclude(measure__document__title=TITLE).count()
    if others:
        sys.exit(
            f"The database holds {others} milestones besides the benchmark's; the scan covers them all. "
            "Use an empty database of its own."
        )
    existing = Milestone.objects.count()
    if existing == n and not fresh:
        print(f"dataset: reusing {n} milestones in {n // 10} measures")
        return
    if PolicyDocument.objects.filter(title=TITLE).exists():
        start = time.perf_counter()
        delete_dataset()
        print(f"dataset: deleted the previous {existing} milestones in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    build_dataset(n)
    print(f"dataset: built {n} milestones in {n // 10} measures in {time.perf_counter() - start:.1f} s")


def build_dataset(n: int) -> None:
    """Synthetic rows through bulk_create: benchmark data, not audited edits, so no auditlog entries."""
    from django.db import transaction

    from measures.models import Measure, Milestone, PolicyDocument, Section

    rng = random.Random(20200630)  # the same dataset on every build
    with transaction.atomic():
        (document,) = PolicyDocument.objects.bulk_create(
            [
                PolicyDocument(
                    title=TITLE,
                    source="bench/scan_deadlines.py",
                    full_text="基准测试用的合成数据,不是政策原文。",
                    source_sha256="0" * 64,
                )
            ]
        )
        (section,) = Section.objects.bulk_create(
            [Section(document=document, numeral="一", position=1, title="基准测试举措", part="measures")]
        )
        measures = Measure.objects.bulk_create(
            [
                Measure(
                    document=document,
                    section=section,
                    kind="measure",
                    number=number,
                    position=number,
                    title=f"基准举措 {number}",
                    body="基准测试用的合成举措。",
                    deadline_text="2019年至2021年",
                )
                for number in range(1, n // 10 + 1)
            ],
            batch_size=5000,
        )
        milestones = []
        for measure in measures:
            for position, kind in enumerate(KINDS, start=1):
                dated = kind in ("dated", "phase")
                milestones.append(
                    Milestone(
                        measure=measure,
                        position=position,
                        kind=kind,
                        due_date=DUE_FROM + timedelta(days=rng.randrange(DUE_DAYS)) if dated else None,
                        description=f"基准节点 {measure.number}-{position}",
                        source="deadline_line",
                        source_text="",
                    )
                )
        Milestone.objects.bulk_create(milestones, batch_size=5000)


def timed_scan(as_of: date, batch_size: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deadlines.scan import scan_deadlines

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        report = scan_deadlines(as_of, batch_size)
        elapsed = time.perf_counter() - start
    return report, elapsed, len(captured.captured_queries)


def transitions(report) -> str:
    return ", ".join(f"{state} {count}" for state, count in sorted(report.transitions.items())) or "none"


def measure_scans(n: int) -> None:
    from deadlines.scan import BATCH_SIZE

    clear_statuses()
    first, elapsed, first_queries = timed_scan(FIRST_DAY, BATCH_SIZE)
    print(
        f"1. first scan (all new) {FIRST_DAY}: {first.milestones} milestones in {elapsed:.1f} s, "
        f"{first_queries} queries, {first.events} events"
    )
    verdict = "within" if elapsed < BUDGET_SECONDS else "OVER"
    print(f"   budget: {verdict} {BUDGET_SECONDS} s for one pass ({first.milestones / elapsed:,.0f} milestones/s)")
    if first.obligations:
        print(f"   (the scan also covered {first.obligations} report obligations)")

    second, elapsed, queries = timed_scan(FIRST_DAY, BATCH_SIZE)
    print(
        f"2. second scan (no changes) {FIRST_DAY}: {second.milestones} milestones in {elapsed:.1f} s, "
        f"{queries} queries, {second.events} events"
    )

    following, elapsed, queries = timed_scan(NEXT_DAY, BATCH_SIZE)
    print(
        f"3. next-day scan {NEXT_DAY}: {following.milestones} milestones in {elapsed:.1f} s, "
        f"{queries} queries, {following.events} events ({transitions(following)})"
    )

    # The same work as scan 1 (every status new) in four times as many batches.
    small = BATCH_SIZE // 4
    clear_statuses()
    report, elapsed, small_queries = timed_scan(FIRST_DAY, small)
    measures = n // 10  # batches are of measures, 10 milestones each
    big_batches, small_batches = math.ceil(measures / BATCH_SIZE), math.ceil(measures / small)
    per_batch = (small_queries - first_queries) / (small_batches - big_batches)
    print(
        f"4. queries per batch (all new, {n} milestones): batch_size {BATCH_SIZE}: {big_batches} batches, "
        f"{first_queries} queries ({first_queries / big_batches:.2f}/batch); batch_size {small}: "
        f"{small_batches} batches, {small_queries} queries ({small_queries / small_batches:.2f}/batch, "
        f"{elapsed:.1f} s) → {per_batch:.2f} queries per extra batch, independent of rows"
    )

    # Bring the statuses to the next day again, as scan 3 left them, for the overdue query.
    report, elapsed, queries = timed_scan(NEXT_DAY, BATCH_SIZE)
    same = "same as scan 3" if report.transitions == following.transitions else "DIFFERS from scan 3"
    print(f"   (statuses moved on to {NEXT_DAY} again: {report.events} events, {same})")


def measure_overdue_query() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deadlines.models import MilestoneState, MilestoneStatus

    def overdue():
        return MilestoneStatus.objects.filter(state=MilestoneState.OVERDUE, due_date__lte=NEXT_DAY).count()

    def best_of(runs=5):
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            count = overdue()
            timings.append(time.perf_counter() - start)
        return count, min(timings) * 1000

    count, before_ms = best_of()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {_quote(MilestoneStatus)}")
    count, after_ms = best_of()
    print(
        f"5. overdue today ({NEXT_DAY}): {count} rows counted in {before_ms:.1f} ms right after the scans, "
        f"{after_ms:.1f} ms after VACUUM ANALYZE (best of 5)"
    )

    with CaptureQueriesContext(connection) as captured:
        overdue()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + captured.captured_queries[-1]["sql"])
        plan = [row[0] for row in cursor.fetchall()]
    uses_index = [line.strip() for line in plan if "open_milestone_status" in line]
    print(f"   EXPLAIN: {plan[0]}")
    print(f"   {uses_index[0] if uses_index else 'WARNING: the partial index open_milestone_status is NOT used'}")
    for line in plan[1:]:
        if "Heap Fetches" in line or "Execution Time" in line:
            print(f"   {line.strip()}")


def main() -> None:
    args = parse_args()
    config = database_config(args.database_url)

    def out_of_time(signum, frame):
        raise TimeoutError(f"the benchmark passed its time limit of {args.time_limit} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.time_limit)
    ensure_database(config)
    setup_django(args.database_url)
    print(f"database {config['NAME']} on {config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}")
    prepare_dataset(args.milestones, args.fresh)
    measure_scans(args.milestones)
    measure_overdue_query()
    signal.alarm(0)


if __name__ == "__main__":
    main()
