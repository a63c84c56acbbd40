from django.urls import path

from . import views

urlpatterns = [
    path("exports/ledger.xlsx", views.ledger_export, name="ledger-export"),
    path("exports/plan.xlsx", views.plan_export, name="plan-export"),
]
