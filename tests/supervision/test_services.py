"""The rectification ledger's rules: who may take which step, in which state; steps are append-only;
the state of any past day replays from the steps; deadlines follow the milestone rules."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InternalError, connection, transaction

from core.errors import NotAllowed, ServiceError
from core.workdays import shift_working_days
from deadlines.models import MilestoneState
from notices.models import Notice, NoticeKind
from supervision import access, services
from supervision.models import FindingSource, FindingState, FindingStep, StepKind
from supervision.state import finding_on

from .conftest import TODAY, step


def test_a_finding_walks_from_plan_to_closure_and_back_through_recheck(supervisor, lead_reporter, applied):
    assert applied.state == FindingState.CLOSE_REQUESTED
    step(supervisor, applied, "close", "同意销号")
    applied.refresh_from_db()
    assert applied.state == FindingState.CLOSED
    step(supervisor, applied, "recheck", "回头看:未反弹")
    step(supervisor, applied, "reopen", "回头看发现问题反弹", due=date(2019, 5, 31))
    applied.refresh_from_db()
    assert applied.state == FindingState.RECTIFYING
    kinds = list(applied.steps.values_list("kind", flat=True))
    assert kinds == ["plan", "progress", "apply_close", "close", "recheck", "reopen"]
    assert finding_on(applied, TODAY).deadline == date(2019, 5, 31)


def test_the_unit_cannot_close_and_the_office_cannot_write_the_units_plan(supervisor, lead_reporter, finding, applied):
    with pytest.raises(NotAllowed):
        step(lead_reporter, applied, "close")
    with pytest.raises(NotAllowed):
        step(supervisor, finding, "plan", owner="x", due=TODAY)


def test_other_units_neither_see_nor_act(co_reporter, outsider, finding, lead_leader):
    assert not access.visible_findings(co_reporter).filter(pk=finding.pk).exists()
    assert not access.visible_findings(outsider).exists()
    assert access.visible_findings(lead_leader).filter(pk=finding.pk).exists()
    with pytest.raises(NotAllowed):
        step(co_reporter, finding, "plan", owner="x", due=TODAY)


def test_steps_out_of_order_are_refused_with_a_reason(supervisor, lead_reporter, finding):
    with pytest.raises(ServiceError, match="不能销号"):
        step(supervisor, finding, "close")
    with pytest.raises(ServiceError, match="不能报告整改进展"):
        step(lead_reporter, finding, "progress")
    step(lead_reporter, finding, "plan", "措施", owner="张科长", due=TODAY)
    with pytest.raises(ServiceError, match="先报告整改进展"):
        step(lead_reporter, finding, "apply_close")
    with pytest.raises(ServiceError, match="责任人"):
        step(lead_reporter, finding, "plan", "措施", due=TODAY)


def test_steps_are_append_only(lead_reporter, applied):
    row = FindingStep.objects.filter(finding=applied).first()
    row.text = "改写历史"
    with pytest.raises(ValueError, match="只能追加"):
        row.save()
    with pytest.raises(ValueError, match="只能追加"):
        row.delete()


def test_a_deadline_in_working_days_counts_the_holiday_calendar(supervisor, lead_reporter):
    finding = services.open_finding(
        user=supervisor, unit=lead_reporter.unit, problem="问题", source=FindingSource.MEASURE, workdays=10
    )
    assert finding.deadline == shift_working_days(TODAY, 10) == date(2019, 4, 3)
    with pytest.raises(ServiceError, match="二选一"):
        services.open_finding(user=supervisor, unit=lead_reporter.unit, problem="问题", source="measure")
    with pytest.raises(NotAllowed):
        services.open_finding(user=lead_reporter, unit=lead_reporter.unit, problem="问题", source="measure", workdays=3)


def test_any_past_day_replays_from_the_steps(supervisor, lead_reporter, finding):
    with time_machine.travel("2019-03-25 10:00 +08:00", tick=False):
        step(lead_reporter, finding, "plan", "措施", owner="张科长", due=date(2019, 4, 1))
        step(lead_reporter, finding, "progress", "进展")
    with time_machine.travel("2019-04-09 10:00 +08:00", tick=False):
        step(lead_reporter, finding, "apply_close", "完成")
    with time_machine.travel("2019-04-15 10:00 +08:00", tick=False):
        step(supervisor, finding, "close", "同意")
    finding.refresh_from_db()
    on = {day: finding_on(finding, date(2019, *day)) for day in [(3, 19), (3, 20), (3, 26), (4, 9), (4, 12), (4, 15)]}
    assert on[(3, 19)] is None  # not recorded yet
    assert (on[(3, 20)].state, on[(3, 20)].deadline_state) == (FindingState.OPEN, MilestoneState.ON_TRACK)
    assert on[(3, 26)].state == FindingState.RECTIFYING
    assert (on[(4, 9)].state, on[(4, 9)].deadline_state) == (FindingState.CLOSE_REQUESTED, MilestoneState.DUE_SOON)
    # Applied on 9 April, not yet confirmed: past the deadline it is overdue until closure confirms it.
    assert on[(4, 12)].deadline_state == MilestoneState.OVERDUE and on[(4, 12)].days_overdue == 2
    assert (on[(4, 15)].state, on[(4, 15)].deadline_state) == (FindingState.CLOSED, MilestoneState.DONE)
    assert on[(4, 15)].done_on == date(2019, 4, 9)


def test_the_unit_is_told_of_a_new_finding_a_return_and_a_closure(supervisor, lead_reporter, lead_leader, applied):
    step(supervisor, applied, "return", "佐证不足")
    step(lead_reporter, applied, "progress", "补充佐证")
    step(lead_reporter, applied, "apply_close", "再次申请")
    step(supervisor, applied, "close", "同意销号")
    kinds = set(Notice.objects.filter(user=lead_leader).values_list("kind", flat=True))
    assert {NoticeKind.FINDING_OPENED, NoticeKind.FINDING_RETURNED, NoticeKind.FINDING_CLOSED} <= kinds
    # The reporter acted; the supervisor's acts are told to both, the reporter's own to neither.
    assert not Notice.objects.filter(user=supervisor).exists()


def test_progress_evidence_is_checked_by_content(lead_reporter, finding):
    step(lead_reporter, finding, "plan", "措施", owner="张科长", due=TODAY)
    with pytest.raises(ServiceError, match="不是允许的类型"):
        step(lead_reporter, finding, "progress", files=(SimpleUploadedFile("a.pdf", b"<html>"),))
    done = step(lead_reporter, finding, "progress", files=(SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),))
    assert done.evidence.get().content_type == "application/pdf"
    assert done.kind == StepKind.PROGRESS


def test_an_interview_records_commitments_tracked_like_milestones(office_reviewer, lead_reporter, finding):
    from supervision.state import commitment_on

    interview = services.record_interview(
        user=office_reviewer, unit=lead_reporter.unit, person="赵局长", post="局长", interviewers="市营商办主任",
        held_on=TODAY, reasons="综合排名末位", findings=[finding], commitments=[("一周内完成整改", date(2019, 3, 28))],
    )  # fmt: skip
    commitment = interview.commitments.get()
    assert commitment_on(commitment, TODAY).state == MilestoneState.DUE_SOON
    assert commitment_on(commitment, date(2019, 4, 4)).state == MilestoneState.OVERDUE
    with time_machine.travel("2019-04-08 10:00 +08:00", tick=False):
        services.fulfil_commitment(user=office_reviewer, commitment=commitment, fulfilled_on=date(2019, 3, 27))
    commitment.refresh_from_db()
    assert commitment_on(commitment, date(2019, 4, 4)).state == MilestoneState.OVERDUE  # not known yet that day
    assert commitment_on(commitment, date(2019, 4, 8)).state == MilestoneState.DONE
    with pytest.raises(ServiceError, match="已确认"):
        services.fulfil_commitment(user=office_reviewer, commitment=commitment, fulfilled_on=date(2019, 3, 20))


def test_an_exposed_outcome_needs_a_public_summary(supervisor, finding):
    with pytest.raises(ServiceError, match="曝光内容"):
        services.record_outcome(
            user=supervisor, finding=finding, kind="criticism", decided_on=TODAY, summary="通报批评", exposed=True
        )
    outcome = services.record_outcome(
        user=supervisor, finding=finding, kind="criticism", decided_on=TODAY, summary="内部处理意见",
        exposed=True, public_summary="某局企业开办窗口重复要求材料,已通报批评。",
    )  # fmt: skip
    assert outcome.exposed and outcome.exposed_at is not None
    outcome = services.set_exposure(user=supervisor, outcome=outcome, exposed=False)
    assert not outcome.exposed and outcome.exposed_at is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL")
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET text = 'x'", "DELETE FROM {table}"], ids=["update", "delete"]
)
def test_postgresql_refuses_sql_that_rewrites_a_rectification(applied, statement):
    with pytest.raises(InternalError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=FindingStep._meta.db_table))
