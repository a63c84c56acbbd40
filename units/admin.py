from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Unit, UnitAlias, UnitContact, UnitGroup, UnitGroupAlias


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


class UnitContactInline(admin.TabularInline):
    model = UnitContact
    extra = 0


class FormerNamesAdmin(admin.ModelAdmin):
    """Saving a rename already keeps the former name as an alias (KeepsFormerNames); an alias
    typed into the inline with that same name is then one already there, not a second one."""

    def save_formset(self, request, form, formset, change):
        if formset.model in (UnitAlias, UnitGroupAlias):
            kept = set(formset.model.objects.values_list("name", flat=True).filter(name__in=_new_names(formset)))
            for alias_form in formset.extra_forms:
                if alias_form.has_changed() and alias_form.cleaned_data.get("name") in kept:
                    alias_form.cleaned_data["DELETE"] = True  # saved already, by the rename
        super().save_formset(request, form, formset, change)


def _new_names(formset) -> list[str]:
    return [f.cleaned_data.get("name") for f in formset.extra_forms if f.has_changed() and f.cleaned_data.get("name")]


@admin.register(Unit)
class UnitAdmin(FormerNamesAdmin):
    list_display = ["name", "kind", "official_name", "short_name"]
    list_filter = ["kind", "groups"]
    search_fields = ["name", "official_name", "short_name", "aliases__name"]
    fields = ["name", "official_name", "short_name", "kind", "notes", "created_at"]
    readonly_fields = ["created_at"]
    inlines = [UnitAliasInline, UnitContactInline]


class UnitGroupAliasInline(admin.TabularInline):
    model = UnitGroupAlias
    extra = 0


@admin.register(UnitGroup)
class UnitGroupAdmin(FormerNamesAdmin):
    list_display = ["name", "member_count", "membership_note"]
    search_fields = ["name", "aliases__name", "membership_note"]
    filter_horizontal = ["members"]
    inlines = [UnitGroupAliasInline]

    def get_queryset(self, request):
        # Counted in the changelist query itself, not once per row.
        return super().get_queryset(request).annotate(member_count=Count("members", distinct=True))

    @admin.display(description=_("成员数"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(UnitContact)
class UnitContactAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "email", "phone"]
    list_filter = ["unit__kind"]
    list_select_related = ["unit"]
    search_fields = ["name", "email", "phone", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    """Which unit a wording of the document resolves to, searchable from either side."""

    list_display = ["name", "unit"]
    list_select_related = ["unit"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(UnitGroupAlias)
class UnitGroupAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "group"]
    list_select_related = ["group"]
    search_fields = ["name", "group__name"]
    autocomplete_fields = ["group"]
