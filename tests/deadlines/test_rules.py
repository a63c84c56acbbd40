"""The status rules, date by date."""

from datetime import date

import pytest

from deadlines.rules import milestone_state, obligation_state, warning_horizon

pytestmark = pytest.mark.django_db  # working days come from the holiday calendar table

DUE = date(2019, 6, 30)  # a Sunday


@pytest.mark.parametrize(
    ("as_of", "completed_on", "state"),
    [
        (date(2019, 6, 1), None, "on_track"),
        (date(2019, 6, 21), None, "due_soon"),  # within 7 working days
        (date(2019, 6, 30), None, "due_soon"),  # the due date itself is not yet late
        (date(2019, 7, 1), None, "overdue"),
        (date(2019, 7, 1), date(2019, 6, 28), "done"),
        (date(2019, 7, 10), date(2019, 7, 5), "done_late"),
        (date(2019, 7, 3), date(2019, 7, 5), "overdue"),  # completion not known yet on 3 July
    ],
)
def test_milestone_states(as_of, completed_on, state):
    assert milestone_state(DUE, completed_on, as_of, warning_horizon(as_of)) == state


def test_undated_milestones_are_judged_by_reporting():
    assert milestone_state(None, None, date(2019, 7, 1), date(2019, 7, 10)) == "not_dated"


@pytest.mark.parametrize(
    ("as_of", "submitted_on", "state"),
    [
        (date(2019, 2, 1), None, "due_soon"),
        (date(2019, 1, 10), None, "pending"),
        (date(2019, 2, 6), None, "missing"),
        (date(2019, 2, 6), date(2019, 2, 5), "on_time"),
        (date(2019, 2, 20), date(2019, 2, 8), "late"),
    ],
)
def test_report_states(as_of, submitted_on, state):
    assert obligation_state(date(2019, 2, 5), submitted_on, as_of, warning_horizon(as_of)) == state


def test_the_warning_window_is_configurable(settings):
    settings.DEADLINE_WARNING_WORKDAYS = 1
    as_of = date(2019, 6, 21)
    assert milestone_state(DUE, None, as_of, warning_horizon(as_of)) == "on_track"
