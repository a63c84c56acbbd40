"""An archived document is no longer followed: from the day it is archived, the daily jobs leave
it alone — the scan stores nothing new for it, units get no reminder, overdue notice or
escalation for it, the supervisors' digest does not list it, and 我的任务 does not ask for its
reports. Its own pages still replay it exactly, as of any day, when asked for."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from dashboards.state import board, overview
from deadlines.models import MilestoneStatus, ReportObligation
from deadlines.scan import scan_deadlines
from deadlines.selectors import unit_tasks
from ledger.periods import open_periods
from measures.services import archive_document

from .test_alerts import alerts

BEFORE_DUE = date(2019, 6, 20)  # T-7 working days of measure 4's milestone (due 2019-06-30)
AFTER_DUE = date(2019, 7, 1)


@pytest.fixture
def archived(plan, office_reviewer):
    with time_machine.travel("2019-06-01 10:00:00+08:00", tick=False):
        archive_document(document=plan, user=office_reviewer)
    return plan


def test_a_followed_document_alerts_its_lead_units(planning_contact):
    """The control: the same days bring a reminder and an overdue notice while it is followed."""
    scan_deadlines(BEFORE_DUE)
    assert [s for to, s in alerts(BEFORE_DUE) if to == planning_contact.email]
    scan_deadlines(AFTER_DUE)
    assert [s for to, s in alerts(AFTER_DUE) if to == planning_contact.email]


def test_an_archived_document_brings_no_reminder_notice_or_escalation(
    planning_contact, plan, office_reviewer, settings
):
    scan_deadlines(BEFORE_DUE)  # scanned while followed: its stored statuses remain
    archive_document(document=plan, user=office_reviewer)
    settings.ESCALATION_AFTER_DAYS = 0
    for day in (BEFORE_DUE, AFTER_DUE, date(2019, 8, 1)):
        scan_deadlines(day)
        assert alerts(day) == []


def test_the_scan_stores_nothing_new_for_an_archived_document(archived):
    scan_deadlines(AFTER_DUE)
    assert not MilestoneStatus.objects.exists()
    assert not ReportObligation.objects.exists()


def test_the_digest_lists_nothing_of_an_archived_document(archived, supervisor_with_email, digests):
    scan_deadlines(AFTER_DUE)
    digests(AFTER_DUE)
    bodies = " ".join(message.body for message in mail.outbox)
    assert "推进工程建设项目审批制度改革" not in bodies


def test_my_tasks_asks_nothing_for_an_archived_document(plan, lead_reporter, office_reviewer):
    open_periods(date(2019, 6, 1), date(2019, 7, 31))
    assert unit_tasks(lead_reporter, date(2019, 8, 1)).overdue  # followed: June and July are missing
    archive_document(document=plan, user=office_reviewer)
    tasks = unit_tasks(lead_reporter, date(2019, 8, 1))
    assert tasks.overdue == [] and tasks.current == [] and tasks.contributions == []


def test_its_own_board_still_replays_it_when_asked_for(archived):
    open_periods(date(2019, 6, 1), date(2019, 6, 30))
    answer = overview(board(archived, date(2019, 7, 10)))  # June's reports were due on 5 July
    assert answer.period_missing  # the board of an archived plan, as of a day, is what it was


def test_what_waits_on_someone_still_reaches_my_tasks_after_the_archive(plan, measure, lead_reporter, office_reviewer):
    """Archiving stops what a document owes, not the work under way: the office can still review
    its reports (the review queue lists them), so a report waiting for review or returned after
    the archive stays in 我的任务, while nothing is asked for its unsent periods."""
    from core import clock
    from ledger import services as ledger

    from .test_engine import at, send

    june, july = open_periods(date(2019, 6, 1), date(2019, 7, 31))
    waiting = send(lead_reporter, measure, june, on="2019-07-02")
    archive_document(document=plan, user=office_reviewer)
    tasks = unit_tasks(lead_reporter, date(2019, 8, 10))
    assert [(r.measure.pk, r.period.pk) for r in tasks.awaiting_review] == [(measure.pk, june.pk)]
    assert tasks.overdue == [] and tasks.current == []  # July was never sent: not asked any more
    with clock.replaying(at("2019-08-05")):
        ledger.review_report(office_reviewer, waiting, "returned", comment="请补充材料")
    tasks = unit_tasks(lead_reporter, date(2019, 8, 10))
    assert [(r.measure.pk, r.period.pk) for r in tasks.returned] == [(measure.pk, june.pk)]
    assert tasks.awaiting_review == [] and tasks.overdue == []
