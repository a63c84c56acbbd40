from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    """The 督办 colours: how a status shows on boards and in digests."""

    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    DONE = "done", _("已完成")
    NONE = "none", _("不适用")


class MilestoneState(models.TextChoices):
    ON_TRACK = "on_track", _("正常推进")
    DUE_SOON = "due_soon", _("临期预警")
    OVERDUE = "overdue", _("超期")
    DONE = "done", _("按期完成")
    DONE_LATE = "done_late", _("逾期完成")
    NOT_DATED = "not_dated", _("无固定时限")


class ObligationState(models.TextChoices):
    PENDING = "pending", _("待报送")
    DUE_SOON = "due_soon", _("临近截止")
    MISSING = "missing", _("漏报")
    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("迟报")


class TargetVerdict(models.TextChoices):
    MET = "met", _("达标")
    BEHIND = "behind", _("进度滞后")
    MISSED = "missed", _("未达标")
    NOT_DUE = "not_due", _("未到考核期")


OPEN_MILESTONE_STATES = (MilestoneState.ON_TRACK, MilestoneState.DUE_SOON, MilestoneState.OVERDUE)
OPEN_OBLIGATION_STATES = (ObligationState.PENDING, ObligationState.DUE_SOON, ObligationState.MISSING)


class MilestoneStatus(models.Model):
    """A milestone's computed status, stored so "what is overdue today" is one indexed query.

    Kept apart from Milestone: the plan is audited; this is derived and rewritten daily.
    """

    milestone = models.OneToOneField("measures.Milestone", on_delete=models.CASCADE, related_name="status")
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=MilestoneState.choices)
    since = models.DateField(_("状态起始日"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("节点状态")
        verbose_name_plural = _("节点状态")
        indexes = [
            models.Index(
                fields=["state", "due_date"],
                name="open_milestone_status",
                condition=models.Q(state__in=["on_track", "due_soon", "overdue"]),
            )
        ]

    def __str__(self):
        return f"{self.milestone} {self.get_state_display()}"


class ReportObligation(models.Model):
    """A report a unit owes for a measure and period (the lead unit's consolidated report,
    or a named responsible unit's contribution), with its computed status."""

    class Kind(models.TextChoices):
        REPORT = "report", _("牵头单位报告")
        CONTRIBUTION = "contribution", _("责任单位报送")

    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="obligations")
    period = models.ForeignKey("ledger.ReportingPeriod", on_delete=models.CASCADE, related_name="obligations")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=20, choices=ObligationState.choices)
    since = models.DateField(_("状态起始日"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报送义务")
        verbose_name_plural = _("报送义务")
        constraints = [
            models.UniqueConstraint(fields=["measure", "period", "unit", "kind"], name="unique_obligation"),
        ]
        indexes = [
            models.Index(
                fields=["state", "due_on"],
                name="open_obligation_status",
                condition=models.Q(state__in=["pending", "due_soon", "missing"]),
            ),
            models.Index(fields=["unit", "period"]),
        ]

    def __str__(self):
        return f"{self.unit} · {self.measure.code} · {self.period} {self.get_state_display()}"


class StatusEvent(models.Model):
    """A status change, recorded once: the history boards and digests read."""

    milestone = models.ForeignKey(
        "measures.Milestone", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    obligation = models.ForeignKey(
        ReportObligation, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20)
    occurred_on = models.DateField(_("发生日期"), db_index=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变化")
        verbose_name_plural = _("状态变化")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(milestone__isnull=False, obligation__isnull=True)
                | models.Q(milestone__isnull=True, obligation__isnull=False),
                name="event_has_one_subject",
            )
        ]
        indexes = [models.Index(fields=["to_state", "occurred_on"])]

    def __str__(self):
        return f"{self.occurred_on} {self.from_state or '—'} → {self.to_state}"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")


class DigestRecipient(models.Model):
    """An address that receives the supervision digest besides supervisor-role users."""

    email = models.EmailField(_("电子邮箱"), unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    frequency = models.CharField(_("频率"), max_length=10, choices=DigestFrequency.choices, default="daily")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("督办简报收件人")
        verbose_name_plural = _("督办简报收件人")

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email


class DispatchKind(models.TextChoices):
    DIGEST = "digest", _("督办简报")
    REMINDER = "reminder", _("到期提醒")
    OVERDUE = "overdue", _("超期通知")
    ESCALATION = "escalation", _("超期升级")
    NOTICE = "notice", _("事务通知")  # a ledger event told to the people it concerns (notices app)


class DispatchState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Dispatch(models.Model):
    """One email to one recipient for one (kind, period). The unique key is what makes
    "once" true: two beats or a retried task find the row already there. A worker claims
    a row with a conditional UPDATE before sending and marks it sent only after the SMTP
    server has accepted the message."""

    recipient = models.EmailField(_("收件人"))
    kind = models.CharField(_("类型"), max_length=20, choices=DispatchKind.choices)
    period_key = models.CharField(_("周期"), max_length=100)
    subject = models.CharField(_("主题"), max_length=200)
    body_text = models.TextField(_("正文"))
    body_html = models.TextField(_("HTML 正文"))
    state = models.CharField(_("状态"), max_length=10, choices=DispatchState.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("邮件发送记录")
        verbose_name_plural = _("邮件发送记录")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period_key"], name="one_dispatch_per_period"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="unsent_dispatch",
                         condition=models.Q(state__in=["pending", "sending"])),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.period_key})"

    @property
    def message_id(self) -> str:
        """Stable per dispatch, so a mail client can drop a duplicate if a crash forces a resend."""
        return f"<dispatch-{self.pk}-{self.kind}@reform-ledger>"
