from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.textfile import UnreadableText, read_json
from units.services import DirectoryError, load_directory


class Command(BaseCommand):
    help = "载入单位名录(单位、别名、单位组及成员)。只补充缺失项,不覆盖后台已修改的内容。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="单位名录 JSON 文件,如 fixtures/units.json")

    def handle(self, *args, path: Path, **options):
        try:
            data = read_json(path)
        except FileNotFoundError:
            raise CommandError(f"找不到文件:{path}") from None
        except UnreadableText as exc:
            raise CommandError(f"{path} {exc},未写入任何数据") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path} 的顶层应为对象,含 units 和 groups 两个列表")
        try:
            report = load_directory(data)
        except DirectoryError as exc:
            raise CommandError(f"{path}:{exc},未写入任何数据") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"单位名录已载入:新增单位 {report.units_created} 个,单位组 {report.groups_created} 个,"
                f"别名 {report.aliases_created} 个,组成员 {report.members_added} 个"
            )
        )
