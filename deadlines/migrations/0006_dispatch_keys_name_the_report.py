"""Alerts about an owed report were keyed by the stored obligation's id. The stored rows are a
cache now (the scan may remove and recreate them), so the key names the report itself:
report:<measure>:<period>:<unit>. Existing keys are rewritten, so nothing is sent twice."""

import re

from django.db import migrations

OLD_KEY = re.compile(r"^report:(\d+):((?:T-\d+)|overdue|escalation)$")


def rename_keys(apps, schema_editor):
    dispatches = apps.get_model("deadlines", "Dispatch")
    obligations = apps.get_model("deadlines", "ReportObligation")
    for dispatch in dispatches.objects.filter(period_key__startswith="report:").only("pk", "period_key"):
        found = OLD_KEY.match(dispatch.period_key)
        if not found:
            continue
        obligation = obligations.objects.filter(pk=int(found.group(1))).first()
        if obligation is None:
            continue
        key = f"report:{obligation.measure_id}:{obligation.period_id}:{obligation.unit_id}:{found.group(2)}"
        dispatches.objects.filter(pk=dispatch.pk).update(period_key=key)


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0005_milestone_leaves_deadlines")]

    operations = [migrations.RunPython(rename_keys, migrations.RunPython.noop)]
