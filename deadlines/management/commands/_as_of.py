from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone


def add_as_of(parser) -> None:
    parser.add_argument("--as-of", dest="as_of", help="按该日期(YYYY-MM-DD)计算,默认今天(北京时间)")


def as_of_from(options) -> date:
    if not options.get("as_of"):
        return timezone.localdate()
    try:
        return date.fromisoformat(options["as_of"])
    except ValueError:
        raise CommandError(f"日期“{options['as_of']}”无效,应为 YYYY-MM-DD") from None
