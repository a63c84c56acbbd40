"""The entry points that the Celery tasks and the management commands share."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from . import notify
from .scan import ScanReport, scan_deadlines


@dataclass
class AlertRun:
    scan: ScanReport
    planned: list[notify.PlannedEmail] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)


class _DryRun(Exception):
    pass


def _run(as_of: date, planner, dry_run: bool) -> AlertRun:
    """Scan to `as_of`, plan emails and record them. A dry run does all of it inside a
    transaction that is rolled back, so it shows exactly what a real run would do."""
    run = None
    try:
        with transaction.atomic():
            run = AlertRun(scan_deadlines(as_of))
            run.planned = planner(as_of)
            if dry_run:
                raise _DryRun
            run.created_ids = notify.record(run.planned)
    except _DryRun:
        pass
    return run


def prepare_digests(as_of: date, dry_run: bool = False) -> AlertRun:
    """The supervision digests of `as_of`, recorded as dispatch rows (or only shown)."""
    return _run(as_of, notify.plan_digests, dry_run)


def prepare_unit_alerts(as_of: date, dry_run: bool = False) -> AlertRun:
    """Reminders, overdue notices and escalations of `as_of`, recorded as dispatch rows."""
    return _run(as_of, notify.plan_unit_alerts, dry_run)
