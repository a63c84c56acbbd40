"""/health/ for the proxy and monitoring: no login, plain HTTP allowed, status words only.

200 when every check is ok, 503 otherwise. What failed and why goes to the log (with the
request id), never into the answer: the page is public.
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from deadlines.models import Dispatch, DispatchState

from . import beat

logger = logging.getLogger(__name__)

OK = "ok"
NOT_CHECKED = "not_checked"  # development without Redis: nothing to ask


def database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def broker() -> str:
    if settings.REDIS_URL:
        beat.redis_client().ping()
        return OK
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return OK if folder.is_dir() else "down"


def scheduler() -> str:
    """Some beat holds the lock, i.e. has ticked within BEAT_LOCK_TTL_SECONDS."""
    scheduling = beat.beat_is_scheduling()
    if scheduling is None:
        return NOT_CHECKED
    return OK if scheduling else "down"


def dispatches() -> str:
    """No email planned more than HEALTH_DISPATCH_MAX_AGE_MINUTES ago is still unsent."""
    cutoff = timezone.now() - timedelta(minutes=settings.HEALTH_DISPATCH_MAX_AGE_MINUTES)
    unsent = Dispatch.objects.filter(state__in=[DispatchState.PENDING, DispatchState.SENDING], created_at__lt=cutoff)
    return "backlog" if unsent.exists() else OK


CHECKS = {"database": database, "broker": broker, "beat": scheduler, "dispatches": dispatches}
FAILURE_WORDS = {"database": "down", "broker": "down", "beat": "unknown", "dispatches": "unknown"}


@never_cache
@require_GET
def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:  # any failure is an answer here; the log has the details
            logger.warning("健康检查 %s 失败", name, exc_info=True)
            results[name] = FAILURE_WORDS[name]
        else:
            if results[name] not in (OK, NOT_CHECKED):
                logger.warning("健康检查 %s:%s", name, results[name])
    healthy = all(word in (OK, NOT_CHECKED) for word in results.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503)
