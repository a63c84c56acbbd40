"""Read-only API for units and unit groups."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.filters import SearchFilter

from core.api import read_only_schema

from .models import Unit, UnitGroup


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
