"""The daily scan: store the engine's answer for a day, so "what is overdue today" is one
indexed query for the alerts, and record each change of state as an event.

The stored statuses are a cache of deadlines.engine for the day of the last scan, never the
source of a page: after a scan as of any day, the rows of the followed documents are exactly
what the engine says for that day (owed reports it no longer lists are removed); an archived
document's rows stay as its last scan left them, and the alerts skip them. Work goes in batches of measures.
The engine's answer for a batch goes to PostgreSQL as one array per column, and one statement
per table compares it with the stored rows and writes only the difference, set-based: it
inserts the new rows, updates those that differ, removes the owed reports no longer owed and
records one StatusEvent per change of state. No model instance is built per row, and a batch
costs the same statements however many rows it holds or changes.
"""

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from measures.models import Measure
from measures.selectors import followed_measures

from . import engine
from .models import MilestoneStatus, ReportObligation, StatusEvent
from .rules import calendar_warning_on

BATCH_SIZE = 500  # measures per batch: at province scale 500 measures × 60 periods × ~5 units ≈ 150,000 owed reports


@dataclass
class ScanReport:
    as_of: date
    milestones: int = 0
    obligations: int = 0
    obligations_created: int = 0
    obligations_removed: int = 0
    transitions: Counter = field(default_factory=Counter)
    warning: str = ""

    @property
    def events(self) -> int:
        return sum(self.transitions.values())


