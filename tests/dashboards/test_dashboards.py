"""The office's dashboards: right numbers, replayable as of any date, a fixed number of queries."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from dashboards.state import board, overview
from deadlines.scan import scan_deadlines
from ledger import services
from ledger.periods import open_periods
from measures.models import Measure, MeasureKind
from units.models import Unit

from ..ledger.conftest import fill


@pytest.fixture
def office(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def counts(page, name):
    return page.split(f'data-count="{name}">')[1].split("<")[0]


def test_on_1_july_2019_four_milestones_are_red(plan):
    state = board(plan, date(2019, 7, 1))
    red = sorted((r.measure.code, str(r.milestone.due_date)) for r in state.milestones if r.light == "red")
    assert red == [("16", "2018-12-31"), ("2", "2018-12-31"), ("2", "2019-06-30"), ("4", "2019-06-30")]
    summary = overview(state)
    assert ("red", "红灯", 3) in summary.measures_by_light  # measures 2, 4 and 16
    assert [r.measure.code for r in summary.newly_overdue] == ["2", "4"]


def test_overview_numbers_link_to_the_lists_they_count(office, plan):
    page = office.get(reverse("dashboard"), {"as_of": "2019-07-01"}).content.decode()
    assert counts(page, "newly-overdue") == "2"
    listed = office.get(reverse("dashboard-milestones"), {"as_of": "2019-07-01", "newly": "1"}).content.decode()
    assert listed.count("data-milestone=") == 2
    red = office.get(reverse("dashboard-measures"), {"as_of": "2019-07-01", "light": "red"}).content.decode()
    assert red.count("data-measure=") == 3


def test_filters_narrow_the_programme(office, plan):
    tax = Unit.objects.get(name="市税务局")
    state = board(plan, date(2019, 7, 1), unit_id=tax.pk)
    assert [m.code for m in state.measures] == ["2", "3", "5"]
    assert [m.code for m in board(plan, date(2019, 7, 1), section="五").measures] == ["8", "9", "10", "11"]


def test_a_bad_date_is_a_400_naming_it(office, plan):
    response = office.get(reverse("dashboard"), {"as_of": "2019-02-30"})
    assert response.status_code == 400 and "2019-02-30" in response.content.decode()


def test_a_past_day_replays_exactly_after_later_events(plan, lead_reporter, office_reviewer, measure):
    """What the board showed on 20 March 2019 is what it shows for that date a year later."""
    periods = open_periods(date(2019, 1, 1), date(2019, 3, 31))
    with time_machine.travel("2019-03-01 10:00 +08:00", tick=False):
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[0]))
        services.submit_report(lead_reporter, report, report.lock_version)
        scan_deadlines(date(2019, 3, 20))
    before = _snapshot(board(plan, date(2019, 3, 20)))
    with time_machine.travel("2019-04-02 10:00 +08:00", tick=False):
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[1]))
        report = services.submit_report(lead_reporter, report, report.lock_version)
        services.review_report(office_reviewer, report, "approved")
    assert _snapshot(board(plan, date(2019, 3, 20))) == before
    assert _snapshot(board(plan, date(2019, 4, 3))) != before


def _snapshot(state):
    return (
        sorted((r.milestone.pk, r.state) for r in state.milestones),
        sorted((r.key, r.state) for r in state.reports),
        sorted((t.target.pk, t.verdict) for t in state.targets),
    )


def test_targets_show_met_missed_and_not_due(plan, lead_reporter, office_reviewer, measure):
    period = open_periods(date(2019, 6, 1), date(2019, 6, 30))[0]
    start_up_time = measure.targets.get(value="8.5")
    registration = measure.targets.get(metric="工商登记")
    with time_machine.travel("2019-07-02 10:00 +08:00", tick=False):
        report = services.open_report(lead_reporter, measure, period)
        report = services.save_report_draft(
            lead_reporter,
            report,
            report.lock_version,
            {"status": "on_track", "progress": "进展", "next_steps": "计划"},
            [
                services.TargetValue(start_up_time.pk, 7, date(2019, 6, 30)),
                services.TargetValue(registration.pk, 3, date(2019, 6, 30)),
            ],
        )
        report = services.submit_report(lead_reporter, report, report.lock_version)
        services.review_report(office_reviewer, report, "approved")
    verdicts = {t.target.pk: t.verdict for t in board(plan, date(2019, 7, 3)).targets}
    assert verdicts[start_up_time.pk] == "met"  # 7 ≤ 8.5
    assert verdicts[registration.pk] == "missed"  # 3 > 2, due 2018-12-31
    assert verdicts[measure.targets.get(value="5").pk] == "not_due"  # due 2020-12-31


@pytest.mark.parametrize("name", ["dashboard", "dashboard-measures", "dashboard-milestones", "dashboard-reports",
                                  "dashboard-targets"])  # fmt: skip
def test_every_dashboard_runs_a_constant_number_of_queries(
    office, plan, name, django_assert_num_queries, django_assert_max_num_queries
):
    url = reverse(name) + "?as_of=2019-07-01"
    open_periods(date(2019, 1, 1), date(2019, 3, 31))
    scan_deadlines(date(2019, 4, 1))
    office.get(url)
    # One of them reads the holiday calendar; the overview adds up to 3 for supervision (findings,
    # their steps once there are findings, commitments: supervision.selectors.summary), and its
    # tally (engine.tally) one more than the whole answer: the unsent pairs, then their versions
    # and the completions instead of every version (the bound has room for two more).
    with django_assert_max_num_queries(25) as small:
        office.get(url)
    _grow(plan)
    with django_assert_num_queries(len(small.captured_queries)):
        assert office.get(url).status_code == 200


def _grow(plan):
    """Twenty more measures with a lead unit, milestones, targets and owed reports."""
    section = plan.measures.get(number=24).section
    unit = Unit.objects.get(name="市税务局")
    top = plan.measures.order_by("-position").first().position
    for offset in range(1, 21):
        measure = Measure.objects.create(
            document=plan, section=section, kind=MeasureKind.MEASURE, number=100 + offset, position=top + offset,
            title=f"附加举措{offset}", body="正文", deadline_text="2019年6月底前",
        )  # fmt: skip
        measure.assignments.create(role="lead", unit=unit, written_name=unit.name, position=1)
        measure.milestones.create(position=1, kind="dated", due_date=date(2019, 6, 30), description="完成",
                                  source="deadline_line", source_text="2019年6月底前")  # fmt: skip
        measure.targets.create(position=1, metric="办理时间", comparator="le", value=3, unit="工作日",
                               due_date=date(2019, 6, 30), source_text="x")  # fmt: skip
    open_periods(date(2019, 4, 1), date(2019, 6, 30))
    scan_deadlines(date(2019, 7, 1))
