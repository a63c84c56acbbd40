"""Celery wrappers: each task is a line or two around a service function."""

from celery import shared_task
from django.utils import timezone

from core.params import parse_date
from deadlines.tasks import deliver_dispatch

from . import alerts


@shared_task
def alert_rectification(as_of: str | None = None) -> int:
    """Daily: reminders and overdue notices for rectification and commitment deadlines."""
    created = alerts.prepare_alerts(parse_date(as_of, "as_of", default=timezone.localdate()))
    for pk in created:
        deliver_dispatch.delay(pk)
    return len(created)
