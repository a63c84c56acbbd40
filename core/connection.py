"""A request whose database connection dropped (a restart, a failover, an idle timeout cut by a
firewall) gets a page, not a 500.

A GET or HEAD changes nothing, so it is run again once on a new connection. Anything else — a
write, a read inside a transaction, a second failure, a database that does not answer — gets a
503 with a Chinese message and Retry-After; a write is never repeated, since it may have been
committed before the connection went.

The error is seen through `got_request_exception`: Django turns an exception into a 500 at each
middleware it passes, so the exception itself never reaches this one (the first query of a page
is often in a middleware — the audit log asks who the user is).
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

RETRIED_METHODS = frozenset({"GET", "HEAD"})
MESSAGE = "数据库连接暂时中断,请稍后重试。"
PAGE = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>服务暂时不可用</title></head>'
    f"<body><h1>服务暂时不可用</h1><p>{MESSAGE}</p><p>请稍候片刻再刷新本页。</p></body></html>"
)
RETRY_AFTER_SECONDS = 5


def _note_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, (OperationalError, InterfaceError)):
        request.database_error = error


got_request_exception.connect(_note_database_error, dispatch_uid="core.connection.database_error")


class DatabaseConnectionLostMiddleware:
    """Placed before every middleware that may touch the database (after SecurityMiddleware, so
    its own answer still carries the security headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.database_error = None
        response = self.get_response(request)
        if request.database_error is None:
            return response
        reopened = _close_lost_connections()
        if request.method in RETRIED_METHODS and reopened:
            logger.warning("数据库连接中断,重新执行一次 %s %s:%s", request.method, request.path, request.database_error)
            request.database_error = None
            response = self.get_response(request)
            if request.database_error is None:
                return response
            _close_lost_connections()
        logger.error("数据库不可用,返回 503:%s %s:%s", request.method, request.path, request.database_error)
        return _unavailable(request)


def _close_lost_connections() -> bool:
    """Close each connection that no longer works (or that Django closed already, as a failed
    transaction's rollback does), so the next query opens a new one. True if one was lost and
    all of them can start afresh: none is inside a transaction, whose work went with it."""
    lost = stuck = False
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            stuck = True
        elif connection.connection is None or not connection.is_usable():
            connection.close()
            lost = True
    return lost and not stuck


def _unavailable(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["X-Frame-Options"] = "DENY"  # XFrameOptionsMiddleware is further in and never saw this response
    response["Cache-Control"] = "no-store"
    return response
