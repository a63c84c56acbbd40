from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        (_("所属单位"), {"fields": ("unit",)}),
        *BaseUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("所属单位"), {"classes": ("wide",), "fields": ("unit",)}),
    )
    list_display = ["username", "first_name", "email", "unit", "role_groups", "is_staff", "is_active"]
    list_filter = ["unit__kind", "groups", "is_staff", "is_superuser", "is_active"]
    list_select_related = ["unit"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit").prefetch_related("groups")

    @admin.display(description=_("角色"))
    def role_groups(self, obj):
        return "、".join(group.name for group in obj.groups.all())
