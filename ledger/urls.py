from django.urls import path

from . import views

urlpatterns = [
    path("measures/<int:pk>/ledger/", views.measure_ledger, name="measure-ledger"),
    path("measures/<int:measure_id>/periods/<int:period_id>/report/", views.start_report, name="report-start"),
    path(
        "measures/<int:measure_id>/periods/<int:period_id>/contribution/",
        views.start_contribution,
        name="contribution-start",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.edit_report, name="report-edit"),
    path("reports/<int:pk>/autosave/", views.autosave_report, name="report-autosave"),
    path("reports/<int:pk>/evidence/", views.upload_report_evidence, name="report-evidence"),
    path("reports/<int:pk>/ask-contributions/", views.ask_contributions, name="contributions-ask"),
    path("reports/<int:pk>/review/", views.review, name="report-review"),
    path("contributions/<int:pk>/edit/", views.edit_contribution, name="contribution-edit"),
    path("contributions/<int:pk>/evidence/", views.upload_contribution_evidence, name="contribution-evidence"),
    path("evidence/<int:pk>/", views.download_evidence, name="evidence-download"),
    path("evidence/<int:pk>/delete/", views.delete_evidence, name="evidence-delete"),
    path("measures/<int:pk>/schedule/", views.add_schedule_milestone, name="schedule-add"),
    path("milestones/<int:pk>/delete/", views.remove_schedule_milestone, name="schedule-remove"),
]
