"""The Celery worker that `make run` starts comes up on both brokers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

CELERY = str(Path(sys.executable).with_name("celery"))
# A worker here would take the integration tests' tasks off the same Redis queue: same test worker.
pytestmark = pytest.mark.xdist_group("redis")


def start_worker(env_overrides, tmp_path):
    env = {**os.environ, **env_overrides, "REFORM_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [CELERY, "-A", "reform", "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return process, log


def wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)  # polling a subprocess, not waiting on the clock of the code under test
    return False


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_worker_starts_on_the_embedded_filesystem_broker(tmp_path):
    process, log = start_worker({"REDIS_URL": ""}, tmp_path)
    try:
        assert wait_for(lambda: "ready." in log.read_text() or process.poll() is not None), log.read_text()
        assert "filesystem" in log.read_text() and process.poll() is None, log.read_text()
    finally:
        stop(process)
    assert (tmp_path / "broker" / "queue").is_dir()


@pytest.mark.services
def test_worker_on_redis_answers_a_ping(tmp_path):
    from reform.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REDIS_URL is not set")
        pytest.skip("no Redis configured")
    process, log = start_worker({"REDIS_URL": redis_url}, tmp_path)
    try:
        assert wait_for(lambda: "ready." in log.read_text() or process.poll() is not None), log.read_text()
        with app.connection_for_write(redis_url) as connection:
            assert wait_for(lambda: bool(app.control.ping(timeout=1.0, connection=connection)), timeout=20)
    finally:
        stop(process)
