"""Log records that carry the request they belong to.

The request id comes from the proxy (nginx's $request_id in X-Request-ID) or is made here;
it is held in a context variable for the length of a request, and a filter on the handler
writes it into every record, whichever logger made it. Production writes one JSON object a
line (LOG_FORMAT=json), so a log collector can find every line of one request.

No Django import: gunicorn's own log configuration uses these classes before Django is set up.
"""

import contextvars
import logging
import re
import uuid
from datetime import datetime

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# Short and plain: a header is copied into every log line, so nothing else is trusted.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# gunicorn's access log passes its atoms as the record's args; this one is the response header.
_GUNICORN_RESPONSE_REQUEST_ID = "{x-request-id}o"


def valid_request_id(value: str | None) -> str | None:
    return value if value and _VALID_REQUEST_ID.fullmatch(value) else None


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Sets record.request_id: the current request's, or '-' outside a request."""

    def filter(self, record):
        request_id = REQUEST_ID.get()
        if request_id is None:
            # Django logs a 4xx response ("Not Found: …") after the middleware has returned,
            # with the request attached.
            request_id = getattr(getattr(record, "request", None), "request_id", None)
        if request_id is None and isinstance(record.args, dict):
            # gunicorn logs the access line after the request has finished: read the header.
            request_id = valid_request_id(record.args.get(_GUNICORN_RESPONSE_REQUEST_ID))
        record.request_id = request_id or "-"
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time, level, logger, message, request_id, and any extra fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "message", "request_id"])
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)  # Chinese messages stay readable
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None):
        # ISO 8601 with the offset: lines from machines in different zones sort and compare.
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


def logging_config(log_format: str, level: str, loggers: dict | None = None) -> dict:
    """The one logging configuration: every record to stderr, as JSON or text, with its request
    id. Django's settings and gunicorn's conf both use it; `loggers` adds their own."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "core.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers or {},
    }
