"""The battle map (挂图作战): every measure on one timeline, milestones by light, report health
per period, the as-of line; its data as JSON for the chart and as a list for screen readers."""

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import clock
from dashboards.map import battle_map, report_cells, timeline_span
from dashboards.state import board
from deadlines.scan import scan_deadlines
from ledger import services
from ledger.periods import open_periods
from measures.models import Assignment, AssignmentRole, Measure, MeasureKind, Milestone, MilestoneKind
from units.models import Unit

AS_OF = date(2019, 3, 20)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day} 10:00").replace(tzinfo=SHANGHAI)


@pytest.fixture
def first_quarter(plan):
    """January–March 2019 opened and scanned on AS_OF: every lead unit owes three reports."""
    periods = open_periods(date(2019, 1, 1), date(2019, 3, 31))
    scan_deadlines(AS_OF)
    return periods


@pytest.fixture
def january_done(first_quarter, lead_reporter, office_reviewer, measure):
    """市工商局 reports January for measure 2 on 3 February, claiming the 2018-12-31 milestone;
    the office approves on 10 February."""
    milestone = measure.milestones.get(due_date=date(2018, 12, 31))
    with clock.replaying(at("2019-02-02")):
        report = services.open_report(lead_reporter, measure, first_quarter[0])
        report = services.save_report_draft(
            lead_reporter,
            report,
            report.lock_version,
            {"status": "on_track", "progress": "已精简企业开办环节。", "next_steps": "继续压缩。"},
            claimed_milestone_ids=[milestone.pk],
        )
        services.attach_evidence(lead_reporter, report, SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))
    with clock.replaying(at("2019-02-03")):
        report = services.submit_report(lead_reporter, report, report.lock_version)
    with clock.replaying(at("2019-02-10")):
        services.review_report(office_reviewer, report, "approved")
    return milestone


def row_for(data, code):
    return next(row for row in data["rows"] if row["code"] == code)


def map_json(response) -> dict:
    match = re.search(r'<script id="battle-map-data" type="application/json">(.*?)</script>', response.text, re.S)
    assert match, "the page carries its data in a json_script element"
    return json.loads(match.group(1))


# The data, built from a ProgrammeState


def test_every_measure_is_a_row_in_document_order_linking_to_its_ledger(plan, measure):
    data = battle_map(board(plan, AS_OF), today=AS_OF)
    assert [row["code"] for row in data["rows"]] == [str(n) for n in range(1, 25)]
    assert row_for(data, "2")["url"] == reverse("measure-ledger", args=[measure.pk])
    assert row_for(data, "2")["title"] == "压缩企业开办时间"


def test_timeline_runs_from_publication_to_the_last_due_date_in_whole_months(plan):
    data = battle_map(board(plan, AS_OF), today=AS_OF)
    assert plan.published_on == date(2018, 12, 5)
    assert (data["start"], data["end"]) == ("2018-12-01", "2021-02-01")  # last due 2020-12-31, a month to spare
    assert data["as_of"] == "2019-03-20"


def test_timeline_stretches_to_an_as_of_day_after_the_plan(plan):
    data = battle_map(board(plan, date(2022, 6, 15)), today=date(2022, 6, 15))
    assert data["start"] == "2018-12-01"
    assert data["end"] == "2022-08-01"
    assert data["as_of_label"] == "今日"


def test_the_as_of_line_is_labelled_with_its_date_when_replaying_the_past(plan):
    data = battle_map(board(plan, AS_OF), today=date(2026, 1, 1))
    assert data["as_of_label"] == "截至 2019-03-20"


def test_milestones_are_coloured_by_their_light_on_the_as_of_day(plan):
    milestones = row_for(battle_map(board(plan, AS_OF), today=AS_OF), "2")["milestones"]
    assert [(m["due"], m["light"], m["state"]) for m in milestones] == [
        ("2018-12-31", "red", "超期"),
        ("2019-06-30", "green", "正常推进"),
        ("2020-12-31", "green", "正常推进"),
    ]
    assert milestones[0]["days_overdue"] == 79
    assert milestones[0]["description"].startswith("在全市范围内将一般性企业开办的必备环节精简至3个")


