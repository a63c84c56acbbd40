"""The composite ranking: transparent components, versioned weights, frozen when published,
and a bulletin (HTML and PDF) rendered from the frozen snapshot."""

import io
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from dashboards.models import RankingFormula, RankingSnapshot
from dashboards.ranking import compute_ranking, current_formula, publish
from deadlines.scan import scan_deadlines
from ledger import services
from ledger.periods import open_periods

from ..ledger.conftest import fill


@pytest.fixture
def june(plan, lead_reporter, office_reviewer, measure):
    """June 2019: 市工商局 reports measure 2 on time (returned once, then approved); nobody else reports."""
    periods = open_periods(date(2019, 5, 1), date(2019, 6, 30))
    scan_deadlines(date(2019, 7, 1))
    with time_machine.travel("2019-07-02 10:00 +08:00", tick=False):
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[1]))
        report = services.submit_report(lead_reporter, report, report.lock_version)
        services.review_report(office_reviewer, report, "returned", "补充数据")
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[1]))
        report = services.submit_report(lead_reporter, report, report.lock_version)
        services.review_report(office_reviewer, report, "approved", "做法可推广", good_practice=True)
    scan_deadlines(date(2019, 7, 10))
    return periods[1]


def row(ranking, unit):
    return next(r for r in ranking["rows"] if r["unit"] == unit)


def test_each_component_is_named_and_counts_its_rows(plan, june):
    ranking = compute_ranking(plan, june, current_formula(), date(2019, 7, 10))
    industry = row(ranking, "市工商局")
    assert industry["components"]["reports"] == {"value": 1.0, "count": 1, "weight": 30}
    assert industry["components"]["returns"] == {"value": 0.5, "count": 2, "weight": 10}  # returned once, then approved
    assert industry["components"]["milestones"]["count"] == 2  # 2018-12-31 and 2019-06-30, both overdue
    planning = row(ranking, "市规划局")
    assert planning["components"]["reports"]["value"] == 0.0  # June not reported by 5 July
    assert planning["components"]["targets"]["value"] is None  # measure 4 has no targets: left out, not guessed


def test_the_bottom_n_are_marked_for_interview(plan, june):
    formula = RankingFormula.objects.create(version=2, bottom_n=2)
    rows = compute_ranking(plan, june, formula, date(2019, 7, 10))["rows"]
    scored = [r for r in rows if r["score"] is not None]
    assert [r["interview"] for r in scored[-3:]] == [False, True, True]
    assert scored == sorted(scored, key=lambda r: -r["score"])


def test_weights_change_the_score_as_the_formula_says(plan, june):
    only_reports = RankingFormula.objects.create(version=2, milestones_weight=0, targets_weight=0, returns_weight=0)
    assert row(compute_ranking(plan, june, only_reports, date(2019, 7, 10)), "市工商局")["score"] == 100.0


def test_a_published_ranking_is_frozen_and_equals_the_ranking_as_of_its_date(plan, june, office_reviewer):
    snapshot = publish(office_reviewer, plan, june, date(2019, 7, 10))
    with pytest.raises(ValueError, match="已发布"):
        publish(office_reviewer, plan, june, date(2019, 7, 10))
    with pytest.raises(ValueError):
        snapshot.save()
    with time_machine.travel("2019-08-01 10:00 +08:00", tick=False):
        scan_deadlines(date(2019, 8, 1))  # later events change nothing of what was known on 10 July
    replay = compute_ranking(plan, june, snapshot.formula, date(2019, 7, 10))
    assert RankingSnapshot.objects.get(pk=snapshot.pk).data == replay


def test_the_office_publishes_from_the_page_and_drills_down_to_the_rows(plan, june, office_reviewer):
    client = Client()
    client.force_login(office_reviewer)
    page = client.get(reverse("dashboard-ranking"), {"as_of": "2019-07-10", "period": june.pk}).content.decode()
    assert 'data-unit="市工商局"' in page and "发布并冻结本期排名" in page
    response = client.post(reverse("ranking-publish"), {"period": june.pk, "as_of": "2019-07-10"})
    snapshot = RankingSnapshot.objects.get()
    assert response["Location"] == reverse("ranking-snapshot", args=[snapshot.pk])
    unit_id = row(snapshot.data, "市工商局")["unit_id"]
    detail = client.get(reverse("ranking-unit", args=[snapshot.pk, unit_id])).content.decode()
    assert 'data-component="reports"' in detail and "将企业开办时间压缩到8.5个工作日内" in detail


def test_the_bulletin_pdf_holds_the_ranking_and_the_overdue_list(plan, june, office_reviewer):
    snapshot = publish(office_reviewer, plan, june, date(2019, 7, 10))
    client = Client()
    client.force_login(office_reviewer)
    response = client.get(reverse("bulletin-pdf", args=[snapshot.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "综合排名" in text and "市工商局" in text and "末位约谈" in text
    assert "超期事项" in text and "推进工程建设项目审批制度改革" in text
    assert "做法可推广" in text  # good practice noted by the reviewer
    again = client.get(reverse("bulletin-pdf", args=[snapshot.pk]))
    assert "".join(p.extract_text() for p in PdfReader(io.BytesIO(again.content)).pages) == text


def test_supervisors_read_rankings_but_only_the_office_publishes(plan, june, supervisor):
    client = Client()
    client.force_login(supervisor)
    assert client.get(reverse("dashboard-ranking"), {"as_of": "2019-07-10"}).status_code == 200
    assert client.post(reverse("ranking-publish"), {"period": june.pk, "as_of": "2019-07-10"}).status_code == 403


def test_the_ranking_page_runs_a_constant_number_of_queries(
    plan, june, office_reviewer, django_assert_max_num_queries, django_assert_num_queries
):
    from .test_dashboards import _grow

    client = Client()
    client.force_login(office_reviewer)
    url = reverse("dashboard-ranking") + f"?as_of=2019-07-10&period={june.pk}"
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    _grow(plan)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
