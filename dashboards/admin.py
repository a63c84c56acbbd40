from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import RankingFormula, RankingSnapshot
from .ranking import next_formula_version


@admin.register(RankingFormula)
class RankingFormulaAdmin(admin.ModelAdmin):
    """New weights are a new version; published rankings keep naming the one they used."""

    list_display = ["version", "milestones_weight", "reports_weight", "targets_weight", "returns_weight", "bottom_n",
                    "created_by", "created_at"]  # fmt: skip
    fields = ["milestones_weight", "reports_weight", "targets_weight", "returns_weight", "bottom_n", "note"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.version = next_formula_version()
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["period", "document", "formula", "as_of", "published_by", "published_at"]
    empty_value_display = "全部政策文件"  # only the document can be empty: the ranking of all active documents
    list_select_related = ["period", "document", "formula", "published_by"]
