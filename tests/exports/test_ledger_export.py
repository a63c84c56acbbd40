"""The ledger export (台账导出): what each user gets, with the review queue's filters, in a fixed number of queries."""

from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from core import workdays
from exports import services
from exports.xlsx import NOT_REPORTED
from ledger import services as ledger
from ledger.models import ProgressReport, ReportReview
from measures.models import Assignment, MeasureKind
from tests.ledger.conftest import fill
from units.models import Unit

from .conftest import read_xlsx

TODAY = date(2019, 3, 20)
SECTIONS = [
    "(四)切实转变政府职能,优化投资营商环境",
    "(五)推进金融体制改革,支持实体经济发展",
    "(六)深化人才体制改革,持续优化人才环境",
    "(七)深化国资国企改革,打造振兴发展主力军",
    "(八)全力壮大民营企业,提振发展信心",
    "(九)着力解决突出问题,建设法治大连、诚信大连",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(user, document, **filters):
    data = services.ledger_export(user, document, as_of=TODAY, **filters)
    output = BytesIO()
    services.write_ledger_export(output, data)
    output.seek(0)
    return read_xlsx(output)


def download(client, user, **params):
    client.force_login(user)
    return client.get(reverse("ledger-export"), params)


def test_office_export_of_a_period_lists_every_measure_by_section_with_measure_2_reported(
    office_reviewer, plan, period, submitted
):
    sheet = export(office_reviewer, plan, period=str(period.pk))
    assert sheet.title == "《关于进一步优化营商环境的实施意见》落实情况台账(2019年2月)"
    assert sheet.worksheet.title == "2019年2月"
    assert sheet.section_rows() == SECTIONS
    assert sheet.codes() == [str(n) for n in range(1, 25)]
    assert sheet.row_of("2") == {
        "序号": "2",
        "改革举措": "压缩企业开办时间",
        "牵头单位": "市工商局、市公安局、市税务局",
        "责任单位": "市人社局、市直各有关单位、中国人民银行大连市中心支行、各区市县、开放先导区",
        "完成时限": plan.measures.get(number=2).deadline_text,
        "进展情况": "已完成企业开办环节梳理。",
        "存在问题": "",
        "下步计划": "推进全程电子化。",
        "状态": "按计划推进(待审核)·迟报",  # February was due on 5 March, sent on 20 March
    }
    assert sheet.row_of("1")["状态"] == "漏报"


def test_status_combines_progress_status_and_review_decision(office_reviewer, plan, period, submitted):
    ledger.review_report(office_reviewer, submitted, "approved", "")
    assert export(office_reviewer, plan, period=str(period.pk)).row_of("2")["状态"] == "按计划推进(审核通过)·迟报"


def test_office_gets_the_returned_version_while_the_lead_unit_sees_its_new_draft(
    office_reviewer, lead_reporter, plan, period, returned
):
    revised = fill(lead_reporter, ledger.open_report(lead_reporter, returned.measure, period), status="behind")
    assert revised.version == 2
    assert export(office_reviewer, plan, period=str(period.pk)).row_of("2")["状态"] == "按计划推进(已退回)·迟报"
    assert export(lead_reporter, plan, period=str(period.pk)).row_of("2")["状态"] == "滞后(草稿)·迟报"


def test_an_unsent_draft_is_not_reported_for_the_office(office_reviewer, plan, period, draft):
    assert export(office_reviewer, plan, period=str(period.pk)).row_of("2")["状态"] == "漏报"
    assert export(office_reviewer, plan, period="latest").row_of("2")["状态"] == NOT_REPORTED


def test_latest_takes_each_measures_most_recent_period_and_shows_it(
    office_reviewer, lead_reporter, measure, plan, periods, submitted
):
    january = fill(lead_reporter, ledger.open_report(lead_reporter, measure, periods[0]), progress="一月进展")
    ledger.submit_report(lead_reporter, january, january.lock_version)
    sheet = export(office_reviewer, plan, period="latest")
    assert sheet.worksheet.title == "最新"
    assert sheet.headers[-1] == "周期"
    row = sheet.row_of("2")
    assert (row["周期"], row["进展情况"]) == ("2019年2月", "已完成企业开办环节梳理。")
    assert sheet.row_of("1")["周期"] == ""
    assert export(office_reviewer, plan).headers == sheet.headers  # latest is the default


def test_a_narrative_starting_with_equals_is_exported_as_text(office_reviewer, lead_reporter, plan, period, draft):
    report = fill(lead_reporter, draft, progress="=1+1", problems="=cmd|' /C calc'!A0")
    ledger.submit_report(lead_reporter, report, report.lock_version)
    sheet = export(office_reviewer, plan, period=str(period.pk))
    row = [r for r in sheet.worksheet.iter_rows(min_row=4) if r[0].value == "2"][0]
    assert (row[5].value, row[5].data_type) == ("=1+1", "s")
    assert (row[6].value, row[6].data_type) == ("=cmd|' /C calc'!A0", "s")


def test_section_filter_keeps_that_sections_measures(office_reviewer, plan):
    sheet = export(office_reviewer, plan, section="五")
    assert sheet.section_rows() == [SECTIONS[1]]
    expected = plan.measures.filter(section__numeral="五").order_by("position").values_list("number", flat=True)
    assert sheet.codes() == [str(n) for n in expected]
    assert "章节:" + SECTIONS[1] in sheet.rows[1][0]


def test_unit_filter_keeps_the_measures_that_unit_leads(office_reviewer, plan):
    police = Unit.objects.get(name="市公安局")
    led = Assignment.objects.filter(unit=police, role="lead", measure__kind=MeasureKind.MEASURE)
    expected = sorted(led.values_list("measure__number", flat=True))
    assert 2 in expected and len(expected) < 24
    sheet = export(office_reviewer, plan, unit=str(police.pk))
    assert sheet.codes() == [str(n) for n in expected]
    assert "牵头单位:市公安局" in sheet.rows[1][0]


def test_a_unit_exports_only_the_measures_it_may_see(lead_reporter, co_reporter, plan, period, draft):
    assert export(lead_reporter, plan, period=str(period.pk)).codes() == ["2", "10", "19", "21", "22", "23", "24"]
    co_sheet = export(co_reporter, plan, period=str(period.pk))
    assert co_sheet.codes() == ["12", "14", "22"]
    # Filtering by another unit never widens what a unit sees.
    police = Unit.objects.get(name="市公安局")
    assert export(co_reporter, plan, unit=str(police.pk)).codes() == []


def test_a_co_unit_does_not_get_the_lead_units_draft(co_reporter, plan, period, django_user_model):
    from accounts.roles import UNIT_REPORTER
    from tests.conftest import make_user

    shared = plan.measures.get(number=12)
    lead_unit = shared.assignments.filter(role="lead").first().unit
    lead = make_user("lead_of_12", UNIT_REPORTER, lead_unit.name)
    fill(lead, ledger.open_report(lead, shared, period), progress="牵头单位内部草稿")
    assert export(co_reporter, plan, period=str(period.pk)).row_of("12")["状态"] == "漏报"
    assert export(lead, plan, period=str(period.pk)).row_of("12")["状态"] == "按计划推进(草稿)·漏报"


def test_a_user_who_sees_no_measure_gets_nothing(outsider, plan):
    with pytest.raises(services.NothingToExport):
        services.ledger_export(outsider, plan, as_of=TODAY)


def many_reports(plan, periods, author, reviewer):
    """Reports on every measure in every period not reported yet, each measure's first period in two versions."""
    now = timezone.now()
    unit = author.unit
    taken = set(ProgressReport.objects.values_list("measure_id", "period_id"))
    for measure in plan.measures.filter(kind=MeasureKind.MEASURE):
        for index, period in enumerate(periods):
            if (measure.pk, period.pk) in taken:
                continue
            first = ProgressReport.objects.create(
                measure=measure, period=period, unit=unit, author=author, status="on_track",
                progress=f"{measure.number}号举措第{index}期", submitted_at=now,
            )  # fmt: skip
            if index == 0:
                ReportReview.objects.create(report=first, decision="returned", comment="补充", reviewer=reviewer)
                ProgressReport.objects.create(
                    measure=measure, period=period, unit=unit, author=author, status="behind",
                    previous=first, version=2, submitted_at=now,
                )  # fmt: skip


@pytest.mark.parametrize("period_param", ["latest", "period"])
def test_query_count_is_the_same_for_one_report_and_many(
    office_reviewer, lead_reporter, plan, periods, period, submitted, django_assert_num_queries, period_param
):
    params = {"period": "latest" if period_param == "latest" else str(period.pk), "section": "四", "unit": ""}

    def run():
        office_reviewer.__dict__.pop("_role_group_names", None)
        workdays.forget()  # a new request reads the holiday calendar again
        with django_assert_num_queries(16 if period_param == "period" else 15) as queries:
            export(office_reviewer, plan, **params)
        return len(queries.captured_queries)

    one = run()
    many_reports(plan, periods, lead_reporter, office_reviewer)
    assert ProgressReport.objects.count() > 90
    assert run() == one


def test_download_is_an_xlsx_attachment_named_for_the_period(client, office_reviewer, period, submitted):
    response = download(client, office_reviewer, period=period.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('台账_2019年2月.xlsx')}"
    assert "no-store" in response["Cache-Control"]
    sheet = read_xlsx(b"".join(response.streaming_content))
    assert sheet.row_of("2")["状态"] == "按计划推进(待审核)·迟报"


def test_download_defaults_to_the_latest_reports(client, office_reviewer, plan):
    response = download(client, office_reviewer)
    assert response["Content-Disposition"].endswith(quote("台账_最新.xlsx"))
    assert read_xlsx(b"".join(response.streaming_content)).headers[-1] == "周期"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"period": "abc"}, "参数 period:“abc”不是有效编号"),
        ({"period": "999999"}, "没有编号为 999999 的填报周期"),
        ({"period": "9" * 40}, "参数 period:“" + "9" * 40 + "”不是有效编号"),
        ({"unit": "x1"}, "参数 unit:“x1”不是有效编号"),
        ({"unit": "999999"}, "参数 unit:没有编号为 999999 的单位"),
        ({"section": "十三"}, "参数 section:本文件没有“(十三)”这一章节"),
        ({"document": "abc"}, "参数 document:“abc”不是有效编号"),
    ],
)
def test_bad_filters_get_a_400_naming_the_parameter_in_chinese(client, office_reviewer, plan, params, message):
    response = download(client, office_reviewer, **params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_outsider_gets_404_and_anonymous_is_sent_to_login(client, outsider, plan):
    assert download(client, outsider).status_code == 404
    client.logout()
    response = client.get(reverse("ledger-export"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_review_queue_export_button_carries_the_current_filters(client, office_reviewer, period, plan):
    client.force_login(office_reviewer)
    page = client.get(reverse("review-queue"), {"section": "四", "unit": "29", "period": period.pk}).content.decode()
    assert f'href="/exports/ledger.xlsx?period={period.pk}&amp;section=%E5%9B%9B&amp;unit=29"' in page
    page = client.get(reverse("review-queue")).content.decode()
    assert 'href="/exports/ledger.xlsx?period=latest&amp;section=&amp;unit="' in page


def test_an_export_as_of_a_past_day_shows_what_was_known_then(client, office_reviewer, lead_reporter, measure, period):
    """Exported on 25 March, the report reviewed on 2 April still reads 待审核."""
    import io

    import time_machine
    from openpyxl import load_workbook

    from ledger import services
    from tests.ledger.conftest import fill

    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    services.submit_report(lead_reporter, report, report.lock_version)
    with time_machine.travel("2019-04-02 10:00 +08:00", tick=False):
        services.review_report(office_reviewer, report, "approved")
        client.force_login(office_reviewer)

        def status_of_measure_2(as_of):
            response = client.get("/exports/ledger.xlsx", {"period": period.pk, "as_of": as_of})
            sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
            return next(row[-1] for row in sheet.iter_rows(values_only=True) if row[1] == "压缩企业开办时间")

        assert status_of_measure_2("2019-03-25") == "按计划推进(待审核)·迟报"
        assert status_of_measure_2("2019-04-02") == "按计划推进(审核通过)·迟报"
        assert status_of_measure_2("2019-03-19") == "漏报"  # not yet sent that day
        assert client.get("/exports/ledger.xlsx", {"as_of": "2019-13-01"}).status_code == 400
