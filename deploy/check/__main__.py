"""python -m deploy.check — see deploy/check/__init__.py. Exit status 0 means PASS."""

import argparse
import http.client
import json
import os
import shutil
import signal
import sys
import time
from collections import Counter, defaultdict

from . import soak as soaking
from .client import Client
from .topology import NGINX, Topology
from .walk import ROLES, Walker, all_patterns, resolver

SOAK_CONNECTIONS = 16
SOAK_URLS_PER_ROLE = 60


class Check:
    def __init__(self, topology: Topology):
        self.topology = topology
        self.failures: list[str] = []
        self.steps: list[tuple[str, float, str]] = []

    def step(self, title: str, action):
        print(f"→ {title} …", flush=True)
        started = time.monotonic()
        outcome = action()
        self.steps.append((title, time.monotonic() - started, outcome or "ok"))
        print(f"  {outcome or 'ok'} ({time.monotonic() - started:.1f} s)", flush=True)

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"  FAIL: {message}", flush=True)


def health_over_http(topology: Topology) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", topology.http_port, timeout=30)
    connection.request("GET", "/health/", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, json.loads(body) if body.startswith(b"{") else {}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.check", description=__doc__)
    parser.add_argument("--soak-seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", "60")))
    parser.add_argument("--connections", type=int, default=SOAK_CONNECTIONS)
    args = parser.parse_args(argv)
    for tool in (NGINX, shutil.which("openssl")):
        if not tool or not os.path.exists(tool):
            print(f"missing {tool or 'openssl'}: apt-get install nginx openssl", file=sys.stderr)
            return 2
    pg = os.environ.get("PROD_CHECK_PG", "postgres://postgres@127.0.0.1:5432/reform_prodcheck")
    redis_url = os.environ.get("PROD_CHECK_REDIS", "redis://127.0.0.1:6379/9")
    topology = Topology(pg, redis_url)
    check = Check(topology)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the children on the way out
    started = time.monotonic()
    try:
        run(check, topology, args)
    except (Exception, KeyboardInterrupt, SystemExit) as exc:  # Ctrl-C, SIGTERM: report, stop every child
        check.fail(f"{type(exc).__name__}: {exc}" if str(exc) else f"interrupted ({type(exc).__name__})")
    finally:
        print("→ stopping every process …", flush=True)
        topology.stop_all()
    print()
    print("Steps:")
    for title, seconds, outcome in check.steps:
        print(f"  {seconds:7.1f} s  {title}: {outcome}")
    print(f"  {time.monotonic() - started:7.1f} s  in all; logs in {topology.logs}")
    print()
    if check.failures:
        print(f"prod-check: FAIL ({len(check.failures)} problem(s))")
        for failure in check.failures:
            print(f"  - {failure}")
        return 1
    print("prod-check: PASS")
    return 0


