"""Malformed or refused requests get a 4xx that says why — naming the field when a field is
wrong — and change nothing."""

import pytest

from ledger import services
from ledger.models import ProgressReport, ReportReview
from measures.models import Target

from . import etag_of, open_report, patch, report_url, review, submit


@pytest.fixture
def api(client, lead_reporter):
    client.force_login(lead_reporter)
    return client


def refused_field(response, status=400):
    assert response.status_code == status, response.content
    return list(response.json())


@pytest.mark.parametrize(
    "data, field",
    [
        ({"status": "finished"}, "status"),
        ({"actuals": [{"target": 1, "value": "七", "as_of": "2019-02-28"}]}, "actuals"),
        ({"actuals": [{"target": 1, "value": "7", "as_of": "2019-02-30"}]}, "actuals"),
        ({"actuals": [{"target": 1, "value": "7"}]}, "actuals"),
        ({"actuals": {"target": 1}}, "actuals"),
        ({"claimed_milestones": ["first"]}, "claimed_milestones"),
        ({"progress": ["a list"]}, "progress"),
    ],
)
def test_malformed_draft_is_a_400_naming_the_field_and_nothing_is_saved(api, draft, data, field):
    lock_version = draft.lock_version
    assert refused_field(patch(api, draft.pk, data, if_match=etag_of(draft))) == [field]
    draft.refresh_from_db()
    assert draft.lock_version == lock_version


def test_target_value_for_another_measure_is_a_400_naming_actuals(api, draft, measure):
    foreign = Target.objects.exclude(measure=measure).first()
    assert foreign is not None
    response = patch(
        api, draft.pk, {"actuals": [{"target": foreign.pk, "value": "1", "as_of": "2019-02-28"}]}, etag_of(draft)
    )
    assert refused_field(response) == ["actuals"]
    assert "不属于本举措" in response.json()["actuals"][0]


def test_two_values_for_one_target_are_a_400_not_a_server_error(api, draft, measure):
    target = measure.targets.first()
    row = {"target": target.pk, "value": "1", "as_of": "2019-02-28"}
    assert refused_field(patch(api, draft.pk, {"actuals": [row, row]}, etag_of(draft))) == ["actuals"]


def test_claiming_a_milestone_of_another_measure_is_a_400(api, draft, plan):
    foreign = plan.measures.get(number=12).milestones.first()
    assert foreign is not None
    assert refused_field(patch(api, draft.pk, {"claimed_milestones": [foreign.pk]}, etag_of(draft))) == [
        "claimed_milestones"
    ]


def test_claiming_an_ongoing_milestone_is_a_400_as_in_the_form(client, plan, period):
    """The form offers only dated milestones; the API and the service refuse the others."""
    from accounts.roles import UNIT_REPORTER
    from ledger.services import open_report as open_draft

    from ...conftest import make_user

    tax = make_user("tax_reporter", UNIT_REPORTER, "市税务局")
    client.force_login(tax)
    measure = plan.measures.get(number=3)  # 2019年底前取得阶段性成果,长期推进
    draft = open_draft(tax, measure, period)
    ongoing = measure.milestones.get(kind="ongoing")
    response = patch(client, draft.pk, {"claimed_milestones": [ongoing.pk]}, etag_of(draft))
    assert refused_field(response) == ["claimed_milestones"]
    assert "不能申报完成" in response.json()["claimed_milestones"][0]
    assert not draft.claims.exists()


def test_fields_left_out_of_a_save_keep_their_stored_values(api, lead_reporter, draft, measure):
    target, milestone = measure.targets.first(), measure.milestones.first()
    report = services.save_report_draft(
        lead_reporter,
        draft,
        draft.lock_version,
        {"status": "behind"},
        [services.TargetValue(target.pk, 3, "2019-02-28")],
        [milestone.pk],
    )
    response = patch(api, report.pk, {"problems": "审批环节仍多。"}, etag_of(report))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["problems"], body["progress"]) == ("behind", "审批环节仍多。", report.progress)
    assert body["actuals"] == [{"target": target.pk, "value": "3.00", "as_of": "2019-02-28"}]
    assert body["claimed_milestones"] == [milestone.pk]


