"""Version 1 of the read-only API, mounted at /api/v1/ in the "v1" namespace."""

from django.contrib.auth import get_user_model
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

from core.api import FIELD_ERRORS
from ledger.api import ReportViewSet
from measures.api import DocumentViewSet, MeasureViewSet, SectionViewSet
from units.api import GroupViewSet, UnitViewSet


class TokenSerializer(AuthTokenSerializer):
    # No account has a longer name; a longer one is refused before authenticating, so the failed
    # login django-axes records fits its column (it was a 500).
    username = serializers.CharField(
        label="用户名", write_only=True, max_length=get_user_model()._meta.get_field("username").max_length
    )


class TokenView(ObtainAuthToken):
    """用户名和密码换取 API 令牌;之后在请求头写 Authorization: Token <令牌>。"""

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # DRF's view names its own, unbounded
    serializer_class = TokenSerializer

    @extend_schema(
        auth=[],
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(FIELD_ERRORS, "用户名或密码错误,或因多次失败被暂时锁定"),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


router = DefaultRouter()
router.register("documents", DocumentViewSet, basename="document")
router.register("sections", SectionViewSet, basename="section")
router.register("measures", MeasureViewSet, basename="measure")
router.register("units", UnitViewSet, basename="unit")
router.register("groups", GroupViewSet, basename="group")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="v1:schema"), name="docs"),
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]
