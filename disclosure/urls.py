"""The public site, mounted at /public/: no login (tests/test_access.py lists these names)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="public-index"),
    path("plan/", views.plan, name="public-plan"),
    path("measures/<int:pk>/", views.measure, name="public-measure"),
    path("interpretations/", views.interpretation_list, name="public-interpretations"),
    path("interpretations/<int:pk>/", views.interpretation_detail, name="public-interpretation"),
    path("interpretations/<int:pk>/files/<int:file_id>/", views.attachment, name="public-attachment"),
    path("good-practice/", views.good_practice, name="public-good-practice"),
    path("exposures/", views.exposures, name="public-exposures"),
    path("replies/", views.replies, name="public-replies"),
    path("feedback/", views.feedback, name="public-feedback"),
    path("feedback/thanks/", views.feedback_thanks, name="public-feedback-thanks"),
]
