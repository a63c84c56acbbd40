"""My tasks, the review queue and the ledger page run a fixed number of queries however much history there is."""

from datetime import date

import pytest
from django.urls import reverse

from ledger import services
from ledger.periods import open_periods

from .conftest import fill


def history(lead_reporter, office_reviewer, measure, periods, returned_every=3):
    """One report per period, every third returned and revised, all with a target value."""
    target = measure.targets.first()
    for index, period in enumerate(periods):
        report = services.open_report(lead_reporter, measure, period)
        report = services.save_report_draft(
            lead_reporter,
            report,
            report.lock_version,
            {"status": "on_track", "progress": f"第{index}期进展", "next_steps": "继续"},
            [services.TargetValue(target.pk, 5, period.ends_on)],
        )
        report = services.submit_report(lead_reporter, report, report.lock_version)
        if index % returned_every == 0:
            services.review_report(office_reviewer, report, "returned", "补充")
            report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
            report = services.submit_report(lead_reporter, report, report.lock_version)
        if index % 2 == 0:
            services.review_report(office_reviewer, report, "approved")


@pytest.fixture
def two_sizes(lead_reporter, office_reviewer, measure, plan):
    """Returns a function that grows the history from 2 periods to 14."""
    small = open_periods(date(2018, 1, 1), date(2018, 2, 28))
    history(lead_reporter, office_reviewer, measure, small)

    def grow():
        history(lead_reporter, office_reviewer, measure, open_periods(date(2018, 3, 1), date(2018, 12, 31)))

    return grow


def assert_constant(client, url, grow, django_assert_num_queries, bound):
    client.get(url)
    with django_assert_num_queries(bound) as small:
        client.get(url)
    grow()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_my_tasks_is_constant(client, lead_reporter, two_sizes, django_assert_num_queries):
    client.force_login(lead_reporter)
    # 17: the engine judges only what can be open (ledger.selectors.open_report_cells: the pairs
    # never sent, the review and resubmission markers), and loads no milestones or targets for it
    # — see tests/deadlines/test_my_tasks.py.
    assert_constant(client, reverse("my-tasks"), two_sizes, django_assert_num_queries, 17)


def test_review_queue_is_constant(client, office_reviewer, two_sizes, django_assert_num_queries):
    client.force_login(office_reviewer)
    # 21: the documents (which name rows), the page's report ids then their rows, and the owed
    # reports of the pairs shown, reading only who owes each measure.
    assert_constant(client, reverse("review-queue") + "?state=all", two_sizes, django_assert_num_queries, 21)


def test_measure_ledger_is_constant(client, office_reviewer, measure, two_sizes, django_assert_num_queries):
    client.force_login(office_reviewer)
    assert_constant(client, reverse("measure-ledger", args=[measure.pk]), two_sizes, django_assert_num_queries, 12)
