from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview_page, name="dashboard"),
    path("programme/", views.programme_page, name="dashboard-programme"),
    path("measures/", views.measure_list, name="dashboard-measures"),
    path("milestones/", views.milestone_list, name="dashboard-milestones"),
    path("reports/", views.report_list, name="dashboard-reports"),
    path("targets/", views.target_list, name="dashboard-targets"),
    path("ranking/", views.ranking_page, name="dashboard-ranking"),
    path("ranking/publish/", views.publish_ranking, name="ranking-publish"),
    path("ranking/<int:pk>/", views.ranking_snapshot, name="ranking-snapshot"),
    path("ranking/<int:pk>/withdraw/", views.withdraw_ranking, name="ranking-withdraw"),
    path("ranking/<int:pk>/units/<int:unit_id>/", views.ranking_unit, name="ranking-unit"),
    path("ranking/<int:pk>/bulletin/", views.bulletin, name="bulletin"),
    path("ranking/<int:pk>/bulletin.pdf", views.bulletin, {"pdf": True}, name="bulletin-pdf"),
    path("map/", views.battle_map_page, name="dashboard-map"),
]
