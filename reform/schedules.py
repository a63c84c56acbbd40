"""The periodic jobs beat runs, kept in the database (django-celery-beat) so an
administrator can change their times in the admin. `install_schedules` creates the ones
missing and leaves edited ones alone."""

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask

# name → (task, crontab: minute, hour)
SCHEDULES = {
    "开启本期填报周期": ("ledger.tasks.open_reporting_period", ("5", "0")),
    "节点与报送状态扫描及提醒": ("deadlines.tasks.scan_and_alert", ("30", "7")),
    "督查整改与约谈承诺提醒": ("supervision.tasks.alert_rectification", ("40", "7")),
    "督办简报": ("deadlines.tasks.send_supervision_digests", ("0", "8")),
    "补发未送达邮件": ("deadlines.tasks.deliver_pending", ("*/10", "*")),
}


def install_schedules() -> list[str]:
    created = []
    for name, (task, (minute, hour)) in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab)
        created.append(name)
    return created
