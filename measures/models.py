from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PolicyDocument(models.Model):
    """A policy document as published, with its raw text kept for reference."""

    title = models.CharField(_("标题"), max_length=200)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    full_text = models.TextField(_("原文"))
    source_sha256 = models.CharField(_("原文校验和"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    # What the last import wrote, so the next one tells the document's changes from people's
    # edits (measures.services). Not shown, not audited: it is the document, restated.
    imported_plan = models.JSONField(_("上次导入的内容"), default=dict, blank=True, editable=False)
    # An archived plan stays readable, but is no longer what pages show unless asked for.
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("归档人"),
    )

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "published_on"],
                name="unique_document_title_date",
                violation_error_message=_("同标题、同日期的政策文件已存在"),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document-plan", args=[self.pk])

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    SHORT_TITLE_LENGTH = 16

    @property
    def short_title(self) -> str:
        """The title cut to fit beside a row (我的任务, 审核队列) when several plans are followed."""
        if len(self.title) <= self.SHORT_TITLE_LENGTH:
            return self.title
        return self.title[: self.SHORT_TITLE_LENGTH - 1] + "…"


class PartKind(models.TextChoices):
    MEASURES = "measures", _("主要举措")
    SAFEGUARDS = "safeguards", _("保障措施")


class Section(models.Model):
    """A parenthesised section of the document: (四)…(九) hold measures, (十)…(十二) are safeguards."""

    document = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="sections", verbose_name=_("文件")
    )
    numeral = models.CharField(_("序号"), max_length=10, help_text=_("如“四”“十一”"))
    position = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("标题"), max_length=200)
    part = models.CharField(_("部分"), max_length=20, choices=PartKind.choices)
    part_heading = models.CharField(_("所属部分"), max_length=100, blank=True, help_text=_("如“二、主要举措”"))

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "numeral"],
                name="unique_section_numeral",
                violation_error_message=_("本文件已有该序号的章节"),
            )
        ]

    def __str__(self):
        return f"({self.numeral}){self.title}"


class MeasureKind(models.TextChoices):
    MEASURE = "measure", _("主要举措")
    SAFEGUARD = "safeguard", _("保障措施")


class MeasureFlag(models.TextChoices):
    """Irregularities in how the document states a measure. Shown, never silently repaired."""

    NO_LEAD_UNIT = "no_lead_unit", _("牵头单位未明确")
    NO_DEADLINE = "no_deadline", _("完成时限未明确")
    FIELD_LINE_INLINE = "field_line_inline", _("字段写在正文段末")
    DEADLINE_NOT_UNDERSTOOD = "deadline_not_understood", _("完成时限未能识别")
    WORDING_VARIANT = "wording_variant", _("单位写法与名录不同")
    UNIT_NAME_UNCLEAR = "unit_name_unclear", _("单位写法存疑,未导入")


