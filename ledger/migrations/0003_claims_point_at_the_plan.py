"""A claim's milestone now lives in measures; same table, so state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0002_immutable_rows_on_postgresql'),
        ('measures', '0003_milestone_in_the_plan'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='milestoneclaim',
                    name='milestone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='measures.milestone'),
                ),
            ],
        ),
    ]
