from django.urls import path

from . import views

urlpatterns = [
    path("", views.notice_list, name="notice-list"),
    path("<int:pk>/", views.open_notice, name="notice-open"),
    path("read-all/", views.mark_all_read, name="notice-read-all"),
    path("settings/", views.email_settings, name="notice-settings"),
]