class Measure(models.Model):
    """A numbered measure (举措) or a safeguard item (保障措施) with its full text as written."""

    document = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="measures", verbose_name=_("文件")
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="measures", verbose_name=_("章节"))
    kind = models.CharField(_("类型"), max_length=20, choices=MeasureKind.choices)
    number = models.PositiveSmallIntegerField(_("编号"), null=True, blank=True, help_text=_("保障措施无编号"))
    position = models.PositiveIntegerField(_("文中顺序"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    deadline_text = models.TextField(_("完成时限(原文)"), blank=True)
    # Irregularities found while reading the text (see MeasureFlag). Flags that follow
    # from stored data, such as a missing lead unit, are derived in `flags` instead.
    text_flags = models.JSONField(_("文本问题"), default=list, blank=True)

    class Meta:
        verbose_name = _("举措")
        verbose_name_plural = _("举措")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"],
                name="unique_measure_position",
                violation_error_message=_("本文件中该顺序已被其他举措占用"),
            ),
            models.UniqueConstraint(
                fields=["document", "number"],
                condition=Q(number__isnull=False),
                name="unique_measure_number",
                violation_error_message=_("本文件已有该编号的举措"),
            ),
            models.CheckConstraint(
                condition=Q(kind="safeguard", number__isnull=True) | Q(kind="measure", number__isnull=False),
                name="measure_number_matches_kind",
                violation_error_message=_("主要举措须有编号,保障措施不能有编号"),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}" if self.number else f"({self.code}){self.title}"

    def get_absolute_url(self):
        return reverse("measure-detail", args=[self.pk])

    @property
    def code(self) -> str:
        """How the document numbers it: "2" for a measure, "十一" for a safeguard."""
        return str(self.number) if self.number is not None else self.section.numeral

    def lead_assignments(self):
        return [a for a in self.assignments.all() if a.role == AssignmentRole.LEAD]

    def responsible_assignments(self):
        return [a for a in self.assignments.all() if a.role == AssignmentRole.RESPONSIBLE]

    def lead_units(self) -> list:
        """Every unit that leads this measure: named on the 牵头单位 line, or a member of a group
        named there. Uses prefetched assignments (with group members when groups lead)."""
        # Remembered for as long as the same prefetched assignments are: the engine asks three
        # times per measure (reports, contributions, the boards' by-unit count), and answering
        # again cost 0.4 s for the whole programme. A fresh prefetch, or none, answers afresh.
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("assignments")
        remembered = self.__dict__.get("_lead_units")
        if prefetched is not None and remembered is not None and remembered[0] is prefetched:
            return list(remembered[1])
        units = {}
        for assignment in self.lead_assignments():
            members = [assignment.unit] if assignment.unit_id else assignment.group.members.all()
            units.update((unit.pk, unit) for unit in members)
        found = sorted(units.values(), key=lambda unit: unit.name)
        if prefetched is not None:
            self._lead_units = (prefetched, found)
        return list(found)

    def contributing_units(self) -> list:
        """The units that owe the lead unit a contribution: named on the 责任单位 line (not through
        a group: a group's members report through their own channels) and not leading it too."""
        lead_ids = {unit.pk for unit in self.lead_units()}
        units = {a.unit.pk: a.unit for a in self.responsible_assignments() if a.unit_id and a.unit_id not in lead_ids}
        return sorted(units.values(), key=lambda unit: unit.name)

    @property
    def can_complete(self) -> bool:
        """Whether the measure can end (and so be reported 已完成): no ongoing or yearly part.
        Uses prefetched milestones."""
        return not any(m.kind in ENDLESS_KINDS for m in self.milestones.all())

    @property
    def flags(self) -> list[str]:
        """All irregularities, in MeasureFlag order. Uses prefetched assignments."""
        found = set(self.text_flags)
        if self.kind == MeasureKind.MEASURE and not self.lead_assignments():
            found.add(MeasureFlag.NO_LEAD_UNIT)
        if self.kind == MeasureKind.MEASURE and not self.deadline_text:
            found.add(MeasureFlag.NO_DEADLINE)
        if any(a.written_name != str(a.unit or a.group) for a in self.assignments.all()):
            found.add(MeasureFlag.WORDING_VARIANT)
        return [flag.value for flag in MeasureFlag if flag.value in found]

    @property
    def flag_labels(self) -> list[str]:
        return [str(MeasureFlag(flag).label) for flag in self.flags]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    RESPONSIBLE = "responsible", _("责任单位")


class AssignmentQuerySet(models.QuerySet):
    def naming(self, unit_id: int):
        """Assignments that name the unit, directly or through a group it belongs to."""
        return self.filter(Q(unit_id=unit_id) | Q(group__members=unit_id))

    def leads_of(self, unit_id: int):
        """The one rule for "this unit leads that measure" (Measure.lead_units in Python)."""
        return self.naming(unit_id).filter(role=AssignmentRole.LEAD)


class Assignment(models.Model):
    """A unit or a unit group named on a measure's 牵头单位 or 责任单位 line.

    `written_name` keeps the words of the document ("市直各相关单位"), while `unit` or
    `group` points to the one row those words mean.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("举措"))
    role = models.CharField(_("角色"), max_length=20, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("单位"),
    )
    group = models.ForeignKey(
        "units.UnitGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("单位组"),
    )
    written_name = models.CharField(_("原文写法"), max_length=100)
    position = models.PositiveIntegerField(_("原文顺序"))

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("分工")
        verbose_name_plural = _("分工")
        ordering = ["measure", "role", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, group__isnull=True) | Q(unit__isnull=True, group__isnull=False),
                name="assignment_unit_xor_group",
                violation_error_message=_("单位和单位组须填写且只能填写一项"),
            ),
            models.UniqueConstraint(
                fields=["measure", "role", "position"],
                name="unique_assignment_position",
                violation_error_message=_("同一举措同一角色下该顺序已被占用"),
            ),
            models.UniqueConstraint(
                fields=["measure", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="unique_assignment_unit",
                violation_error_message=_("该单位已在本举措的同一角色中"),
            ),
            models.UniqueConstraint(
                fields=["measure", "role", "group"],
                condition=Q(group__isnull=False),
                name="unique_assignment_group",
                violation_error_message=_("该单位组已在本举措的同一角色中"),
            ),
        ]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self):
        return f"{self.measure.code} {self.get_role_display()}:{self.written_name}"

    @property
    def is_group(self) -> bool:
        return self.group_id is not None

    def get_additional_data(self) -> dict:
        """Kept with each audit entry (django-auditlog), so a measure's page finds who changed
        its units even after the row itself is deleted."""
        return {"measure_id": self.measure_id, "role": self.role, "name": self.written_name}


class Comparator(models.TextChoices):
    AT_MOST = "le", "≤"
    AT_LEAST = "ge", "≥"
    EQUAL = "eq", "="
    ABOUT = "approx", "≈"


class Recurrence(models.TextChoices):
    YEARLY = "yearly", _("每年")


class Target(models.Model):
    """A quantified target (量化指标) stated in a measure, with the sentence it came from."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets", verbose_name=_("举措"))
    position = models.PositiveSmallIntegerField(_("文中顺序"))
    metric = models.CharField(_("指标"), max_length=200)
    comparator = models.CharField(_("比较"), max_length=10, choices=Comparator.choices)
    value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=20, help_text=_("如 工作日、%、个、期、人"))
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    recurrence = models.CharField(_("周期"), max_length=20, choices=Recurrence.choices, blank=True)
    source_text = models.TextField(_("原文"))
    from_deadline_line = models.BooleanField(_("出自完成时限"), default=False)

    class Meta:
        verbose_name = _("量化指标")
        verbose_name_plural = _("量化指标")
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "position"],
                name="unique_target_position",
                violation_error_message=_("本举措中该顺序的指标已存在"),
            )
        ]

    def __str__(self):
        return f"{self.metric} {self.get_comparator_display()} {self.value_display}{self.unit}"

    @property
    def value_display(self) -> str:
        return format(Decimal(self.value).normalize(), "f")


