from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from .health import health

admin.site.site_header = "督办台账 · 后台管理"
admin.site.site_title = "督办台账"
admin.site.index_title = "数据维护"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plan", permanent=False)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health, name="health"),  # public: the proxy and monitoring (reform/health.py)
    path("admin/", admin.site.urls),
    path("api/", include("reform.api_urls")),
    path("", include("measures.urls")),
    path("", include("ledger.urls")),
    path("", include("deadlines.urls")),
    path("notices/", include("notices.urls")),
    path("supervision/", include("supervision.urls")),
    path("", include("exports.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("public/", include("disclosure.urls")),  # no login: the public site (社会公开)
    path("disclosure/", include("disclosure.manage_urls")),
]
