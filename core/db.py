"""Telling PostgreSQL that a session means to do what the ledger's triggers refuse by default.

The ledger's triggers (ledger migrations 0002 and 0005) refuse a submission or review whose time
is not the database's present, and TRUNCATE of the ledger's tables. Two paths do those things on
purpose, and say so first, for the session:

- REPLAYING: writing history as it happened, with its own times (the demo ledger, the
  benchmark dataset, tests on a frozen clock);
- FLUSHING: emptying the database (`manage.py flush`, tests' teardown, the benchmark's --fresh).

A declaration is not a lock against someone who can run SQL: anyone can set it. It makes
rewriting history a deliberate act rather than one INSERT or TRUNCATE away. Elsewhere than on
PostgreSQL the declarations do nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

REPLAYING = "reform.replaying"
FLUSHING = "reform.flushing"


@contextmanager
def declared(setting: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, the session says `setting` is on; afterwards what it said before."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [setting])
        previous = cursor.fetchone()[0] or ""
        cursor.execute("SELECT set_config(%s, 'on', false)", [setting])
    try:
        yield
    finally:
        if not _transaction_failed(connection):
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, false)", [setting, previous])
        # A failed transaction is rolled back, and the setting with it: it was made inside it
        # (a block begun outside a transaction cannot end inside a failed one).


def _transaction_failed(connection) -> bool:
    from psycopg2.extensions import TRANSACTION_STATUS_INERROR

    raw = connection.connection
    return raw is None or raw.closed or raw.get_transaction_status() == TRANSACTION_STATUS_INERROR
