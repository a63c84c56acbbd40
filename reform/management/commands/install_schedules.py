from django.core.management.base import BaseCommand

from reform.schedules import SCHEDULES, install_schedules


class Command(BaseCommand):
    help = "创建缺失的周期任务(已在后台修改过的不动)。"

    def handle(self, *args, **options):
        created = install_schedules()
        for name in SCHEDULES:
            state = "新建" if name in created else "已存在"
            self.stdout.write(f"  {state}:{name}")
