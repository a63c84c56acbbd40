from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class ReformConfig(AppConfig):
    name = "reform"
    verbose_name = "督办台账"

    def ready(self):
        # Sent once per app with models after every migrate; core's is enough (reform has none).
        post_migrate.connect(install_revision_triggers, sender=apps.get_app_config("core"))


# What the boards read, by scope (core.revision): the ledger's rows are stamped with the present;
# everything else may change a day that is over. Every table of these apps is watched, so a new
# model is covered without anyone remembering to add it (tests/core/test_revision.py checks).
TODAY_APPS = ("ledger",)
HISTORY_APPS = ("units", "measures", "supervision")
HISTORY_MODELS = ("core.HolidayYear", "ledger.ReportingPeriod")


def watched_tables() -> dict[str, list[str]]:
    from core.revision import HISTORY, TODAY

    history = {apps.get_model(label)._meta.db_table for label in HISTORY_MODELS}
    today = set()
    for labels, scope in ((TODAY_APPS, today), (HISTORY_APPS, history)):
        for label in labels:
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if model._meta.managed and not model._meta.proxy:
                    scope.add(model._meta.db_table)
    return {TODAY: sorted(today - history), HISTORY: sorted(history)}


def install_revision_triggers(using="default", **kwargs):
    """After every migrate: (re)install the revision triggers on every watched table."""
    from django.db import connections

    from core.revision import install_triggers

    install_triggers(watched_tables(), using=connections[using])
