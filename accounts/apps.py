from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_role_groups(sender, **kwargs):
    from .services import ensure_role_groups

    ensure_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与角色"

    def ready(self):
        post_migrate.connect(_create_role_groups, sender=self)
