"""The overview counts findings and commitments; the bulletin lists findings opened and closed
and interviews held in its period, frozen with the ranking."""

from datetime import date

from django.test import Client
from django.urls import reverse

from dashboards.ranking import publish
from ledger.periods import open_periods
from supervision import selectors, services

from .conftest import step


def test_the_overview_counts_open_overdue_and_closed_findings_and_commitments(
    supervisor, office_reviewer, lead_reporter, finding, applied
):
    step(supervisor, applied, "close", "同意销号")
    services.record_interview(
        user=office_reviewer, unit=lead_reporter.unit, person="赵局长", post="局长", interviewers="主任",
        held_on=date(2019, 3, 20), reasons="末位", commitments=[("整改", date(2019, 3, 28))],
    )  # fmt: skip
    client = Client()
    client.force_login(office_reviewer)
    page = client.get(reverse("dashboard") + "?as_of=2019-03-20").content.decode()
    assert 'data-count="findings-closed-on-time">1<' in page and 'data-count="commitments-open">1<' in page
    assert selectors.summary(date(2019, 4, 1))["commitments_overdue"] == 1


def test_the_bulletin_lists_findings_and_interviews_of_its_period(
    plan, supervisor, office_reviewer, lead_reporter, applied
):
    open_periods(date(2019, 1, 1), date(2019, 2, 28))
    step(supervisor, applied, "close", "同意销号")
    services.record_interview(
        user=office_reviewer, unit=lead_reporter.unit, person="赵局长", post="局长", interviewers="主任",
        held_on=date(2019, 3, 20), reasons="末位约谈", commitments=[("一周内整改", date(2019, 3, 28))],
    )  # fmt: skip
    from ledger.models import ReportingPeriod

    period = ReportingPeriod.objects.get(starts_on=date(2019, 2, 1))
    snapshot = publish(office_reviewer, plan, period, date(2019, 3, 20))
    section = snapshot.data["supervision"]
    assert [f["problem"] for f in section["findings_opened"]] == ["企业开办窗口仍要求重复提交材料"]
    assert [f["closed_on"] for f in section["findings_closed"]] == ["2019-03-20"]
    assert section["interviews"][0]["commitments"] == [{"text": "一周内整改", "deadline": "2019-03-28"}]
    client = Client()
    client.force_login(office_reviewer)
    page = client.get(reverse("bulletin", args=[snapshot.pk])).content.decode()
    assert "督查整改与约谈" in page and "约谈市工商局局长赵局长" in page and "2019-03-20 销号" in page


def test_a_units_page_shows_its_open_findings_to_its_staff_and_readers_only(
    finding, lead_reporter, office_reviewer, co_reporter
):
    from django.test import Client

    url = lead_reporter.unit.get_absolute_url()
    for user, sees in [(lead_reporter, True), (office_reviewer, True), (co_reporter, False)]:
        client = Client()
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ("企业开办窗口仍要求重复提交材料" in page) is sees, user
        assert ("未销号的督查问题" in page) is sees
    quiet = Client()
    quiet.force_login(office_reviewer)
    assert "本单位没有未销号的督查问题" in quiet.get(co_reporter.unit.get_absolute_url()).content.decode()


def test_the_live_ranking_shows_each_units_open_and_overdue_findings_beside_its_score(finding, office_reviewer):
    from ledger.periods import open_periods

    february = open_periods(date(2019, 1, 1), date(2019, 2, 28))[-1]
    client = Client()
    client.force_login(office_reviewer)
    query = {"period": february.pk}
    page = client.get(reverse("dashboard-ranking"), {**query, "as_of": "2019-03-20"}).content.decode()
    row = page.split('data-unit="市工商局"')[1].split("</tr>")[0]
    assert "data-findings>1<" in row  # open, not yet overdue (due 2019-04-10)
    page = client.get(reverse("dashboard-ranking"), {**query, "as_of": "2019-04-12"}).content.decode()
    row = page.split('data-unit="市工商局"')[1].split("</tr>")[0]
    assert "超期 1" in row