def scan_deadlines(as_of: date, batch_size: int = BATCH_SIZE) -> ScanReport:
    """Bring every stored status of the followed documents to what the engine says for `as_of`.
    Idempotent: a second scan for the same day changes nothing and records no event. An archived
    document's stored statuses stay as its last scan left them (the alerts skip them)."""
    report = ScanReport(as_of=as_of, warning=calendar_warning_on(as_of))
    ids = list(engine.monitored_measures(followed_measures()).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = engine.monitored_measures(Measure.objects.filter(pk__in=ids[start : start + batch_size]))
        with _collector_paused():
            state = engine.programme(batch, as_of)
            with transaction.atomic():
                _tune_batch()
                _store_milestones(state, report)
                _store_owed(state, report)
            del state
    return report


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for one batch. The engine builds some 300,000
    objects for a batch and nearly all of them live until its end, so the collector would
    traverse them again and again for nothing: more than half of the scan's Python time on
    the province dataset. They are freed by reference counting when the batch ends, and the
    collector, on again, finds whatever cycles the batch left."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _tune_batch() -> None:
    """For the batch's transaction: its joins of 100,000 rows fit in memory, and compiling them
    (JIT) would cost more than it saves."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")


def _store_milestones(state: engine.Programme, report: ScanReport) -> None:
    rows = [(row.milestone.pk, row.milestone.due_date, row.completed_on, row.state) for row in state.milestones]
    counts = _sync(MILESTONES, rows, state.as_of, scope=[row[0] for row in rows])
    report.milestones += len(rows)
    report.transitions.update(counts["events"])


def _store_owed(state: engine.Programme, report: ScanReport) -> None:
    rows = [(*row.key, row.due_on, row.submitted_at, row.state) for row in state.owed]
    counts = _sync(OWED, rows, state.as_of, scope=[m.pk for m in state.measures])
    report.obligations += len(rows)
    report.obligations_created += counts["created"]
    report.obligations_removed += counts["removed"]
    report.transitions.update(counts["events"])


@dataclass(frozen=True)
class _Table:
    """A status table as the scan writes it: the columns that identify a row, the values the
    engine gives it (then `state`; `since` is the scan's), and what its StatusEvent points at."""

    model: type
    keys: tuple[tuple[str, str], ...]  # (column, PostgreSQL type)
    values: tuple[tuple[str, str], ...]
    event_subject: str  # StatusEvent column: the milestone (a key column) or the obligation row
    subject_of_row: str  # the status table's column that event_subject holds
    scope: str  # the column that says which stored rows the batch covers
    removes: bool  # rows of the batch's scope the engine no longer lists are deleted


MILESTONES = _Table(
    MilestoneStatus,
    keys=(("milestone_id", "bigint"),),
    values=(("due_date", "date"), ("completed_on", "date")),
    event_subject="milestone_id",
    subject_of_row="milestone_id",
    scope="milestone_id",
    removes=False,
)
OWED = _Table(
    ReportObligation,
    keys=(("measure_id", "bigint"), ("period_id", "bigint"), ("unit_id", "bigint"), ("kind", "text")),
    values=(("due_on", "date"), ("submitted_at", "timestamptz")),
    event_subject="obligation_id",
    subject_of_row="id",
    scope="measure_id",
    removes=True,
)


def _sync(table: _Table, rows: list[tuple], as_of: date, scope: list[int]) -> dict:
    """Compare `rows` (keys, values, state) with the stored rows and write the difference.
    Returns {"created": n, "removed": n, "events": Counter(new state → n)}. On PostgreSQL one
    statement; elsewhere (SQLite: development, the tiny scale-data tests) the same writes
    through the ORM."""
    if connection.vendor != "postgresql":
        return _sync_orm(table, rows, as_of, scope)
    columns = [*table.keys, *table.values, ("state", "text")]
    arrays = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    params = {
        f"column{i}": _array_literal(array, kind)
        for i, (array, (_, kind)) in enumerate(zip(arrays, columns, strict=True))
    }
    params |= {"as_of": as_of, "now": timezone.now(), "scope": _array_literal(scope)}
    with connection.cursor() as cursor:
        cursor.execute(_sync_sql(table), params)
        counts = {"created": 0, "removed": 0, "events": Counter()}
        for what, state, count in cursor.fetchall():
            if what == "event":
                counts["events"][state] = count
            else:
                counts[what] = count
    return counts


def _array_literal(values, kind: str = "bigint") -> str:
    """A PostgreSQL array literal ('{1,2,NULL}'): one string parameter per column, which the
    driver passes as it is, instead of adapting 100,000 values one by one into the statement.
    Each distinct value is written once (a column holds a few dozen dates, states, periods).
    Text is quoted; ISO dates and times need no quotes (no comma, brace, quote or space)."""
    if kind == "text":
        written = {v: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in set(values)}
    elif kind == "bigint":
        written = {v: str(int(v)) for v in set(values)}
    else:  # date, timestamptz
        written = {v: v.isoformat() for v in set(values) if v is not None} | {None: "NULL"}
    return "{" + ",".join(map(written.__getitem__, values)) + "}"


def _sync_sql(table: _Table) -> str:
    """The engine's rows (`wanted`, from the arrays) joined with the stored rows of the batch's
    scope; `diff` keeps the new rows, those that differ, and (FULL JOIN, for a table that
    removes) the stored rows the engine no longer lists. Every write reads `diff`."""
    q = connection.ops.quote_name
    status, event = q(table.model._meta.db_table), q(StatusEvent._meta.db_table)
    keys = [q(name) for name, _ in table.keys]
    values = [q(name) for name, _ in table.values]
    columns = [*table.keys, *table.values, ("state", "text")]
    unnest = ", ".join(f"%(column{i})s::{kind}[]" for i, (_, kind) in enumerate(columns))
    names = ", ".join(q(name) for name, _ in columns)
    joined = " AND ".join(f"s.{k} = w.{k}" for k in keys)
    differs = " OR ".join(f"s.{v} IS DISTINCT FROM w.{v}" for v in [*values, q("state")])
    in_scope = f"{q(table.scope)} = ANY(%(scope)s::bigint[])"
    subject = q(table.subject_of_row)
    if table.removes:
        join = "FULL JOIN"
        removed = f"""removed AS (
        DELETE FROM {status} WHERE {in_scope} AND id IN (SELECT pk FROM diff WHERE state IS NULL) RETURNING id
    ),
    removed_events AS (
        DELETE FROM {event} WHERE {q(table.event_subject)} = ANY(ARRAY(SELECT id FROM removed))
    ),"""
    else:
        join, removed = "LEFT JOIN", "removed AS (SELECT NULL::bigint AS id WHERE false),"
    return f"""
    WITH wanted ({names}) AS (SELECT * FROM unnest({unnest})),
    stored AS (SELECT * FROM {status} WHERE {in_scope}),
    diff AS (
        SELECT w.*, s.id AS pk, s.state AS old_state FROM wanted w {join} stored s ON {joined}
        WHERE s.id IS NULL OR w.state IS NULL OR {differs}
    ),
    created AS (
        INSERT INTO {status} ({names}, since) SELECT {names}, %(as_of)s FROM diff WHERE pk IS NULL
        RETURNING {subject} AS subject, state
    ),
    updated AS (
        UPDATE {status} s SET {", ".join(f"{v} = d.{v}" for v in values)}, state = d.state,
            since = CASE WHEN d.old_state = d.state THEN s.since ELSE %(as_of)s END
        FROM diff d WHERE s.{in_scope} AND s.id = d.pk AND d.state IS NOT NULL
        RETURNING s.{subject} AS subject, d.old_state, d.state
    ),
    {removed}
    events AS (
        INSERT INTO {event} ({q(table.event_subject)}, from_state, to_state, occurred_on, recorded_at)
        SELECT subject, '', state, %(as_of)s, %(now)s FROM created
        UNION ALL
        SELECT subject, old_state, state, %(as_of)s, %(now)s FROM updated WHERE old_state <> state
        RETURNING to_state
    )
    SELECT 'created', '', count(*) FROM created
    UNION ALL SELECT 'removed', '', count(*) FROM removed
    UNION ALL SELECT 'event', to_state, count(*) FROM events GROUP BY to_state
    """


def _sync_orm(table: _Table, rows: list[tuple], as_of: date, scope: list[int]) -> dict:
    model, keys, fields = table.model, [name for name, _ in table.keys], [name for name, _ in table.values]
    width = len(keys)
    stored_rows = model.objects.filter(**{f"{table.scope}__in": scope})
    stored = {
        tuple(row[:width]): row[width:] for row in stored_rows.values_list(*keys, "pk", "since", "state", *fields)
    }
    new, changed, events = [], [], []
    for row in rows:
        key, values, state = tuple(row[:width]), list(row[width:-1]), row[-1]
        found = stored.pop(key, None)
        if found is None:
            new.append(model(state=state, since=as_of, **dict(zip(keys + fields, [*key, *values], strict=True))))
            events.append(("", new[-1]))
            continue
        pk, since, old_state, *old_values = found
        if old_state == state and old_values == values:
            continue
        values = dict(zip(fields, values, strict=True))
        changed.append(model(pk=pk, state=state, since=since if old_state == state else as_of, **values))
        if old_state != state:
            events.append((old_state, changed[-1]))
    model.objects.bulk_create(new)  # sets the primary keys the obligation events point at
    model.objects.bulk_update(changed, ["state", "since", *fields])
    StatusEvent.objects.bulk_create(
        StatusEvent(
            from_state=old_state,
            to_state=row.state,
            occurred_on=as_of,
            **{table.event_subject: getattr(row, table.subject_of_row)},
        )
        for old_state, row in events
    )
    if table.removes and stored:  # owed no more on this day (the measure was completed, a unit was taken off it …)
        model.objects.filter(pk__in=[found[0] for found in stored.values()]).delete()  # with their events
    return {"created": len(new), "removed": len(stored), "events": Counter(row.state for _, row in events)}
