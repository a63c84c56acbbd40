"""Real services: a Celery worker process on Redis, an SMTP server (aiosmtpd), PostgreSQL.

The worker is a separate process, so test data must be committed (transactional_db) and
the database must be one both processes reach: PostgreSQL. Without PostgreSQL and Redis
these tests skip — unless REQUIRE_SERVICES=1 (CI), where they fail.
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from ..conftest import ROOT

CELERY = str(Path(sys.executable).with_name("celery"))


def _require(condition: bool, reason: str):
    if not condition:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def services_db(transactional_db):
    _require(connection.vendor == "postgresql", "integration tests need PostgreSQL (DATABASE_URL)")
    _require(bool(os.environ.get("REDIS_URL")), "integration tests need Redis (REDIS_URL)")
    from reform.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # no stale tasks from an earlier run
    return connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    """An SMTP server that can refuse (451) the next N messages or hang on the next one."""

    def __init__(self):
        self.accepted = []
        self.refuse_next = 0
        self.hang_next = False
        self.hanging = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hang_next:
            self.hang_next = False
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 the client went away"
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 try again later"
        self.accepted.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    sink.release.set()
    controller.stop()


class Worker:
    def __init__(self, smtp_port: int, tmp_path: Path):
        self.log = tmp_path / f"worker-{time.monotonic_ns()}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DISPATCH_RETRY_BASE_SECONDS": "1",
            "DISPATCH_LEASE_SECONDS": "2",
            "EMAIL_TIMEOUT": "10",
            "SITE_URL": "http://ledger.test",
        }
        command = [CELERY, "-A", "reform", "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip"]
        self.process = subprocess.Popen(
            [*command, "--without-mingle"], cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        assert wait_for(lambda: "ready." in self.log.read_text() or self.process.poll() is not None), self.output()
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return self.log.read_text()

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _database_url() -> str:
    settings = connection.settings_dict
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


def wait_for(predicate, timeout: float = 60.0) -> bool:
    """Poll another process's progress (not the code under test's clock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def start_worker(smtp, tmp_path):
    workers = []

    def start():
        worker = Worker(smtp[1], tmp_path)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
