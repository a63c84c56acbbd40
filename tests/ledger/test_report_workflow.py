"""The report workflow through the pages a unit and the office use."""

import pytest
from django.test import Client
from django.urls import reverse

from ledger.models import ProgressReport

from .conftest import fill

FORM = {"status": "on_track", "progress": "梳理企业开办环节。", "problems": "", "next_steps": "推行全程电子化。"}


def form_data(report, **changes):
    data = {**FORM, "lock_version": report.lock_version, **changes}
    return data


@pytest.fixture
def reporter_client(client, lead_reporter):
    client.force_login(lead_reporter)
    return client


def start(client, measure, period):
    response = client.post(reverse("report-start", args=[measure.pk, period.pk]))
    assert response.status_code == 302, response
    return ProgressReport.objects.get(pk=int(response["Location"].split("/")[2]))


def test_my_tasks_lists_overdue_and_current_reports_of_the_led_measure(reporter_client, measure, periods):
    page = reporter_client.get(reverse("my-tasks")).content.decode()
    assert "已逾期(2)" in page  # January and February 2019, due on 5 Feb and 5 Mar
    assert "本期待报(1)" in page  # March 2019
    assert "逾期 43 天" in page  # January: due 2019-02-05, today 2019-03-20
    assert f'data-task="2-{periods[2].pk}"' in page


