"""`seed_demo_history`: a labelled 2019–2020 demo ledger, written once, never in production."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from demo.history import LABEL
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
from measures.models import AssignmentRole, Measure, Target

NOW = datetime(2021, 1, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    """After the history: every period of 2019–2020 is past due, December 2020 only just."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo_history", *args, stdout=out)
    return out.getvalue()


def led_measures():
    return Measure.objects.filter(
        kind="measure", assignments__role=AssignmentRole.LEAD, assignments__unit__isnull=False
    ).distinct()


def test_demo_history_mixes_on_time_returned_missing_and_late_reports(plan):
    output = seed()

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


def test_second_run_changes_nothing_and_says_so(plan):
    seed()
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


def test_production_refuses_to_seed_demo_history(plan, settings):
    settings.DJANGO_ENV = "production"

    with pytest.raises(CommandError, match="生产环境"):
        seed()

    assert not ProgressReport.objects.exists() and not User.objects.filter(username__startswith="demo_").exists()
