from django.urls import path

from . import views

urlpatterns = [
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("documents/<int:pk>/plan/", views.PlanView.as_view(), name="document-plan"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure-detail"),
]
