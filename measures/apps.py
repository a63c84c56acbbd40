from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "举措"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.PolicyDocument,
            models.Section,
            models.Measure,
            models.Assignment,
            models.Target,
            models.Milestone,
        ):
            auditlog.register(
                model, exclude_fields=["full_text", "imported_plan"] if model is models.PolicyDocument else None
            )
