from django.urls import include, path

urlpatterns = [
    path("v1/", include(("reform.api_v1", "v1"), namespace="v1")),
]
