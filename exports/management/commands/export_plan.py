import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exports.services import write_plan_xlsx
from measures.export import plan_as_dict
from measures.models import PolicyDocument
from measures.selectors import current_document


class Command(BaseCommand):
    help = "导出整个计划(举措、分工、节点、量化指标),名称与文件原文一致。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=["json", "xlsx"],
            default="json",
            help="导出格式:json(默认,输出到标准输出)或 xlsx(须指定 --output)",
        )
        parser.add_argument("--output", help="写入的文件路径;xlsx 格式必须指定")
        parser.add_argument("--document", type=int, help="文件编号,默认为最新导入的文件")

    def handle(self, *args, document=None, output=None, **options):
        if options["format"] == "xlsx" and not output:
            raise CommandError("导出 xlsx 须用 --output 指定文件路径,例如 --output 计划.xlsx")
        if document is not None:
            found = PolicyDocument.objects.filter(pk=document).first()
            if found is None:
                raise CommandError(f"没有编号为 {document} 的政策文件")
        else:
            found = current_document()
            if found is None:
                raise CommandError("尚未导入任何政策文件,请先运行 import_policy")
        if options["format"] == "xlsx":
            count = _write_atomically(Path(output), lambda f: write_plan_xlsx(f, found))
            self.stdout.write(f"已导出 {count} 项举措到 {output}")
            return
        text = json.dumps(plan_as_dict(found), ensure_ascii=False, indent=2)
        if output:
            _write_atomically(Path(output), lambda f: f.write(text.encode("utf-8")))
        else:
            self.stdout.write(text)


def _write_atomically(path: Path, write):
    """Write next to `path`, then rename: a failed export never leaves half a file in its place."""
    if not path.parent.is_dir():
        raise CommandError(f"目录不存在:{path.parent}")
    try:
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise CommandError(f"无法写入 {path}:{exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as file:
            result = write(file)
        os.replace(partial, path)
    except OSError as exc:
        raise CommandError(f"无法写入 {path}:{exc.strerror or exc}") from exc
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return result
