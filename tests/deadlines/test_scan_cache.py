"""The scan's rows are a cache of the engine: equal to its answer after any scan, written in a
fixed number of statements per batch, and only where the answer changed."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import UNIT_REPORTER
from deadlines.models import MilestoneStatus, ReportObligation, StatusEvent
from ledger.periods import open_periods

from ..conftest import make_user
from .test_engine import send, state_of


def stored(plan):
    owed = {
        (m, p, u, k): (due, submitted, state)
        for m, p, u, k, due, submitted, state in ReportObligation.objects.values_list(
            "measure", "period", "unit", "kind", "due_on", "submitted_at", "state"
        )
    }
    milestones = dict(
        (pk, values)
        for pk, *values in MilestoneStatus.objects.values_list("milestone", "due_date", "completed_on", "state")
    )
    return owed, {pk: tuple(values) for pk, values in milestones.items()}


def engine_answer(plan, day):
    state = state_of(plan, day)
    owed = {row.key: (row.due_on, row.submitted_at, row.state) for row in state.owed}
    milestones = {row.milestone.pk: (row.milestone.due_date, row.completed_on, row.state) for row in state.milestones}
    return owed, milestones


def test_after_submissions_a_completion_and_a_past_day_the_rows_are_the_engines_answer(plan, scan):
    planner = make_user("planner", UNIT_REPORTER, "市规划局")
    measure = plan.measures.get(number=4)  # led by 市规划局, its milestone due 2019-06-30
    periods = open_periods(date(2019, 1, 1), date(2019, 12, 31))
    scan(date(2019, 7, 1))
    assert stored(plan) == engine_answer(plan, date(2019, 7, 1))
    send(planner, measure, periods[4], on="2019-06-03")  # May, on time
    send(planner, measure, periods[5], on="2019-07-08", approved="2019-07-09", status="completed",
         claims=[measure.milestones.get().pk], evidence=True)  # fmt: skip
    for day in (date(2019, 7, 8), date(2019, 7, 10), date(2019, 12, 20), date(2019, 7, 1), date(2019, 12, 20)):
        report = scan(day, batch_size=7)
        assert stored(plan) == engine_answer(plan, day), day
        assert report.obligations == len(engine_answer(plan, day)[0])
    assert scan(date(2019, 12, 20), batch_size=7).events == 0


def test_removed_owed_reports_take_their_events_with_them(plan, scan):
    planner = make_user("planner", UNIT_REPORTER, "市规划局")
    measure = plan.measures.get(number=4)
    periods = open_periods(date(2019, 1, 1), date(2019, 12, 31))
    scan(date(2019, 12, 20))
    owed_in_july = ReportObligation.objects.filter(measure=measure, period=periods[6])
    assert owed_in_july.exists() and StatusEvent.objects.filter(obligation__in=owed_in_july).exists()
    send(planner, measure, periods[5], on="2019-07-02", approved="2019-07-09", status="completed",
         claims=[measure.milestones.get().pk], evidence=True)  # fmt: skip
    report = scan(date(2019, 12, 20))
    assert report.obligations_removed > 0 and not owed_in_july.exists()
    assert (
        not StatusEvent.objects.filter(obligation__isnull=False)
        .exclude(obligation__in=ReportObligation.objects.all())
        .exists()
    )


def writes_per_batch(scan, day, batch_size):
    with CaptureQueriesContext(connection) as captured:
        report = scan(day, batch_size=batch_size)
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    return report, writes


def test_each_batch_writes_in_three_statements_whatever_changes(plan, scan):
    open_periods(date(2019, 1, 1), date(2019, 12, 31))
    batch_size = 5
    batches = -(-len(state_of(plan, date(2019, 6, 28)).measures) // batch_size)
    for day, what in ((date(2019, 6, 28), "all new"), (date(2019, 6, 28), "nothing"), (date(2019, 7, 9), "some")):
        report, writes = writes_per_batch(scan, day, batch_size)
        assert (what == "all new") == (report.obligations_created == report.obligations > 0)
        assert (what == "nothing") == (report.events == 0)
        assert len(writes) == 3 * batches, (what, writes[:8])


def xmins(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, xmin::text FROM {model._meta.db_table}")
        return dict(cursor.fetchall())


def test_a_rescan_touches_only_the_rows_whose_answer_changed(plan, scan):
    open_periods(date(2019, 1, 1), date(2019, 12, 31))
    scan(date(2019, 6, 28))
    before = {model: xmins(model) for model in (MilestoneStatus, ReportObligation)}
    states = {model: dict(model.objects.values_list("pk", "state")) for model in (MilestoneStatus, ReportObligation)}
    scan(date(2019, 6, 28))
    assert {model: xmins(model) for model in before} == before
    scan(date(2019, 7, 9))  # June's milestones and reports pass their due dates
    for model, rows in before.items():
        now = dict(model.objects.values_list("pk", "state"))
        touched = {pk for pk, xmin in xmins(model).items() if pk in rows and xmin != rows[pk]}
        changed = {pk for pk, state in now.items() if pk in rows and state != states[model][pk]}
        assert touched == changed and changed, model


def test_the_collector_is_off_while_a_batch_is_computed_and_on_again_after(plan, scan, monkeypatch):
    import gc

    from deadlines import engine

    seen, programme = [], engine.programme
    monkeypatch.setattr(engine, "programme", lambda *a: seen.append(gc.isenabled()) or programme(*a))
    scan(date(2019, 7, 1), batch_size=10)
    assert seen and not any(seen) and gc.isenabled()
