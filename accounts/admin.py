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

    # Privileges: an administrator who is not a superuser grants and removes only the role
    # groups they hold themselves, never superuser status or single permissions, and cannot
    # edit a superuser's account (its password included). Everything else is kept as it was.
    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else (*fields, "is_superuser", "user_permissions")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = request.user.groups.all()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        kept = []
        if change and not request.user.is_superuser:
            grantable = set(request.user.groups.values_list("pk", flat=True))
            kept = [group for group in form.instance.groups.all() if group.pk not in grantable]
        super().save_related(request, form, formsets, change)
        form.instance.groups.add(*kept)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit").prefetch_related("groups")

    @admin.display(description=_("角色"))
    def role_groups(self, obj):
        return "、".join(group.name for group in obj.groups.all())
