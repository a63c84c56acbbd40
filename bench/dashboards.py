"""Benchmark the dashboard pages on a province-scale dataset (demo.scale) on PostgreSQL.

    python bench/dashboards.py [--database-url postgres://…/bench_scale] [--as-of 2022-06-15] [--runs 5]

Uses a database of its own (its name must start with `bench`): creates it if missing, runs
`migrate`, and fills it with `manage.py generate_scale_data` when it holds no document. Then,
logged in through Django's test client as an office reviewer (or `--user superuser`), renders
each dashboard page for `?as_of=` (a day in the dataset's third year) and prints the SQL query
count and the median time of `--runs` renders, with the slowest query of each page; a trivial
page (the login form, anonymous) for comparison. The dashboards show one document, the
latest (dashboards.state.board): the figures are for it, inside the whole dataset.
"""

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_deadlines import database_config, ensure_database  # noqa: E402  (a sibling script, same conventions)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scale"
DEFAULT_AS_OF = "2022-06-15"  # the dataset runs 2020–2024 (demo.scale.FIRST_YEAR): a day in year 3
STATEMENT_TIMEOUT = "120s"  # no single query may hang the run; applies to every connection
PAGES = [
    "/dashboard/",
    "/dashboard/measures/",
    "/dashboard/milestones/",
    "/dashboard/reports/",
    "/dashboard/targets/",
    "/dashboard/map/",  # this one and the ranking are measured only where the project has them
    "/dashboard/ranking/",
    "/review/",
]
TRIVIAL = "/accounts/login/"  # anonymous: the login form, no ledger query
BENCH_USERS = {"office": "bench_office", "superuser": "bench_admin"}


def add_common_arguments(parser) -> None:
    """Arguments shared with bench/load.py: where the dataset lives and how to build it."""
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL only (default {DEFAULT_URL})")
    parser.add_argument("--as-of", default=DEFAULT_AS_OF, help=f"the day the dashboards show (default {DEFAULT_AS_OF})")
    parser.add_argument("--user", choices=sorted(BENCH_USERS), default="office", help="who is logged in")
    group = parser.add_argument_group("dataset, when the database is empty (manage.py generate_scale_data)")
    for name, default in (("documents", 100), ("measures", 30), ("units", 300), ("years", 5)):
        group.add_argument(f"--{name}", type=int, default=default, help=f"(default {default})")


def url_with_timeout(url: str) -> str:
    """The database URL with a statement timeout every connection sets, gunicorn's workers included."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-c statement_timeout={STATEMENT_TIMEOUT}')}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url_with_timeout(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "reform.settings"
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log unless captured
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def prepare(args) -> None:
    """Check and create the database, set Django up, and generate the dataset if it is empty."""
    config = database_config(args.database_url)
    ensure_database(config)
    setup_django(args.database_url)
    print(f"database {config['NAME']} on {config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}")

    from django.core.management import call_command

    from measures.models import PolicyDocument

    if not PolicyDocument.objects.exists():
        print("the database is empty: generating the dataset (manage.py generate_scale_data) …")
        started = time.perf_counter()
        call_command(
            "generate_scale_data",
            documents=args.documents,
            measures=args.measures,
            units=args.units,
            years=args.years,
        )
        print(f"dataset generated in {time.perf_counter() - started:.1f} s")
    if getattr(args, "analyze", False) or never_analyzed():
        analyze()


def never_analyzed() -> list[str]:
    """Tables holding rows that neither ANALYZE nor autovacuum has looked at yet."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE n_live_tup > 0 "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them after a while, and the table
    bloat left by the scan's first pass (it rewrites every obligation once) cleaned up."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # VACUUM of the whole database may take a while
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")


def describe_dataset() -> None:
    from demo.scale import count_rows, ledger_rows

    counts = count_rows()
    print(
        f"dataset: {counts['documents']} documents, {counts['measures']} measures, {counts['units']} units, "
        f"{counts['periods']} periods; {counts['reports']} reports ({counts['resubmitted']} resubmitted), "
        f"{counts['reviews']} reviews, {counts['actuals']} target values, {counts['claims']} claims, "
        f"{counts['obligations']} obligations = {ledger_rows(counts):,} ledger rows"
    )