class MilestoneKind(models.TextChoices):
    DATED = "dated", _("限时完成")
    PHASE = "phase", _("阶段性成果")
    ONGOING = "ongoing", _("长期推进")
    PER_SCHEDULE = "per_schedule", _("按序时进度推进")
    YEARLY = "yearly", _("每年")


class MilestoneSource(models.TextChoices):
    DEADLINE_LINE = "deadline_line", _("完成时限")
    BODY = "body", _("正文")
    # Set by the lead unit of a 按序时进度推进 measure; imports leave these alone.
    SCHEDULE = "schedule", _("牵头单位进度安排")


# Kinds with a due date: the ones that can be claimed done, go overdue and end a measure.
DATED_KINDS = (MilestoneKind.DATED, MilestoneKind.PHASE)
# Kinds that never end: a measure with one of these cannot be reported 已完成.
ENDLESS_KINDS = (MilestoneKind.ONGOING, MilestoneKind.YEARLY)

# Milestones the lead unit schedules are numbered from here, clear of those read from the text.
SCHEDULE_POSITION_START = 1000


class Milestone(models.Model):
    """A point by which something in a measure must be done, read from its date words.

    Ongoing, per-schedule and yearly milestones have no single due date; they are
    judged by reporting obligations or by the schedule the lead unit sets.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("举措"))
    position = models.PositiveSmallIntegerField(_("文中顺序"))
    kind = models.CharField(_("类型"), max_length=20, choices=MilestoneKind.choices)
    due_date = models.DateField(_("截止日期"), null=True, blank=True, db_index=True)
    description = models.TextField(_("内容"))
    source = models.CharField(_("出处"), max_length=20, choices=MilestoneSource.choices)
    source_text = models.TextField(_("原文"))

    class Meta:
        db_table = "deadlines_milestone"  # where it was created; the plan owns it now
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