def run(check: Check, topology: Topology, args) -> None:
    topology.reset()
    check.step(f"fresh database {topology.pg_url} and Redis {topology.redis_url}", topology.fresh_database)
    check.step("migrate and load the data (as `make seed`)", topology.prepare_data)
    check.step("collectstatic (production storage)", lambda: topology.manage("collectstatic", "--noinput").strip())
    check.step("render_deploy, TLS certificate, nginx.conf", topology.render)
    check.step("start gunicorn (2 workers) and nginx", lambda: f"gunicorn pid {topology.start_web().pid}")
    check.step("start two Celery workers", lambda: f"{len(topology.start_workers(2))} ready")
    check.step("start beat", lambda: f"pid {topology.start_beat('beat1', '已取得调度锁').pid} holds the lock")
    check.step("start a second beat (must wait)", lambda: f"pid {topology.start_beat('beat2', '待命').pid} waits")

    os.environ.update(topology.env(), DJANGO_SETTINGS_MODULE="reform.settings")
    import django

    django.setup()

    def health():
        status, body = health_over_http(topology)
        if status != 200 or body.get("status") != "ok":
            check.fail(f"/health/ over HTTP through nginx: {status} {body}")
        secure = Client(topology.base_url, str(topology.cert)).get("/health/")[-1]
        if secure.status != 200:
            check.fail(f"/health/ over HTTPS: {secure.status}")
        plain = http.client.HTTPConnection("127.0.0.1", topology.http_port, timeout=30)
        plain.request("GET", "/plan/", headers={"Host": "localhost"})
        redirect = plain.getresponse()
        if redirect.status != 301 or not redirect.getheader("location", "").startswith("https://"):
            check.fail(f"plain HTTP is not sent to HTTPS: {redirect.status}")
        return f"{status} {json.dumps(body.get('checks'), ensure_ascii=False)}"

    check.step("/health/ through nginx", health)

    hits = []

    def walk():
        name = resolver()
        lines = []
        for role in ROLES:
            client = Client(topology.base_url, str(topology.cert))
            client.login(role, topology.passwords[role])
            role_hits = Walker(client, role, name).run()
            client.close()
            hits.extend(role_hits)
            statuses = Counter(h.status // 100 * 100 for h in role_hits)
            posts = Counter(f"{h.pattern} {h.status}" for h in role_hits if h.method == "POST")
            lines.append(
                f"    {role:<16} {len(role_hits):4} requests, "
                f"{len({h.pattern for h in role_hits}):3} patterns, "
                + ", ".join(f"{k // 100}xx: {v}" for k, v in sorted(statuses.items()))
            )
            if posts:
                lines.append("      POST " + ", ".join(f"{k}×{v}" for k, v in sorted(posts.items())))
        print("\n".join(lines))
        for hit in hits:
            if hit.status >= 500:
                check.fail(f"{hit.status} {hit.method} {hit.url} as {hit.role} (request id {hit.request_id})")
        refused = sorted({f"{h.status} {h.url} as {h.role}" for h in hits if h.method == "GET" and h.status >= 400})
        if refused:  # a link the page showed that its user may not follow: worth a look, not a failure
            print("    links that answered 4xx:")
            print("\n".join(f"      {line}" for line in refused))
        reached = {h.pattern for h in hits} | {"login", "health"}  # logged in, and asked above
        patterns = all_patterns()
        never = sorted(patterns - reached)

        def space(pattern):  # the admin's and the API's patterns are counted, the project's listed
            return "admin" if pattern.startswith(("admin:", "admin/")) else "v1" if pattern.startswith("v1:") else ""

        own = [p for p in never if not space(p)]
        by_space = Counter(space(p) for p in never if space(p))
        total = Counter(space(p) for p in patterns if space(p))
        print(f"    URL patterns never reached ({len(own)} of the project's pages):")
        for pattern in own:
            print(f"      {pattern}")
        for name in sorted(total):
            print(f"      {name}: {total[name] - by_space[name]} of {total[name]} patterns reached")
        return f"{len(hits)} requests, {len(reached)} patterns, {sum(h.status >= 500 for h in hits)} 5xx"

    check.step("log in as every demo role and walk every page from /", walk)

    def logs():
        errors = [(name, r) for name, r in topology.app_log_records() if r.get("level") in ("ERROR", "CRITICAL")]
        for name, record in errors[:20]:
            check.fail(f"ERROR in {name} log: {record.get('logger')}: {record.get('message')}")
        return f"{sum(1 for _ in topology.app_log_records())} JSON records, {len(errors)} at ERROR"

    check.step("JSON logs have no ERROR record", logs)

    result = {}

    def soak():
        pages = defaultdict(list)
        for hit in hits:
            if hit.method == "GET" and hit.status == 200 and hit.html and hit.url not in pages[hit.role]:
                pages[hit.role].append(hit.url)
        connections = []
        for n in range(args.connections):
            role = ROLES[n % len(ROLES)]
            client = Client(topology.base_url, str(topology.cert))
            client.login(role, topology.passwords[role])
            connections.append((client, pages[role][:SOAK_URLS_PER_ROLE] or ["/plan/"]))
        result["soak"] = soaking.soak(connections, args.soak_seconds, topology.gunicorn_workers)
        for client, _ in connections:
            client.close()
        print(result["soak"].table())
        for url, error in result["soak"].errors[:20]:
            check.fail(f"soak: {error} on {url}")
        grown = {pid: mb for pid, mb in result["soak"].growth().items() if mb > soaking.MAX_RSS_GROWTH_MB}
        if grown:
            check.fail(f"gunicorn workers grew more than {soaking.MAX_RSS_GROWTH_MB} MB: {grown}")
        s = result["soak"]
        return f"{s.requests} requests, {s.requests / s.seconds:.1f} req/s, {len(s.errors)} errors"

    check.step(f"soak: {args.connections} connections for {args.soak_seconds:.0f} s across all roles", soak)
    check.step("JSON logs still have no ERROR record", logs)

    def one_beat():
        from reform.beat import LOCK_KEY, redis_client

        holder = (redis_client().get(LOCK_KEY) or b"").decode()
        beats = {p.name: p for p in topology.processes if p.name.startswith("beat")}
        if f":{beats['beat1'].pid}:" not in holder:
            check.fail(f"the first beat does not hold the lock (holder {holder!r})")
        if beats["beat2"].says("Sending due task") or not beats["beat2"].alive():
            check.fail("the second beat scheduled or died")
        return f"lock held by beat1 ({holder}); beat2 waiting, sent nothing"

    check.step("exactly one beat schedules", one_beat)


if __name__ == "__main__":
    sys.exit(main())
