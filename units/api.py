"""Read-only API for units and unit groups, and the error responses every v1 endpoint documents."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.filters import SearchFilter

from .models import Unit, UnitGroup


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明")


FIELD_ERRORS = {
    "type": "object",
    "description": "以参数名为键的错误信息列表",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def read_only_schema(serializer, detail_serializer=None, filtered=False):
    """Document list and retrieve with the errors a client can meet.

    Anonymous requests get 403, not 401: SessionAuthentication comes first in the
    settings and sends no WWW-Authenticate header, so DRF answers 403.
    """
    denied = {403: OpenApiResponse(ErrorSerializer, "未登录、凭据无效或无权访问")}
    bad_filter = {400: OpenApiResponse(FIELD_ERRORS, "筛选参数无效")} if filtered else {}
    return extend_schema_view(
        list=extend_schema(responses={200: serializer, **bad_filter, **denied}),
        retrieve=extend_schema(
            responses={200: detail_serializer or serializer, **denied, 404: OpenApiResponse(ErrorSerializer, "不存在")}
        ),
    )


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class GroupRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitGroup
        fields = ["id", "name"]


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="类别名称")
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True, help_text="别名")
    groups = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True, help_text="所属单位组")

    class Meta:
        model = Unit
        fields = ["id", "name", "official_name", "short_name", "kind", "kind_label", "aliases", "groups", "notes"]


class GroupSerializer(serializers.ModelSerializer):
    members = UnitRefSerializer(many=True, read_only=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True, help_text="别名")

    class Meta:
        model = UnitGroup
        fields = ["id", "name", "membership_note", "members", "aliases"]


@read_only_schema(UnitSerializer, filtered=True)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """单位名录。?kind= 按类别筛选,?search= 按名称、全称、简称或别名查找。"""

    queryset = Unit.objects.prefetch_related("aliases", "groups")
    serializer_class = UnitSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_fields = ["kind"]
    search_fields = ["name", "official_name", "short_name", "aliases__name"]


@read_only_schema(GroupSerializer)
class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    """单位组(各区市县、市直各有关单位等)及其成员单位。"""

    queryset = UnitGroup.objects.prefetch_related("members", "aliases")
    serializer_class = GroupSerializer
