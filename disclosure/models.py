"""社会公开 (public disclosure) and 社会监督 (public feedback), item (十二) and measure 24.

Only what the office chose to publish is public, and each publication is a deliberate act
recorded with who and when:
- a `Publication` freezes the plan and each measure's approved progress as of a date; never
  edited, withdrawable once with a reason (as a ranking snapshot is);
- a `PolicyInterpretation` (政策解读) and a `GoodPractice` (典型经验) are drafts until published;
  once published their text is frozen, and they can be withdrawn once, with a reason;
- a `Feedback` (群众反映) is never public itself: what the public sees is the summary and the
  reply the office chose to publish when closing it. Every triage step is a `FeedbackAction`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import clock
from core.frozen import FrozenOnceError, WithdrawnOnce
from ledger.models import StoredUpload

# The longest public text the office writes, and the longest message a citizen may send.
PUBLIC_TEXT_LIMIT = 10000
FEEDBACK_LIMIT = 2000
CONTACT_LIMIT = 100
REPLY_LIMIT = 2000


class PublicationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(withdrawn_at__isnull=True)


class Publication(WithdrawnOnce):
    """The plan and each measure's approved progress as of `as_of`, frozen when the office
    publishes. The public site shows the latest live one; nothing before the first."""

    document = models.ForeignKey("measures.PolicyDocument", on_delete=models.PROTECT, verbose_name=_("文件"))
    as_of = models.DateField(_("进展截至"))
    note = models.CharField(_("发布说明"), max_length=200, blank=True)
    data = models.JSONField(_("公开内容"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), default=clock.now)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会公开发布")
        verbose_name_plural = _("社会公开发布")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="publication_withdrawal_has_a_reason",
            )
        ]

    def __str__(self):
        return f"{self.as_of:%Y-%m-%d} 公开发布"

    frozen_message = "已发布的公开内容不能修改,只能撤回一次"


class PublicState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公开")
    WITHDRAWN = "withdrawn", _("已撤回")


class PublishableQuerySet(models.QuerySet):
    def public(self):
        return self.filter(state=PublicState.PUBLISHED)


class Publishable(models.Model):
    """A text the office drafts, publishes and may withdraw once. Its content is editable only
    while it is a draft (`save` refuses anything else), so what the public read stays as it was."""

    state = models.CharField(_("状态"), max_length=20, choices=PublicState.choices, default=PublicState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    STATE_FIELDS = {
        PublicState.PUBLISHED: ("state", "published_by", "published_at"),
        PublicState.WITHDRAWN: ("state", "withdrawn_by", "withdrawn_at", "withdrawal_reason"),
    }

    def save(self, *args, **kwargs):
        if self.pk:
            stored = type(self).objects.get(pk=self.pk)
            if stored.state != PublicState.DRAFT:
                allowed = self.STATE_FIELDS[PublicState.WITHDRAWN] if stored.state == PublicState.PUBLISHED else ()
                changed = [
                    f.attname
                    for f in self._meta.concrete_fields
                    if getattr(stored, f.attname) != getattr(self, f.attname)
                ]
                if any(name not in allowed and name.removesuffix("_id") not in allowed for name in changed):
                    raise FrozenOnceError(f"已公开的{self._meta.verbose_name}不能修改,只能撤回一次")
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == PublicState.DRAFT

    @property
    def is_public(self) -> bool:
        return self.state == PublicState.PUBLISHED


class PolicyInterpretation(Publishable):
    """政策解读: the office's explanation of a policy, with attachments and the measures it concerns."""

    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发布单位"), max_length=100, blank=True)
    text = models.TextField(_("解读正文"))
    measures = models.ManyToManyField("measures.Measure", blank=True, related_name="+", verbose_name=_("相关举措"))

    class Meta:
        verbose_name = _("政策解读")
        verbose_name_plural = _("政策解读")
        ordering = ["-published_at", "-created_at"]

    def __str__(self):
        return self.title


class InterpretationAttachment(StoredUpload):
    """A file attached to an interpretation, added only while it is a draft; downloadable by the
    public only while the interpretation is published."""

    interpretation = models.ForeignKey(PolicyInterpretation, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="public/%Y/%m/")

    class Meta:
        verbose_name = _("解读附件")
        verbose_name_plural = _("解读附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class GoodPractice(Publishable):
    """典型经验: an approved report a reviewer marked as good practice, told in a public text the
    office writes (the report's own words and the review stay internal)."""

    review = models.ForeignKey("ledger.ReportReview", on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey("measures.Measure", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("单位"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("公开文本"))

    class Meta:
        verbose_name = _("典型经验")
        verbose_name_plural = _("典型经验")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=~Q(state="withdrawn"), name="one_live_good_practice_per_review"
            )
        ]

    def __str__(self):
        return self.title


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("待处理")
    CLOSED = "closed", _("已答复办结")
    FINDING = "finding", _("已转督查问题")


class Feedback(models.Model):
    """A problem an enterprise or citizen reports (社会监督). The message and the contact are
    never shown to the public; the sender's address is kept only as a keyed hash, to limit how
    often one address may send."""

    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("举措")
    )
    content = models.TextField(_("反映内容"))
    contact = models.CharField(_("联系方式"), max_length=CONTACT_LIMIT, blank=True)
    sender_key = models.CharField(_("来源标识"), max_length=64)
    received_at = models.DateTimeField(_("收到时间"), default=clock.now)
    status = models.CharField(_("处理状态"), max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    reply = models.TextField(_("答复"), blank=True)
    public_summary = models.TextField(_("公开的问题摘要"), blank=True)
    reply_public = models.BooleanField(_("答复公开"), default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    finding = models.ForeignKey(
        "supervision.Finding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督查问题"),
        help_text=_("转为督查问题时挂账的问题"),
    )

    class Meta:
        verbose_name = _("群众反映")
        verbose_name_plural = _("群众反映")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["sender_key", "received_at"]),
            models.Index(fields=["reply_public", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_public=False) | (~Q(reply="") & ~Q(public_summary="")),
                name="public_reply_has_text_and_summary",
            ),
            models.CheckConstraint(
                condition=Q(status="finding", finding__isnull=False) | (~Q(status="finding") & Q(finding__isnull=True)),
                name="feedback_finding_iff_status_finding",
            ),
        ]

    def __str__(self):
        return f"群众反映 {self.received_at:%Y-%m-%d %H:%M}"


class FeedbackActionKind(models.TextChoices):
    CLOSED = "closed", _("答复并办结")
    FINDING = "finding", _("转为督查问题")


class FeedbackAction(models.Model):
    """One triage step: who did what, when, with what words. Written once, never changed."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(_("处理"), max_length=20, choices=FeedbackActionKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=clock.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("反映处理记录")
        verbose_name_plural = _("反映处理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise FrozenOnceError("处理记录不能修改")
        super().save(*args, **kwargs)
