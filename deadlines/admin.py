from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import DigestRecipient, Dispatch, MilestoneStatus, ReportObligation, StatusEvent


@admin.register(MilestoneStatus)
class MilestoneStatusAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "state", "due_date", "since", "completed_on"]
    list_filter = ["state"]
    list_select_related = ["milestone__measure__section"]
    date_hierarchy = "due_date"


@admin.register(ReportObligation)
class ReportObligationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "measure", "period", "kind", "due_on", "state", "submitted_at"]
    list_filter = ["state", "kind", "period"]
    list_select_related = ["unit", "measure__section", "period"]
    search_fields = ["unit__name", "measure__title"]


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "milestone", "obligation", "from_state", "to_state"]
    list_filter = ["to_state"]
    list_select_related = ["milestone__measure__section", "obligation__unit", "obligation__measure__section",
                           "obligation__period"]  # fmt: skip
    date_hierarchy = "occurred_on"


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "recipient", "period_key", "state", "attempts", "sent_at"]
    list_filter = ["kind", "state"]
    search_fields = ["recipient", "subject", "period_key"]
    date_hierarchy = "created_at"


@admin.register(DigestRecipient)
class DigestRecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "frequency", "active"]
    list_filter = ["frequency", "active"]
    search_fields = ["email", "name"]
