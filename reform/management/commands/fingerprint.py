import json

from django.core.management.base import BaseCommand, CommandError

from reform.backup import BackupError, fingerprint


class Command(BaseCommand):
    help = (
        "打印台账指纹:每张表的行数、各业务表内容的校验和、上传文件的校验和,以及总指纹。"
        "同一份台账在任何服务器上指纹相同;backup 写入清单,restore 据此核对。仅支持 PostgreSQL。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="以 JSON 输出(与备份清单中的 fingerprint 相同)"
        )

    def handle(self, *args, as_json: bool = False, **options):
        try:
            result = fingerprint(self.stderr.write if options["verbosity"] > 1 else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True))
            return
        for table, entry in result["tables"].items():
            self.stdout.write(f"{table:<48} {entry['rows']:>10} 行  {entry.get('hash', '')}")
        media = result["media"]
        self.stdout.write(f"{'上传文件':<44} {media['files']:>10} 个  {media['hash']}({media['bytes']} 字节)")
        self.stdout.write(f"台账指纹 {result['digest']}")
