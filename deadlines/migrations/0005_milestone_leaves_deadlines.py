"""The milestone model has moved to measures (same table). Its content type moves with it, so
the audit log entries and permissions of milestones keep pointing at the model."""

import django.db.models.deletion
from django.db import migrations, models


def _move(apps, source: str, target: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label=target, model="milestone").exists():
        return
    content_types.objects.filter(app_label=source, model="milestone").update(app_label=target)


def move_content_type(apps, schema_editor):
    _move(apps, "deadlines", "measures")


def move_content_type_back(apps, schema_editor):
    _move(apps, "measures", "deadlines")


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0004_schedule_source'),
        ('ledger', '0003_claims_point_at_the_plan'),
        ('measures', '0003_milestone_in_the_plan'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='milestonestatus',
                    name='milestone',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='status', to='measures.milestone'),
                ),
                migrations.AlterField(
                    model_name='statusevent',
                    name='milestone',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='measures.milestone'),
                ),
                migrations.DeleteModel(
                    name='Milestone',
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
