from django.urls import path

from . import views

urlpatterns = [
    path("measures/<int:pk>/schedule/", views.add_schedule_milestone, name="schedule-add"),
    path("milestones/<int:pk>/delete/", views.remove_schedule_milestone, name="schedule-remove"),
]
