"""Rankings (综合排名): a versioned, visible formula, and snapshots frozen when published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.frozen import WithdrawnOnce


class RankingFormula(models.Model):
    """The weights of the ranking's named components. Never edited: a change is a new
    version, so every published ranking names the exact formula it used."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    milestones_weight = models.PositiveSmallIntegerField(_("节点按期完成权重"), default=40)
    reports_weight = models.PositiveSmallIntegerField(_("按时报送权重"), default=30)
    targets_weight = models.PositiveSmallIntegerField(_("指标达标权重"), default=20)
    returns_weight = models.PositiveSmallIntegerField(_("报告一次通过权重"), default=10)
    bottom_n = models.PositiveSmallIntegerField(_("末位约谈名额"), default=3)
    min_items = models.PositiveSmallIntegerField(
        _("分项最少项数"), default=3, help_text=_("某分项的事项少于此数时视为数据不足,不计入得分")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("排名公式")
        verbose_name_plural = _("排名公式")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(milestones_weight__gt=0)
                | models.Q(reports_weight__gt=0)
                | models.Q(targets_weight__gt=0)
                | models.Q(returns_weight__gt=0),
                name="formula_has_a_weight",
                violation_error_message=_("至少一项权重须大于 0"),
            )
        ]

    def __str__(self):
        weights = "/".join(str(w) for w in self.weights().values())
        return f"第 {self.version} 版(节点/报送/指标/通过 = {weights})"

    def weights(self) -> dict[str, int]:
        return {
            "milestones": self.milestones_weight,
            "reports": self.reports_weight,
            "targets": self.targets_weight,
            "returns": self.returns_weight,
        }


class RankingSnapshotQuerySet(models.QuerySet):
    def live(self):
        """Published and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class RankingSnapshot(WithdrawnOnce):
    """A period's ranking as published: the rows, their components and the items behind
    them, plus the bulletin's lists — frozen, so a bulletin regenerated later is the same.
    It is never edited; it can only be withdrawn once, with a reason (audited), after which
    the period may be published again. A snapshot without a document is the ranking of all the
    documents that were active (not archived) when it was published; its data lists them."""

    document = models.ForeignKey("measures.PolicyDocument", on_delete=models.PROTECT, null=True, blank=True)
    period = models.ForeignKey("ledger.ReportingPeriod", on_delete=models.PROTECT, related_name="rankings")
    formula = models.ForeignKey(RankingFormula, on_delete=models.PROTECT)
    as_of = models.DateField(_("数据截至"))
    data = models.JSONField(_("排名数据"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = RankingSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("排名快照")
        verbose_name_plural = _("排名快照")
        ordering = ["-period__starts_on", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "period"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_ranking_per_period",
            ),
            # NULL is distinct from NULL in a unique index: the all-documents ranking needs its own.
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(withdrawn_at__isnull=True, document__isnull=True),
                name="one_live_all_documents_ranking_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="withdrawal_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.period} 综合排名" + ("" if self.document_id else "(全部政策文件)")

    frozen_message = "已发布的排名不能修改,只能撤回一次"
