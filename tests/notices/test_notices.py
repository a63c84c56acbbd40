"""Ledger events reach the people they concern: a notice in the bell and an email through the
dispatch table, once, unless the user turned that kind of email off."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from deadlines import notify
from deadlines.models import Dispatch, DispatchKind
from ledger import services
from notices.models import EmailOptOut, Notice, NoticeKind
from reform.celery import app as celery_app

from ..conftest import make_user
from ..ledger.conftest import fill


@pytest.fixture
def emails(lead_reporter, lead_leader, office_reviewer, co_reporter):
    for user, address in [
        (lead_reporter, "reporter@gsj.example"),
        (lead_leader, "leader@gsj.example"),
        (office_reviewer, "reviewer@yshb.example"),
        (co_reporter, "co@jyj.example"),
    ]:
        user.email = address
        user.save(update_fields=["email"])


@pytest.fixture
def submitted(lead_reporter, measure, period, emails):
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    return services.submit_report(lead_reporter, report, report.lock_version)


def _recipients(kind) -> set[str]:
    return set(Dispatch.objects.filter(kind=DispatchKind.NOTICE, period_key__startswith=f"{kind}:").values_list(
        "recipient", flat=True))  # fmt: skip


def test_a_submission_tells_the_office_not_the_submitter(submitted, office_reviewer, lead_reporter):
    notice = Notice.objects.get(kind=NoticeKind.SUBMITTED)
    assert notice.user == office_reviewer
    assert "待审核" in notice.title and "第 1 版" in notice.title
    assert notice.link == reverse("report-detail", args=[submitted.pk])
    assert not Notice.objects.filter(user=lead_reporter).exists()
    assert _recipients(NoticeKind.SUBMITTED) == {"reviewer@yshb.example"}


def test_a_return_reaches_the_lead_units_reporters_and_leader_by_notice_and_email(
    submitted, office_reviewer, lead_reporter, lead_leader
):
    review = services.review_report(office_reviewer, submitted, "returned", "请补充企业开办时间的实际数据。")
    told = Notice.objects.filter(kind=NoticeKind.RETURNED, event=f"review:{review.pk}")
    assert {n.user for n in told} == {lead_reporter, lead_leader}
    assert all("请补充企业开办时间的实际数据" in n.body and "被退回" in n.title for n in told)
    assert _recipients(NoticeKind.RETURNED) == {"reporter@gsj.example", "leader@gsj.example"}
    for pk in Dispatch.objects.filter(period_key=f"returned:review:{review.pk}").values_list("pk", flat=True):
        assert notify.deliver(pk)
    returned = [m for m in mail.outbox if "被退回" in m.subject]
    assert len(returned) == 2
    assert "请补充企业开办时间的实际数据" in returned[0].body
    assert f"/reports/{submitted.pk}/" in returned[0].body


def test_an_approval_is_told_too(submitted, office_reviewer, lead_reporter):
    services.review_report(office_reviewer, submitted, "approved")
    assert Notice.objects.filter(user=lead_reporter, kind=NoticeKind.APPROVED).count() == 1


def test_telling_an_event_twice_changes_nothing(submitted, office_reviewer):
    from ledger.signals import report_submitted

    before = (Notice.objects.count(), Dispatch.objects.count())
    report_submitted.send(type(submitted), report=submitted, actor=submitted.submitted_by)
    assert (Notice.objects.count(), Dispatch.objects.count()) == before


def test_an_opted_out_user_gets_the_notice_but_no_email(lead_reporter, lead_leader, office_reviewer, submitted):
    EmailOptOut.objects.create(user=lead_leader, kind=NoticeKind.RETURNED)
    services.review_report(office_reviewer, submitted, "returned", "数据不全")
    assert Notice.objects.filter(user=lead_leader, kind=NoticeKind.RETURNED).exists()
    assert _recipients(NoticeKind.RETURNED) == {"reporter@gsj.example"}


def test_a_rolled_back_review_tells_nobody(submitted, office_reviewer):
    with pytest.raises(services.ServiceError):
        services.review_report(office_reviewer, submitted, "returned", "")  # a return needs a comment
    assert not Notice.objects.filter(kind=NoticeKind.RETURNED).exists()


def test_the_email_is_sent_after_commit_through_the_worker(
    submitted, office_reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_report(office_reviewer, submitted, "approved")
    assert [m.to for m in mail.outbox if "已通过审核" in m.subject] == [
        ["leader@gsj.example"],
        ["reporter@gsj.example"],
    ]
    assert not Dispatch.objects.filter(kind=DispatchKind.NOTICE, period_key__startswith="approved:").exclude(
        state="sent").exists()  # fmt: skip


def test_signoff_requests_go_to_the_unit_leader(lead_reporter, lead_leader, measure, period, emails, settings):
    settings.REQUIRE_LEADER_SIGNOFF = True
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    services.submit_report(lead_reporter, report, report.lock_version)
    assert [n.user for n in Notice.objects.filter(kind=NoticeKind.SIGNOFF)] == [lead_leader]


# ---- asking co-units for their contribution --------------------------------------------


@pytest.fixture
def organisation_reporter(plan):
    from accounts.roles import UNIT_REPORTER

    return make_user("org_reporter", UNIT_REPORTER, "市委组织部", email="org@zzb.example")


def test_the_lead_unit_asks_a_co_unit_which_is_told_once_a_day(
    organisation_reporter, co_reporter, plan, period, emails
):
    measure = plan.measures.get(number=12)  # led by 市委组织部, 市教育局 responsible
    asked = [unit for unit in services.units_to_ask(measure, period) if unit.name == "市教育局"]
    services.request_contributions(organisation_reporter, measure, period, [asked[0].pk], "请于周五前报送")
    notice = Notice.objects.get(kind=NoticeKind.CONTRIBUTION_REQUESTED, user=co_reporter)
    assert "请于周五前报送" in notice.body and notice.link == reverse("my-tasks")
    assert _recipients(NoticeKind.CONTRIBUTION_REQUESTED) == {"co@jyj.example"}
    with pytest.raises(services.ServiceError, match="今天已请求过:市教育局"):
        services.request_contributions(organisation_reporter, measure, period, [asked[0].pk])


def test_only_the_lead_unit_may_ask(co_reporter, plan, period):
    measure = plan.measures.get(number=12)
    unit_ids = [unit.pk for unit in services.units_to_ask(measure, period)]
    with pytest.raises(services.NotAllowed):
        services.request_contributions(co_reporter, measure, period, unit_ids)


def test_a_submitted_contribution_is_told_to_the_lead_unit_and_not_asked_again(
    organisation_reporter, co_reporter, plan, period
):
    measure = plan.measures.get(number=12)
    contribution = services.open_contribution(co_reporter, measure, period)
    contribution = services.save_contribution(
        co_reporter, contribution, contribution.lock_version, {"status": "on_track", "progress": "已完成调研"}
    )
    services.submit_contribution(co_reporter, contribution, contribution.lock_version)
    notice = Notice.objects.get(kind=NoticeKind.CONTRIBUTION_SUBMITTED)
    assert notice.user == organisation_reporter and notice.link.endswith(f"#contribution-{contribution.pk}")
    assert "市教育局" not in [unit.name for unit in services.units_to_ask(measure, period)]


def test_the_ask_form_on_the_report_page(organisation_reporter, co_reporter, plan, period):
    measure = plan.measures.get(number=12)
    client = Client()
    client.force_login(organisation_reporter)
    edit = client.post(reverse("report-start", args=[measure.pk, period.pk]))["Location"]
    page = client.get(edit).content.decode()
    assert "data-ask-contributions" in page and "市教育局" in page
    report_pk = int(edit.strip("/").split("/")[-2])
    response = client.post(reverse("contributions-ask", args=[report_pk]), {"units": []}, follow=True)
    assert "请至少选择一个责任单位" in response.content.decode()
    unit_pk = next(u.pk for u in services.units_to_ask(measure, period) if u.name == "市教育局")
    response = client.post(reverse("contributions-ask", args=[report_pk]), {"units": [unit_pk]}, follow=True)
    assert "已请求 市教育局 报送" in response.content.decode()
    assert "已于" in response.content.decode()  # the form shows when each unit was last asked
    response = client.post(reverse("contributions-ask", args=[report_pk]), {"units": ["x"]})
    assert response.status_code == 302  # a bad value is a form error, not a 500


# ---- the notification centre ------------------------------------------------------------


def test_the_bell_counts_unread_and_opening_a_notice_reads_it(submitted, office_reviewer, lead_reporter):
    services.review_report(office_reviewer, submitted, "returned", "请补充数据")
    client = Client()
    client.force_login(lead_reporter)
    page = client.get(reverse("plan")).content.decode()
    assert "data-unread>1<" in page
    notice = Notice.objects.get(user=lead_reporter)
    listing = client.get(reverse("notice-list")).content.decode()
    assert "被退回" in listing and "未读" in listing and NoticeKind.RETURNED.value not in listing
    response = client.get(reverse("notice-open", args=[notice.pk]))
    assert response["Location"] == reverse("report-detail", args=[submitted.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "data-unread" not in client.get(reverse("plan")).content.decode()


def test_a_user_cannot_open_or_read_anothers_notice(submitted, office_reviewer, lead_reporter, outsider):
    services.review_report(office_reviewer, submitted, "approved")
    notice = Notice.objects.get(user=lead_reporter)
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("notice-open", args=[notice.pk])).status_code == 404
    client.post(reverse("notice-read-all"))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_and_the_unread_filter(submitted, office_reviewer, lead_reporter):
    services.review_report(office_reviewer, submitted, "approved")
    client = Client()
    client.force_login(lead_reporter)
    response = client.post(reverse("notice-read-all"), follow=True)
    assert "已将 1 条通知标为已读" in response.content.decode()
    assert "没有未读通知" in client.get(reverse("notice-list") + "?show=unread").content.decode()
    assert client.get(reverse("notice-list") + "?show=bogus").status_code == 400


def test_the_empty_centre_says_what_will_arrive(outsider):
    client = Client()
    client.force_login(outsider)
    assert "暂无通知" in client.get(reverse("notice-list")).content.decode()


def test_email_settings_turn_kinds_off_and_on(lead_reporter):
    client = Client()
    client.force_login(lead_reporter)
    page = client.get(reverse("notice-settings")).content.decode()
    assert "报告被退回" in page and "checked" in page
    kept = [NoticeKind.RETURNED.value]
    response = client.post(reverse("notice-settings"), {"kinds": kept}, follow=True)
    assert "通知设置已保存" in response.content.decode()
    off = set(EmailOptOut.objects.filter(user=lead_reporter).values_list("kind", flat=True))
    assert off == set(NoticeKind.values) - set(kept)
    client.post(reverse("notice-settings"), {"kinds": NoticeKind.values})
    assert not EmailOptOut.objects.filter(user=lead_reporter).exists()
    assert client.post(reverse("notice-settings"), {"kinds": ["bogus"]}).status_code == 200  # form error shown


def test_the_notice_list_reads_a_constant_number_of_queries(
    submitted, office_reviewer, lead_reporter, django_assert_max_num_queries
):
    services.review_report(office_reviewer, submitted, "approved")
    client = Client()
    client.force_login(lead_reporter)
    client.get(reverse("notice-list"))
    for i in range(30):
        Notice.objects.create(user=lead_reporter, kind="approved", event=f"x:{i}", title=f"t{i}", link="/")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notice-list")).status_code == 200
