from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ledger.periods import open_current_period


class Command(BaseCommand):
    help = "开启指定日期(默认今天)所在的填报周期。"

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD,默认今天")

    def handle(self, *args, day=None, **options):
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{day}”无效,应为 YYYY-MM-DD") from None
        period = open_current_period(today)
        self.stdout.write(f"填报周期:{period}(截止 {period.due_on:%Y-%m-%d})")
