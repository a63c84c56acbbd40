from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the system writes — the ledger's history, computed statuses, sent mail, published
    rankings — shown in the admin to explain, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
