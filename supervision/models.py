"""Supervision (督查): inspections, the findings they list (问题清单), the rectification ledger
(挂账整改) as append-only steps, interviews (约谈) with commitments, and outcomes (问责) that may
be exposed to the public (曝光).

A finding's `state` is written in the same transaction as the step that changes it, with the
finding row locked (supervision.services); the steps are the history, so any past day replays
from them (supervision.state).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import clock
from ledger.models import TEXT_LIMIT, StoredUpload


class Inspection(models.Model):
    """专项督查: a periodic inspection by the supervision offices, with its scope."""

    topic = models.CharField(_("督查主题"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    measures = models.ManyToManyField("measures.Measure", blank=True, verbose_name=_("督查举措"), related_name="+")
    units = models.ManyToManyField("units.Unit", blank=True, verbose_name=_("督查单位"), related_name="+")
    inspectors = models.CharField(_("督查人员"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("专项督查")
        verbose_name_plural = _("专项督查")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="inspection_dates_in_order")
        ]

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        return reverse("inspection-detail", args=[self.pk])


class FindingSource(models.TextChoices):
    INSPECTION = "inspection", _("专项督查")
    RANKING = "ranking", _("综合排名")
    DIGEST = "digest", _("督办简报")
    PUBLIC_FEEDBACK = "public_feedback", _("社会监督")
    MEASURE = "measure", _("举措本身")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class FindingState(models.TextChoices):
    OPEN = "open", _("待制定整改方案")
    RECTIFYING = "rectifying", _("整改中")
    CLOSE_REQUESTED = "close_requested", _("已申请销号")
    CLOSED = "closed", _("已销号")


OPEN_FINDING_STATES = (FindingState.OPEN, FindingState.RECTIFYING, FindingState.CLOSE_REQUESTED)


class Finding(models.Model):
    """督查问题 / 挂账: an account that stays open until the supervision office closes it (销号)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("专项督查")
    )
    measures = models.ManyToManyField("measures.Measure", blank=True, verbose_name=_("涉及举措"), related_name="+")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="findings", verbose_name=_("责任单位")
    )
    problem = models.TextField(_("问题描述"), max_length=TEXT_LIMIT)
    source = models.CharField(_("问题来源"), max_length=20, choices=FindingSource.choices)
    origin = models.CharField(
        _("来源记录"), max_length=100, blank=True, help_text=_("来源的记录,例如社会监督的反馈编号 feedback:12")
    )
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    deadline = models.DateField(_("整改时限"))
    state = models.CharField(_("状态"), max_length=20, choices=FindingState.choices, default=FindingState.OPEN)
    opened_on = models.DateField(_("挂账日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("督查问题")
        verbose_name_plural = _("督查问题")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(
                fields=["deadline"],
                name="open_finding_deadline",
                condition=Q(state__in=["open", "rectifying", "close_requested"]),
            ),
        ]

    def __str__(self):
        return f"问题 {self.pk}:{self.problem[:30]}"

    def get_absolute_url(self):
        return reverse("finding-detail", args=[self.pk])


class StepKind(models.TextChoices):
    PLAN = "plan", _("整改方案")
    PROGRESS = "progress", _("整改进展")
    APPLY_CLOSE = "apply_close", _("申请销号")
    CLOSE = "close", _("销号")
    RETURN = "return", _("退回整改")
    RECHECK = "recheck", _("回头看")
    REOPEN = "reopen", _("重新挂账")


class AppendOnly(models.Model):
    """Rows that are history: created once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name}只能追加,不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name}只能追加,不能删除")


class FindingStep(AppendOnly):
    """One step of a finding's rectification, in order. `due` is the plan's 时限 for a plan step
    and the new rectification deadline for a reopen step (None keeps the deadline)."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("类型"), max_length=20, choices=StepKind.choices)
    text = models.TextField(_("内容"), max_length=TEXT_LIMIT)
    owner = models.CharField(_("责任人"), max_length=100, blank=True)
    due = models.DateField(_("时限"), null=True, blank=True)
    report = models.ForeignKey(
        "ledger.ProgressReport", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("关联进展报告"),
    )  # fmt: skip
    state_after = models.CharField(_("办理后状态"), max_length=20, choices=FindingState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.finding_id}"


class FindingEvidence(StoredUpload, AppendOnly):
    """A file backing a progress step; stored under MEDIA_ROOT, downloaded through a checked view."""

    step = models.ForeignKey(FindingStep, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="supervision/%Y/%m/")

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("finding-evidence", args=[self.pk])


class Interview(models.Model):
    """约谈: who was interviewed, by whom, when and why. The reasons link findings directly;
    a ranking row (dashboards sits above us) or an overdue digest line is kept as text and a link."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="interviews", verbose_name=_("被约谈单位")
    )
    person = models.CharField(_("被约谈人"), max_length=100)
    post = models.CharField(_("职务"), max_length=100)
    interviewers = models.CharField(_("约谈人"), max_length=300)
    held_on = models.DateField(_("约谈日期"))
    findings = models.ManyToManyField(Finding, blank=True, related_name="interviews", verbose_name=_("涉及问题"))
    reasons = models.TextField(_("约谈事由"), max_length=TEXT_LIMIT)
    reason_link = models.CharField(_("事由链接"), max_length=300, blank=True)
    ranking_snapshot_id = models.PositiveBigIntegerField(_("排名快照编号"), null=True, blank=True)
    notes = models.TextField(_("约谈记录"), max_length=TEXT_LIMIT, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"约谈{self.unit} {self.person}({self.held_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("interview-detail", args=[self.pk])


class Commitment(models.Model):
    """A commitment made in an interview, tracked like a milestone: due, reminded, overdue, done.
    Fulfilment is recorded once (fulfilled_on = the day it was done, fulfilled_at = when recorded)."""

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="commitments")
    text = models.CharField(_("承诺事项"), max_length=500)
    deadline = models.DateField(_("承诺时限"))
    fulfilled_on = models.DateField(_("兑现日期"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fulfilled_note = models.CharField(_("兑现说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("约谈承诺")
        verbose_name_plural = _("约谈承诺")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["deadline"], name="open_commitment_deadline", condition=Q(fulfilled_at=None))]
        constraints = [
            models.CheckConstraint(
                condition=Q(fulfilled_at__isnull=True, fulfilled_on__isnull=True)
                | Q(fulfilled_at__isnull=False, fulfilled_on__isnull=False),
                name="commitment_fulfilment_complete",
            )
        ]

    def __str__(self):
        return self.text


class OutcomeKind(models.TextChoices):
    CRITICISM = "criticism", _("通报批评")
    INTERVIEW = "interview", _("约谈")
    ADMONITION = "admonition", _("诫勉")
    ACCOUNTABILITY = "accountability", _("问责")
    OTHER = "other", _("其他处理")


class Accountability(models.Model):
    """问责 / 通报 outcome of a finding or an interview, with its decision document. An outcome the
    office marks `exposed` is a typical negative case for the public site (曝光): only
    `public_summary` is shown there, never the internal fields."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes")
    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes")
    kind = models.CharField(_("处理方式"), max_length=20, choices=OutcomeKind.choices)
    decided_on = models.DateField(_("决定日期"))
    summary = models.TextField(_("处理情况"), max_length=TEXT_LIMIT)
    document = models.FileField(_("决定文书"), upload_to="supervision/decisions/%Y/", blank=True)
    document_name = models.CharField(_("文书文件名"), max_length=200, blank=True)
    document_type = models.CharField(_("文书类型"), max_length=100, blank=True)
    exposed = models.BooleanField(_("公开曝光"), default=False)
    public_summary = models.TextField(_("曝光内容"), max_length=TEXT_LIMIT, blank=True)
    exposed_at = models.DateTimeField(_("曝光时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("问责处理")
        verbose_name_plural = _("问责处理")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False, interview__isnull=True)
                | Q(finding__isnull=True, interview__isnull=False),
                name="outcome_has_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(exposed=False) | (~Q(public_summary="") & Q(exposed_at__isnull=False)),
                name="exposure_has_a_public_summary",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}({self.decided_on:%Y-%m-%d})"

    def subject_url(self):
        return (self.finding or self.interview).get_absolute_url()
