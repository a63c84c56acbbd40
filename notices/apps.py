from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "站内通知"

    def ready(self):
        from . import events  # noqa: F401  (connects the ledger's signals)
