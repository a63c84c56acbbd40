from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PARTY = "party", _("党委部门")
    GOVERNMENT = "government", _("政府部门")
    CENTRAL_BRANCH = "central_branch", _("中央驻连单位")
    DISTRICT = "district", _("区市县")
    PILOT_ZONE = "pilot_zone", _("开放先导区")
    ENTERPRISE = "enterprise", _("企业")
    JUDICIAL_LEGISLATIVE = "judicial_legislative", _("司法/立法机关")
    OTHER = "other", _("其他")


class UnitQuerySet(models.QuerySet):
    def municipal(self):
        """Units that belong to the city's own party and government apparatus (市直单位)."""
        return self.filter(kind__in=[UnitKind.PARTY, UnitKind.GOVERNMENT])


class KeepsFormerNames(models.Model):
    """A row whose name, once changed, stays an alias of it (`former_name_alias`): the document
    and the unit directory keep the words they were written with, and an import that meets the
    old name must find the same row, not create a new one and move its measures there."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        former = getattr(self, "_stored_name", None)
        update_fields = kwargs.get("update_fields")
        saves_name = update_fields is None or "name" in update_fields
        with transaction.atomic():
            super().save(*args, **kwargs)
            if saves_name and former is not None and former != self.name:
                self.former_name_alias(former)
        if saves_name:
            self._stored_name = self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_name = instance.__dict__.get("name")
        return instance

    def former_name_alias(self, name: str):
        raise NotImplementedError


class Unit(KeepsFormerNames):
    """An organisation that can lead or share a measure, named as the document writes it.
    Renamed, it keeps its former name as an alias."""

    name = models.CharField(_("名称"), max_length=100, unique=True, help_text=_("与文件原文写法一致,如“市税务局”。"))
    official_name = models.CharField(_("全称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=30, choices=UnitKind.choices, default=UnitKind.OTHER)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("unit-detail", args=[self.pk])

    def former_name_alias(self, name: str) -> None:
        # An alias already given to another unit is left as it is: the administrator chose it.
        UnitAlias.objects.get_or_create(name=name, defaults={"unit": self})


class UnitAlias(models.Model):
    """Another way the same unit is written, so imports resolve it to one row."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位"))
    name = models.CharField(_("别名"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self):
        return self.name


class UnitContact(models.Model):
    """A person at a unit who receives reminders and alerts."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("单位"))
    name = models.CharField(_("联系人"), max_length=50)
    email = models.EmailField(_("电子邮箱"))
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("单位联系人")
        verbose_name_plural = _("单位联系人")
        constraints = [models.UniqueConstraint(fields=["unit", "email"], name="unique_contact_email_per_unit")]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class UnitGroup(KeepsFormerNames):
    """A collective phrase of the document (各区市县, 市直各有关单位 …) and the units it covers.
    Renamed, it keeps its former name as an alias.

    Some groups have a fixed membership (the ten districts and counties); others, like
    市直各有关单位 ("the other relevant municipal units"), are decided case by case and
    may have no listed members: `membership_note` says how they are meant.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    members = models.ManyToManyField(Unit, blank=True, related_name="groups", verbose_name=_("成员单位"))
    membership_note = models.CharField(_("成员说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def former_name_alias(self, name: str) -> None:
        UnitGroupAlias.objects.get_or_create(name=name, defaults={"group": self})


class UnitGroupAlias(models.Model):
    """Another wording of the same collective phrase (市直各相关单位 = 市直各有关单位)."""

    group = models.ForeignKey(UnitGroup, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位组"))
    name = models.CharField(_("别名"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("单位组别名")
        verbose_name_plural = _("单位组别名")

    def __str__(self):
        return self.name
