"""Milestones are part of the plan: the model moves here from deadlines, its table stays
(deadlines_milestone), so this changes Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0002_constraint_messages'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Milestone',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(verbose_name='文中顺序')),
                        ('kind', models.CharField(choices=[('dated', '限时完成'), ('phase', '阶段性成果'), ('ongoing', '长期推进'), ('per_schedule', '按序时进度推进'), ('yearly', '每年')], max_length=20, verbose_name='类型')),
                        ('due_date', models.DateField(blank=True, db_index=True, null=True, verbose_name='截止日期')),
                        ('description', models.TextField(verbose_name='内容')),
                        ('source', models.CharField(choices=[('deadline_line', '完成时限'), ('body', '正文'), ('schedule', '牵头单位进度安排')], max_length=20, verbose_name='出处')),
                        ('source_text', models.TextField(verbose_name='原文')),
                        ('measure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='measures.measure', verbose_name='举措')),
                    ],
                    options={
                        'verbose_name': '节点',
                        'verbose_name_plural': '节点',
                        'db_table': 'deadlines_milestone',
                        'ordering': ['measure', 'position'],
                        'constraints': [models.UniqueConstraint(fields=('measure', 'position'), name='unique_milestone_position', violation_error_message='本举措中该顺序的节点已存在'), models.CheckConstraint(condition=models.Q(models.Q(('due_date__isnull', False), ('kind__in', ['dated', 'phase'])), models.Q(('due_date__isnull', True), ('kind__in', ['ongoing', 'per_schedule', 'yearly'])), _connector='OR'), name='milestone_due_date_matches_kind', violation_error_message='限时完成和阶段性成果须有截止日期;长期推进、按序时进度推进和每年不能有截止日期')],
                    },
                ),
            ],
        ),
    ]
