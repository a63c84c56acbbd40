from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.textfile import UnreadableText, read_text
from measures.models import PolicyDocument
from measures.parsing import ParseError, parse_document
from measures.services import import_document


class Command(BaseCommand):
    help = "导入政策文件(如大连市优化营商环境实施意见)的举措、分工、节点和量化指标。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="UTF-8 文本文件的路径")
        parser.add_argument(
            "--only-if-empty",
            action="store_true",
            help="数据库中已有政策文件时不导入(make run 用:不覆盖市营商办在后台所做的修改)",
        )

    def handle(self, *args, path: Path, only_if_empty=False, **options):
        if only_if_empty and PolicyDocument.objects.exists():
            self.stdout.write("数据库中已有政策文件,未重新导入;在后台所做的修改保持不变。")
            return
        try:
            text = read_text(path)
        except FileNotFoundError:
            raise CommandError(f"找不到文件:{path}") from None
        except UnreadableText as exc:
            raise CommandError(f"{path} {exc},未写入任何数据") from None
        self.stdout.write(f"正在读取 {path} …")
        try:
            parsed = parse_document(text)
        except ParseError as exc:
            raise CommandError(f"{path} {exc},未写入任何数据") from None
        self.stdout.write(f"已解析:{len(parsed.sections)} 个章节,{len(parsed.measures)} 项举措与保障措施;正在写入 …")
        report = import_document(parsed)
        self._print_report(report)

    def _print_report(self, report):
        out = self.stdout
        out.write(self.style.SUCCESS(f"《{report.document.title}》导入完成"))
        out.write(f"  举措 {report.measures} 项,保障措施 {report.safeguards} 项")
        out.write(f"  分工 {report.assignments} 条,节点 {report.milestones} 个,量化指标 {report.targets} 个")
        if report.changed:
            for label, counter in (("新增", report.created), ("更新", report.updated), ("删除", report.deleted)):
                if counter:
                    out.write(f"  {label}:" + ",".join(f"{name} {count}" for name, count in counter.items()))
        else:
            out.write("  与数据库中已有内容一致,未做任何更改")
        if report.new_units:
            out.write(
                self.style.WARNING(
                    f"  新建单位 {len(report.new_units)} 个(请在后台确认类别):{'、'.join(report.new_units)}"
                )
            )
        if report.new_groups:
            out.write(
                self.style.WARNING(
                    f"  新建单位组 {len(report.new_groups)} 个(请在后台补充成员):{'、'.join(report.new_groups)}"
                )
            )
        for code, flags in report.flagged.items():
            out.write(self.style.WARNING(f"  举措 {code}:{'、'.join(flags)}"))
        out.write(f"  警告 {len(report.warnings)} 条")
        for warning in report.warnings:
            out.write(self.style.WARNING(f"  - {warning}"))
