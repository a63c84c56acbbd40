"""Read-only API for policy documents, their sections and measures."""

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from core.api import read_only_schema
from units.api import GroupRefSerializer, UnitRefSerializer
from units.models import Unit

from .models import (
    Assignment,
    AssignmentRole,
    Measure,
    MeasureFlag,
    MeasureKind,
    Milestone,
    PolicyDocument,
    Section,
    Target,
)
from .selectors import measures_with_plan


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "source", "published_on", "source_sha256", "imported_at"]


class DocumentDetailSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "full_text"]


class SectionSerializer(serializers.ModelSerializer):
    part_label = serializers.CharField(source="get_part_display", read_only=True, help_text="部分名称")

    class Meta:
        model = Section
        fields = ["id", "document", "numeral", "position", "title", "part", "part_label", "part_heading"]


class SectionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "numeral", "title"]


class FlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=MeasureFlag.choices)
    label = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(allow_null=True, read_only=True, help_text="单位;指向单位组时为 null")
    group = GroupRefSerializer(allow_null=True, read_only=True, help_text="单位组;指向单位时为 null")

    class Meta:
        model = Assignment
        fields = ["role", "written_name", "unit", "group"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["due_date", "kind", "description", "source", "source_text"]


class TargetSerializer(serializers.ModelSerializer):
    comparator = serializers.CharField(source="get_comparator_display", read_only=True, help_text="比较符号,如 ≤ ≥")

    class Meta:
        model = Target
        fields = ["metric", "comparator", "value", "unit", "due_date", "recurrence", "source_text"]


class MeasureSerializer(serializers.ModelSerializer):
    section = SectionRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="类型名称")
    code = serializers.CharField(read_only=True, help_text="文中编号:举措为数字,保障措施为章节序号")
    flags = serializers.SerializerMethodField(help_text="文本或分工上的问题")
    assignments = AssignmentSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "document",
            "section",
            "kind",
            "kind_label",
            "number",
            "code",
            "title",
            "body",
            "deadline_text",
            "flags",
            "assignments",
            "milestones",
            "targets",
        ]

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, measure):
        return [{"code": code, "label": str(MeasureFlag(code).label)} for code in measure.flags]


class DueRangeForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("due_after") and data.get("due_before") and data["due_after"] > data["due_before"]:
            self.add_error("due_before", "截止日期上限不能早于下限(due_after)。")
        return data


class MeasureFilter(filters.FilterSet):
    section = filters.CharFilter(
        field_name="section__numeral",
        label="章节序号,如“四”",
        validators=[RegexValidator(r"^[零一二三四五六七八九十百]+$", "章节序号应为中文数字,如“四”“十一”。")],
    )
    kind = filters.ChoiceFilter(choices=MeasureKind.choices, label="类型")
    unit = extend_schema_field({"type": "integer", "description": "单位 id:该单位有分工的举措"})(
        filters.ModelChoiceFilter(queryset=Unit.objects.all(), method="filter_unit")
    )
    role = filters.ChoiceFilter(
        choices=AssignmentRole.choices, method="filter_role", label="分工角色;与 unit 同用时指该单位的角色"
    )
    due_after = filters.DateFilter(method="filter_due", label="节点截止日期不早于(含)")
    due_before = filters.DateFilter(method="filter_due", label="节点截止日期不晚于(含)")

    class Meta:
        model = Measure
        fields = ["document", "section", "kind", "unit", "role", "due_after", "due_before"]
        form = DueRangeForm

    def filter_unit(self, queryset, name, unit):
        assignments = Assignment.objects.filter(measure=OuterRef("pk"), unit=unit)
        if role := self.form.cleaned_data.get("role"):
            assignments = assignments.filter(role=role)
        return queryset.filter(Exists(assignments))

    def filter_role(self, queryset, name, role):
        if self.form.cleaned_data.get("unit"):
            return queryset  # filter_unit already requires the role of that unit
        return queryset.filter(Exists(Assignment.objects.filter(measure=OuterRef("pk"), role=role)))

    def filter_due(self, queryset, name, value):
        # Both bounds must hold for the same milestone, so they are applied together, once.
        if name == "due_before" and self.form.cleaned_data.get("due_after"):
            return queryset
        milestones = Milestone.objects.filter(measure=OuterRef("pk"))
        if after := self.form.cleaned_data.get("due_after"):
            milestones = milestones.filter(due_date__gte=after)
        if before := self.form.cleaned_data.get("due_before"):
            milestones = milestones.filter(due_date__lte=before)
        return queryset.filter(Exists(milestones))


@read_only_schema(DocumentSerializer, DocumentDetailSerializer)
class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """政策文件。列表不含原文,详情含原文 full_text。"""

    queryset = PolicyDocument.objects.all()

    def get_serializer_class(self):
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer


@read_only_schema(SectionSerializer, filtered=True)
class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    """文件的章节。?document= 按文件筛选。"""

    queryset = Section.objects.all()
    serializer_class = SectionSerializer
    filterset_fields = ["document"]


@read_only_schema(MeasureSerializer, filtered=True)
class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """举措与保障措施,按文中顺序,含分工、节点和量化指标。"""

    queryset = measures_with_plan(Measure.objects.order_by("document", "position"))
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
