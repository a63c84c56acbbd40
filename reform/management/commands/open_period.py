from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.params import BadParameter, parse_date
from ledger.periods import open_current_period


class Command(BaseCommand):
    help = "开启指定日期(默认今天)所在的填报周期。"

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD,默认今天")

    def handle(self, *args, day=None, **options):
        try:
            today = parse_date(day, "--date", default=timezone.localdate())
        except BadParameter as exc:
            raise CommandError(str(exc)) from None
        period = open_current_period(today)
        self.stdout.write(f"填报周期:{period}(截止 {period.due_on:%Y-%m-%d})")