def test_a_confirmed_milestone_turns_grey_done_when_its_report_says(plan, january_done):
    """Claimed in January's report: done by 31 January (late for 2018-12-31), known once approved."""
    milestone = row_for(battle_map(board(plan, AS_OF), today=AS_OF), "2")["milestones"][0]
    assert (milestone["light"], milestone["state"], milestone["completed_on"]) == ("done", "逾期完成", "2019-01-31")
    assert milestone["days_overdue"] == 0


def test_the_same_milestone_was_red_before_the_office_confirmed_it(plan, january_done):
    milestone = row_for(battle_map(board(plan, date(2019, 2, 9)), today=AS_OF), "2")["milestones"][0]
    assert (milestone["light"], milestone["completed_on"]) == ("red", None)


def test_undated_milestones_become_a_long_running_band_not_markers(plan):
    data = battle_map(board(plan, AS_OF), today=AS_OF)
    first = row_for(data, "1")
    assert first["undated"] == ["长期推进"]
    assert first["milestones"] == []
    assert row_for(data, "13")["undated"] == ["长期推进", "每年"]
    assert row_for(data, "2")["undated"] == []


def test_each_period_shows_how_the_lead_units_reported(plan, january_done):
    reports = row_for(battle_map(board(plan, AS_OF), today=AS_OF), "2")["reports"]
    assert [(r["period"], r["state"]) for r in reports] == [
        ("2019年1月", "on_time"),  # submitted 3 Feb, due 5 Feb
        ("2019年2月", "missing"),  # due 5 March, nothing submitted by 20 March
        ("2019年3月", "pending"),
    ]
    assert reports[1]["due_on"] == "2019-03-05"
    assert [name for name, _ in reports[0]["units"]] == sorted(
        a.unit.name for a in Measure.objects.get(pk=january_done.measure_id).assignments.filter(role="lead")
    )


def test_every_lead_unit_of_a_period_is_listed_with_the_shared_reports_state(plan, first_quarter, measure):
    """Measure 2's three lead units share one consolidated report, so they share its state."""
    february = first_quarter[1]
    cell = next(c for c in report_cells(board(plan, AS_OF))[measure.pk] if c.period == february)
    assert cell.state == "missing"
    assert [name for name, _ in cell.units] == sorted(u.name for u in measure.lead_units())
    assert {s for _, s in cell.units} == {"missing"}


def test_the_worst_state_colours_a_cell():
    from dashboards.map import worst_report_state

    assert worst_report_state(["on_time", "missing", "pending"]) == "missing"
    assert worst_report_state(["on_time", "late"]) == "late"


def test_periods_not_yet_begun_are_not_shown_and_do_not_stretch_the_span(plan, first_quarter):
    state = board(plan, date(2019, 2, 10))
    assert {c.period.label for cells in report_cells(state).values() for c in cells} == {"2019年1月", "2019年2月"}
    assert timeline_span(state, report_cells(state)) == (date(2018, 12, 1), date(2021, 2, 1))


# The page


@pytest.fixture
def reader(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def get_map(client, **params):
    return client.get(reverse("dashboard-map"), {"as_of": AS_OF.isoformat(), **params})


def test_the_page_carries_the_map_data_as_json(reader, first_quarter):
    response = get_map(reader)
    assert response.status_code == 200
    assert map_json(response) == json.loads(json.dumps(response.context["battle_map"]))
    assert len(map_json(response)["rows"]) == 24


def test_the_chart_is_drawn_by_vendored_echarts_and_a_static_script_with_no_inline_code(reader):
    html = get_map(reader).text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts if "src=" in attrs]
    assert "/static/vendor/echarts/echarts.min.js" in sources
    assert "/static/js/battle_map.js" in sources
    assert sources.index("/static/vendor/echarts/echarts.min.js") < sources.index("/static/js/battle_map.js")
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    inline = [attrs for attrs, body in scripts if "src=" not in attrs and body.strip()]
    assert inline == [' id="battle-map-data" type="application/json"']


def test_echarts_is_vendored_with_its_licence():
    assert finders.find("vendor/echarts/echarts.min.js")
    licence = finders.find("vendor/echarts/LICENSE")
    assert licence and "Apache License" in open(licence, encoding="utf-8").read()
    assert finders.find("js/battle_map.js")


def test_measure_titles_cannot_break_out_of_the_json(reader, measure):
    hostile = '</script><script>alert("挂图")</script>'
    Measure.objects.filter(pk=measure.pk).update(title=hostile)
    response = get_map(reader)
    assert "<script>alert" not in response.text
    assert row_for(map_json(response), "2")["title"] == hostile
    assert "&lt;/script&gt;&lt;script&gt;alert" in response.text  # the text list escapes it too


