from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "单位"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Unit, models.UnitAlias, models.UnitContact, models.UnitGroupAlias):
            auditlog.register(model)
        auditlog.register(models.UnitGroup, m2m_fields={"members"})
