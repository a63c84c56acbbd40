"""The daily scan: statuses stored and indexed, each change recorded once, a fixed cost per batch."""

from datetime import date

from deadlines.models import MilestoneStatus, StatusEvent
from measures.models import Milestone


def overdue_on(as_of, scan):
    scan(as_of)
    rows = MilestoneStatus.objects.filter(state="overdue").select_related("milestone__measure")
    return sorted((r.milestone.measure.code, r.due_date.isoformat()) for r in rows)


def test_on_1_july_2019_the_end_of_2018_and_june_2019_deadlines_are_overdue(plan, scan):
    assert overdue_on(date(2019, 7, 1), scan) == [
        ("16", "2018-12-31"),
        ("2", "2018-12-31"),
        ("2", "2019-06-30"),
        ("4", "2019-06-30"),
    ]


def test_nothing_is_overdue_before_its_due_date(plan, scan):
    assert overdue_on(date(2018, 12, 31), scan) == []
    due_soon = MilestoneStatus.objects.filter(state="due_soon").values_list("due_date", flat=True)
    assert set(due_soon) == {date(2018, 12, 31)}


def test_a_second_scan_of_the_same_day_records_nothing(plan, scan):
    first = scan(date(2019, 7, 1))
    events = StatusEvent.objects.count()
    second = scan(date(2019, 7, 1))
    assert first.events == events and second.events == 0 and StatusEvent.objects.count() == events


def test_passing_a_due_date_is_one_event(plan, scan):
    scan(date(2019, 6, 30))
    scan(date(2019, 7, 1))
    milestone = plan.measures.get(number=4).milestones.get()
    assert list(milestone.events.values_list("from_state", "to_state", "occurred_on")) == [
        ("", "due_soon", date(2019, 6, 30)),
        ("due_soon", "overdue", date(2019, 7, 1)),
    ]


def test_ongoing_milestones_are_not_dated(plan, scan):
    scan(date(2019, 7, 1))
    ongoing = Milestone.objects.filter(kind="ongoing").values_list("status__state", flat=True)
    assert set(ongoing) == {"not_dated"}


def test_each_batch_costs_the_same_number_of_queries(plan, scan, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_batch:
        scan(date(2019, 7, 1), batch_size=1000)
    MilestoneStatus.objects.all().delete()
    StatusEvent.objects.all().delete()
    with CaptureQueriesContext(connection) as small_batches:
        scan(date(2019, 7, 1), batch_size=10)
    batches = -(-Milestone.objects.count() // 10)
    per_batch = (len(small_batches.captured_queries) - len(one_batch.captured_queries)) / (batches - 1)
    assert per_batch <= 7