def test_section_filter_keeps_only_that_sections_measures(reader):
    data = map_json(get_map(reader, section="六"))
    assert [row["code"] for row in data["rows"]] == ["12", "13", "14"]


def test_unit_filter_keeps_the_measures_it_leads_and_only_its_own_reports(reader, first_quarter, measure):
    industry = Unit.objects.get(name="市工商局")
    data = map_json(get_map(reader, unit=industry.pk))
    led = Measure.objects.filter(assignments__unit=industry, assignments__role="lead").order_by("position")
    assert [row["code"] for row in data["rows"]] == [m.code for m in led]
    assert {name for cell in row_for(data, "2")["reports"] for name, _ in cell["units"]} == {"市工商局"}


def test_the_text_list_links_every_measure_to_its_ledger(reader, first_quarter, measure):
    html = get_map(reader).text
    listed = re.search(r'<table[^>]*id="battle-map-list".*?</table>', html, re.S).group(0)
    assert f'<a href="{reverse("measure-ledger", args=[measure.pk])}">压缩企业开办时间</a>' in listed
    assert listed.count("<a href=") == 24
    row = re.search(r'<tr data-measure="2">.*?</tr>', listed, re.S).group(0)
    assert "2018-12-31" in row and "超期" in row
    assert "按时报送" not in row and "漏报 2 期" in row  # January and February missing on 20 March


def test_a_filter_matching_nothing_says_so_and_loads_no_chart(reader):
    response = get_map(reader, section="无此章节")
    assert "没有符合条件的举措" in response.text
    assert "echarts" not in response.text


def test_every_dashboard_tab_links_to_the_map_keeping_the_filters(reader):
    html = reader.get(reverse("dashboard"), {"as_of": "2019-03-20", "section": "四"}).text
    assert f'href="{reverse("dashboard-map")}?as_of=2019-03-20&amp;section=%E5%9B%9B">挂图作战</a>' in html


def test_a_bad_date_is_refused(reader):
    assert get_map(reader, as_of="2019-13-01").status_code == 400


# Queries


def add_measures(plan, count: int) -> None:
    """More measures, each led by 市工商局 with a dated and an ongoing milestone."""
    section = plan.sections.get(numeral="四")
    unit = Unit.objects.get(name="市工商局")
    for offset in range(count):
        measure = Measure.objects.create(
            document=plan,
            section=section,
            kind=MeasureKind.MEASURE,
            number=100 + offset,
            position=1000 + offset,
            title=f"新增举措{offset}",
            body="……",
        )
        Assignment.objects.create(
            measure=measure, role=AssignmentRole.LEAD, unit=unit, written_name="市工商局", position=1
        )
        Milestone.objects.create(
            measure=measure,
            position=1,
            kind=MilestoneKind.DATED,
            due_date=date(2019, 6, 30),
            description="完成",
            source="body",
            source_text="……",
        )
        Milestone.objects.create(
            measure=measure,
            position=2,
            kind=MilestoneKind.ONGOING,
            description="长期推进",
            source="body",
            source_text="……",
        )


@pytest.mark.parametrize("filters", [{}, {"section": "四"}], ids=["all", "one-section"])
def test_the_map_runs_a_constant_number_of_queries(
    reader, plan, first_quarter, january_done, django_assert_num_queries, filters
):
    url = reverse("dashboard-map")
    params = {"as_of": "2019-12-31", **filters}
    reader.get(url, params)
    # session, user, its roles; the document; programme_state (measures, assignments, milestones,
    # targets, completions, obligations, submissions, actuals); the holiday calendar; the user's
    # unit in the navbar; the documents, sections and units for the filters
    with django_assert_num_queries(20):
        small = reader.get(url, params)
    add_measures(plan, 5)
    open_periods(date(2019, 4, 1), date(2019, 12, 31))
    scan_deadlines(date(2019, 12, 31))
    with django_assert_num_queries(20):
        big = reader.get(url, params)
    assert len(map_json(big)["rows"]) == len(map_json(small)["rows"]) + 5
    assert sum(len(r["reports"]) for r in map_json(big)["rows"]) > sum(
        len(r["reports"]) for r in map_json(small)["rows"]
    )
