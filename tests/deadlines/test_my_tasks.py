"""我的任务 lists exactly what the whole as-of engine says the unit owes, and its work does not
grow with settled history: the page judges only the (measure, period) pairs that can still
be open for the unit, and as many of them — in as many queries — for one year of history as
for three."""

import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import UNIT_REPORTER
from deadlines import engine
from deadlines.selectors import unit_tasks
from deadlines.views import TASKS_PER_PAGE
from ledger import access, services
from ledger.periods import open_periods

from ..conftest import make_user

TODAY = date(2019, 3, 20)  # Feb 2019 is judged (due 5 March), March is still open


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2019-03-20 10:00:00+08:00", tick=False):
        yield


def fill(user, report, **content):
    values = {"status": "on_track", "progress": "进展", "next_steps": "计划", **content}
    return services.save_report_draft(user, report, report.lock_version, values)


def sent(user, measure, period, **content):
    report = fill(user, services.open_report(user, measure, period), **content)
    return services.submit_report(user, report, report.lock_version)


def contributed(user, measure, period, submit=True):
    contribution = services.open_contribution(user, measure, period)
    content = {"status": "on_track", "progress": "配合进展", "next_steps": "继续"}
    contribution = services.save_contribution(user, contribution, contribution.lock_version, content)
    return services.submit_contribution(user, contribution, contribution.lock_version) if submit else contribution


def owed_by_the_whole_engine(user, today: date) -> dict[str, list]:
    """What 我的任务 shows, read off engine.programme over every opened period: the definition
    the page is held to."""
    measures = engine.monitored_measures(access.visible_measures(user)).order_by("document", "position")
    state = engine.programme(measures, today)
    mine = [r for r in state.owed if r.unit.pk == user.unit_id]
    reports = sorted((r for r in mine if r.kind == "report"), key=lambda r: (r.due_on, r.measure.position))
    recent = {p.pk for p in state.periods[-3:]}
    return {
        "returned": [r for r in reports if r.stage == "returned"],
        "overdue": [r for r in reports if r.state == "missing"],
        "current": [r for r in reports if r.state in ("pending", "due_soon")],
        "awaiting_review": [r for r in reports if r.stage == "submitted"],
        "contributions": [
            r
            for r in mine
            if r.kind == "contribution" and r.period.pk in recent and (r.stage != "submitted" or r.due_on >= today)
        ],
    }


def rows(owed) -> list[tuple]:
    return [
        (r.key, r.state, r.stage, r.latest.pk if r.latest else None, r.submitted_at, r.first_decision, r.as_of)
        for r in owed
    ]


LISTS = ("returned", "overdue", "current", "awaiting_review", "contributions")


def assert_the_page_is_the_engine(user, today=TODAY):
    tasks = unit_tasks(user, today)
    expected = owed_by_the_whole_engine(user, today)
    for name in LISTS:
        assert rows(getattr(tasks, name)) == rows(expected[name]), name
    return tasks


