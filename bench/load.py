"""Load-test the overview dashboard under gunicorn, next to a trivial page, on 127.0.0.1 only.

    python bench/load.py [--database-url postgres://…/bench_scale] [--duration 15] [--connections 4] [--workers 2]

Starts gunicorn (reform.wsgi, sync workers) on a free port of 127.0.0.1 with the benchmark's
database (see bench/dashboards.py: same database, same dataset, generated if empty), logs an
office reviewer in by a session cookie, and drives, one after the other for `--duration`
seconds each, /dashboard/?as_of=… with the cookie and the anonymous login page /accounts/login/:
requests per second and p50/p95/p99 latency. The load comes from `wrk` when it is installed
(`apt-get install -y wrk`), else from a small thread pool in this script (`--tool python`).
gunicorn is stopped at the end, also on an error or at `--time-limit`.
"""

import argparse
import http.client
import importlib.util
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def _sibling(name: str):
    """bench/<name>.py as a module of another name: "dashboards" is also the Django app's name."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(__file__).resolve().parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _sibling("dashboards")
ROOT, TRIVIAL = bench.ROOT, bench.TRIVIAL

HOST = "127.0.0.1"  # never anything else: this drives load at a server it started itself
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d errors=%d non2xx=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def session_cookie(user_kind: str) -> str:
    """A session stored in the database, as a browser would hold it after logging in."""
    from django.conf import settings

    client = bench.logged_in_client(user_kind)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def start_gunicorn(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": bench.url_with_timeout(database_url),
        "DJANGO_SETTINGS_MODULE": "reform.settings",
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "gunicorn", "reform.wsgi:application", "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(workers), "--timeout", "60", "--log-level", "warning"]
    # A session of its own, so the whole process group can be stopped at the end.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def get(port: int, path: str, cookie: str | None, timeout: float = 60) -> tuple[int, int]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def wait_until_up(server: subprocess.Popen, port: int, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with code {server.returncode}")
        try:
            get(port, TRIVIAL, None, timeout=5)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on {HOST}:{port} within {seconds} s")


def run_wrk(port: int, path: str, cookie: str | None, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration}s"]
    command += ["--timeout", "30s", "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://{HOST}:{port}{path}")
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    values = {key: int(value) for key, value in (item.split("=") for item in line.split()[1:])}
    return {
        "requests": values["requests"],
        "rps": values["requests"] / (values["duration_us"] / 1e6),
        "p50_ms": values["p50_us"] / 1000,
        "p95_ms": values["p95_us"] / 1000,
        "p99_ms": values["p99_us"] / 1000,
        "errors": values["errors"] + values["non2xx"],
    }


def run_python(port: int, path: str, cookie: str | None, duration: int, connections: int) -> dict:
    """A closed loop of `connections` threads, each sending the next request when the last has
    answered, until the deadline: bounded in time, like wrk."""
    deadline = time.monotonic() + duration
    latencies, errors, lock = [], [0], threading.Lock()

    def loop():
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                status, _size = get(port, path, cookie, timeout=30)
            except OSError:
                status = 0
            elapsed = time.monotonic() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors[0] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for future in [pool.submit(loop) for _ in range(connections)]:
            future.result()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "p99_ms": cuts[98] * 1000,
        "errors": errors[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    bench.add_common_arguments(parser)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page (default 15)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers (default: CPUs)"
    )
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    parser.add_argument("--time-limit", type=int, default=1800, help="stop after this many seconds (default 1800)")
    args = parser.parse_args()
    if not 1 <= args.duration <= 300 or not 1 <= args.connections <= 64:
        parser.error("--duration must be 1–300 s and --connections 1–64")
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
        if tool == "python":
            print("wrk is not installed (apt-get install -y wrk): using the Python load generator")
    elif tool == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk, or use --tool python")

    def out_of_time(signum, frame):
        raise TimeoutError(f"the benchmark passed its time limit of {args.time_limit} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.time_limit)
    bench.prepare(args)
    cookie = session_cookie(args.user)
    from django.db import connections

    connections.close_all()  # this process only drives load from here on

    port = free_port()
    server = start_gunicorn(args.database_url, port, args.workers)
    try:
        wait_until_up(server, port)
        dashboard = f"/dashboard/?as_of={args.as_of}"
        targets = [(dashboard, cookie), (TRIVIAL, None)]
        for path, with_cookie in targets:
            status, size = get(port, path, with_cookie)
            if status != 200:
                sys.exit(f"{path} answered {status}, not 200: is the session valid and the dataset there?")
            print(f"{path}: 200, {size / 1024:.0f} KiB")
        run = run_wrk if tool == "wrk" else run_python
        print(
            f"\ngunicorn on {HOST}:{port}, {args.workers} sync workers; {tool}, {args.connections} connections, "
            f"{args.duration} s per page; {os.cpu_count()} CPUs shared by load, gunicorn and PostgreSQL"
        )
        print(f"{'page':<32} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for path, with_cookie in targets:
            r = run(port, path, with_cookie, args.duration, args.connections)
            print(
                f"{path:<32} {r['requests']:>8} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
                f"{r['p99_ms']:>8.1f} {r['errors']:>6}"
            )
    finally:
        stop(server)
    signal.alarm(0)


if __name__ == "__main__":
    main()
