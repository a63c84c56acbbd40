from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督查整改"

    def ready(self):
        from deadlines import digest

        from . import alerts

        # The supervision digest gains the groups 整改超期 and 承诺未兑现 (deadlines cannot import us).
        digest.register_section(alerts.overdue_findings_section)
        digest.register_section(alerts.unfulfilled_commitments_section)
