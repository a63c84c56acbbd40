"""The composite ranking: the written rules (window, components, insufficient data, ties, the
bottom N), versioned weights, publishing only after confirmation, withdrawal with a reason, and
a bulletin (HTML and PDF) rendered from the frozen snapshot."""

import io
from datetime import date

import pytest
import time_machine
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from dashboards.models import RankingFormula, RankingSnapshot
from dashboards.ranking import _rank, _row, compute_ranking, current_formula, publish, withdraw
from deadlines.scan import scan_deadlines
from ledger import services
from ledger.periods import open_periods

from ..ledger.conftest import fill


def row(ranking, unit):
    return next(r for r in ranking["rows"] if r["unit"] == unit)


def formula(**fields) -> RankingFormula:
    return RankingFormula.objects.create(version=RankingFormula.objects.count() + 2, **fields)


# Components, from the engine


def test_each_component_counts_the_year_to_date_rows_it_names(plan, june):
    ranking = compute_ranking(plan, june, formula(min_items=1), date(2019, 7, 10))
    assert ranking["window"] == {"start": "2019-01-01", "end": "2019-06-30"}
    industry = row(ranking, "市工商局")
    reports = industry["components"]["reports"]
    assert (reports["value"], reports["count"]) == (0.5, 2)  # May missing, June on time
    assert industry["components"]["returns"]["value"] == 0.0  # June's first version was returned
    milestones = industry["items"]["milestones"]
    assert [(i["due"], i["state"], i["credit"]) for i in milestones] == [("2019-06-30", "超期", 0.0)]
    targets = industry["items"]["targets"]
    assert [(i["due"], i["state"]) for i in targets] == [("2019-06-30", "未达标")]  # no value for ≤ 8.5 days
    planning = row(ranking, "市规划局")
    assert planning["components"]["reports"]["value"] == 0.0  # nothing reported
    assert planning["components"]["targets"] == {"value": None, "count": 0, "weight": 20, "sufficient": False}


