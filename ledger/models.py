"""The progress ledger (台账): periods, reports in versions, reviews, contributions, evidence.

The ledger is an official record. A report or contribution is editable only while it
is a draft; once submitted it is frozen — a correction or a resubmission is a new
version pointing at the one before. Reviews are rows of their own, never edits of the
report. The code refuses changes to frozen rows (`ImmutableRecordError`) and, on
PostgreSQL, so do triggers (migration 0002).
"""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import clock


class ImmutableRecordError(Exception):
    """Raised on an attempt to change or delete a submitted ledger row."""


class Cycle(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    QUARTERLY = "quarterly", _("季报")


class ReportingPeriod(models.Model):
    """One reporting period; each has its own due date, editable by an administrator."""

    cycle = models.CharField(_("周期"), max_length=20, choices=Cycle.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    due_on = models.DateField(_("报送截止日"))
    label = models.CharField(_("名称"), max_length=40)

    class Meta:
        verbose_name = _("填报周期")
        verbose_name_plural = _("填报周期")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "starts_on"], name="unique_period_start"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"),
        ]

    def __str__(self):
        return self.label


# The longest narrative field and review comment anyone may store, through a page, the API or a
# script: the forms, the serializers and the services all read these two numbers.
TEXT_LIMIT = 5000
COMMENT_LIMIT = 2000


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    ON_TRACK = "on_track", _("按计划推进")
    BEHIND = "behind", _("滞后")
    COMPLETED = "completed", _("已完成")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    AWAITING_SIGNOFF = "awaiting_signoff", _("待负责人审签")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("已退回")


class FrozenWhenSubmitted(models.Model):
    """A row that may change only until `submitted_at` is stored."""

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(_("修改版本"), default=1)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk and self.is_frozen:
            raise ImmutableRecordError(f"{self._meta.verbose_name} {self.pk} 已提交,不能修改;请新建版本")
        if self.pk:
            self.updated_at = clock.now()
        super().save(*args, **kwargs)
        self._stored_submitted_at = self.submitted_at

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise ImmutableRecordError(f"{self._meta.verbose_name} {self.pk} 已提交,不能删除")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_submitted_at = instance.__dict__.get("submitted_at")
        return instance

    @property
    def is_frozen(self) -> bool:
        return getattr(self, "_stored_submitted_at", None) is not None