@pytest.fixture
def ledger_with_old_gaps(plan, lead_reporter, co_reporter, office_reviewer, measure):
    """Fifteen months of 市工商局's measure 2: old reports returned and never resubmitted,
    returned and resubmitted, returned with a new draft, old periods with only a draft or with
    nothing, a correction in progress, this month's draft; 市教育局's contributions; 市规划局's
    measure 4 reported done in June 2018 (nothing owed after it)."""
    p = open_periods(date(2018, 1, 1), date(2019, 3, 31))
    approved = sent(lead_reporter, measure, p[0])
    services.review_report(office_reviewer, approved, "approved")
    services.review_report(office_reviewer, sent(lead_reporter, measure, p[1]), "returned", "补充数据")  # old, returned
    services.review_report(office_reviewer, sent(lead_reporter, measure, p[2]), "returned", "补充")
    sent(lead_reporter, measure, p[2])  # resubmitted: waiting
    services.review_report(office_reviewer, sent(lead_reporter, measure, p[3]), "returned", "补充")
    fill(lead_reporter, services.open_report(lead_reporter, measure, p[3]))  # resubmission begun
    fill(lead_reporter, services.open_report(lead_reporter, measure, p[4]))  # a draft only: missing
    sent(lead_reporter, measure, p[10])  # waiting
    services.review_report(office_reviewer, sent(lead_reporter, measure, p[11]), "approved")
    fill(lead_reporter, services.open_report(lead_reporter, measure, p[11]))  # a correction
    services.review_report(office_reviewer, sent(lead_reporter, measure, p[12]), "returned", "请补充")
    fill(lead_reporter, services.open_report(lead_reporter, measure, p[14]))  # this month's draft

    twelve = plan.measures.get(number=12)
    contributed(co_reporter, twelve, p[14])
    contributed(co_reporter, twelve, p[13], submit=False)
    contributed(co_reporter, twelve, p[1])

    planner = make_user("planner", UNIT_REPORTER, "市规划局")
    done = plan.measures.get(number=4)
    report = fill(planner, services.open_report(planner, done, p[5]), status="completed")
    services.attach_evidence(planner, report, SimpleUploadedFile("验收.pdf", b"%PDF-1.4"))
    report = services.save_report_draft(planner, report, report.lock_version, {}, None, [done.milestones.get().pk])
    services.review_report(office_reviewer, services.submit_report(planner, report, report.lock_version), "approved")
    return {"lead": lead_reporter, "co": co_reporter, "planner": planner, "periods": p}


def test_the_page_lists_what_the_whole_engine_says_the_unit_owes(ledger_with_old_gaps):
    tasks = assert_the_page_is_the_engine(ledger_with_old_gaps["lead"])
    labels = {name: [r.period.label for r in getattr(tasks, name) if r.measure.number == 2] for name in LISTS}
    assert labels["returned"] == ["2018年2月", "2019年1月"]
    assert labels["awaiting_review"] == ["2018年3月", "2018年11月"]
    assert "2018年4月" not in str(labels)  # returned, and its new version begun: nothing to show
    assert labels["overdue"] == ["2018年5月", "2018年6月", "2018年7月", "2018年8月", "2018年9月", "2018年10月",
                                 "2019年2月"]  # fmt: skip
    assert labels["current"] == ["2019年3月"]
    assert_the_page_is_the_engine(ledger_with_old_gaps["co"])
    planner = assert_the_page_is_the_engine(ledger_with_old_gaps["planner"])
    assert [r.period.label for r in planner.overdue if r.measure.number == 4] == [
        "2018年1月",
        "2018年2月",
        "2018年3月",
        "2018年4月",
        "2018年5月",
    ]  # fmt: skip  (June is owed: it is the period the measure was reported done in)


@pytest.mark.parametrize("who", ["lead", "co", "planner"])
def test_the_rendered_page_shows_the_engines_rows_in_its_order(client, ledger_with_old_gaps, who):
    user = ledger_with_old_gaps[who]
    expected = owed_by_the_whole_engine(user, TODAY)
    client.force_login(user)
    html = client.get(reverse("my-tasks")).content.decode()
    reports = [f"{r.measure.code}-{r.period.pk}" for name in LISTS[:4] for r in expected[name][:TASKS_PER_PAGE]]
    contributions = [f"{r.measure.code}-{r.period.pk}" for r in expected["contributions"][:TASKS_PER_PAGE]]
    assert re.findall(r'data-task="([^"]+)"', html) == reports
    assert re.findall(r'data-contribution="([^"]+)"', html) == contributions
    assert "被退回,待修改({})".format(len(expected["returned"])) in html
    assert "已逾期({})".format(len(expected["overdue"])) in html


