"""The as-of engine's rules, each on hand-made ledger rows: what is owed, when a milestone is
done, when a target is judged, what "this period" is, and who leads."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import UNIT_REPORTER
from core import clock
from dashboards.ranking import default_period
from deadlines import engine
from deadlines.models import ReportObligation
from deadlines.scan import scan_deadlines
from exports.services import ledger_export
from ledger import access, services
from ledger.periods import open_periods
from measures.models import Assignment, AssignmentRole
from units.models import UnitGroup

from ..conftest import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day} 10:00").replace(tzinfo=SHANGHAI)


def state_of(plan, day, *numbers):
    measures = plan.measures.filter(number__in=numbers) if numbers else plan.measures.all()
    return engine.programme(engine.monitored_measures(measures), day)


def send(user, measure, period, *, on, approved=None, status="on_track", claims=(), values=(), evidence=False):
    """A report written and submitted on `on`, approved on `approved`."""
    with clock.replaying(at(on)):
        report = services.open_report(user, measure, period)
        if evidence:
            services.attach_evidence(user, report, SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))
        content = {"status": status, "progress": "进展", "next_steps": "计划"}
        report = services.save_report_draft(user, report, report.lock_version, content, list(values), list(claims))
        report = services.submit_report(user, report, report.lock_version)
    if approved:
        with clock.replaying(at(approved)):
            services.review_report(make_user_once("engine_office"), report, "approved")
    return report


def make_user_once(username):
    from accounts.models import User
    from accounts.roles import OFFICE_REVIEWER

    return User.objects.filter(username=username).first() or make_user(username, OFFICE_REVIEWER, "市营商办")


def test_what_is_owed_follows_from_the_plan_and_a_scan_only_stores_it(plan, measure):
    open_periods(date(2019, 1, 1), date(2019, 3, 31))
    before = state_of(plan, date(2019, 3, 20), 2)
    owed = {(r.period.label, r.unit.name, r.kind) for r in before.owed}
    leads, co_units = ["市公安局", "市工商局", "市税务局"], ["中国人民银行大连市中心支行", "市人社局"]
    months = ["2019年1月", "2019年2月", "2019年3月"]
    assert owed == {(m, u, "report") for m in months for u in leads} | {
        (m, u, "contribution") for m in months for u in co_units
    }
    assert not ReportObligation.objects.exists()
    scan_deadlines(date(2019, 3, 20))
    after = state_of(plan, date(2019, 3, 20), 2)
    assert [(r.key, r.state) for r in after.owed] == [(r.key, r.state) for r in before.owed]
    stored = set(
        ReportObligation.objects.filter(measure=measure).values_list("measure", "period", "unit", "kind", "state")
    )
    assert stored == {(*r.key, r.state) for r in after.owed}


def test_a_measure_reported_done_owes_nothing_after_that_period_and_shows_done(plan):
    planner = make_user("planner", UNIT_REPORTER, "市规划局")
    measure = plan.measures.get(number=4)  # due 2019-06-30, nothing ongoing
    periods = open_periods(date(2019, 1, 1), date(2019, 12, 31))
    milestone = measure.milestones.get()
    send(planner, measure, periods[5], on="2019-07-02", approved="2019-07-09", status="completed",
         claims=[milestone.pk], evidence=True)  # fmt: skip
    before_approval = state_of(plan, date(2019, 7, 8), 4)
    assert {r.period.label for r in before_approval.reports} >= {"2019年7月"}
    later = state_of(plan, date(2019, 12, 20), 4)
    assert sorted({r.period.starts_on.month for r in later.reports}) == [1, 2, 3, 4, 5, 6]
    assert later.measure_lights[measure.pk] == "done"
    assert later.completed_on == {measure.pk: date(2019, 7, 9)}
    assert [r.state for r in later.milestones] == ["done"]  # claimed in June's report: by 30 June


def test_the_reports_owed_in_some_periods_are_the_programmes_for_those_periods(plan, lead_reporter, measure):
    """engine.owed_in (the review queue's 按时/迟报, 我的任务) reads only the pairs asked for, and
    the completions of any period: the same rows as the whole programme, on every day."""
    planner = make_user("planner", UNIT_REPORTER, "市规划局")
    done = plan.measures.get(number=4)
    periods = open_periods(date(2019, 1, 1), date(2019, 12, 31))
    send(lead_reporter, measure, periods[0], on="2019-02-03", approved="2019-02-10")
    send(lead_reporter, measure, periods[1], on="2019-03-09")  # late, waiting
    send(planner, done, periods[5], on="2019-07-02", approved="2019-07-09", status="completed",
         claims=[done.milestones.get().pk], evidence=True)  # fmt: skip
    send(planner, done, periods[7], on="2019-09-02")  # after it was done: owes nothing
    measures = engine.monitored_measures(plan.measures.filter(pk__in=[measure.pk, done.pk]))

    def rows(owed):
        return sorted((r.key, r.state, r.stage, r.submitted_at) for r in owed)

    for day in (date(2019, 3, 8), date(2019, 7, 8), date(2019, 12, 20)):
        whole = engine.programme(measures, day).reports
        for chosen in ([periods[1]], [periods[0], periods[7]], periods[4:9], periods):
            ids = {p.pk for p in chosen}
            expected = [r for r in whole if r.period.pk in ids]
            cells = {(m.pk, pk) for m in measures for pk in ids}
            assert rows(engine.owed_in(measures, cells, day, kinds=("report",))) == rows(expected)


def test_a_milestone_claimed_late_is_done_late_and_red_until_confirmed(plan, lead_reporter, measure):
    periods = open_periods(date(2019, 7, 1), date(2019, 7, 31))
    milestone = measure.milestones.get(due_date=date(2019, 6, 30))
    send(lead_reporter, measure, periods[0], on="2019-08-02", approved="2019-08-12", claims=[milestone.pk],
         evidence=True)  # fmt: skip
    row = next(r for r in state_of(plan, date(2019, 8, 11), 2).milestones if r.milestone == milestone)
    assert (row.state, row.completed_on) == ("overdue", None)
    row = next(r for r in state_of(plan, date(2019, 8, 12), 2).milestones if r.milestone == milestone)
    assert (row.state, row.completed_on) == ("done_late", date(2019, 7, 31))


def test_a_dated_target_is_judged_the_day_after_the_report_covering_it_was_due(plan, measure):
    open_periods(date(2019, 6, 1), date(2019, 6, 30))  # June is due on 5 July

    def verdict(day):
        rows = state_of(plan, day, 2).targets
        return next(r.verdict for r in rows if r.target.value == Decimal("8.5"))

    assert verdict(date(2019, 7, 1)) == "not_due"
    assert verdict(date(2019, 7, 5)) == "not_due"
    assert verdict(date(2019, 7, 6)) == "missed"


def test_a_yearly_target_is_judged_once_a_year_at_its_end(plan):
    organisation = make_user("organiser", UNIT_REPORTER, "市委组织部")
    measure = plan.measures.get(number=13)
    periods = open_periods(date(2019, 1, 1), date(2019, 12, 31))
    seminars = measure.targets.get(metric="举办专业技术人才高级研修班")  # = 30 期 每年
    send(organisation, measure, periods[5], on="2019-07-02", approved="2019-07-08",
         values=[services.TargetValue(seminars.pk, 14, date(2019, 6, 30))])  # fmt: skip

    def verdicts(day):
        return {r.year: r.verdict for r in state_of(plan, day, 13).targets if r.target == seminars}

    assert verdicts(date(2019, 7, 10)) == {2019: "behind"}  # not missed on 1 July
    assert verdicts(date(2020, 1, 3)) == {2019: "behind", 2020: "not_due"}  # December's report not due yet
    assert verdicts(date(2020, 1, 15)) == {2019: "missed", 2020: "not_due"}
    send(organisation, measure, periods[11], on="2020-01-03", approved="2020-01-10",
         values=[services.TargetValue(seminars.pk, 30, date(2019, 12, 31))])  # fmt: skip
    assert verdicts(date(2020, 1, 15)) == {2019: "met", 2020: "not_due"}


def test_this_period_is_the_latest_whose_reports_were_due_before_the_day(plan):
    january, february, _ = open_periods(date(2019, 1, 1), date(2019, 3, 31))
    assert state_of(plan, date(2019, 3, 5)).judged_period == january  # February is due today: not late yet
    assert state_of(plan, date(2019, 3, 6)).judged_period == february
    assert default_period(date(2019, 3, 5)) == january and default_period(date(2019, 3, 6)) == february


def test_what_became_overdue_since_a_day_is_what_fell_due_after_it(plan):
    open_periods(date(2019, 6, 1), date(2019, 6, 30))
    milestones, reports = state_of(plan, date(2019, 7, 10)).newly_overdue(date(2019, 7, 1))
    assert milestones == [] and {r.period.label for r in reports} == {"2019年6月"}  # due 5 July
    milestones, _ = state_of(plan, date(2019, 7, 10)).newly_overdue(date(2019, 6, 30))
    assert sorted({(r.measure.code, str(r.milestone.due_date)) for r in milestones}) == [
        ("2", "2019-06-30"),
        ("4", "2019-06-30"),
    ]


@pytest.fixture
def district_leads(plan):
    """Measure 23 (no lead unit written) given 各区市县 as its lead, as an administrator might."""
    measure = plan.measures.get(number=23)
    group = UnitGroup.objects.get(name="各区市县")
    Assignment.objects.create(
        measure=measure, role=AssignmentRole.LEAD, group=group, written_name="各区市县", position=1
    )
    return measure


def test_a_member_of_a_lead_group_leads_for_access_exports_and_what_is_owed(plan, district_leads):
    period = open_periods(date(2019, 2, 1), date(2019, 2, 28))[0]
    zhuanghe = make_user("zhuanghe", UNIT_REPORTER, "庄河市")
    assert access.can_write_report(zhuanghe, district_leads)
    assert district_leads in access.led_measures(zhuanghe)
    owed = {r.unit.name for r in state_of(plan, date(2019, 3, 20), 23).reports if r.period == period}
    assert "庄河市" in owed and len(owed) == len(district_leads.lead_units()) == 10  # every district and county
    export = ledger_export(make_user_once("engine_office"), plan, unit=str(zhuanghe.unit_id), as_of=date(2019, 3, 20))
    assert [row.code for row in export.rows] == ["23"]
