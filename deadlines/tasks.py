"""Celery wrappers: each task is a line or two around a service function."""

from datetime import date

from celery import shared_task
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
    task, decides who sends: a duplicate or retried task finds nothing left to do."""
    try:
        return notify.deliver(pk)
    except notify.DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=notify.backoff(self.request.retries + 1).total_seconds()) from exc
    except notify.NotDueYet as exc:
        raise self.retry(exc=exc, countdown=exc.seconds) from exc


@shared_task
def deliver_pending() -> tuple[int, int]:
    """Sweep: send whatever is due (failed earlier, or claimed by a worker that died)."""
    return notify.deliver_due()
