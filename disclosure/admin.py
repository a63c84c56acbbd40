from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Feedback, FeedbackAction, GoodPractice, PolicyInterpretation, Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "published_by", "published_at", "withdrawn_at"]
    exclude = ["data"]


@admin.register(PolicyInterpretation, GoodPractice)
class PublishableAdmin(ReadOnlyAdmin):
    list_display = ["title", "state", "published_at", "withdrawn_at"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "measure", "status", "reply_public", "closed_at"]
    exclude = ["sender_key"]


@admin.register(FeedbackAction)
class FeedbackActionAdmin(ReadOnlyAdmin):
    list_display = ["feedback", "kind", "actor", "at"]
