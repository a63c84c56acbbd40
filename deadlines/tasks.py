"""Celery wrappers: each task is a line or two around a service function."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.params import parse_date

from . import notify, services


def _day(as_of: str | None) -> date:
    return parse_date(as_of, "as_of", default=timezone.localdate())


@shared_task
def scan_and_alert(as_of: str | None = None) -> int:
    """Daily: update statuses, plan reminders/overdue notices/escalations, send them."""
    run = services.prepare_unit_alerts(_day(as_of))
    for pk in run.created_ids:
        deliver_dispatch.delay(pk)
    return len(run.created_ids)


@shared_task
def send_supervision_digests(as_of: str | None = None) -> int:
    run = services.prepare_digests(_day(as_of))
    for pk in run.created_ids:
        deliver_dispatch.delay(pk)
    return len(run.created_ids)


@shared_task(bind=True, max_retries=8, acks_late=True)
def deliver_dispatch(self, pk: int) -> bool:
    """Send one dispatch; an SMTP failure retries with backoff. The row's claim, not the
    task, decides who sends: a duplicate, retried or redelivered task finds nothing left to do."""
    try:
        return notify.deliver(pk)
    except notify.DeliveryFailed as exc:
        return _retry_soon_or_leave_to_the_sweep(self, exc, notify.backoff(self.request.retries + 1).total_seconds())
    except notify.NotDueYet as exc:
        return _retry_soon_or_leave_to_the_sweep(self, exc, exc.seconds)


def _retry_soon_or_leave_to_the_sweep(task, exc: Exception, seconds: float) -> bool:
    """A worker holds a retry's message unacknowledged until it runs; held longer than the broker's
    visibility timeout, Redis hands it to another worker as well, again each timeout. So only a
    retry due within half of it goes through Celery; a later one is the sweep's (deliver_pending
    sends every row whose next_attempt_at has come)."""
    if seconds > settings.BROKER_VISIBILITY_TIMEOUT / 2:
        return False
    raise task.retry(exc=exc, countdown=seconds) from exc


@shared_task
def deliver_pending() -> tuple[int, int]:
    """Sweep: send whatever is due (failed earlier, or claimed by a worker that died)."""
    return notify.deliver_due()
