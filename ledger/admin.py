"""Ledger rows in the admin: periods are editable (their due dates), the record itself is
read-only — history is changed by new versions through the workflow, never by hand."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Contribution, Evidence, ProgressReport, ReportingPeriod, ReportReview


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("label", "cycle", "starts_on", "ends_on", "due_on")
    list_filter = ("cycle",)
    date_hierarchy = "starts_on"
    fields = ("label", "cycle", "starts_on", "ends_on", "due_on")
    readonly_fields = ("cycle", "starts_on", "ends_on")

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("measure", "period", "version", "unit", "status", "state_label", "submitted_at")
    list_filter = ("period", "status", "unit__kind")
    search_fields = ("measure__title", "unit__name", "progress", "problems", "next_steps")
    list_select_related = ("measure__section", "period", "unit", "review")
    inlines = [EvidenceInline]

    @admin.display(description="流程状态")
    def state_label(self, report):
        return report.state_label


@admin.register(ReportReview)
class ReportReviewAdmin(ReadOnlyAdmin):
    list_display = ("report", "decision", "reviewer", "decided_at", "good_practice")
    list_filter = ("decision", "good_practice")
    list_select_related = ("report__measure__section", "report__period", "reviewer")


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("measure", "period", "unit", "version", "status", "submitted_at")
    list_filter = ("period", "status")
    search_fields = ("measure__title", "unit__name", "progress")
    list_select_related = ("measure__section", "period", "unit")
    inlines = [EvidenceInline]
