"""社会公开管理, mounted at /disclosure/ (login; the office acts, supervisors read)."""

from django.urls import path

from . import manage_views as views
from .models import GoodPractice, PolicyInterpretation

urlpatterns = [
    path("", views.home, name="disclosure"),
    path("publish/", views.publish, name="disclosure-publish"),
    path("publications/<int:pk>/withdraw/", views.withdraw_publication, name="publication-withdraw"),
    path("interpretations/new/", views.interpretation_edit, name="interpretation-new"),
    path("interpretations/<int:pk>/", views.interpretation_edit, name="interpretation-edit"),
    path("interpretations/<int:pk>/attachments/", views.interpretation_attach, name="interpretation-attach"),
    path(
        "interpretations/<int:pk>/publish/",
        views.publish_item,
        {"model": PolicyInterpretation},
        name="interpretation-publish",
    ),
    path(
        "interpretations/<int:pk>/withdraw/",
        views.withdraw_item,
        {"model": PolicyInterpretation},
        name="interpretation-withdraw",
    ),
    path("good-practice/from-review/<int:review_id>/", views.good_practice_start, name="good-practice-start"),
    path("good-practice/<int:pk>/", views.good_practice_edit, name="good-practice-edit"),
    path("good-practice/<int:pk>/publish/", views.publish_item, {"model": GoodPractice}, name="good-practice-publish"),
    path(
        "good-practice/<int:pk>/withdraw/", views.withdraw_item, {"model": GoodPractice}, name="good-practice-withdraw"
    ),
    path("feedback/", views.feedback_list, name="feedback-list"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("feedback/<int:pk>/close/", views.feedback_close, name="feedback-close"),
    path("feedback/<int:pk>/finding/", views.feedback_finding, name="feedback-finding"),
]
