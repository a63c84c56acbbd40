
import core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_claims_point_at_the_plan'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contribution',
            name='created_at',
            field=models.DateTimeField(default=core.clock.now, verbose_name='创建时间'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='updated_at',
            field=models.DateTimeField(default=core.clock.now, verbose_name='保存时间'),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='uploaded_at',
            field=models.DateTimeField(default=core.clock.now, verbose_name='上传时间'),
        ),
        migrations.AlterField(
            model_name='progressreport',
            name='created_at',
            field=models.DateTimeField(default=core.clock.now, verbose_name='创建时间'),
        ),
        migrations.AlterField(
            model_name='progressreport',
            name='updated_at',
            field=models.DateTimeField(default=core.clock.now, verbose_name='保存时间'),
        ),
        migrations.AlterField(
            model_name='reportreview',
            name='decided_at',
            field=models.DateTimeField(default=core.clock.now, verbose_name='审核时间'),
        ),
    ]
