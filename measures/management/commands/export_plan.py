import json

from django.core.management.base import BaseCommand, CommandError

from measures.export import plan_as_dict
from measures.models import PolicyDocument
from measures.selectors import current_document


class Command(BaseCommand):
    help = "导出整个计划(举措、分工、节点、量化指标),名称与文件原文一致。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json"], default="json", help="导出格式(目前支持 json)")
        parser.add_argument("--document", type=int, help="文件编号,默认为最新导入的文件")

    def handle(self, *args, document=None, **options):
        if document is not None:
            found = PolicyDocument.objects.filter(pk=document).first()
            if found is None:
                raise CommandError(f"没有编号为 {document} 的政策文件")
        else:
            found = current_document()
            if found is None:
                raise CommandError("尚未导入任何政策文件,请先运行 import_policy")
        self.stdout.write(json.dumps(plan_as_dict(found), ensure_ascii=False, indent=2))
