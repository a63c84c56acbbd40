from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone

from core.params import BadParameter, parse_date


def add_as_of(parser) -> None:
    parser.add_argument("--as-of", dest="as_of", help="按该日期(YYYY-MM-DD)计算,默认今天(北京时间)")


def as_of_from(options) -> date:
    try:
        return parse_date(options.get("as_of"), "--as-of", default=timezone.localdate())
    except BadParameter as exc:
        raise CommandError(str(exc)) from None
