"""Rows that are published once, never changed, and withdrawn at most once with a reason: a
published ranking (dashboards) and a public disclosure (disclosure) keep the same promise."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FrozenOnceError(ValueError):
    """Raised on an attempt to change a published row other than by withdrawing it once."""


class WithdrawnOnce(models.Model):
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)

    WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawn_by", "withdrawal_reason")
    frozen_message = "已发布的内容不能修改,只能撤回一次"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Created once; afterwards only a first withdrawal may be saved."""
        if self.pk:
            stored = type(self).objects.get(pk=self.pk)
            frozen = [f.attname for f in self._meta.concrete_fields if f.name not in self.WITHDRAWAL_FIELDS]
            if stored.withdrawn_at is not None or any(getattr(stored, f) != getattr(self, f) for f in frozen):
                raise FrozenOnceError(self.frozen_message)
        super().save(*args, **kwargs)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
