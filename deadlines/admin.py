from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Milestone


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
