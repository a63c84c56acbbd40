from django.core.management.base import BaseCommand, CommandError

from accounts.services import create_demo_accounts


class Command(BaseCommand):
    help = "为每个角色创建一个演示账号,并只在创建时打印一次密码。"

    def handle(self, *args, **options):
        try:
            created = create_demo_accounts()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if not created:
            self.stdout.write("演示账号已存在,未改动(密码只在首次创建时显示;可在后台重设)。")
            return
        self.stdout.write(self.style.SUCCESS("已创建演示账号(密码仅显示这一次,请记下):"))
        for account, password in created:
            self.stdout.write(f"  {account.username:<16} {password:<14} {account.label}")
