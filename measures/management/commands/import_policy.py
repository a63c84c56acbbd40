from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.textfile import UnreadableText
from measures.layouts import LAYOUTS, LEAD_RULES, read_document
from measures.models import PolicyDocument
from measures.parsing import ParseError
from measures.services import ImportReport, import_document
from measures.sources import read_source


class Command(BaseCommand):
    help = (
        "导入政策文件(如大连市优化营商环境实施意见)的举措、分工、节点和量化指标。可重复执行:"
        "文件未变时不做任何更改;文件有变化时先列出更改,与人工修改冲突之处不覆盖。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="文件路径:UTF-8 文本(.txt)、Word(.docx)、Excel(.xlsx)或 CSV")
        parser.add_argument(
            "--layout",
            choices=list(LAYOUTS),
            help="指定版式,不自动识别:" + ";".join(f"{key}={label}" for key, label in LAYOUTS.items()),
        )
        parser.add_argument(
            "--lead-rule",
            choices=list(LEAD_RULES),
            help="谁是牵头单位:" + ";".join(f"{key}={label}" for key, label in LEAD_RULES.items()),
        )
        parser.add_argument(
            "--only-if-empty",
            action="store_true",
            help="数据库中已有政策文件时不导入(make run 用:不覆盖市营商办在后台所做的修改)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只预览:列出将要新增、修改、删除的内容和冲突,不写入任何数据",
        )
        parser.add_argument(
            "--skip-conflicts",
            action="store_true",
            help="有冲突时仍写入其余更改;冲突之处保留人工修改,不覆盖",
        )

    def handle(
        self,
        *args,
        path: Path,
        only_if_empty=False,
        dry_run=False,
        skip_conflicts=False,
        layout=None,
        lead_rule=None,
        **options,
    ):
        if only_if_empty and PolicyDocument.objects.exists():
            self.stdout.write("数据库中已有政策文件,未重新导入;在后台所做的修改保持不变。")
            return
        try:
            source = read_source(path.read_bytes(), path.name)
        except FileNotFoundError:
            raise CommandError(f"找不到文件:{path}") from None
        except UnreadableText as exc:
            raise CommandError(f"{path} {exc},未写入任何数据") from None
        self.stdout.write(f"正在读取 {path}({source.kind_label})…")
        try:
            parsed = read_document(source, layout=layout, lead_rule=lead_rule)
        except ParseError as exc:
            raise CommandError(f"{path} {exc},未写入任何数据") from None
        self.stdout.write(f"版式:{LAYOUTS[parsed.layout]};牵头规则:{LEAD_RULES[parsed.lead_rule]}")
        self.stdout.write(
            f"已解析:{len(parsed.sections)} 个章节,{len(parsed.measures)} 项举措与保障措施;正在与数据库比对 …"
        )
        report = import_document(parsed, dry_run=dry_run, skip_conflicts=skip_conflicts, progress=self._progress)
        self._print_report(report)
        if report.conflicts and not report.written and not report.dry_run:
            raise CommandError(
                f"有 {len(report.conflicts)} 处冲突,未写入任何数据。请核对上面列出的冲突:"
                "保留人工修改、写入其余更改,请加 --skip-conflicts 再次运行;"
                "要采用文件的写法,请先在后台把这些内容改回上次导入时的样子。"
            )

    def _progress(self, done: int, total: int, section: str) -> None:
        self.stdout.write(f"  [{done}/{total}] {section}")

    def _print_report(self, report: ImportReport) -> None:
        out = self.stdout
        title = report.document.title
        if report.dry_run:
            out.write(self.style.WARNING(f"《{title}》预览(--dry-run):以下更改均未写入"))
        elif report.written:
            out.write(self.style.SUCCESS(f"《{title}》导入完成"))
        else:
            out.write(self.style.ERROR(f"《{title}》未导入:有更改与人工修改冲突"))
        out.write(f"  举措 {report.measures} 项,保障措施 {report.safeguards} 项")
        out.write(f"  分工 {report.assignments} 条,节点 {report.milestones} 个,量化指标 {report.targets} 个")
        verb = "已" if report.written else "将"
        if report.changes:
            out.write(f"  {verb}更改 {len(report.changes)} 处:")
            for change in report.changes:
                out.write(f"    {change.describe()}")
        if report.changed:
            for label, counter in (("新增", report.created), ("更新", report.updated), ("删除", report.deleted)):
                if counter:
                    out.write(f"  {label}:" + ",".join(f"{name} {count}" for name, count in counter.items()))
        elif report.kept_edits:
            out.write("  文件与上次导入的内容一致,未做任何更改")
        else:
            out.write("  与数据库中已有内容一致,未做任何更改")
        if report.conflicts:
            out.write(
                self.style.ERROR(
                    f"  冲突 {len(report.conflicts)} 处(新文件要改的内容已被人工修改;保留人工修改,不覆盖):"
                )
            )
            for conflict in report.conflicts:
                out.write(self.style.ERROR(f"    {conflict.describe()}"))
        if report.kept_edits:
            out.write(f"  保留的人工修改 {len(report.kept_edits)} 处(新文件未改动这些内容):")
            for edit in report.kept_edits:
                out.write(f"    {edit.describe()}")
        if report.new_units:
            out.write(
                self.style.WARNING(
                    f"  {verb}新建单位 {len(report.new_units)} 个(请在后台确认类别):{'、'.join(report.new_units)}"
                )
            )
        if report.new_groups:
            out.write(
                self.style.WARNING(
                    f"  {verb}新建单位组 {len(report.new_groups)} 个(请在后台补充成员):{'、'.join(report.new_groups)}"
                )
            )
        if report.unit_problems:
            out.write(self.style.WARNING(f"  单位写法存疑 {len(report.unit_problems)} 处(未导入,请人工核对):"))
            for code, problem in report.unit_problems:
                out.write(self.style.WARNING(f"    举措 {code}:{problem}"))
        for code, flags in report.flagged.items():
            out.write(self.style.WARNING(f"  举措 {code}:{'、'.join(flags)}"))
        out.write(f"  警告 {len(report.warnings)} 条")
        for warning in report.warnings:
            out.write(self.style.WARNING(f"  - {warning}"))
