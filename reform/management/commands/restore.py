from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reform.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "从 backup 生成的目录恢复台账到 DATABASE_URL 指向的空数据库和空的 MEDIA_ROOT,并核对台账指纹。"
        "目标不是空的则拒绝,不覆盖任何数据。仅支持 PostgreSQL。"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="backup 命令生成的备份目录")

    def handle(self, *args, folder, **options):
        try:
            restore(Path(folder).resolve(), self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
