from django.db import models
from django.utils.translation import gettext_lazy as _


class MilestoneKind(models.TextChoices):
    DATED = "dated", _("限时完成")
    PHASE = "phase", _("阶段性成果")
    ONGOING = "ongoing", _("长期推进")
    PER_SCHEDULE = "per_schedule", _("按序时进度推进")
    YEARLY = "yearly", _("每年")


class MilestoneSource(models.TextChoices):
    DEADLINE_LINE = "deadline_line", _("完成时限")
    BODY = "body", _("正文")


class Milestone(models.Model):
    """A point by which something in a measure must be done, read from its date words.

    Ongoing, per-schedule and yearly milestones have no single due date; they are
    judged by reporting obligations or by the schedule the lead unit sets.
    """

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, related_name="milestones", verbose_name=_("举措")
    )
    position = models.PositiveSmallIntegerField(_("文中顺序"))
    kind = models.CharField(_("类型"), max_length=20, choices=MilestoneKind.choices)
    due_date = models.DateField(_("截止日期"), null=True, blank=True, db_index=True)
    description = models.TextField(_("内容"))
    source = models.CharField(_("出处"), max_length=20, choices=MilestoneSource.choices)
    source_text = models.TextField(_("原文"))

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "position"],
                name="unique_milestone_position",
                violation_error_message=_("本举措中该顺序的节点已存在"),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["dated", "phase"], due_date__isnull=False)
                | models.Q(kind__in=["ongoing", "per_schedule", "yearly"], due_date__isnull=True),
                name="milestone_due_date_matches_kind",
                violation_error_message=_(
                    "限时完成和阶段性成果须有截止日期;长期推进、按序时进度推进和每年不能有截止日期"
                ),
            ),
        ]

    def __str__(self):
        due = self.due_date.isoformat() if self.due_date else self.get_kind_display()
        return f"{self.measure.code} {due} {self.description[:30]}"
