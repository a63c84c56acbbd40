"""Two real `celery beat` processes on Redis: one schedules, the other waits and takes over."""

import json
import os
import signal
import subprocess

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ..conftest import ROOT
from .conftest import CELERY, _database_url, wait_for

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("redis")]

PROBE = "单例调度探针"


class Beat:
    def __init__(self, name, tmp_path, ttl=4):
        self.log = tmp_path / f"beat-{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "LOG_FORMAT": "json",
            "BEAT_LOCK_TTL_SECONDS": str(ttl),
            "BEAT_LOCK_RETRY_SECONDS": "1",
        }
        command = [CELERY, "-A", "reform", "beat", "--loglevel=INFO", "-s", str(tmp_path / f"schedule-{name}")]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def records(self):
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def sent(self) -> int:
        return sum(1 for r in self.records() if r["logger"] == "celery.beat" and PROBE in r["message"])

    def says(self, words) -> bool:
        return any(r["logger"] == "reform.beat" and words in r["message"] for r in self.records())

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def beats(services_db, tmp_path):
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=PROBE, task="reform.tests.probe", interval=every_second)
    started = []

    def start(name, **options):
        beat = Beat(name, tmp_path, **options)
        started.append(beat)
        return beat

    yield start
    for beat in started:
        beat.stop()
    from reform.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # the probe's messages: nobody consumes them


def test_only_one_beat_schedules_and_the_other_takes_over_when_it_dies(beats):
    first = beats("first")
    assert wait_for(lambda: first.sent() >= 2 or not first.alive(), timeout=90), first.log.read_text()
    assert first.says("已取得调度锁")

    second = beats("second")
    assert wait_for(lambda: second.says("待命") or not second.alive(), timeout=90), second.log.read_text()
    sent_before = first.sent()
    # While the first lives, it keeps sending and the second sends nothing.
    assert wait_for(lambda: first.sent() >= sent_before + 5, timeout=90), first.log.read_text()
    assert second.sent() == 0 and second.alive(), second.log.read_text()

    first.process.kill()  # no goodbye: the lock stays until it expires
    first.process.wait(timeout=30)
    assert wait_for(lambda: second.sent() >= 2, timeout=120), second.log.read_text()
    assert second.says("已取得调度锁")


def test_a_stopped_beat_hands_over_at_once_and_a_waiting_beat_stops_when_asked(beats):
    # A lock that would outlive the test: only its release lets another beat take over.
    first = beats("first", ttl=600)
    assert wait_for(lambda: first.sent() >= 1 or not first.alive(), timeout=90), first.log.read_text()
    second = beats("second", ttl=600)
    third = beats("third", ttl=600)
    assert wait_for(lambda: second.says("待命") and third.says("待命"), timeout=90), third.log.read_text()

    third.stop()  # a waiting beat stops on SIGTERM like any other
    assert third.process.returncode == 0 and not third.says("已取得调度锁")

    first.stop()  # SIGTERM: the lock is released, so the second takes over long before it would expire
    assert first.process.returncode == 0
    assert wait_for(lambda: second.sent() >= 1, timeout=120), second.log.read_text()
    assert second.says("已取得调度锁")