def bench_user(kind: str):
    """A logged-in reader: an office reviewer (the dashboards' everyday user) or a superuser."""
    from accounts.models import User
    from accounts.roles import OFFICE_REVIEWER
    from accounts.services import ensure_role_groups

    username = BENCH_USERS[kind]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name="基准测试", is_superuser=kind == "superuser", is_staff=True)
        user.set_unusable_password()
        user.save()
        if kind == "office":
            user.groups.add(ensure_role_groups()[OFFICE_REVIEWER.code])
    return user


def logged_in_client(kind: str):
    from django.test import Client

    client = Client()
    client.force_login(bench_user(kind))
    return client


def page_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def shown_document(as_of) -> str:
    from dashboards.state import board
    from measures.selectors import current_document

    document = current_document()
    state = board(document, as_of)
    return (
        f"{document.title}: {len(state.measures)} measures, {len(state.milestones)} milestone rows, "
        f"{len(state.reports)} owed reports up to the day, {len(state.targets)} targets"
    )


def measure_page(client, path: str, runs: int) -> dict:
    """One warm-up render, then `runs` renders: queries, median and spread, the slowest query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm-up: caches, the first connection
    timings, db_times, queries, slowest = [], [], 0, (0.0, "")
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
        db_times.append(sum(float(q["time"]) for q in captured.captured_queries))
        for query in captured.captured_queries:
            if float(query["time"]) > slowest[0]:
                slowest = (float(query["time"]), query["sql"])
    return {
        "path": path,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": queries,
        "median_ms": statistics.median(timings) * 1000,
        "min_ms": min(timings) * 1000,
        "max_ms": max(timings) * 1000,
        "db_ms": statistics.median(db_times) * 1000,
        "slowest_ms": slowest[0] * 1000,
        "slowest_sql": slowest[1],
    }


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--runs", type=int, default=5, help="renders per page after a warm-up (default 5)")
    parser.add_argument("--analyze", action="store_true", help="VACUUM ANALYZE first (done anyway after generating)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest query")
    parser.add_argument("--time-limit", type=int, default=1800, help="stop after this many seconds (default 1800)")
    args = parser.parse_args()

    def out_of_time(signum, frame):
        raise TimeoutError(f"the benchmark passed its time limit of {args.time_limit} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.time_limit)
    prepare(args)
    describe_dataset()

    from datetime import date

    as_of = date.fromisoformat(args.as_of)
    print(f"shown: {shown_document(as_of)} (as of {as_of})")
    client = logged_in_client(args.user)
    anonymous = logged_in_client(args.user).__class__()
    results = []
    for page in PAGES:
        if not page_exists(page):
            print(f"{page}: not in this version of the project, skipped")
            continue
        path = page if page == "/review/" else f"{page}?as_of={as_of}"
        results.append(measure_page(client, path, args.runs))
    results.append(measure_page(anonymous, TRIVIAL, args.runs))

    print(f"\nuser: {BENCH_USERS[args.user]}, {args.runs} renders per page after one warm-up (Django test client)")
    print(f"{'page':<40} {'status':>6} {'queries':>7} {'median ms':>9} {'min–max ms':>13} {'db ms':>7} {'KiB':>6}")
    for r in results:
        spread = f"{r['min_ms']:.0f}–{r['max_ms']:.0f}"
        print(
            f"{r['path']:<40} {r['status']:>6} {r['queries']:>7} {r['median_ms']:>9.1f} {spread:>13} "
            f"{r['db_ms']:>7.1f} {r['bytes'] / 1024:>6.0f}"
        )
    print("\nslowest query of each page:")
    for r in results:
        if not r["slowest_sql"]:
            continue
        print(f"  {r['path']}: {r['slowest_ms']:.1f} ms  {r['slowest_sql'][:300]}")
        if args.explain and r["slowest_ms"] >= 5:
            for line in explain(r["slowest_sql"]):
                print(f"      {line}")
    signal.alarm(0)


if __name__ == "__main__":
    main()
