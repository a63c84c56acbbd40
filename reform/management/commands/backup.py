from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reform.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份台账:数据库(pg_dump 自定义格式)、上传的佐证材料(MEDIA_ROOT 打包)和清单 manifest.json"
        "(时间、版本、迁移、台账指纹),写入一个新的或空的目录。仅支持 PostgreSQL。"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="备份目录(新建或空目录)")

    def handle(self, *args, folder, **options):
        try:
            backup(Path(folder).resolve(), self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
