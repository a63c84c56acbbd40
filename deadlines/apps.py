from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "节点与时限"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Milestone)