def test_the_page_follows_the_engine_through_a_return_and_a_resubmission(
    ledger_with_old_gaps, office_reviewer, measure
):
    lead, p = ledger_with_old_gaps["lead"], ledger_with_old_gaps["periods"]
    old = sent(lead, measure, p[6])  # a missing report sent late
    assert_the_page_is_the_engine(lead)
    services.review_report(office_reviewer, old, "returned", "补充")
    assert [r.period.label for r in assert_the_page_is_the_engine(lead).returned if r.measure == measure] == [
        "2018年2月",
        "2018年7月",
        "2019年1月",
    ]
    again = fill(lead, services.open_report(lead, measure, p[6]))
    assert_the_page_is_the_engine(lead)
    services.submit_report(lead, again, again.lock_version)
    tasks = assert_the_page_is_the_engine(lead)
    assert "2018年7月" in [r.period.label for r in tasks.awaiting_review]
    assert_the_page_is_the_engine(lead, date(2019, 4, 8))  # March is judged now: missing


def settle(user, office_reviewer, measures, periods):
    """Reports sent for every period, every third returned and resubmitted, all approved."""
    for measure in measures:
        for index, period in enumerate(periods):
            report = sent(user, measure, period)
            if index % 3 == 0:
                services.review_report(office_reviewer, report, "returned", "补充")
                report = sent(user, measure, period)
            services.review_report(office_reviewer, report, "approved")


@pytest.fixture
def history_of(plan, lead_reporter, office_reviewer):
    """One year of the unit's history (April 2018 – March 2019) with something open of every
    kind: a returned report, one waiting for review, February missing, March to write. Returns
    `grow()`, which puts two more settled years before it."""
    led = list(engine.monitored_measures(access.led_measures(lead_reporter)).order_by("position"))
    p = open_periods(date(2018, 4, 1), date(2019, 3, 31))
    settle(lead_reporter, office_reviewer, led, p[:8])
    services.review_report(office_reviewer, sent(lead_reporter, led[0], p[8]), "returned", "补充")
    sent(lead_reporter, led[0], p[9])

    def grow():
        settle(lead_reporter, office_reviewer, led, open_periods(date(2016, 4, 1), date(2018, 3, 31)))

    return grow


def test_the_page_does_as_much_work_for_three_years_as_for_one(
    client, lead_reporter, history_of, monkeypatch, django_assert_num_queries
):
    """The same queries and the same number of owed reports judged and versions read, whatever
    the settled history behind what is open (the whole programme judged all of it: 500 ms on
    the province dataset)."""
    judged, read = [], []
    owed_row, version_init = engine._owed_row, engine.Version.__post_init__
    monkeypatch.setattr(engine, "_owed_row", lambda *a, **k: judged.append(1) or owed_row(*a, **k))
    monkeypatch.setattr(engine.Version, "__post_init__", lambda self: read.append(1) or version_init(self))
    client.force_login(lead_reporter)
    url = reverse("my-tasks")
    client.get(url)

    def measured():
        judged.clear(), read.clear()
        with django_assert_num_queries(QUERIES) as captured:
            page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        shown = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html[html.index("<h1") : html.index("</main>")])
        return len(captured.captured_queries), len(judged), len(read), shown

    one_year = measured()
    assert_the_page_is_the_engine(lead_reporter)
    history_of()
    three_years = measured()
    assert_the_page_is_the_engine(lead_reporter)
    assert three_years[:3] == one_year[:3]
    assert three_years[3] == one_year[3]  # and the same page


QUERIES = 17  # pinned: see test_the_page_does_as_much_work_for_three_years_as_for_one


def test_long_lists_are_paginated(client, plan, lead_reporter, measure):
    """Years of missing reports are one page of rows at a time; the heading counts them all."""
    open_periods(date(2016, 1, 1), date(2019, 3, 31))
    expected = owed_by_the_whole_engine(lead_reporter, TODAY)["overdue"]
    assert len(expected) > 25
    client.force_login(lead_reporter)
    first = client.get(reverse("my-tasks"))
    html = first.content.decode()
    assert f"已逾期({len(expected)})" in html
    shown = list(first.context["pages"]["overdue"].object_list)
    assert rows(shown) == rows(expected[: len(shown)]) and len(shown) < len(expected)
    assert "overdue_page=2" in html
    second = client.get(reverse("my-tasks") + "?overdue_page=2")
    assert rows(second.context["pages"]["overdue"].object_list) == rows(expected[len(shown) : 2 * len(shown)])
    assert f"已逾期({len(expected)})" in second.content.decode()
