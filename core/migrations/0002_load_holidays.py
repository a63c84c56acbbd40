"""Fill the holiday calendar with the years chinesecalendar ships, so an upgraded installation
counts working days exactly as before (it read the package directly until this release)."""

from django.db import migrations


def load(apps, schema_editor):
    from core.holidays import load_holidays

    load_holidays(model=apps.get_model("core", "HolidayYear"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
