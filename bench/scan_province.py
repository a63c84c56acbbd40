"""Time the daily scan (deadlines.scan.scan_deadlines) on a copy of the province-scale dataset.

    createdb -h 127.0.0.1 -U postgres -T bench_scale bench_scan_copy    # once bench_scale is generated
    python bench/scan_province.py [--database-url postgres://…/bench_scan_copy] [--runs 3]

The copy holds ~900,000 owed reports (100 documents × 30 measures, 60 monthly periods). Measured:
a first scan (the status and event tables emptied with TRUNCATE, then every row created and
committed), rescans of the same day and of the next day (each in a transaction rolled back
after its deferred foreign-key checks have run, so the copy stays as the first scan left it):
wall time, Python CPU time, seconds per 100,000 rows, queries and events; medians of --runs.
Budgets (the issue): first scan < 60 s, rescan < 2 s per 100,000 rows. It writes to the copy,
never to bench_scale itself.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scan_copy"
CUT_OFF = date(2025, 1, 20)  # the day demo/scale.py scans


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"a copy of bench_scale (default {DEFAULT_URL})")
    parser.add_argument("--runs", type=int, default=3, help="runs of each rescan (default 3)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=CUT_OFF, help=f"the first scan's day ({CUT_OFF})")
    parser.add_argument("--skip-first", action="store_true", help="only the rescans (the copy was scanned already)")
    return parser.parse_args()


def setup_django(url: str) -> None:
    import environ

    name = str(environ.Env.db_url_config(url).get("NAME", ""))
    if not name.startswith("bench") or name == "bench_scale":
        sys.exit(f"Use a copy of bench_scale whose name starts with 'bench' (e.g. bench_scan_copy), not {name!r}.")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "reform.settings"
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(day: date, *, first: bool):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from deadlines.models import MilestoneStatus, ReportObligation, StatusEvent
    from deadlines.scan import scan_deadlines

    with CaptureQueriesContext(connection) as captured:
        if first:
            tables = ", ".join(m._meta.db_table for m in (StatusEvent, MilestoneStatus, ReportObligation))
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {tables}")
            wall, cpu = time.perf_counter(), time.process_time()
            report = scan_deadlines(day)
        else:
            wall, cpu = time.perf_counter(), time.process_time()
            with transaction.atomic():
                report = scan_deadlines(day)
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the checks a commit would run
                transaction.set_rollback(True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return report, wall, cpu, len(captured.captured_queries)


def line(label: str, runs: list) -> str:
    report = runs[-1][0]
    wall = statistics.median(r[1] for r in runs)
    cpu = statistics.median(r[2] for r in runs)
    rows = report.milestones + report.obligations
    changes = ", ".join(f"{s} {n}" for s, n in sorted(report.transitions.items())) or "none"
    return (
        f"{label}: {rows:,} rows ({report.obligations:,} owed reports) in {wall:.1f} s "
        f"({wall / rows * 100_000:.2f} s per 100k; Python CPU {cpu:.1f} s), {runs[-1][3]} queries, "
        f"{report.obligations_created:,} created, {report.events:,} events ({changes}); median of {len(runs)}"
    )


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    if not args.skip_first:
        print(line(f"1. first scan {args.as_of}", [timed(args.as_of, first=True)]))
    print(line(f"2. rescan {args.as_of}", [timed(args.as_of, first=False) for _ in range(args.runs)]))
    following = args.as_of + timedelta(days=1)
    print(line(f"3. next-day rescan {following}", [timed(following, first=False) for _ in range(args.runs)]))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
