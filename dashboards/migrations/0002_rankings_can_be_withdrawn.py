
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0001_initial'),
        ('ledger', '0004_stamped_by_the_clock'),
        ('measures', '0003_milestone_in_the_plan'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='rankingsnapshot',
            options={'ordering': ['-period__starts_on', '-published_at'], 'verbose_name': '排名快照', 'verbose_name_plural': '排名快照'},
        ),
        migrations.RemoveConstraint(
            model_name='rankingsnapshot',
            name='one_published_ranking_per_period',
        ),
        migrations.AddField(
            model_name='rankingformula',
            name='min_items',
            field=models.PositiveSmallIntegerField(default=3, help_text='某分项的事项少于此数时视为数据不足,不计入得分', verbose_name='分项最少项数'),
        ),
        migrations.AddField(
            model_name='rankingsnapshot',
            name='withdrawal_reason',
            field=models.TextField(blank=True, verbose_name='撤回原因'),
        ),
        migrations.AddField(
            model_name='rankingsnapshot',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤回时间'),
        ),
        migrations.AddField(
            model_name='rankingsnapshot',
            name='withdrawn_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='rankingsnapshot',
            constraint=models.UniqueConstraint(condition=models.Q(('withdrawn_at__isnull', True)), fields=('document', 'period'), name='one_live_ranking_per_period'),
        ),
        migrations.AddConstraint(
            model_name='rankingsnapshot',
            constraint=models.CheckConstraint(condition=models.Q(('withdrawn_at__isnull', True), models.Q(('withdrawal_reason', ''), _negated=True), _connector='OR'), name='withdrawal_has_a_reason'),
        ),
    ]
