"""Exactly one beat, however many are started.

Every machine may run `celery beat` (the same units everywhere); the one that holds a Redis
lock schedules, the others wait and try again every BEAT_LOCK_RETRY_SECONDS. The lock is a key
holding the holder's token, set only if absent and expiring after BEAT_LOCK_TTL_SECONDS unless
renewed; the holder renews it on every tick (at least every third of that time), so a beat that
dies or hangs is replaced within TTL + retry. A beat that finds its lock gone (it was paused
longer than the TTL, or Redis lost the key) stops sending and waits like a newcomer.

The lock is not what makes an alert go out once — the unique Dispatch rows are; it keeps the
jobs from running twice as often.

Without REDIS_URL (development, the filesystem broker) there is no lock: run a single beat.
"""

import functools
import logging
import os
import socket
import time
import uuid

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

LOCK_KEY = "reform:beat:lock"

# Compare-and-set: only the holder renews or deletes its lock.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def redis_client() -> redis.Redis:
    return _client(settings.REDIS_URL)


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class BeatLock:
    """The scheduling lock as seen from one process."""

    def __init__(self, client: redis.Redis, *, ttl: float, retry: float, key: str = LOCK_KEY, sleep=time.sleep):
        self.client = client
        self.key = key
        self.ttl_ms = max(1, int(ttl * 1000))
        self.retry = retry
        self.sleep = sleep
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.held = False
        self._waiting = False

    @property
    def ttl(self) -> float:
        return self.ttl_ms / 1000

    def try_acquire(self) -> bool:
        try:
            self.held = bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))
        except redis.RedisError as exc:
            logger.warning("无法连接 Redis 获取调度锁:%s", exc)
            self.held = False
        return self.held

    def wait(self) -> None:
        """Block until this process holds the lock, trying every `retry` seconds."""
        if self._waiting:
            # Beat's SIGTERM/SIGINT handler builds the scheduler again when it is asked to stop
            # before the first one exists — i.e. while that one waits here. Stop waiting: exit.
            raise SystemExit()
        self._waiting = True
        try:
            announced = False
            while not self.try_acquire():
                if not announced:
                    logger.info("另一个 beat 正在调度(%s),本进程待命,每 %s 秒重试", self.current_holder(), self.retry)
                    announced = True
                self.sleep(self.retry)
        finally:
            self._waiting = False
        logger.info("已取得调度锁(%s),开始调度", self.token)

    def renew(self) -> bool:
        try:
            self.held = bool(self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))
        except redis.RedisError as exc:
            logger.warning("无法连接 Redis 续期调度锁:%s", exc)
            self.held = False
        return self.held

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            self.client.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError as exc:
            logger.warning("无法释放调度锁(将在 %s 秒后过期):%s", self.ttl, exc)

    def current_holder(self) -> str:
        try:
            value = self.client.get(self.key)
        except redis.RedisError:
            return "未知"
        return value.decode() if value else "无"


_process_lock: BeatLock | None = None


def process_lock() -> BeatLock | None:
    """The lock of this process, shared by every scheduler instance beat builds (it builds a
    throwaway one for its banner, and another if asked to stop early). None without Redis."""
    global _process_lock
    if not settings.REDIS_URL:
        return None
    if _process_lock is None:
        _process_lock = BeatLock(
            redis_client(), ttl=settings.BEAT_LOCK_TTL_SECONDS, retry=settings.BEAT_LOCK_RETRY_SECONDS
        )
    return _process_lock


def beat_is_scheduling() -> bool | None:
    """Whether some beat holds the lock, i.e. renewed it within the TTL. None without Redis."""
    if not settings.REDIS_URL:
        return None
    return redis_client().pttl(LOCK_KEY) > 0


class SingleBeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, scheduling only while this process holds the lock.

    The lock is taken in setup_schedule, which beat runs for the scheduler it ticks, not for the
    lazy instance it builds to print its banner."""

    _holds_lock = False

    def setup_schedule(self):
        lock = process_lock()
        if lock is None:
            logger.warning("未配置 REDIS_URL:不加调度锁,只能运行一个 beat")
        else:
            lock.wait()
            self._holds_lock = True
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        lock = process_lock()
        if lock is None or not self._holds_lock:
            return super().tick(*args, **kwargs)
        if not lock.renew():
            logger.warning("调度锁已失去(另一个 beat 已接管,或 Redis 不可用),停止调度并待命")
            self.sync()  # the runs this beat did send are true: keep them
            lock.wait()
            # What the other beat ran while this one waited is in the database: read it again.
            self._initial_read = True
            self._heap = None
        return min(super().tick(*args, **kwargs), lock.ttl / 3)

    def close(self):
        try:
            super().close()
        finally:
            if self._holds_lock:
                self._holds_lock = False
                process_lock().release()
