"""The demo ledger (`seed_demo_history`), written once for this module as of NOW and rolled back
after it:

- it is a labelled 2019–2020 history that mixes on-time, returned, missing and late reports,
  written once (a second run changes nothing);
- on it, one truth, replayed: for twenty days from January 2019 to March 2021 every reader
  agrees — the boards, the statuses the scan stores, the Excel ledger and the ranking's
  inputs — and each day's answers are the same with no scan, one scan and a scan every day.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from dashboards.ranking import compute_ranking, current_formula, window_start
from dashboards.state import board, overview
from deadlines import counts, engine
from deadlines.models import MilestoneStatus, ReportObligation
from deadlines.scan import scan_deadlines
from demo.history import LABEL
from exports.services import ledger_export
from ledger.models import (
    Contribution,
    Evidence,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportReview,
    ReportState,
    TargetActual,
)
from measures.models import AssignmentRole, Measure, PolicyDocument, Target
from measures.selectors import lead_unit_ids

# Every test here reads the module's demo ledger; marked so they run together, inside its transaction.
pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.xdist_group("demo_ledger")]

NOW = datetime(2021, 1, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # every period of 2019–2020 past due
DAILY_RUN = 6  # days scanned one after another up to each compared day
DAYS = [
    date(2019, 1, 15),
    date(2019, 2, 5),  # January's reports are due: still pending
    date(2019, 2, 6),  # … and missing the day after
    date(2019, 3, 31),
    date(2019, 5, 6),
    date(2019, 6, 30),  # mid-year deadlines fall due
    date(2019, 7, 1),  # … and are overdue
    date(2019, 7, 5),
    date(2019, 8, 20),
    date(2019, 10, 8),  # after the National Day holiday
    date(2019, 12, 31),
    date(2020, 1, 1),
    date(2020, 1, 6),  # 2019's yearly targets are judged
    date(2020, 3, 15),
    date(2020, 6, 30),
    date(2020, 7, 6),
    date(2020, 11, 11),
    date(2020, 12, 31),
    date(2021, 1, 6),
    date(2021, 3, 1),
]


def seed(*args) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo_history", *args, stdout=out)
    return out.getvalue()


@dataclass
class Demo:
    output: str
    document: PolicyDocument
    reviewer: User


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    from tests.conftest import _ensure_actor, _ensure_plan

    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            document = _ensure_plan()
            yield Demo(seed(), document, _ensure_actor("office_reviewer"))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.MEDIA_ROOT = media


def led_measures():
    return Measure.objects.filter(
        kind="measure", assignments__role=AssignmentRole.LEAD, assignments__unit__isnull=False
    ).distinct()


# The history


def test_demo_history_mixes_on_time_returned_missing_and_late_reports(demo):
    output = demo.output

    assert "2019年1月:报告 " in output and "2020年12月:报告 " in output
    periods = list(ReportingPeriod.objects.filter(cycle="monthly").order_by("starts_on"))
    assert len(periods) == 24 and periods[0].label == "2019年1月" and periods[-1].label == "2020年12月"
    reports = list(ProgressReport.objects.select_related("period", "review", "author", "unit"))
    first_versions = [r for r in reports if r.version == 1]

    def local_day(moment):
        return timezone.localtime(moment).date()

    on_time = [r for r in first_versions if local_day(r.submitted_at) <= r.period.due_on]
    late = [r for r in first_versions if local_day(r.submitted_at) > r.period.due_on]
    resubmitted = [
        r
        for r in reports
        if r.version == 2 and r.previous.state == ReportState.RETURNED and r.state == ReportState.APPROVED
    ]
    completed = [r for r in reports if r.status == ProgressStatus.COMPLETED and r.state == ReportState.APPROVED]
    closed_after = {r.measure_id: r.period.starts_on for r in completed}  # a completed measure owes no more
    slots = {
        (m.pk, p.pk) for m in led_measures() for p in periods if p.starts_on <= closed_after.get(m.pk, p.starts_on)
    }
    missing = slots - {(r.measure_id, r.period_id) for r in reports}
    assert len(on_time) > 0.7 * len(first_versions)
    assert 0.03 * len(slots) < len(late) < 0.12 * len(slots)
    assert 0.05 * len(slots) < len(resubmitted) < 0.15 * len(slots)
    assert 0.04 * len(slots) < len(missing) < 0.15 * len(slots)
    assert all(r.previous.review.comment for r in resubmitted)

    # Written by the first lead unit's demo reporter, reviewed by the demo office; nobody can log in.
    first_lead = {m.pk: m.lead_assignments()[0].unit_id for m in led_measures().prefetch_related("assignments")}
    assert all(r.unit_id == first_lead[r.measure_id] and r.author.username == f"demo_{r.unit_id}" for r in reports)
    demo_users = User.objects.filter(username__startswith="demo_")
    assert all(u.first_name == "演示数据" and not u.has_usable_password() for u in demo_users)
    assert {r.reviewer.username for r in ReportReview.objects.select_related("reviewer")} == {"demo_office"}
    assert all(r.submitted_at <= NOW and r.review.decided_at <= NOW for r in reports if hasattr(r, "review"))

    # Named co-units sent their share; nothing is unlabelled.
    contributions = list(Contribution.objects.select_related("unit"))
    assert contributions and all(c.submitted_at and c.author.username == f"demo_{c.unit_id}" for c in contributions)
    texts = [getattr(row, f) for row in reports + contributions for f in ("progress", "problems", "next_steps")]
    texts += list(ReportReview.objects.values_list("comment", flat=True))
    texts += list(Evidence.objects.values_list("original_name", flat=True))
    assert texts and all(text.startswith(LABEL) for text in texts)

    # A few milestones claimed done with evidence; a completed measure owes no further reports.
    assert completed and all(r.evidence.exists() and r.claims.exists() for r in completed)
    for report in completed:
        assert not ProgressReport.objects.filter(measure=report.measure, period__starts_on__gt=report.period.starts_on)
    with_evidence = ProgressReport.objects.filter(evidence__isnull=False, review__decision="approved").distinct()
    assert 0.02 * len(reports) < with_evidence.count() < 0.1 * len(reports)

    # Targets have actuals: business start-up time drifts from 6 to 4.5 working days.
    target = Target.objects.get(measure__number=2, metric="企业开办时间", due_date=date(2020, 12, 31))  # ≤ 5
    values = list(target.actuals.filter(report__version=1).order_by("as_of").values_list("value", flat=True))
    assert Decimal("5.8") <= values[0] <= Decimal("6.0") and Decimal("4.5") <= values[-1] <= Decimal("4.7")
    falls = sum(later < earlier for earlier, later in zip(values, values[1:], strict=False))
    rises = sum(later > earlier for earlier, later in zip(values, values[1:], strict=False))
    assert falls > 3 * rises


def test_second_run_changes_nothing_and_says_so(demo):
    counts = [
        model.objects.count()
        for model in (ProgressReport, ReportReview, Contribution, Evidence, TargetActual, User, ReportingPeriod)
    ]

    output = seed("--seed", "7")

    assert "未做任何改动" in output
    assert counts == [
        model.objects.count()
        for model in (ProgressReport, ReportReview, Contribution, Evidence, TargetActual, User, ReportingPeriod)
    ]


# One truth, replayed


def answers(document, reviewer, day: date) -> dict:
    """What every reader says for `day`, in comparable form."""
    state = board(document, day)
    summary = overview(state)
    period = state.programme.judged_period
    result = {
        "milestones": Counter(r.state for r in state.milestones),
        "reports": Counter(r.state for r in state.reports),
        "lights": Counter(state.measure_lights.values()),
        "targets": Counter(t.verdict for t in state.targets),
        "board": (
            summary.measures_by_light,
            summary.milestones_by_light,
            len(summary.newly_overdue),
            len(summary.period_missing),
            len(summary.period_late),
            len(summary.targets_behind),
        ),
    }
    if period is None:
        return result
    # The Excel ledger of the judged period: each measure's 报送 state is the engine's.
    export = ledger_export(reviewer, document, period=str(period.pk), as_of=day)
    owed = {r.measure.code: r.state_label for r in state.reports if r.period.pk == period.pk}
    result["export"] = {row.code: row.status.rsplit("·", 1)[-1] for row in export.rows}
    assert {code: status for code, status in result["export"].items() if code in owed} == owed, day
    assert {status for code, status in result["export"].items() if code not in owed} <= {
        "牵头单位未明确,无需报送",
        "已完成,无需报送",
    }, day
    # The ranking's report items are the board's owed reports of the year to date.
    ranking = compute_ranking(document, period, current_formula(), day)
    ranked = Counter(
        (row["unit"], item["measure"], item["label"]) for row in ranking["rows"] for item in row["items"]["reports"]
    )
    judged = Counter(
        (r.unit.name, r.measure.code, f"{r.period.label}进展报告")
        for r in state.reports
        if window_start(period) <= r.period.starts_on <= period.starts_on and r.state in ("on_time", "late", "missing")
    )
    assert ranked == judged, day
    result["ranking"] = [(row["unit"], row["score"], row["rank"], row["interview"]) for row in ranking["rows"]]
    return result


def stored(document) -> dict:
    """What the scan left in the status tables, counted like the board counts."""
    milestones = MilestoneStatus.objects.filter(
        milestone__measure__document=document, milestone__measure__kind="measure"
    )
    reports = ReportObligation.objects.filter(measure__document=document, kind=ReportObligation.Kind.REPORT)
    return {
        "milestones": Counter(milestones.values_list("state", flat=True)),
        "reports": Counter(reports.values_list("state", flat=True)),
    }


@pytest.fixture(scope="module")
def unscanned(demo):
    document, reviewer = demo.document, demo.reviewer
    assert not MilestoneStatus.objects.exists() and not ReportObligation.objects.exists()
    return {day: answers(document, reviewer, day) for day in DAYS}


def test_the_demo_ledger_makes_the_days_worth_comparing(unscanned):
    later = unscanned[date(2020, 7, 6)]
    assert later["reports"]["on_time"] > 100 and later["reports"]["late"] > 5 and later["reports"]["missing"] > 5
    assert later["milestones"]["done"] > 0 and later["milestones"]["overdue"] > 0
    assert set(later["targets"]) >= {"met", "missed"}
    assert any(interview for *_, interview in later["ranking"])


def test_one_scan_stores_what_the_boards_show_and_changes_nothing(demo, unscanned):
    document, reviewer = demo.document, demo.reviewer
    for day in DAYS:
        with transaction.atomic():
            scan_deadlines(day)
            after = answers(document, reviewer, day)
            assert after == unscanned[day], day
            shown = {key: after[key] for key in ("milestones", "reports")}
            assert stored(document) == shown, day
            transaction.set_rollback(True)


def test_a_scan_every_day_changes_nothing_either(demo, unscanned):
    """The scan runs every day of the DAILY_RUN days up to each of the twenty days, the stored
    statuses carried from one day to the next (events, removed rows and all): a run of daily
    scans leaves exactly the engine's answer, and the boards don't move. (Every day of the two
    years would take minutes and test nothing more: each scan brings the whole cache to its day.)"""
    document, reviewer = demo.document, demo.reviewer
    scanned = 0
    for checkpoint in DAYS:
        for offset in range(DAILY_RUN - 1, -1, -1):
            scan_deadlines(checkpoint - timedelta(days=offset))
            scanned += 1
        after = answers(document, reviewer, checkpoint)
        assert after == unscanned[checkpoint], checkpoint
        assert stored(document) == {key: after[key] for key in ("milestones", "reports")}, checkpoint
    assert scanned == DAILY_RUN * len(DAYS)


# The tally the boards count with is the engine's answer, less the sent reports


def comparable(row) -> tuple:
    latest = row.latest.pk if row.latest else None
    return (row.key, row.state, row.submitted_at, latest, row.stage, row.first_decision)


def test_the_tally_counts_what_the_whole_answer_says_on_every_day(demo):
    """engine.tally (the boards' counts) and engine.within (the ranking's year to date) against
    engine.programme on the twenty days: the same
    milestones, targets, completions and lights, and the same rows for every report it keeps —
    which are all those not sent by the day and all those of the judged period."""
    measures = engine.monitored_measures(demo.document.measures.all()).order_by("position")
    for day in DAYS:
        whole, counted = engine.programme(measures, day), engine.tally(measures, day)
        assert [(r.milestone.pk, r.state, r.completed_on) for r in counted.milestones] == [
            (r.milestone.pk, r.state, r.completed_on) for r in whole.milestones
        ], day
        assert [(t.target.pk, t.year, t.verdict, t.value) for t in counted.targets] == [
            (t.target.pk, t.year, t.verdict, t.value) for t in whole.targets
        ], day
        assert counted.completed_on == whole.completed_on, day
        assert counted.measure_lights == whole.measure_lights, day
        assert counted.judged_period == whole.judged_period, day
        judged = whole.judged_period
        kept = [r for r in whole.reports if r.submitted_at is None or (judged is not None and r.period.pk == judged.pk)]
        assert sorted(map(comparable, counted.reports)) == sorted(map(comparable, kept)), day
        first, last = date(day.year, 1, 1), day  # the ranking's window: engine.within
        window = engine.within(measures, day, first, last)
        assert [(r.milestone.pk, r.state) for r in window.milestones] == [
            (r.milestone.pk, r.state) for r in whole.milestones
        ], day
        in_window = [r for r in whole.reports if first <= r.period.starts_on <= last]
        assert sorted(map(comparable, window.reports)) == sorted(map(comparable, in_window)), day
        assert sorted(r.key for r in counted.newly_overdue(day - timedelta(days=7))[1]) == sorted(
            r.key for r in whole.newly_overdue(day - timedelta(days=7))[1]
        ), day


def test_the_counts_are_the_whole_answers_on_every_day(demo):
    """deadlines.counts (the whole-programme board's counts, from plain values) against
    engine.programme on the twenty days: each measure's light, its milestones' lights, its
    judged-period report's state and its targets' verdicts; and lead_unit_ids is lead_units."""
    measures = engine.monitored_measures(demo.document.measures.all()).order_by("position")
    lead_ids = lead_unit_ids([m.pk for m in measures])
    assert {m.pk: {u.pk for u in m.lead_units()} for m in measures} == lead_ids
    assert any(len(units) > 1 for units in lead_ids.values())  # the rule is exercised
    for day in DAYS:
        whole, counted = engine.programme(measures, day), counts.count(demo.document.measures.order_by("position"), day)
        assert counted.judged_period == whole.judged_period, day
        judged = whole.judged_period
        period_states = {r.measure.pk: r.state for r in whole.reports if judged and r.period.pk == judged.pk}
        expected = {
            m.pk: (
                whole.measure_lights[m.pk],
                Counter(r.light for r in whole.milestones if r.measure.pk == m.pk),
                period_states.get(m.pk),
                sum(1 for t in whole.targets if t.measure.pk == m.pk),
                sum(1 for t in whole.targets if t.measure.pk == m.pk and t.verdict in counts.SHORT_OF_TARGET),
            )
            for m in measures
        }
        found = {
            c.pk: (c.light, c.milestone_lights, c.period_state, c.targets, c.targets_behind) for c in counted.measures
        }
        assert found == expected, day
        assert [c.pk for c in counted.measures] == [m.pk for m in measures]
