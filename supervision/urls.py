from django.urls import path

from . import views

urlpatterns = [
    path("", views.finding_list, name="supervision"),
    path("findings/new/", views.finding_new, name="finding-new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/act/", views.finding_act, name="finding-act"),
    path("evidence/<int:pk>/", views.finding_evidence, name="finding-evidence"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("interviews/", views.interview_list, name="interview-list"),
    path("interviews/new/", views.interview_new, name="interview-new"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview-detail"),
    path("commitments/<int:pk>/fulfil/", views.commitment_fulfil, name="commitment-fulfil"),
    path("findings/<int:pk>/outcomes/", views.finding_outcome, name="finding-outcome"),
    path("interviews/<int:pk>/outcomes/", views.interview_outcome, name="interview-outcome"),
    path("outcomes/<int:pk>/document/", views.outcome_document, name="outcome-document"),
]
