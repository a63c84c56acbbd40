"""Supervision pages per role: the office records, the unit rectifies its own findings only,
closing asks for confirmation, bad input is a message or a 400, and lists cost a fixed number
of queries however many findings there are."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from supervision import services
from supervision.models import Finding, FindingState, Inspection

from .conftest import step


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_supervisor_records_an_inspection_and_a_finding_in_working_days(supervisor, lead_reporter, measure):
    client = as_user(supervisor)
    response = client.post(reverse("inspection-list"), {
        "topic": "企业开办专项督查", "starts_on": "2019-03-01", "ends_on": "2019-03-15", "inspectors": "王某",
        "measures": [measure.pk],
    })  # fmt: skip
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    response = client.post(f"{reverse('finding-new')}?inspection={inspection.pk}", {
        "inspection": inspection.pk, "unit": lead_reporter.unit_id, "problem": "重复提交材料",
        "source": "inspection", "severity": "serious", "workdays": "10",
    })  # fmt: skip
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert (finding.inspection, finding.deadline) == (inspection, date(2019, 4, 3))
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "重复提交材料" in page and "待制定整改方案" in page


def test_validation_messages_are_in_chinese_and_nothing_is_saved(supervisor, lead_reporter):
    client = as_user(supervisor)
    response = client.post(reverse("finding-new"), {"unit": lead_reporter.unit_id, "problem": "", "source": "measure",
                                                    "severity": "general"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "该字段是必填项" in page and "二选一" in page
    response = client.post(reverse("inspection-list"), {"topic": "x", "starts_on": "2019-03-10",
                                                        "ends_on": "2019-03-01", "inspectors": "x"})  # fmt: skip
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Finding.objects.exists() and not Inspection.objects.exists()


@pytest.mark.parametrize(
    "url", ["/supervision/?as_of=2019-13-01", "/supervision/?state=nope", "/supervision/?unit=x",
            "/supervision/findings/new/?inspection=1e3", "/supervision/interviews/new/?unit=-1"],
)  # fmt: skip
def test_bad_parameters_are_a_400_not_a_500(supervisor, url):
    assert as_user(supervisor).get(url).status_code == 400


def test_the_unit_plans_reports_with_evidence_and_applies_to_close(lead_reporter, finding):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(lead_reporter)
    act = reverse("finding-act", args=[finding.pk])
    client.post(act, {"kind": "plan", "text": "取消重复材料", "owner": "张科长", "due": "2019-04-01"})
    client.post(act, {"kind": "progress", "text": "已取消", "files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 a")]})
    client.post(act, {"kind": "apply_close", "text": "完成"})
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSE_REQUESTED
    page = client.get(finding.get_absolute_url()).content.decode()
    assert "a.pdf" in page and "已申请销号" in page
    assert 'data-action="销号"' not in page  # the unit cannot close


def test_a_refused_step_is_a_message_not_an_error(lead_reporter, finding):
    client = as_user(lead_reporter)
    response = client.post(reverse("finding-act", args=[finding.pk]), {"kind": "apply_close", "text": "完成"},
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    assert "不能申请销号" in response.content.decode()
    assert client.post(reverse("finding-act", args=[finding.pk]), {"kind": "bogus", "text": "x"}).status_code == 400


def test_closing_asks_for_confirmation_first(supervisor, applied):
    client = as_user(supervisor)
    act = reverse("finding-act", args=[applied.pk])
    response = client.post(act, {"kind": "close", "text": "同意销号"})
    assert response.status_code == 200 and "确认销号" in response.content.decode()
    applied.refresh_from_db()
    assert applied.state == FindingState.CLOSE_REQUESTED
    client.post(act, {"kind": "close", "text": "同意销号", "confirm": "yes"})
    applied.refresh_from_db()
    assert applied.state == FindingState.CLOSED


def test_other_units_get_404_and_see_an_empty_list(co_reporter, finding):
    client = as_user(co_reporter)
    assert client.get(finding.get_absolute_url()).status_code == 404
    assert client.post(reverse("finding-act", args=[finding.pk]), {"kind": "plan"}).status_code == 404
    page = client.get(reverse("supervision")).content.decode()
    assert "data-empty" in page and "重复提交材料" not in page


def test_an_interview_is_prefilled_from_a_ranking_row(office_reviewer, lead_reporter):
    client = as_user(office_reviewer)
    url = (f"{reverse('interview-new')}?unit={lead_reporter.unit_id}&snapshot=7"
           f"&reason=2019年2月综合排名末位约谈&link=/dashboard/ranking/7/units/{lead_reporter.unit_id}/")  # fmt: skip
    page = client.get(url).content.decode()
    assert "2019年2月综合排名末位约谈" in page and f'value="{lead_reporter.unit_id}" selected' in page
    response = client.post(url, {
        "unit": lead_reporter.unit_id, "person": "赵局长", "post": "局长", "interviewers": "市营商办主任",
        "held_on": "2019-03-20", "reasons": "2019年2月综合排名末位约谈", "commitment": "一月内整改",
        "commitment_deadline": "2019-04-20", "ranking_snapshot": "7", "reason_link": "/dashboard/ranking/7/units/1/",
    })  # fmt: skip
    assert response.status_code == 302
    interview = lead_reporter.unit.interviews.get()
    assert interview.ranking_snapshot_id == 7 and interview.commitments.get().deadline == date(2019, 4, 20)
    assert "一月内整改" in as_user(lead_reporter).get(interview.get_absolute_url()).content.decode()


def test_a_link_to_another_site_is_not_kept_as_a_reason(office_reviewer, lead_reporter):
    page = as_user(office_reviewer).get(f"{reverse('interview-new')}?link=//evil.example/").content.decode()
    assert "evil.example" not in page


def _findings(supervisor, unit, count):
    for n in range(count):
        services.open_finding(user=supervisor, unit=unit, problem=f"问题{n}", source="measure", workdays=5)


@pytest.mark.parametrize("name", ["supervision", "interview-list", "inspection-list"])
def test_lists_cost_the_same_queries_for_one_or_many_rows(
    supervisor, lead_reporter, office_reviewer, name, django_assert_num_queries
):
    _findings(supervisor, lead_reporter.unit, 1)
    services.record_interview(user=supervisor, unit=lead_reporter.unit, person="人", post="局长", interviewers="督查室",
                              held_on=date(2019, 3, 20), reasons="事由")  # fmt: skip
    client = as_user(supervisor)
    client.get(reverse(name))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    _findings(supervisor, lead_reporter.unit, 8)
    for n in range(3):
        services.record_interview(user=supervisor, unit=lead_reporter.unit, person=f"人{n}", post="局长",
                                  interviewers="督查室", held_on=date(2019, 3, 20), reasons="事由",
                                  commitments=[("承诺", date(2019, 4, 1))])  # fmt: skip
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_the_finding_list_pins_its_queries(supervisor, lead_reporter, applied, django_assert_num_queries):
    # session, user, groups, count, holiday calendar, rows, steps, the bell, the user's unit in the nav
    client = as_user(supervisor)
    with django_assert_num_queries(9):
        client.get(reverse("supervision"))
    step(supervisor, applied, "close", "同意")
    with django_assert_num_queries(9):
        page = client.get(reverse("supervision") + "?state=closed").content.decode()
    assert "已销号" in page and "按期完成" in page
