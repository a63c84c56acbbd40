from django.urls import path

from . import views

urlpatterns = [
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("plan/import/", views.import_upload, name="document-import"),
    path("plan/import/<str:token>/", views.import_preview, name="document-import-preview"),
    path("documents/<int:pk>/plan/", views.PlanView.as_view(), name="document-plan"),
    path("documents/<int:pk>/archive/", views.archive_document, name="document-archive"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("measures/<int:pk>/leads/", views.set_lead_units, name="measure-leads"),
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
]
