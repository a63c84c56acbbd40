"""`make run` stops cleanly: Ctrl-C ends the web app, the worker and beat, with a short message
and no process left behind (it used to end in "make: *** Segmentation fault", thousands of
"Warm shutdown" lines, and beat still running after TERM)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.xdist_group("run-dev")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def answers(url) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=5).status == 200
    except OSError:
        return False


def group_alive(pgid) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_make_run_stops_every_process_on_ctrl_c_and_term(tmp_path, sig):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SITE_URL", "EMAIL_URL")}
    env.update(REFORM_VAR_DIR=str(tmp_path / "var"), PORT=str(port), BIN=str(os.path.dirname(sys.executable)))
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    run = subprocess.Popen(
        ["scripts/run-dev.sh"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/accounts/login/"), 120)
        assert run.poll() is None
        os.killpg(run.pid, sig)  # what a terminal does on Ctrl-C: the whole foreground group
        output = run.communicate(timeout=120)[0].decode()
    finally:
        if group_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    assert "已全部停止" in output and "Segmentation" not in output
    assert output.count("Warm shutdown") < 5  # each process says it once, not thousands of times
    assert run.returncode == 0
    assert wait_for(lambda: not group_alive(run.pid), 30), "a process of make run is still running"