class ReportContent(FrozenWhenSubmitted):
    status = models.CharField(_("推进状态"), max_length=20, choices=ProgressStatus.choices)
    progress = models.TextField(_("工作进展"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Stamped by core.clock, so history written as it happened (the demo ledger) keeps its times.
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    updated_at = models.DateTimeField(_("保存时间"), default=clock.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最后保存人"),
    )

    # The moments a version leaves the author's hands (a report may first go to the unit leader).
    SENT_FIELDS = ("submitted_at",)

    class Meta:
        abstract = True

    @classmethod
    def existed_by(cls, before: datetime) -> Q:
        """Versions that existed before the instant `before`: created by then — or sent by then,
        for rows an older release wrote with the day of writing as their creation time."""
        condition = Q(created_at__lt=before)
        for name in cls.SENT_FIELDS:
            condition |= Q(**{f"{name}__lt": before})
        return condition


class ProgressReportQuerySet(models.QuerySet):
    def in_stage(self, stage: str):
        """Versions whose current stage is `stage` (ProgressReport.stage_on, in SQL)."""
        return self.filter(STAGE_FILTERS[stage])


class ProgressReport(ReportContent):
    """A lead unit's consolidated report on one measure for one period, in versions."""

    SENT_FIELDS = ("signoff_requested_at", "submitted_at")

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.PROTECT, related_name="reports", verbose_name=_("举措")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("周期")
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("填报单位"))
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version", verbose_name=_("上一版本")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_written", verbose_name=_("填报人")
    )
    signoff_requested_at = models.DateTimeField(_("提请审签时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_signed_off",
        verbose_name=_("审签人"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_submitted",
        verbose_name=_("提交人"),
    )

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["measure", "-period__starts_on", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period", "version"], name="unique_report_version"),
            # At most one open draft per measure and period: two drafts would be two truths.
            models.UniqueConstraint(
                fields=["measure", "period"], condition=Q(submitted_at__isnull=True), name="one_open_report_draft"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "submitted_at"]),
            # The few versions reported 已完成, which end what a measure owes (deadlines.engine
            # reads them for every page that judges a few periods, whatever the history).
            models.Index(fields=["measure"], condition=Q(status="completed"), name="completed_report_versions"),
        ]

    def __str__(self):
        return f"{self.measure.code} · {self.period} · 第{self.version}版"

    def get_absolute_url(self):
        return reverse("report-detail", args=[self.pk])

    @property
    def state(self) -> str:
        """The workflow stage now. Derived, never stored: storing it would mean editing a
        submitted row on review."""
        return self.stage_on(None)

    @property
    def state_label(self) -> str:
        return str(ReportState(self.state).label)

    def stage_on(self, day: date | None) -> str | None:
        """The stage this version was in at the end of `day` (None: now); None if it did not
        exist yet (report_stage)."""
        review = getattr(self, "review", None)
        return report_stage(
            clock.end_of_day(day) if day else None,
            created_at=self.created_at,
            signoff_requested_at=self.signoff_requested_at,
            submitted_at=self.submitted_at,
            decision=review.decision if review else None,
            decided_at=review.decided_at if review else None,
        )


def report_stage(
    before: datetime | None, *, created_at, signoff_requested_at, submitted_at, decision=None, decided_at=None
) -> str | None:
    """The one rule for a report version's stage at the instant `before` (None: now): reviewed,
    submitted, awaiting sign-off, a draft — or None when it did not exist yet. The engine calls
    it on plain rows; `ProgressReportQuerySet.in_stage` is the same rule in SQL, for now."""

    def by_then(moment) -> bool:
        return moment is not None and (before is None or moment < before)

    if decision and by_then(decided_at):
        return decision
    if by_then(submitted_at):
        return ReportState.SUBMITTED
    if by_then(signoff_requested_at):
        return ReportState.AWAITING_SIGNOFF
    return ReportState.DRAFT if by_then(created_at) else None  # (existed_by is this test in SQL)


class ReviewDecision(models.TextChoices):
    APPROVED = ReportState.APPROVED.value, _("审核通过")
    RETURNED = ReportState.RETURNED.value, _("已退回")


STAGE_FILTERS = {
    ReportState.DRAFT: Q(signoff_requested_at__isnull=True, submitted_at__isnull=True),
    ReportState.AWAITING_SIGNOFF: Q(signoff_requested_at__isnull=False, submitted_at__isnull=True),
    # The marker, not "no review row": an anti-join over every version ever reviewed grew with
    # the ledger (314 ms on the province dataset); the marker table holds only the waiting ones.
    ReportState.SUBMITTED: Q(pending_review__isnull=False),
    ReportState.APPROVED: Q(review__decision=ReviewDecision.APPROVED),
    ReportState.RETURNED: Q(review__decision=ReviewDecision.RETURNED),
}


class PendingReview(models.Model):
    """A submitted version waiting for the office's decision: inserted in the transaction that
    submits it (services.submit_report), deleted in the one that reviews it (review_report).

    Derived, like ProgressReport.state — "submitted and no review" is the rule — but kept so the
    review queue and 我的任务 read an indexed, small table instead of looking for the review
    that is missing among every version ever written. Its own table because the ledger's rows
    are frozen once submitted (migration 0002's triggers refuse the UPDATE a flag would need)."""

    report = models.OneToOneField(
        ProgressReport, on_delete=models.CASCADE, primary_key=True, related_name="pending_review"
    )
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)

    class Meta:
        verbose_name = _("待审核标记")
        verbose_name_plural = _("待审核标记")

    def __str__(self):
        return f"待审核 {self.report_id}"


class PendingResubmission(models.Model):
    """A returned version its lead unit has not yet answered with a newer submitted version:
    inserted in the transaction that returns it (services.review_report), deleted in the one
    that submits the next version of its measure and period (submit_report).

    Like PendingReview, derived and kept only so a page can find what is open without reading
    the whole history: 我的任务 looks here for old returned reports instead of looking for the
    returns that were never followed by a resubmission among every version ever written. It
    outlives the return's "latest version" by the time a new draft takes (the engine, which
    reads the versions, still says what the report's stage is)."""

    report = models.OneToOneField(
        ProgressReport, on_delete=models.CASCADE, primary_key=True, related_name="pending_resubmission"
    )

    class Meta:
        verbose_name = _("待重报标记")
        verbose_name_plural = _("待重报标记")

    def __str__(self):
        return f"待重报 {self.report_id}"


