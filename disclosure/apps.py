from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "disclosure"
    verbose_name = "社会公开"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Every publish, withdrawal and triage step lands in the audit log besides its own row.
        auditlog.register(models.Publication, exclude_fields=["data"])
        auditlog.register(models.PolicyInterpretation)
        auditlog.register(models.GoodPractice)
        auditlog.register(models.Feedback, exclude_fields=["sender_key"])