def test_empty_lists_clear_target_values_and_claims(api, lead_reporter, draft, measure):
    target = measure.targets.first()
    report = services.save_report_draft(
        lead_reporter, draft, draft.lock_version, {}, [services.TargetValue(target.pk, 3, "2019-02-28")]
    )
    response = patch(api, report.pk, {"actuals": [], "claimed_milestones": []}, etag_of(report))
    assert (response.json()["actuals"], response.json()["claimed_milestones"]) == ([], [])


def test_submitted_report_cannot_be_patched(api, submitted):
    response = patch(api, submitted.pk, {"progress": "改写历史。"}, etag_of(submitted))
    assert response.status_code == 409
    assert "已提交" in response.json()["detail"]
    submitted.refresh_from_db()
    assert submitted.progress != "改写历史。"


def test_submitting_an_incomplete_draft_is_a_409_saying_what_is_missing(api, lead_reporter, measure, current_period):
    report = services.open_report(lead_reporter, measure, current_period)
    response = submit(api, report.pk, etag_of(report))
    assert response.status_code == 409
    assert response.json()["detail"] == "请先填写工作进展、下步计划再提交"


def test_claiming_a_milestone_without_evidence_cannot_be_submitted(api, draft, measure):
    saved = patch(api, draft.pk, {"claimed_milestones": [measure.milestones.first().pk]}, etag_of(draft))
    response = submit(api, draft.pk, saved["ETag"])
    assert response.status_code == 409
    assert response.json()["detail"] == "申报节点完成须上传佐证材料"


def test_put_and_delete_are_not_offered(api, draft):
    assert api.put(report_url("detail", draft.pk), {}, content_type="application/json").status_code == 405
    assert api.delete(report_url("detail", draft.pk)).status_code == 405
    assert ProgressReport.objects.filter(pk=draft.pk).exists()


def test_opening_a_report_with_a_bad_measure_or_period_is_a_400_naming_it(api, measure, period):
    for data, field in (
        ({"period": period.pk}, "measure"),
        ({"measure": "二", "period": period.pk}, "measure"),
        ({"measure": measure.pk, "period": period.pk + 1000}, "period"),
    ):
        assert refused_field(api.post(report_url(), data, content_type="application/json")) == [field]
    assert not ProgressReport.objects.exists()


def test_opening_a_report_while_the_office_reviews_it_is_a_409(api, measure, period, submitted):
    response = open_report(api, measure, period)
    assert response.status_code == 409
    assert "等待市营商办审核" in response.json()["detail"]


def test_returning_a_report_without_a_comment_is_a_400_naming_comment(client, office_reviewer, submitted):
    client.force_login(office_reviewer)
    for data in ({}, {"comment": "   "}):
        response = review(client, submitted.pk, "return", **data)
        assert refused_field(response) == ["comment"]
        assert response.json()["comment"] == ["退回时须填写审核意见,说明需要修改的地方"]
    assert not ReportReview.objects.exists()


def test_a_version_is_reviewed_once(client, office_reviewer, submitted):
    client.force_login(office_reviewer)
    assert review(client, submitted.pk, "approve").status_code == 200
    response = review(client, submitted.pk, "return", comment="改主意了。")
    assert response.status_code == 409
    assert "已审核过" in response.json()["detail"]
    assert ReportReview.objects.get().decision == "approved"


def test_a_report_awaiting_sign_off_cannot_be_reviewed_yet(client, settings, lead_reporter, office_reviewer, draft):
    settings.REQUIRE_LEADER_SIGNOFF = True
    services.submit_report(lead_reporter, draft, draft.lock_version)
    client.force_login(office_reviewer)
    response = review(client, draft.pk, "approve")
    assert response.status_code == 409
    assert response.json()["detail"] == "报告尚未提交,不能审核"
