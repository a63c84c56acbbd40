from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview_page, name="dashboard"),
    path("measures/", views.measure_list, name="dashboard-measures"),
    path("milestones/", views.milestone_list, name="dashboard-milestones"),
    path("reports/", views.report_list, name="dashboard-reports"),
    path("targets/", views.target_list, name="dashboard-targets"),
]