def test_a_milestone_claimed_in_the_report_of_its_month_counts_as_on_time(
    plan, lead_reporter, office_reviewer, measure
):
    """Due 30 June, claimed in June's report sent on 3 July and approved on 8 July: on time."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    june = open_periods(date(2019, 6, 1), date(2019, 6, 30))[0]
    milestone = measure.milestones.get(due_date=date(2019, 6, 30))
    with time_machine.travel("2019-07-03 10:00 +08:00", tick=False):
        report = services.open_report(lead_reporter, measure, june)
        services.attach_evidence(lead_reporter, report, SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))
        report = fill(lead_reporter, report)
        report = services.save_report_draft(lead_reporter, report, report.lock_version, {}, None, [milestone.pk])
        report = services.submit_report(lead_reporter, report, report.lock_version)
    with time_machine.travel("2019-07-08 10:00 +08:00", tick=False):
        services.review_report(office_reviewer, report, "approved")
    items = row(compute_ranking(plan, june, formula(min_items=1), date(2019, 7, 10)), "市工商局")["items"]
    assert [(i["due"], i["state"], i["credit"]) for i in items["milestones"]] == [("2019-06-30", "按期完成", 1.0)]


# The rules, on hand-made rows


def scored(*scores, bottom_n=0):
    rows = [{"unit": f"单位{i}", "score": s, "ranked": s is not None} for i, s in enumerate(scores)]
    notes = _rank(rows, bottom_n)
    return {r["unit"]: r for r in rows}, notes


def test_a_component_with_fewer_items_than_the_minimum_is_shown_but_not_counted():
    items = {"reports": [{"credit": 1.0}] * 2, "milestones": [{"credit": 0.0}] * 3}
    result = _row(1, "甲", items, RankingFormula(version=9, min_items=3))
    assert result["components"]["reports"] == {"value": 1.0, "count": 2, "weight": 30, "sufficient": False}
    assert result["components"]["milestones"]["sufficient"] is True
    assert result["score"] == 0.0  # only the three milestones count: a real zero


def test_a_unit_without_a_sufficient_component_is_listed_but_neither_ranked_nor_marked():
    result = _row(1, "甲", {"reports": [{"credit": 1.0}] * 2}, RankingFormula(version=9, min_items=3))
    assert (result["score"], result["ranked"]) == (None, False)
    rows, _ = scored(90.0, 50.0, 40.0, None, bottom_n=1)
    assert rows["单位3"]["rank"] is None and not rows["单位3"]["interview"]
    assert rows["单位2"]["interview"]  # the last ranked unit, not the unranked one


def test_ties_share_a_rank_and_the_next_rank_skips():
    rows, _ = scored(90.0, 80.0, 80.0, 70.0)
    assert [rows[f"单位{i}"]["rank"] for i in range(4)] == [1, 2, 2, 4]
    assert [rows[f"单位{i}"]["tied"] for i in range(4)] == [False, True, True, False]


def test_the_bottom_n_are_marked():
    rows, notes = scored(90.0, 80.0, 70.0, 60.0, 0.0, bottom_n=2)
    assert [u for u, r in rows.items() if r["interview"]] == ["单位3", "单位4"]
    assert notes == [] and not any(r["interview_tie"] for r in rows.values())


def test_a_tie_at_the_boundary_is_marked_together_and_shown_as_a_tie():
    rows, notes = scored(90.0, 80.0, 70.0, 70.0, 60.0, bottom_n=2)
    assert [u for u, r in rows.items() if r["interview"]] == ["单位2", "单位3", "单位4"]
    assert rows["单位2"]["interview_tie"] and rows["单位3"]["interview_tie"] and not rows["单位4"]["interview_tie"]
    assert notes == ["末位第 2 名有 2 个单位得分并列,均列入末位约谈。"]


def test_with_no_more_ranked_units_than_the_bottom_n_nobody_is_marked():
    rows, notes = scored(90.0, 10.0, None, None, bottom_n=2)
    assert not any(r["interview"] for r in rows.values())
    assert notes == ["参与排名的单位不足 3 家,本期不设末位约谈。"]
    rows, notes = scored(50.0, 50.0, 50.0, bottom_n=1)
    assert not any(r["interview"] for r in rows.values()) and "全部并列" in notes[0]


def test_a_zero_score_shows_as_zero_and_no_data_says_so(plan, june):
    ranking = compute_ranking(plan, june, formula(min_items=1), date(2019, 7, 10))
    rows, _ = scored(50.0, 0.0, None, bottom_n=1)
    ranking["rows"] = [{**r, "unit_id": i, "components": {}, "items": {}} for i, r in enumerate(rows.values())]
    html = render_to_string("dashboards/_ranking_table.html", {"ranking": ranking})
    zero = html.split('data-unit="单位1"')[1].split("</tr>")[0]
    assert ">0.0<" in zero and "末位约谈" in zero
    none = html.split('data-unit="单位2"')[1].split("</tr>")[0]
    assert "数据不足" in none and "不排名" in none and "末位约谈" not in none
    assert "—" not in html


def test_weights_change_the_score_as_the_formula_says(plan, june):
    only_reports = formula(milestones_weight=0, targets_weight=0, returns_weight=0, min_items=1)
    assert row(compute_ranking(plan, june, only_reports, date(2019, 7, 10)), "市工商局")["score"] == 50.0


def test_the_page_states_the_rules(client, office_reviewer, plan, june):
    client.force_login(office_reviewer)
    page = client.get(reverse("dashboard-ranking"), {"as_of": "2019-07-10", "period": june.pk}).content.decode()
    assert "data-ranking-rules" in page
    assert "少于 3 项视为“数据不足”" in page and "得分相同名次并列" in page and "一并列入" in page


def test_the_ranking_offers_no_section_or_unit_filter_it_would_ignore_and_keeps_them_for_other_tabs(
    client, office_reviewer, plan, june
):
    """The ranking ranks every lead unit of the document: a 章节 or 牵头单位 select on its page
    would change nothing. They are not offered there; a unit chosen on another tab is carried on
    (hidden) so going back to it keeps the choice."""
    client.force_login(office_reviewer)
    unit = plan.measures.get(number=1).lead_units()[0]
    page = client.get(
        reverse("dashboard-ranking"), {"as_of": "2019-07-10", "period": june.pk, "unit": unit.pk, "section": "一"}
    ).content.decode()
    assert 'id="unit"' not in page and 'id="section"' not in page
    assert f'<input type="hidden" name="unit" value="{unit.pk}">' in page
    assert '<input type="hidden" name="section" value="一">' in page
    board = client.get(reverse("dashboard"), {"as_of": "2019-07-10", "unit": unit.pk}).content.decode()
    assert 'id="unit"' in board and 'id="section"' in board


# Publishing and withdrawing


def test_a_published_ranking_is_frozen_and_equals_the_ranking_as_of_its_date(plan, june, office_reviewer):
    snapshot = publish(office_reviewer, plan, june, date(2019, 7, 10))
    with pytest.raises(services.ServiceError, match="已发布"):
        publish(office_reviewer, plan, june, date(2019, 7, 10))
    snapshot.data = {}
    with pytest.raises(ValueError, match="不能修改"):
        snapshot.save()
    with time_machine.travel("2019-08-01 10:00 +08:00", tick=False):
        scan_deadlines(date(2019, 8, 1))  # later events change nothing of what was known on 10 July
    replay = compute_ranking(plan, june, current_formula(), date(2019, 7, 10))
    assert RankingSnapshot.objects.get(pk=snapshot.pk).data == replay


def test_publishing_asks_for_confirmation_first(plan, june, office_reviewer):
    client = Client()
    client.force_login(office_reviewer)
    page = client.get(reverse("dashboard-ranking"), {"as_of": "2019-07-10", "period": june.pk}).content.decode()
    assert 'data-unit="市工商局"' in page and "发布并冻结本期排名" in page
    params = {"period": june.pk, "as_of": "2019-07-10"}
    confirm = client.get(reverse("ranking-publish"), params)
    assert confirm.status_code == 200 and "确认发布并冻结" in confirm.content.decode()
    unconfirmed = client.post(reverse("ranking-publish"), params)
    assert unconfirmed.status_code == 200 and not RankingSnapshot.objects.exists()
    response = client.post(reverse("ranking-publish"), {**params, "confirm": "yes"})
    snapshot = RankingSnapshot.objects.get()
    assert response["Location"] == reverse("ranking-snapshot", args=[snapshot.pk])


def test_a_period_cannot_be_published_before_its_reports_are_due(plan, june, office_reviewer):
    with pytest.raises(services.ServiceError, match="截止后才能发布"):
        publish(office_reviewer, plan, june, date(2019, 7, 4))


def test_the_office_drills_down_from_a_snapshot_to_the_rows(plan, june, office_reviewer):
    snapshot = publish(office_reviewer, plan, june, date(2019, 7, 10))
    client = Client()
    client.force_login(office_reviewer)
    unit_id = row(snapshot.data, "市工商局")["unit_id"]
    detail = client.get(reverse("ranking-unit", args=[snapshot.pk, unit_id])).content.decode()
    assert 'data-component="reports"' in detail and "将企业开办时间压缩到8.5个工作日内" in detail
    assert "超期" in detail and "overdue" not in detail


def test_a_withdrawal_needs_a_reason_is_audited_and_frees_the_period(plan, june, office_reviewer):
    snapshot = publish(office_reviewer, plan, june, date(2019, 7, 10))
    client = Client()
    client.force_login(office_reviewer)
    url = reverse("ranking-withdraw", args=[snapshot.pk])
    assert "撤回原因" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 200 and "请填写撤回原因" in refused.content.decode()
    assert client.post(url, {"reason": "市规划局的报告漏计"}).status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.withdrawn and snapshot.withdrawal_reason == "市规划局的报告漏计"
    assert snapshot.data["rows"]  # kept as published
    entry = LogEntry.objects.get_for_object(snapshot).get(action=LogEntry.Action.UPDATE)
    assert "市规划局的报告漏计" in str(entry.changes) and entry.actor == office_reviewer
    page = client.get(reverse("ranking-snapshot", args=[snapshot.pk])).content.decode()
    assert "已撤回" in page and "市规划局的报告漏计" in page
    with pytest.raises(services.ServiceError, match="已撤回"):
        withdraw(office_reviewer, snapshot, "再撤一次")
    again = publish(office_reviewer, plan, june, date(2019, 7, 12))
    assert again.pk != snapshot.pk and RankingSnapshot.objects.live().get() == again


def test_the_bulletin_pdf_holds_the_ranking_and_the_overdue_list(plan, june, office_reviewer):
    snapshot = publish(office_reviewer, plan, june, date(2019, 7, 10))
    client = Client()
    client.force_login(office_reviewer)
    response = client.get(reverse("bulletin-pdf", args=[snapshot.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "综合排名" in text and "市工商局" in text and "数据不足" in text
    assert "超期事项" in text and "推进工程建设项目审批制度改革" in text
    assert "做法可推广" in text  # good practice noted by the reviewer
    again = client.get(reverse("bulletin-pdf", args=[snapshot.pk]))
    assert "".join(p.extract_text() for p in PdfReader(io.BytesIO(again.content)).pages) == text


def test_supervisors_read_rankings_but_only_the_office_publishes_or_withdraws(plan, june, supervisor, office_reviewer):
    client = Client()
    client.force_login(supervisor)
    assert client.get(reverse("dashboard-ranking"), {"as_of": "2019-07-10"}).status_code == 200
    params = {"period": june.pk, "as_of": "2019-07-10", "confirm": "yes"}
    assert client.post(reverse("ranking-publish"), params).status_code == 403
    snapshot = publish(office_reviewer, plan, june, date(2019, 7, 10))
    assert client.post(reverse("ranking-withdraw", args=[snapshot.pk]), {"reason": "x"}).status_code == 403


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
