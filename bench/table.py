"""The main pages side by side with the login page and a trivial view, in one run, one table.

    python bench/table.py [--database-url postgres://…/bench_scale] [--runs 20] [--duration 10]
    make bench                                     # the same, province scale (BENCH_ARGS=… to change)
    make bench BENCH_ARGS="--database-url postgres://postgres@127.0.0.1:5432/bench_demo --documents 5 --years 2"

Uses the benchmark database and dataset of bench/dashboards.py (generated if empty). For each
page: the SQL query count, the median and p95 of `--runs` renders after a warm-up and the
median database time, through Django's test client — served as users get them (the boards'
figures from their cache once computed) and "uncached" (that cache emptied before each render);
then requests/s and p95 under gunicorn
(sync workers, 127.0.0.1 only) driven by wrk (or `--tool python`) for `--duration` seconds a
page. The anonymous login form and /bench/trivial/ (bench/bench_wsgi.py: "ok" through the
middleware, no template, no query) are measured in the same run, so the last column reads
"this page's throughput as a share of the login page's" on the same machine at the same time.
"""

import argparse
import importlib.util
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _sibling(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dash = _sibling("dashboards")
load = _sibling("load")
TRIVIAL_VIEW = "/bench/trivial/"


def tasks_user():
    """A reporter of the unit that leads most measures of the shown document: 我的任务's reader."""
    from django.db.models import Count

    from accounts.models import User
    from measures.models import Assignment
    from measures.selectors import current_document

    leads = (
        Assignment.objects.filter(role="lead", measure__document=current_document(), unit__isnull=False)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by("-n", "unit")
    )
    for row in leads:
        user = User.objects.filter(unit_id=row["unit"], groups__isnull=False).order_by("pk").first()
        if user is not None:
            return user
    raise SystemExit("no reporter of a lead unit in the dataset")


def pages(as_of: date) -> list[tuple[str, str, str]]:
    """(label, path, who) in table order; who is office, tasks or anonymous."""
    from django.urls import reverse

    from measures.selectors import current_document

    measure = current_document().measures.filter(kind="measure").order_by("position").first()
    return [
        ("document board", f"/dashboard/?as_of={as_of}", "office"),
        ("document board (today)", "/dashboard/", "office"),
        ("programme board", f"/dashboard/programme/?as_of={as_of}", "office"),
        ("review queue", reverse("review-queue"), "office"),
        ("我的任务", reverse("my-tasks"), "tasks"),
        ("measure ledger", reverse("measure-ledger", args=[measure.pk]), "office"),
        ("ranking", f"/dashboard/ranking/?as_of={as_of}", "office"),
        ("ranking of all documents", f"/dashboard/ranking/?document=all&as_of={as_of}", "office"),
        ("login (anonymous)", dash.TRIVIAL, "anonymous"),
        ("trivial view", TRIVIAL_VIEW, "anonymous"),
    ]


def render_stats(client, path: str, runs: int, *, fresh: bool = False) -> dict:
    """Test-client figures for `path`; `fresh`: the boards' cache (dashboards.cache) emptied
    before each render, so they are computed every time."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    timings, db_times, queries = [], [], 0
    for _ in range(runs):
        if fresh:
            caches["boards"].clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(path)
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
        db_times.append(sum(float(q["time"]) for q in captured.captured_queries))
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) > 1 else timings[0]
    return {
        "queries": queries,
        "median_ms": statistics.median(timings) * 1000,
        "p95_ms": p95 * 1000,
        "db_ms": statistics.median(db_times) * 1000,
    }


def start_gunicorn(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": dash.url_with_timeout(database_url),
        "DJANGO_SETTINGS_MODULE": "reform.settings",
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "gunicorn", "bench_wsgi:application", "--pythonpath", f"{HERE},{dash.ROOT}"]
    command += ["--bind", f"{load.HOST}:{port}", "--workers", str(workers), "--timeout", "60"]
    command += ["--log-level", "warning"]
    return subprocess.Popen(command, cwd=dash.ROOT, env=env, start_new_session=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    dash.add_common_arguments(parser)
    parser.add_argument("--runs", type=int, default=20, help="test-client renders per page after a warm-up")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page under gunicorn")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    parser.add_argument("--analyze", action="store_true", help="VACUUM ANALYZE first")
    parser.add_argument("--only", default="", help="comma-separated labels to measure (default: all)")
    parser.add_argument("--time-limit", type=int, default=3600, help="stop after this many seconds")
    args = parser.parse_args()
    if args.runs < 2 or not 1 <= args.duration <= 300 or not 1 <= args.connections <= 64:
        parser.error("--runs must be ≥ 2, --duration 1–300 s, --connections 1–64")
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")

    def out_of_time(signum, frame):
        raise TimeoutError(f"the benchmark passed its time limit of {args.time_limit} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.time_limit)
    dash.prepare(args)
    dash.describe_dataset()
    sys.path.insert(0, str(HERE))
    import bench_wsgi  # noqa: F401  (installs /bench/trivial/ in this process too)
    from django.conf import settings
    from django.test import Client

    as_of = date.fromisoformat(args.as_of)
    print(f"shown: {dash.shown_document(as_of)} (as of {as_of})")
    clients = {"office": dash.logged_in_client(args.user), "tasks": Client(), "anonymous": Client()}
    reporter = tasks_user()
    clients["tasks"].force_login(reporter)
    cookies = {
        who: f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}"
        for who, c in clients.items()
        if who != "anonymous"
    }
    wanted = {label.strip() for label in args.only.split(",") if label.strip()}
    rows = [row for row in pages(as_of) if not wanted or row[0] in wanted or row[2] == "anonymous"]
    results = {}
    for label, path, who in rows:
        results[label] = render_stats(clients[who], path, args.runs)
        results[label]["fresh"] = render_stats(clients[who], path, args.runs, fresh=True)

    from django.db import connections

    connections.close_all()
    port = load.free_port()
    server = start_gunicorn(args.database_url, port, args.workers)
    run = load.run_wrk if tool == "wrk" else load.run_python
    try:
        load.wait_until_up(server, port)
        for label, path, who in rows:
            status, _size = load.get(port, path, cookies.get(who))
            if status != 200:
                raise SystemExit(f"{path} answered {status} under gunicorn")
            results[label] |= {"load": run(port, path, cookies.get(who), args.duration, args.connections)}
    finally:
        load.stop(server)
    signal.alarm(0)

    login_rps = results["login (anonymous)"]["load"]["rps"]
    machine = f"{platform.node()} · {os.cpu_count()} CPUs ({platform.processor() or platform.machine()})"
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M %Z')} · {machine}, "
        f"shared by PostgreSQL, gunicorn and the load · test client: {args.runs} renders after a warm-up · "
        f"gunicorn {args.workers} sync workers, {tool} {args.connections} connections × {args.duration} s · "
        f"我的任务 as {reporter.username} ({reporter.unit})\n"
    )
    header = (
        "| page | path | queries | median ms | p95 ms | DB ms | uncached: queries | median ms | DB ms "
        "| req/s | p95 ms under load | vs login |"
    )
    print(header)
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, path, _who in rows:
        r = results[label]
        loaded = r["load"]
        print(
            f"| {label} | `{path}` | {r['queries']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['db_ms']:.1f} | "
            f"{r['fresh']['queries']} | {r['fresh']['median_ms']:.1f} | {r['fresh']['db_ms']:.1f} | "
            f"{loaded['rps']:.1f} | {loaded['p95_ms']:.1f} | {loaded['rps'] / login_rps:.1%} |"
            + (f" ({loaded['errors']} errors)" if loaded["errors"] else "")
        )


if __name__ == "__main__":
    main()
