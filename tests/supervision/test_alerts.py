"""Rectification and commitment deadlines are reminded and alerted like milestones, once each,
and the supervision digest lists them under 整改超期 and 承诺未兑现."""

from datetime import date

import pytest
from django.core import mail

from deadlines import notify
from deadlines import services as deadline_services
from deadlines.models import Dispatch, DispatchKind
from reform.schedules import SCHEDULES
from supervision import alerts, services

from .conftest import step


@pytest.fixture
def reachable(lead_reporter, supervisor):
    lead_reporter.email = "gongshang@example.com"
    lead_reporter.save()
    supervisor.email = "duchashi@example.com"
    supervisor.save()


@pytest.fixture
def commitment(office_reviewer, lead_reporter):
    interview = services.record_interview(
        user=office_reviewer, unit=lead_reporter.unit, person="赵局长", post="局长", interviewers="市营商办主任",
        held_on=date(2019, 3, 20), reasons="综合排名末位", commitments=[("一周内完成整改", date(2019, 3, 28))],
    )  # fmt: skip
    return interview.commitments.get()


def run(as_of):
    created = alerts.prepare_alerts(as_of)
    return created, notify.deliver_due()


def test_a_reminder_before_and_a_notice_when_overdue_each_go_out_once(reachable, finding, commitment):
    # 2019-04-10 is 7 working days after 2019-03-29 (Qingming: 5 April is a holiday).
    created, _ = run(date(2019, 3, 29))
    keys = set(Dispatch.objects.filter(pk__in=created).values_list("kind", "period_key"))
    assert (DispatchKind.REMINDER, f"finding:{finding.pk}:2019-04-10:T-7") in keys
    assert (DispatchKind.OVERDUE, f"commitment:{commitment.pk}:overdue") in keys
    assert run(date(2019, 3, 29)) == ([], (0, 0))
    created, _ = run(date(2019, 4, 11))
    assert Dispatch.objects.filter(pk__in=created, kind=DispatchKind.OVERDUE).count() == 1
    assert run(date(2019, 4, 12)) == ([], (0, 0))  # the same overdue deadline: nothing new
    subjects = [m.subject for m in mail.outbox]
    assert any(s.startswith("【整改到期提醒】") for s in subjects)
    assert any(s.startswith("【整改超期通知】") for s in subjects)
    assert any(s.startswith("【承诺超期通知】") for s in subjects)
    assert all(m.to == ["gongshang@example.com"] for m in mail.outbox)


def test_a_closed_finding_and_a_kept_commitment_are_not_alerted(
    reachable, supervisor, office_reviewer, applied, commitment
):
    step(supervisor, applied, "close", "同意销号")
    services.fulfil_commitment(user=office_reviewer, commitment=commitment, fulfilled_on=date(2019, 3, 20))
    assert alerts.plan_alerts(date(2019, 4, 11)) == []


def test_the_digest_lists_overdue_rectification_and_unkept_commitments(reachable, finding, commitment):
    run = deadline_services.prepare_digests(date(2019, 4, 11), dry_run=True)
    [digest] = run.planned
    assert "整改超期 1 项" in digest.subject and "承诺未兑现 1 项" in digest.subject
    assert "整改超期(1 项)" in digest.body_text and "承诺未兑现(1 项)" in digest.body_text
    assert "市工商局:督查问题:企业开办窗口仍要求重复提交材料,时限 2019-04-10,已超期 1 天" in digest.body_text
    assert f"/supervision/findings/{finding.pk}/" in digest.body_text
    assert "整改超期" in digest.body_html


def test_nothing_overdue_in_supervision_adds_no_group(reachable, finding):
    run = deadline_services.prepare_digests(date(2019, 3, 29), dry_run=True)
    assert all("整改超期" not in email.body_text for email in run.planned)


def test_the_daily_job_is_installed_with_the_others():
    assert SCHEDULES["督查整改与约谈承诺提醒"][0] == "supervision.tasks.alert_rectification"
