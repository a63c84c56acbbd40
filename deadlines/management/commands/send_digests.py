from django.core.management.base import BaseCommand

from deadlines import notify, services

from ._as_of import add_as_of, as_of_from


class Command(BaseCommand):
    help = "生成并发送督办简报;--dry-run 只显示将发送的内容,不发送也不记录。"

    def add_arguments(self, parser):
        add_as_of(parser)
        parser.add_argument("--dry-run", action="store_true", help="只显示,不发送、不记录")

    def handle(self, *args, dry_run=False, **options):
        as_of = as_of_from(options)
        run = services.prepare_digests(as_of, dry_run=dry_run)
        if run.scan.warning:
            self.stdout.write(self.style.WARNING(run.scan.warning))
        if not run.planned:
            self.stdout.write(f"{as_of:%Y-%m-%d}:没有需要发送的督办简报(无超期事项或无收件人)。")
            return
        for email in run.planned:
            self.stdout.write(f"收件人:{email.recipient}\n主题:{email.subject}\n{email.body_text}")
        if dry_run:
            self.stdout.write(self.style.WARNING(f"试运行:以上 {len(run.planned)} 封未发送,也未记录。"))
            return
        sent, failed = notify.deliver_due()
        self.stdout.write(
            f"新记录 {len(run.created_ids)} 封;本次发送成功 {sent} 封,失败 {failed} 封(失败的将自动重试)。"
        )
