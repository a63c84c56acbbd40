from django.contrib import admin
from django.db.models import Prefetch
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Measure, Milestone, PolicyDocument, Section, Target


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "numeral", "title", "part", "part_heading"]
    show_change_link = True


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_on", "imported_at"]
    search_fields = ["title", "source"]
    readonly_fields = ["source_sha256", "imported_at"]
    fieldsets = [
        (None, {"fields": ["title", "source", "published_on"]}),
        (_("原文"), {"classes": ["collapse"], "fields": ["full_text"]}),
        (_("导入信息"), {"fields": ["source_sha256", "imported_at"]}),
    ]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["document", "position", "numeral", "title", "part", "part_heading"]
    list_display_links = ["numeral", "title"]
    list_filter = ["document", "part"]
    list_select_related = ["document"]
    ordering = ["document", "position"]
    search_fields = ["title", "part_heading"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["role", "position", "written_name", "unit", "group"]
    autocomplete_fields = ["unit", "group"]
    ordering = ["role", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure__section", "unit", "group")


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = [
        "position",
        "metric",
        "comparator",
        "value",
        "unit",
        "due_date",
        "recurrence",
        "from_deadline_line",
        "source_text",
    ]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["position", "kind", "due_date", "description", "source", "source_text"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure__section")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code_display", "title", "section", "kind", "short_deadline", "flag_display"]
    list_display_links = ["code_display", "title"]
    list_filter = ["document", "section", "kind"]
    list_select_related = ["document", "section"]
    search_fields = ["title", "body", "deadline_text", "assignments__written_name"]
    inlines = [AssignmentInline, TargetInline, MilestoneInline]

    def get_queryset(self, request):
        # `flags` reads every assignment with its unit or group; one prefetch serves the whole page.
        assignments = Assignment.objects.select_related("unit", "group")
        return (
            super()
            .get_queryset(request)
            .select_related("document", "section")
            .prefetch_related(Prefetch("assignments", queryset=assignments))
        )

    @admin.display(description=_("编号"), ordering="position")
    def code_display(self, obj):
        return obj.code

    @admin.display(description=_("完成时限(原文)"), ordering="deadline_text")
    def short_deadline(self, obj):
        return Truncator(obj.deadline_text).chars(40)

    @admin.display(description=_("问题"))
    def flag_display(self, obj):
        return "、".join(obj.flag_labels)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["measure", "role", "written_name", "unit", "group", "position"]
    list_filter = ["role", "unit__kind", "measure__document"]
    list_select_related = ["measure__section", "unit", "group"]
    search_fields = ["written_name", "unit__name", "group__name", "measure__title"]
    autocomplete_fields = ["measure", "unit", "group"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["measure", "position", "metric", "comparator", "value", "unit", "due_date", "recurrence"]
    list_filter = ["comparator", "unit", "recurrence", "from_deadline_line"]
    list_select_related = ["measure__section"]
    search_fields = ["metric", "source_text", "measure__title"]
    autocomplete_fields = ["measure"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["measure", "kind", "due_date", "short_description", "source"]
    list_filter = ["kind", "source", "measure__document"]
    # Milestone.__str__ and Measure.__str__ read measure.section for the code of a safeguard.
    list_select_related = ["measure__section"]
    date_hierarchy = "due_date"
    search_fields = ["description", "source_text", "measure__title"]
    autocomplete_fields = ["measure"]

    @admin.display(description=_("内容"), ordering="description")
    def short_description(self, obj):
        return Truncator(obj.description).chars(60)
