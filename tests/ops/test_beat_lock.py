"""The beat lock on a real Redis: one holder, renewed, released, expiring; waiting beats retry."""

import os
import uuid

import pytest

from reform import beat
from reform.beat import BeatLock, SingleBeatScheduler, redis_client
from reform.celery import app

from ..integration.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("redis")]


@pytest.fixture
def key(settings):
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REDIS_URL is not set")
        pytest.skip("no Redis configured")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    name = f"reform:test:beat-lock:{uuid.uuid4().hex}"
    yield name
    redis_client().delete(name)


def lock(key, ttl=30.0, **kwargs):
    return BeatLock(redis_client(), ttl=ttl, retry=1, key=key, **kwargs)


def test_only_one_process_holds_the_lock(key):
    first, second = lock(key), lock(key)
    assert first.try_acquire()
    assert not second.try_acquire() and not second.renew()
    assert first.renew()
    second.release()  # not its lock: nothing happens
    assert first.renew()
    first.release()
    assert second.try_acquire()


def test_a_lock_that_is_not_renewed_expires(key):
    first, second = lock(key, ttl=0.3), lock(key)
    assert first.try_acquire()
    assert wait_for(second.try_acquire, timeout=10)
    assert not first.renew()


def test_a_waiting_beat_retries_until_the_lock_is_free(key):
    holder = lock(key)
    holder.try_acquire()
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 3:
            holder.release()

    waiting = lock(key, sleep=sleep)
    waiting.wait()
    assert waiting.held and naps == [1, 1, 1]


def test_asked_to_stop_while_waiting_a_beat_exits_instead_of_waiting_again(key):
    holder = lock(key)
    holder.try_acquire()

    def sleep(seconds):
        waiting.wait()  # what beat's signal handler does: it builds the scheduler again

    waiting = lock(key, sleep=sleep)
    with pytest.raises(SystemExit):
        waiting.wait()
    assert not waiting.held and not waiting._waiting


@pytest.fixture
def process_lock(key, monkeypatch):
    # The scheduler closes the database connection between reads (a beat runs for months);
    # here that connection holds the test's transaction.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    naps = []
    the_lock = lock(key, sleep=naps.append)
    monkeypatch.setattr(beat, "_process_lock", the_lock)
    return the_lock


def test_the_banners_scheduler_does_not_take_the_lock(process_lock, db):
    SingleBeatScheduler(app=app, lazy=True)
    assert redis_client().get(process_lock.key) is None


def test_the_scheduler_takes_the_lock_renews_it_on_each_tick_and_releases_it_on_close(process_lock, db):
    scheduler = SingleBeatScheduler(app=app)
    assert process_lock.held and redis_client().get(process_lock.key).decode() == process_lock.token
    redis_client().pexpire(process_lock.key, 2000)
    assert scheduler.tick() <= process_lock.ttl / 3
    assert redis_client().pttl(process_lock.key) > 2000  # renewed
    scheduler.close()
    assert redis_client().get(process_lock.key) is None


def test_a_scheduler_that_lost_its_lock_waits_for_it_before_sending_again(process_lock, db):
    scheduler = SingleBeatScheduler(app=app)
    redis_client().set(process_lock.key, "another-beat")  # taken over while this one was paused
    waited = []

    def sleep(seconds):
        waited.append(seconds)
        redis_client().delete(process_lock.key)  # the other beat stops

    process_lock.sleep = sleep
    scheduler.tick()
    assert waited == [1]
    assert process_lock.held and redis_client().get(process_lock.key).decode() == process_lock.token
    scheduler.close()


def test_without_redis_there_is_no_lock_and_beat_schedules_alone(settings, monkeypatch, db):
    settings.REDIS_URL = ""
    monkeypatch.setattr(beat, "_process_lock", None)
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    scheduler = SingleBeatScheduler(app=app)  # development: the filesystem broker, one beat
    assert beat.process_lock() is None and beat.beat_is_scheduling() is None
    assert scheduler.tick() > 0
    scheduler.close()
