from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "看板"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # A formula is a new version per change; a snapshot changes once, when withdrawn.
        auditlog.register(models.RankingFormula)
        auditlog.register(models.RankingSnapshot, exclude_fields=["data"])