def test_reporter_fills_saves_and_submits_a_report(reporter_client, measure, period):
    report = start(reporter_client, measure, period)
    target = measure.targets.get(value="8.5")
    data = form_data(report, **{f"target_{target.pk}_value": "7", f"target_{target.pk}_as_of": "2019-02-28"})
    response = reporter_client.post(reverse("report-edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.progress == "梳理企业开办环节。" and report.actuals.get().value == 7
    response = reporter_client.post(reverse("report-edit", args=[report.pk]), {**form_data(report), "submit": "1"})
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.state == "submitted" and report.submitted_by.username == "lead_reporter"


def test_a_missing_status_is_named_in_chinese(reporter_client, measure, period):
    # The narrative may be empty in a draft; the status (a choice with no blank) may not.
    report = start(reporter_client, measure, period)
    page = reporter_client.post(
        reverse("report-edit", args=[report.pk]), form_data(report, progress="", status="")
    ).content.decode()
    assert page.count("该字段是必填项。") == 1


def test_target_value_without_a_date_is_refused(reporter_client, measure, period):
    report = start(reporter_client, measure, period)
    target = measure.targets.first()
    page = reporter_client.post(
        reverse("report-edit", args=[report.pk]), form_data(report, **{f"target_{target.pk}_value": "3"})
    ).content.decode()
    assert "填写了实际值,请同时填写数据截至日期" in page


def test_stale_save_is_refused_and_keeps_the_users_text(reporter_client, lead_leader, measure, period):
    report = start(reporter_client, measure, period)
    stale_version = report.lock_version
    fill(lead_leader, report, progress="负责人先保存的内容。")
    page = reporter_client.post(
        reverse("report-edit", args=[report.pk]), form_data(report, lock_version=stale_version, progress="我的内容。")
    ).content.decode()
    assert "您的修改尚未保存" in page
    assert "负责人先保存的内容。" in page  # the other version, shown
    assert "我的内容。</textarea>" in page  # the user's text, kept
    report.refresh_from_db()
    assert report.progress == "负责人先保存的内容。"


def test_submitting_without_evidence_for_a_claimed_milestone_is_refused(reporter_client, measure, period):
    report = start(reporter_client, measure, period)
    milestone = measure.milestones.first()
    page = reporter_client.post(
        reverse("report-edit", args=[report.pk]),
        {**form_data(report, claimed_milestones=[milestone.pk]), "submit": "1"},
    ).content.decode()
    assert "申报节点完成须上传佐证材料" in page
    assert ProgressReport.objects.get(pk=report.pk).submitted_at is None


def test_autosave_stores_the_draft_and_moves_the_version(reporter_client, measure, period):
    report = start(reporter_client, measure, period)
    response = reporter_client.post(
        reverse("report-autosave", args=[report.pk]),
        form_data(report, progress="自动保存的内容"),
        HTTP_HX_REQUEST="true",
    )
    assert "已自动保存" in response.content.decode()
    assert f'value="{report.lock_version + 1}"' in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).progress == "自动保存的内容"


def test_office_returns_with_a_comment_and_the_revision_is_a_new_version(
    reporter_client, office_reviewer, submitted, measure, period
):
    client = Client()
    client.force_login(office_reviewer)
    queue = client.get(reverse("review-queue")).content.decode()
    assert f'data-report="{submitted.pk}"' in queue
    response = client.post(reverse("report-review", args=[submitted.pk]), {"decision": "returned", "comment": ""})
    assert response.status_code == 302
    assert not hasattr(ProgressReport.objects.get(pk=submitted.pk), "review")
    client.post(reverse("report-review", args=[submitted.pk]), {"decision": "returned", "comment": "请补充数据"})
    assert ProgressReport.objects.get(pk=submitted.pk).state == "returned"

    tasks = reporter_client.get(reverse("my-tasks")).content.decode()
    assert "被退回,待修改(1)" in tasks and "退回意见:请补充数据" in tasks
    revision = start(reporter_client, measure, period)
    assert revision.version == 2 and revision.previous_id == submitted.pk
    assert revision.progress == submitted.progress


def test_the_ledger_page_shows_every_version_who_did_what_and_the_diff(
    client, office_reviewer, lead_reporter, returned, measure, period
):
    from ledger import services

    revision = services.open_report(lead_reporter, measure, period)
    revision = fill(lead_reporter, revision, progress="已完成企业开办环节梳理,开办时间降至7个工作日。")
    services.submit_report(lead_reporter, revision, revision.lock_version)
    client.force_login(office_reviewer)
    page = client.get(reverse("measure-ledger", args=[measure.pk])).content.decode()
    assert 'data-version="2"' in page and 'data-version="1"' in page
    assert "已退回" in page and "请补充企业开办时间的实际数据。" in page
    assert "<ins" in page and ",开办时间降至7个工作日" in page


def test_approval_confirms_claimed_milestones(client, office_reviewer, lead_reporter, measure, period):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ledger import services

    report = services.open_report(lead_reporter, measure, period)
    milestone = measure.milestones.first()
    report = services.save_report_draft(
        lead_reporter, report, report.lock_version, FORM, claimed_milestone_ids=[milestone.pk]
    )
    services.attach_evidence(lead_reporter, report, SimpleUploadedFile("验收.pdf", b"%PDF-1.4\n1"))
    services.submit_report(lead_reporter, report, report.lock_version)
    client.force_login(office_reviewer)
    client.post(reverse("report-review", args=[report.pk]), {"decision": "approved"})
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "已销号" in page and "审核通过" in page


def test_a_draft_saves_whatever_is_typed_and_submission_names_what_is_missing(client, lead_reporter, measure, period):
    """“保存草稿” with only 工作进展 filled was refused (该字段是必填项 under 下步计划)."""
    from ledger import services

    report = services.open_report(lead_reporter, measure, period)
    client.force_login(lead_reporter)
    url = reverse("report-edit", args=[report.pk])
    data = {"status": "on_track", "progress": "只写了一半的进展", "lock_version": report.lock_version}
    response = client.post(url, data, follow=True)
    assert "草稿已保存" in response.content.decode()
    report.refresh_from_db()
    assert report.progress == "只写了一半的进展" and report.next_steps == ""
    response = client.post(url, {**data, "lock_version": report.lock_version, "submit": "1"}, follow=True)
    assert "请先填写下步计划再提交" in response.content.decode()
    report.refresh_from_db()
    assert report.submitted_at is None and report.progress == "只写了一半的进展"


def test_the_form_says_which_target_is_which_and_offers_only_open_milestones(
    client, lead_reporter, office_reviewer, measure, periods
):
    """Three targets all read 企业开办时间, and milestones already confirmed (销号) were offered again."""
    from ledger import services
    from ledger.forms import ReportForm

    labels = [ReportForm(measure=measure).fields[f"target_{t.pk}_value"].label for t in measure.targets.all()]
    assert len(set(labels)) == len(labels)
    assert all("前" in label or "每年" in label or "长期" in label for label in labels)
    milestone = measure.milestones.filter(kind="dated").first()
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[0]))
    services.save_report_draft(lead_reporter, report, report.lock_version, {}, None, [milestone.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.attach_evidence(
        lead_reporter, report, SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    )
    report.refresh_from_db()
    report = services.submit_report(lead_reporter, report, report.lock_version)
    services.review_report(office_reviewer, report, "approved")
    assert milestone.pk not in dict(ReportForm(measure=measure).fields["claimed_milestones"].choices)
    later = services.open_report(lead_reporter, measure, periods[1])
    assert not later.claims.exists()
    with pytest.raises(services.ServiceError, match="已销号"):
        services.save_report_draft(lead_reporter, later, later.lock_version, {}, None, [milestone.pk])


def test_boxes_and_radios_carry_bootstraps_class_so_long_labels_stay_beside_them(measure):
    """Without form-check-input a long milestone label pushed its checkbox onto a line of its own."""
    from ledger.forms import ReportForm

    form = ReportForm(measure=measure)
    boxes = [str(box.tag()) for box in form["claimed_milestones"]] + [str(r.tag()) for r in form["status"]]
    assert boxes and all('class="form-check-input"' in tag for tag in boxes)
