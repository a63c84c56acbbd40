"""In-app notices: what happened in the ledger, told to the people it concerns."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import clock


class NoticeKind(models.TextChoices):
    SUBMITTED = "submitted", _("报告待审核")
    SIGNOFF = "signoff", _("报告待审签")
    RETURNED = "returned", _("报告被退回")
    APPROVED = "approved", _("报告已通过")
    CONTRIBUTION_REQUESTED = "contribution_requested", _("请求报送配合材料")
    CONTRIBUTION_SUBMITTED = "contribution_submitted", _("责任单位已报送")
    FINDING_OPENED = "finding_opened", _("督查问题挂账")
    FINDING_RETURNED = "finding_returned", _("销号申请被退回")
    FINDING_CLOSED = "finding_closed", _("督查问题已销号")


class Notice(models.Model):
    """One event told to one user. `event` names the ledger row it is about (e.g. "review:12"):
    with the user and kind it is unique, so an event is never told twice to the same person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("类型"), max_length=30, choices=NoticeKind.choices)
    event = models.CharField(_("事件"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300)
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "event"], name="one_notice_per_event")]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], name="unread_notice", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.user} · {self.title}"


class EmailOptOut(models.Model):
    """A user who does not want emails of one kind; the in-app notice still arrives."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(_("类型"), max_length=30, choices=NoticeKind.choices)

    class Meta:
        verbose_name = _("退订的邮件")
        verbose_name_plural = _("退订的邮件")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"
