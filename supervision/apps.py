from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督查整改"

    def ready(self):
        from deadlines import digest
        from measures.panels import register_unit_panel

        from . import alerts, selectors

        # The supervision digest gains the groups 整改超期 and 承诺未兑现 (deadlines cannot import us).
        digest.register_section(alerts.overdue_findings_section)
        digest.register_section(alerts.unfulfilled_commitments_section)
        # A unit's page shows its open accounts (measures cannot import us either).
        register_unit_panel(selectors.open_findings_panel)
