"""The one clock of the project, in Asia/Shanghai.

`now()` is what every service stamps rows with. `replaying(moment)` sets it for a block, so
code that writes history as it happened (the demo ledger) goes through the same services
with the moment each step took place, and created/submitted/decided times agree.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

from django.utils import timezone

_replayed: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def now() -> datetime:
    return _replayed.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def replaying(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment`."""
    if timezone.is_naive(moment):
        raise ValueError("replaying() needs an aware datetime")
    token = _replayed.set(moment)
    try:
        yield
    finally:
        _replayed.reset(token)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Asia/Shanghai: what happened before it counts for `day`."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None
