"""Revisions: how a cached page knows, in one query, whether what it shows may have changed.

Two scopes of tables:
- TODAY: the ledger's reports, reviews, claims and values. The database stamps them with the
  present (ledger migrations 0002 and 0005 refuse other times), so inserting or updating them
  changes today and later days, never a day that is over;
- HISTORY: everything else a board reads — the plan, units, periods, the holiday calendar,
  supervision — which can change any day, past ones included; deleting a ledger row and writing
  history on purpose (core.db.REPLAYING: the demo ledger, the benchmark data) count here too.

On PostgreSQL a trigger on each watched table (installed after every migrate, reform.apps)
gives its scope a new random token when a transaction that wrote the table commits: a deferred
constraint trigger, so the token row is locked only at commit, after every other lock the
transaction takes (no deadlock), and the new token becomes visible atomically with the data. A
page computed after reading token T shows data at least as new as T, so caching it under T is
never stale. Tokens are random, not counters: a restored backup or a rolled-back test cannot
bring back a token that keyed other data. Elsewhere than on PostgreSQL there are no tokens, and
nothing is cached.
"""

from django.db import connection

TODAY = "today"
HISTORY = "history"

_FUNCTION = """
CREATE OR REPLACE FUNCTION core_revision_bump() RETURNS trigger AS $$
DECLARE
    target text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'DELETE' OR current_setting('reform.replaying', true) = 'on' THEN
        target := 'history';  -- see core.revision: these can change a day that is over
    END IF;
    -- once per scope and transaction: a bulk insert of a million rows writes the token once
    IF current_setting('core.revision_' || target, true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('core.revision_' || target, 'on', true);
        INSERT INTO core_revision (scope, token) VALUES (target, gen_random_uuid())
            ON CONFLICT (scope) DO UPDATE SET token = EXCLUDED.token;
        IF target = 'history' THEN  -- a past day changing may change today too
            INSERT INTO core_revision (scope, token) VALUES ('today', gen_random_uuid())
                ON CONFLICT (scope) DO UPDATE SET token = EXCLUDED.token;
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def install_triggers(tables_by_scope: dict[str, list[str]], using=connection) -> int:
    """(Re)install the revision triggers on the watched tables; returns how many tables."""
    if using.vendor != "postgresql":
        return 0
    count = 0
    with using.cursor() as cursor:
        cursor.execute(_FUNCTION)
        for scope, tables in tables_by_scope.items():
            for table in tables:
                cursor.execute(f'DROP TRIGGER IF EXISTS core_revision ON "{table}"')
                cursor.execute(f'DROP TRIGGER IF EXISTS core_revision_truncate ON "{table}"')
                cursor.execute(
                    f'CREATE CONSTRAINT TRIGGER core_revision AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_revision_bump('{scope}')"
                )
                cursor.execute(
                    f'CREATE TRIGGER core_revision_truncate AFTER TRUNCATE ON "{table}" '
                    f"FOR EACH STATEMENT EXECUTE FUNCTION core_revision_bump('history')"
                )
                count += 1
    return count


def tokens(using=connection) -> dict[str, str] | None:
    """The current token of each scope, or None where nothing may be cached (not PostgreSQL,
    or a scope never written since the tables were emptied)."""
    if using.vendor != "postgresql":
        return None
    with using.cursor() as cursor:
        cursor.execute("SELECT scope, token FROM core_revision")
        found = {scope: str(token) for scope, token in cursor.fetchall()}
    return found if {TODAY, HISTORY} <= found.keys() else None
