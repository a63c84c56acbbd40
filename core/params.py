"""One parser for every parameter a person or a script can type: query strings, form fields,
command options and task arguments.

Anything odd is a `BadParameter` naming the parameter, in Chinese: pages and exports answer
400 (Django turns `BadRequest` into one; `BadParameterMiddleware` adds the message), the API
answers 400 with the parameter as key, commands stop with the message. Dates are limited to
2000–2100: the plan is from 2018, and beyond that range the date arithmetic of the boards
(period ends, working days) would overflow or mean nothing.
"""

import re
from datetime import date

from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_ID = 2**63 - 1  # PostgreSQL bigint
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ID = re.compile(r"\d{1,19}", re.ASCII)


class BadParameter(BadRequest):
    def __init__(self, name: str, message: str):
        super().__init__(f"参数 {name}:{message}")
        self.name = name


def _shown(raw: str) -> str:
    return raw[:40] + ("…" if len(raw) > 40 else "")


def parse_date(raw: str | None, name: str = "as_of", default: date | None = None) -> date | None:
    """A YYYY-MM-DD date between 2000-01-01 and 2100-12-31; `default` when empty."""
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        value = date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"“{_shown(raw)}”不是有效日期,应为 YYYY-MM-DD") from None
    if not EARLIEST <= value <= LATEST:
        raise BadParameter(name, f"日期 {raw} 超出范围,应在 {EARLIEST} 至 {LATEST} 之间")
    return value


def parse_id(raw: str | None, name: str, default: int | None = None) -> int | None:
    """A record number (ASCII digits, within bigint); `default` when empty."""
    raw = (raw or "").strip()
    if not raw:
        return default
    if not _ID.fullmatch(raw) or int(raw) > MAX_ID:
        raise BadParameter(name, f"“{_shown(raw)}”不是有效编号")
    return int(raw)


def parse_choice(raw: str | None, name: str, choices, default: str = "") -> str:
    """One of `choices` (values); `default` when empty."""
    raw = (raw or "").strip()
    if not raw:
        return default
    if raw not in choices:
        raise BadParameter(name, f"“{_shown(raw)}”不是可选值")
    return raw


def parse_text(raw: str | None, name: str) -> str:
    """Free text, such as a section numeral, stripped; "" when empty. A NUL is refused:
    PostgreSQL cannot hold one, so it would be a 500 rather than a filter that finds nothing."""
    raw = (raw or "").strip()
    if "\x00" in raw:
        raise BadParameter(name, "含有空字符")
    return raw


class BadParameterMiddleware:
    """Pages: a BadParameter becomes a 400 page that says which parameter is wrong."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            body = render_to_string("400.html", {"message": str(exception)}, request=request)
            return HttpResponseBadRequest(body)
        return None
