from celery import shared_task
from django.utils import timezone

from .periods import open_current_period


@shared_task
def open_reporting_period() -> str:
    """Open the period containing today (idempotent; beat runs it daily)."""
    return str(open_current_period(timezone.localdate()))