class ReportReview(models.Model):
    """The office's decision on one submitted version. Written once, never changed."""

    report = models.OneToOneField(ProgressReport, on_delete=models.PROTECT, related_name="review")
    decision = models.CharField(_("审核结果"), max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), default=clock.now)
    good_practice = models.BooleanField(_("列为典型经验"), default=False)
    own_unit_reason = models.TextField(
        _("本单位报告审核说明"),
        blank=True,
        help_text=_("审核人所在单位填报的报告,须写明由其审核的理由,随审核记录留痕"),
    )

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comment=""), name="returned_report_has_comment"
            ),
        ]

    def __str__(self):
        return f"{self.report} {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ImmutableRecordError("审核记录不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("审核记录不能删除")


class Contribution(ReportContent):
    """A responsible unit's share for one measure and period, submitted to the lead unit."""

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.PROTECT, related_name="contributions", verbose_name=_("举措")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("周期")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="contributions", verbose_name=_("责任单位")
    )
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version", verbose_name=_("上一版本")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contributions_written",
        verbose_name=_("填报人"),
    )

    class Meta:
        verbose_name = _("责任单位报送")
        verbose_name_plural = _("责任单位报送")
        ordering = ["measure", "-period__starts_on", "unit", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "unit", "version"], name="unique_contribution_version"
            ),
            models.UniqueConstraint(
                fields=["measure", "period", "unit"],
                condition=Q(submitted_at__isnull=True),
                name="one_open_contribution_draft",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.measure.code} · {self.period} · 第{self.version}版"

    @property
    def state_label(self) -> str:
        return "已报送" if self.submitted_at else "草稿"

    def stage_on(self, day: date | None) -> str | None:
        """Draft or submitted at the end of `day` (None: now); None if it did not exist yet."""
        return report_stage(
            clock.end_of_day(day) if day else None,
            created_at=self.created_at,
            signoff_requested_at=None,
            submitted_at=self.submitted_at,
        )


class ReportChild(models.Model):
    """A row that belongs to a report version and freezes with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._parent().submitted_at:
            raise ImmutableRecordError("所属报告已提交,不能再修改其内容")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._parent().submitted_at:
            raise ImmutableRecordError("所属报告已提交,不能删除其内容")
        return super().delete(*args, **kwargs)

    def _parent(self):
        return self.report


class TargetActual(ReportChild):
    """The value a report gives for one quantified target, and the date it refers to."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="actuals")
    target = models.ForeignKey("measures.Target", on_delete=models.PROTECT, related_name="actuals")
    value = models.DecimalField(_("实际值"), max_digits=12, decimal_places=2)
    as_of = models.DateField(_("数据截至"))

    class Meta:
        verbose_name = _("指标实际值")
        verbose_name_plural = _("指标实际值")
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="unique_actual_per_target")]

    def __str__(self):
        return f"{self.target.metric} = {self.value}"


class MilestoneClaim(ReportChild):
    """A report's claim that a milestone is done; confirmed (销号) when the office approves the report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="claims")
    milestone = models.ForeignKey("measures.Milestone", on_delete=models.PROTECT, related_name="claims")

    class Meta:
        verbose_name = _("节点完成申报")
        verbose_name_plural = _("节点完成申报")
        constraints = [models.UniqueConstraint(fields=["report", "milestone"], name="unique_claim_per_milestone")]

    def __str__(self):
        return f"{self.milestone} 申报完成"


class StoredUpload(models.Model):
    """What every kept upload records besides its file (ledger.uploads.stored_file fills it):
    evidence here, a finding's evidence, an interpretation's attachment."""

    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("校验和"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        abstract = True


class Evidence(StoredUpload, ReportChild):
    """An uploaded file backing a report or a contribution. Stored outside the web root;
    served only by a view that checks who asks."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, contribution__isnull=True)
                | Q(report__isnull=True, contribution__isnull=False),
                name="evidence_has_one_owner",
            )
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("evidence-download", args=[self.pk])

    def _parent(self):
        return self.report or self.contribution


class ContributionRequest(models.Model):
    """The lead unit asking a responsible unit for its share of a period's report: a row per
    unit asked, kept as the record of who asked whom and when (a co-unit's late contribution is
    judged against it), and the event that notifies the unit asked."""

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.PROTECT, related_name="contribution_requests", verbose_name=_("举措")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="contribution_requests", verbose_name=_("周期")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="contribution_requests", verbose_name=_("被请求单位")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("请求人"))
    requested_at = models.DateTimeField(_("请求时间"), default=clock.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("报送请求")
        verbose_name_plural = _("报送请求")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["measure", "period", "unit"])]

    def __str__(self):
        return f"{self.unit} · {self.measure.code} · {self.period}"
