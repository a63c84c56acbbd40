from django.contrib import admin

from .models import EmailOptOut, Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: a notice records that someone was told; it is not edited afterwards."""

    list_display = ("created_at", "user", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ("user", "kind")
    list_filter = ("kind",)
    list_select_related = ("user",)
