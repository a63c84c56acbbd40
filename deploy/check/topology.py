"""The production topology on loopback: every process a child of this one, stopped on exit."""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    """Poll until predicate() is true; raise with `what` when the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Process:
    def __init__(self, name: str, argv: list[str], env: dict, log: Path, cwd: Path = ROOT):
        self.name, self.log = name, log
        self.popen = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def says(self, words: str) -> bool:
        return words in self.output()

    def signal(self, sig) -> None:
        if self.alive():
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 30) -> None:
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


class Topology:
    """Paths, environment and processes of one prod-check run, under var/prod-check/."""

    def __init__(self, pg_url: str, redis_url: str, workdir: Path | None = None):
        self.dir = workdir or ROOT / "var" / "prod-check"
        self.pg_url, self.redis_url = pg_url, redis_url
        self.http_port, self.https_port, self.gunicorn_port = free_port(), free_port(), free_port()
        self.processes: list[Process] = []
        self.passwords: dict[str, str] = {}

    # --- files and environment -------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.https_port}"

    @property
    def conf(self) -> Path:
        return self.dir / "conf"

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    @property
    def cert(self) -> Path:
        return self.dir / "tls" / "cert.pem"

    def env(self, production: bool = True) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_", "CELERY_"))}
        env.update(
            DJANGO_ENV="production" if production else "development",
            SECRET_KEY=self.secret,
            ALLOWED_HOSTS="localhost,127.0.0.1",
            DATABASE_URL=self.pg_url,
            REDIS_URL=self.redis_url,
            REFORM_VAR_DIR=str(self.dir / "var"),
            STATIC_ROOT=str(self.dir / "static"),
            MEDIA_ROOT=str(self.dir / "media"),
            EMAIL_URL=f"filemail://{self.dir / 'mail'}",
            SITE_URL=self.base_url,
            LOG_FORMAT="json",
            LOG_LEVEL="INFO",
            GUNICORN_BIND=f"127.0.0.1:{self.gunicorn_port}",
            WEB_CONCURRENCY="2",
            GUNICORN_TIMEOUT="60",
            CELERY_WORKER_CONCURRENCY="1",
            BEAT_LOCK_TTL_SECONDS="15",
            BEAT_LOCK_RETRY_SECONDS="2",
        )
        return env

    def reset(self) -> None:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        for sub in ("conf", "logs", "tls", "nginx/tmp", "var", "media", "mail"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.secret = secrets.token_urlsafe(48)

    def fresh_database(self) -> None:
        import psycopg2
        import redis

        url = urlparse(self.pg_url)
        name = url.path.lstrip("/")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"refusing an unusual database name: {name!r}")
        admin = psycopg2.connect(
            host=url.hostname, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres"
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        redis.Redis.from_url(self.redis_url).flushdb()

    def manage(self, *args: str, production: bool = True) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(production), capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")
        return result.stdout

    def prepare_data(self) -> None:
        """What `make seed` does. The demo history is refused in production, so these data steps
        run with DJANGO_ENV=development against the same database; everything after is production."""
        self.manage("migrate", "--noinput")
        self.manage("load_units", "fixtures/units.json", production=False)
        self.manage("import_policy", "fixtures/source/dalian-2018-business-environment.txt", production=False)
        created = self.manage("create_demo_accounts", production=False)
        for line in created.splitlines():
            parts = line.split()
            if len(parts) >= 2 and re.fullmatch(r"[a-z_]+", parts[0]):
                self.passwords[parts[0]] = parts[1]
        if not self.passwords:
            raise RuntimeError(f"create_demo_accounts printed no passwords:\n{created}")
        self.manage("install_schedules", production=False)
        self.manage("open_period", production=False)
        self.manage("seed_demo_history", production=False)

    def render(self) -> None:
        self.manage(
            "render_deploy", "--output", str(self.conf), "--server-name", "localhost",
            "--listen-address", "127.0.0.1", "--http-port", str(self.http_port),
            "--https-port", str(self.https_port), "--gunicorn-bind", f"127.0.0.1:{self.gunicorn_port}",
            "--tls-cert", str(self.cert), "--tls-key", str(self.dir / "tls" / "key.pem"),
            "--nginx-log-dir", str(self.logs), "--user", os.environ.get("USER", "root"),
            "--env-file", str(self.dir / "reform.env"), "--workers", "2",
        )  # fmt: skip
        write_nginx_main(self.dir / "nginx", self.conf / "nginx" / "reform.conf", self.logs)
        make_certificate(self.cert, self.dir / "tls" / "key.pem")
        env_file = "\n".join(f"{k}={v}" for k, v in self.env().items() if k in ENV_FILE_KEYS)
        (self.dir / "reform.env").write_text(env_file + "\n")

    # --- processes --------------------------------------------------------------------

    def start(self, name: str, argv: list[str], cwd: Path = ROOT) -> Process:
        process = Process(name, argv, self.env(), self.logs / f"{name}.log", cwd=cwd)
        self.processes.append(process)
        return process

    def start_web(self) -> Process:
        web = self.start("gunicorn", [str(BIN / "gunicorn"), "--config", str(self.conf / "gunicorn.conf.py")])
        wait_for(lambda: port_open(self.gunicorn_port) or not web.alive(), 120, "gunicorn to listen")
        if not web.alive():
            raise RuntimeError(f"gunicorn exited:\n{web.output()[-3000:]}")
        nginx = self.start(
            "nginx",
            [NGINX, "-e", str(self.logs / "nginx-startup.log"), "-p", str(self.dir / "nginx"),
             "-c", str(self.dir / "nginx" / "nginx.conf"), "-g", "daemon off;"],
        )  # fmt: skip
        wait_for(lambda: port_open(self.https_port) or not nginx.alive(), 60, "nginx to listen")
        if not nginx.alive():
            raise RuntimeError(f"nginx exited:\n{nginx.output()}")
        return web

    def start_workers(self, count: int = 2) -> list[Process]:
        workers = [
            self.start(f"worker{n}", [str(BIN / "celery"), "-A", "reform", "worker", f"--hostname=worker{n}@%h",
                                      "--without-gossip", "--without-mingle"])
            for n in range(1, count + 1)
        ]  # fmt: skip
        for worker in workers:
            wait_for(lambda w=worker: w.says(" ready.") or not w.alive(), 180, f"{worker.name} to be ready")
            if not worker.alive():
                raise RuntimeError(f"{worker.name} exited:\n{worker.output()[-3000:]}")
        return workers

    def start_beat(self, name: str, expect: str) -> Process:
        beat = self.start(name, [str(BIN / "celery"), "-A", "reform", "beat"])
        wait_for(lambda: beat.says(expect) or not beat.alive(), 180, f"{name} to say {expect!r}")
        if not beat.alive():
            raise RuntimeError(f"{name} exited:\n{beat.output()[-3000:]}")
        return beat

    def gunicorn_workers(self) -> list[int]:
        master = next(p for p in self.processes if p.name == "gunicorn")
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def app_log_records(self):
        """Every JSON record of the app's processes, and any line that is a bare traceback."""
        for process in self.processes:
            if process.name == "nginx":
                continue
            for line in process.output().splitlines():
                if line.startswith("{"):
                    try:
                        yield process.name, json.loads(line)
                    except ValueError:
                        yield process.name, {"level": "ERROR", "message": f"unparsable log line: {line[:200]}"}
                elif line.startswith("Traceback"):
                    yield process.name, {"level": "ERROR", "message": "traceback outside the JSON log"}

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()


# What a real installation's EnvironmentFile would hold (written for reference, not read here).
ENV_FILE_KEYS = (
    "DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "STATIC_ROOT", "MEDIA_ROOT",
    "EMAIL_URL", "SITE_URL", "LOG_FORMAT", "GUNICORN_BIND", "WEB_CONCURRENCY",
)  # fmt: skip


def write_nginx_main(prefix: Path, site: Path, logs: Path) -> Path:
    """A main nginx.conf of our own around the rendered site, so nginx runs as a child of this
    process with its own prefix, pid and temp folders, never as the system's service."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = prefix / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {logs / "nginx-error.log"} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    sendfile on;
    keepalive_timeout 65;
    include {site};
}}
"""
    )
    return conf


def make_certificate(cert: Path, key: Path) -> None:
    cert.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
