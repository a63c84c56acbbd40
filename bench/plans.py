"""The query plans behind a board: every query one computation of its figures runs, with
PostgreSQL's `EXPLAIN (ANALYZE, BUFFERS)`, and where the rest of the time goes.

    python bench/plans.py                          # the whole-programme board, postgres://…/bench_scale
    python bench/plans.py --board document         # the current document's board (its overview)
    python bench/plans.py --as-of 2022-06-15 --full  # every plan line, not only the top ones

It reads only (the dataset from `generate_scale_data`). For each query: its execution time by
EXPLAIN ANALYZE, the plan's top lines and its slowest node; then the computation's wall time
against the database time of the same run, which is what the README's budget table explains.
"""

import argparse
import os
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scale"
NODE_TIME = re.compile(r"^\s*(?:->\s*)?(?P<node>[^(]+?)\s+\(actual time=[\d.]+\.\.(?P<ms>[\d.]+) rows=(?P<rows>\d+)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"the dataset (default {DEFAULT_URL})")
    parser.add_argument("--board", choices=("programme", "document"), default="programme")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2022, 6, 15))
    parser.add_argument("--runs", type=int, default=3, help="computations timed (the median is printed)")
    parser.add_argument("--full", action="store_true", help="print every plan line")
    return parser.parse_args()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "reform.settings"
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def computation(board: str, as_of: date):
    """The figures a board computes on a cache miss, as a function to call."""
    from dashboards.state import board as document_board
    from dashboards.state import overview, whole_programme
    from measures.selectors import current_document

    if board == "programme":
        return lambda: whole_programme(as_of)
    document = current_document()
    return lambda: overview(document_board(document, as_of))


def explain(sql: str, params) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def slowest_node(plan: list[str]) -> str:
    """The plan node with the largest time (its own and its children's) below the root: where it goes."""
    nodes = [(float(m["ms"]), m["node"].strip(), m["rows"]) for line in plan if (m := NODE_TIME.match(line))]
    if not nodes:
        return ""
    ms, node, rows = max(nodes[1:] or nodes)  # below the root, unless the root is all there is
    return f"{node}: {ms:.1f} ms, {rows} rows"


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    compute = computation(args.board, args.as_of)
    compute()  # warm the caches (PostgreSQL's and Python's), as a served board would be
    walls, db = [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            compute()
            walls.append((time.perf_counter() - started) * 1000)
        db.append(sum(float(q["time"]) for q in captured) * 1000)
    with CaptureQueriesContext(connection) as captured:
        compute()
    queries = [query["sql"] for query in captured]  # as sent, parameters bound (psycopg2's own text)
    print(f"{args.board} board as of {args.as_of}: {len(queries)} queries")
    total = 0.0
    for number, sql in enumerate(queries, 1):
        plan = explain(sql, None)
        executed = next((float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time")), 0)
        total += executed
        print(f"\n#{number} {executed:.1f} ms  {sql[:110]}{'…' if len(sql) > 110 else ''}")
        print(f"   slowest: {slowest_node(plan)}")
        shown = plan if args.full else plan[:6]
        print("\n".join(f"   {line[:150]}" for line in shown))
    walls.sort()
    db.sort()
    median = walls[len(walls) // 2]
    print(
        f"\ncomputation: median {median:.0f} ms of which database {db[len(db) // 2]:.0f} ms "
        f"(EXPLAIN ANALYZE sum {total:.0f} ms); the rest is Python: {median - db[len(db) // 2]:.0f} ms"
    )


if __name__ == "__main__":
    main()
