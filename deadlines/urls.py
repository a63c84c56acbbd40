from django.urls import path

from . import views

urlpatterns = [
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("review/", views.review_queue, name="review-queue"),
]
