"""The boards' figures, cached exactly.

A board's figures are rendered once and kept under a key made of the page, its parameters,
the day shown and the data's revision tokens (core.revision). Any write that could change them
replaces a token, so the next request computes afresh: a cached board is never stale. A day
that is over reads only the HISTORY token (the ledger cannot change it), so its board stays
cached while reports come in; "over" means ended more than GRACE ago, so a write stamped just
before midnight and committed just after still reaches it.

The cache is each process's own memory: it empties when the code is deployed, so a page is never
rendered by an older template. Off where the database keeps no tokens (SQLite), and when
settings.BOARD_CACHE is false.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core import clock, revision

GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class Figures:
    html: str
    calendar_warning: str  # the page's banner for the day (core.workdays): kept with the figures
    computed_at: datetime
    cached: bool = False  # served from the cache (shown on the page, useful to tests)

    @property
    def body(self) -> SafeString:
        return mark_safe(self.html)  # rendered by our own templates, escaped there


def is_over(day: date) -> bool:
    return day < timezone.localdate(clock.now() - GRACE)


def cache_key(page: str, params, day: date) -> str | None:
    if not settings.BOARD_CACHE or (tokens := revision.tokens()) is None:
        return None
    scopes = (revision.HISTORY,) if is_over(day) else (revision.HISTORY, revision.TODAY)
    parts = [page, day.isoformat(), *sorted(f"{name}={value}" for name, value in params), *(tokens[s] for s in scopes)]
    return "board:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Kept:
    value: object  # anything the cache can pickle: a fresh copy is returned on every hit
    computed_at: datetime
    cached: bool = False


def kept(page: str, params, day: date, compute: Callable[[], object]) -> Kept:
    """What `compute()` gives for `page`, `params` (name, value pairs) and `day`: from the
    cache, or computed now and kept."""
    key = cache_key(page, params, day)
    store = caches["boards"]
    if key is not None and (found := store.get(key)) is not None:
        return Kept(found.value, found.computed_at, cached=True)
    fresh = Kept(compute(), clock.now())
    if key is not None:
        store.set(key, fresh, timeout=None)
    return fresh


def figures(page: str, params, day: date, render: Callable[[], tuple[str, str]]) -> Figures:
    """The figures of `page` for `params` (name, value pairs, as requested: whatever they
    resolve to, such as the current document, is data the tokens cover) and `day`: from the
    cache, or `render()`ed now — (html, calendar warning) — and kept. A hit reads nothing but
    the tokens."""
    found = kept(page, params, day, render)
    html, warning = found.value
    return Figures(html, warning, found.computed_at, cached=found.cached)
