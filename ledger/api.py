"""The progress-report API: list, open, edit, submit and review reports under /api/v1/reports/.

Every request is scoped by `access.visible_reports`, so a report the user may not see is a
404, never a 403. Edits use optimistic locking over HTTP: GET returns `ETag: "<lock_version>"`,
and PATCH and submit must send it back in `If-Match` — without it 428, with a stale one 412
and the stored version in the body, so no accepted save is overwritten unseen. The rules
themselves live in `ledger.services`; this module maps their errors to status codes.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response

from core.api import FIELD_ERRORS, ErrorSerializer, api_exception
from measures.models import Measure
from units.api import UnitRefSerializer
from units.models import Unit

from . import access, services
from .models import (
    COMMENT_LIMIT,
    TEXT_LIMIT,
    Evidence,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportReview,
    ReportState,
    ReviewDecision,
    TargetActual,
)

# Errors


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = '修改或提交报告须带 If-Match 请求头,值为读取报告时返回的 ETag(如 "3"),以免覆盖他人的修改。'
    default_code = "precondition_required"


def if_match_version(request) -> int:
    """The lock_version the client last read, from `If-Match: "<n>"` (a weak W/ prefix is
    tolerated: proxies that compress responses weaken ETags)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    found = re.fullmatch(r'(?:W/)?"(\d{1,9})"', header)
    if not found:
        # `*` would mean "whatever is stored now", which is exactly the blind overwrite we refuse.
        raise PreconditionRequired(f'If-Match 须为读取报告时返回的 ETag(如 "3"),不接受“{header[:40]}”。')
    return int(found.group(1))


def etag(report: ProgressReport) -> str:
    return f'"{report.lock_version}"'


# Output


class MeasureRefSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text="文中编号")

    class Meta:
        model = Measure
        fields = ["id", "code", "title"]


class PeriodRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "label", "starts_on", "ends_on", "due_on"]


class TargetActualSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetActual
        fields = ["target", "value", "as_of"]


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="下载地址(需登录且有权查看该报告)")

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "size", "content_type", "download_url"]

    def get_download_url(self, evidence) -> str:
        return f"/evidence/{evidence.pk}/"


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.StringRelatedField(help_text="审核人")

    class Meta:
        model = ReportReview
        fields = ["decision", "comment", "good_practice", "reviewer", "decided_at"]


class ReportSerializer(serializers.ModelSerializer):
    measure = MeasureRefSerializer(read_only=True)
    period = PeriodRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    author = serializers.StringRelatedField(help_text="填报人")
    state = serializers.ChoiceField(choices=ReportState.choices, read_only=True, help_text="报告所处环节,由记录推出")
    state_label = serializers.CharField(read_only=True, help_text="环节名称")
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="推进状态名称")
    actuals = TargetActualSerializer(many=True, read_only=True, help_text="量化指标的实际值")
    claimed_milestones = serializers.SerializerMethodField(help_text="申报已完成的节点 id")
    evidence = EvidenceSerializer(many=True, read_only=True)
    review = ReviewSerializer(read_only=True, allow_null=True, help_text="审核结果;未审核时为 null")

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "measure",
            "period",
            "unit",
            "version",
            "previous",
            "state",
            "state_label",
            "status",
            "status_label",
            "progress",
            "problems",
            "next_steps",
            "lock_version",
            "author",
            "created_at",
            "updated_at",
            "signoff_requested_at",
            "submitted_at",
            "actuals",
            "claimed_milestones",
            "evidence",
            "review",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_claimed_milestones(self, report):
        return [claim.milestone_id for claim in report.claims.all()]


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明")
    current = ReportSerializer(help_text="服务器上当前保存的版本;其 lock_version 即新的 ETag")


# Input


class OpenReportSerializer(serializers.Serializer):
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all(), help_text="举措 id")
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all(), help_text="填报周期 id")


class TargetValueSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, help_text="量化指标 id,须属于本举措")
    value = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="实际值")
    as_of = serializers.DateField(help_text="数据截至日期")


class DraftSerializer(serializers.Serializer):
    """Fields left out keep their stored value; `actuals` and `claimed_milestones`, when
    sent, replace the whole list."""

    status = serializers.ChoiceField(choices=ProgressStatus.choices, required=False)
    progress = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    actuals = TargetValueSerializer(many=True, required=False)
    claimed_milestones = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text="申报已完成的节点 id,须属于本举措"
    )

    def validate_actuals(self, rows):
        ids = [row["target"] for row in rows]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("同一指标只能填写一个实际值")
        foreign = sorted(set(ids) - set(self.context["report"].measure.targets.values_list("pk", flat=True)))
        if foreign:
            raise serializers.ValidationError(f"指标 {', '.join(map(str, foreign))} 不属于本举措")
        return rows

    def validate_claimed_milestones(self, ids):
        try:
            services.check_claims(self.context["report"].measure, ids)
        except services.ServiceError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return ids


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_LIMIT, help_text="审核意见"
    )
    good_practice = serializers.BooleanField(required=False, default=False, help_text="列为典型经验")
    own_unit_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=COMMENT_LIMIT,
        help_text="审核本单位填报的报告时必填:由本人审核的理由,随审核记录留痕",
    )


class ReturnSerializer(ApproveSerializer):
    comment = serializers.CharField(
        help_text="审核意见:说明需要修改的地方",
        max_length=COMMENT_LIMIT,
        error_messages={
            "required": "退回时须填写审核意见,说明需要修改的地方",
            "blank": "退回时须填写审核意见,说明需要修改的地方",
        },
    )


# Filters


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error naming the parameter, not silently ignored."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        known = {"true": True, "1": True, "false": False, "0": False}
        if str(value).lower() not in known:
            raise ValidationError("应为 true 或 false")
        return known[str(value).lower()]

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class ReportFilter(filters.FilterSet):
    measure = filters.ModelChoiceFilter(queryset=Measure.objects.all(), label="举措 id")
    period = filters.ModelChoiceFilter(queryset=ReportingPeriod.objects.all(), label="填报周期 id")
    unit = filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="填报单位 id")
    state = filters.ChoiceFilter(choices=ReportState.choices, method="filter_state", label="报告所处环节")
    latest_only = StrictBooleanFilter(method="filter_latest", label="true:每期只列最新版本")

    class Meta:
        model = ProgressReport
        fields = ["measure", "period", "unit", "state", "latest_only"]

    def filter_state(self, queryset, name, value):
        return queryset.in_stage(value)

    def filter_latest(self, queryset, name, value):
        return queryset.filter(next_version__isnull=True) if value else queryset


# Views


def with_details(reports):
    """Reports with everything ReportSerializer shows: 1 query, plus 3 for the lists."""
    return reports.select_related("measure__section", "period", "unit", "author", "review__reviewer").prefetch_related(
        Prefetch("actuals", queryset=TargetActual.objects.order_by("target__position")),
        "claims",
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
    )


DENIED = OpenApiResponse(ErrorSerializer, "未登录、凭据无效或无权执行此操作")
NOT_FOUND = OpenApiResponse(ErrorSerializer, "报告不存在或无权查看")
CONFLICT = OpenApiResponse(ErrorSerializer, "当前状态下不能执行此操作(如已提交、已审核、内容不完整)")
BAD_INPUT = OpenApiResponse(FIELD_ERRORS, "输入无效,以字段名为键说明原因")
STALE = OpenApiResponse(StaleSerializer, "If-Match 已过期:报告已被他人修改,current 为当前内容,未保存任何修改")
PRECONDITION_REQUIRED = OpenApiResponse(ErrorSerializer, "缺少 If-Match 请求头或其格式无效")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='读取报告时返回的 ETag,如 "3"',
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 412],
    description='报告当前的 lock_version,加引号,如 "3";修改和提交时放入 If-Match',
)


class ReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """进展报告:列表与筛选、打开草稿、修改(If-Match)、提交、审核通过或退回。"""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return ProgressReport.objects.none()
        return with_details(access.visible_reports(self.request.user))

    def handle_exception(self, exc):
        if isinstance(exc, services.StaleEdit):
            return self.stale(str(exc), exc.current.pk)
        return super().handle_exception(api_exception(exc))

    def represent(self, pk: int, status_code: int = status.HTTP_200_OK, headers: dict | None = None) -> Response:
        report = self.get_queryset().get(pk=pk)
        return Response(
            ReportSerializer(report).data, status=status_code, headers={"ETag": etag(report), **(headers or {})}
        )

    def stale(self, detail: str, pk: int) -> Response:
        report = self.get_queryset().get(pk=pk)
        return Response(
            {"detail": detail, "current": ReportSerializer(report).data},
            status=status.HTTP_412_PRECONDITION_FAILED,
            headers={"ETag": etag(report)},
        )

    def checked_version(self, report: ProgressReport) -> int:
        """The If-Match version, refused early when the draft has moved on. A submitted report
        goes on to the service, which says it is submitted: more useful than "stale"."""
        version = if_match_version(self.request)
        if report.submitted_at is None and version != report.lock_version:
            raise services.StaleEdit(report)
        return version

    def writable_report(self) -> ProgressReport:
        report = self.get_object()
        if not access.can_write_report(self.request.user, report.measure):
            raise PermissionDenied("只有牵头单位可以修改本举措的进展报告")
        return report

    def reviewable_report(self) -> ProgressReport:
        report = self.get_object()
        if not access.can_review(self.request.user):
            raise PermissionDenied("只有市营商办审核员可以审核报告")
        return report

    @extend_schema(responses={200: ReportSerializer, 400: OpenApiResponse(FIELD_ERRORS, "筛选参数无效"), 403: DENIED})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=OpenReportSerializer,
        responses={
            200: OpenApiResponse(ReportSerializer, "本期已有草稿,返回该草稿"),
            201: OpenApiResponse(ReportSerializer, "新建了草稿(第一版,或续接已审核版本的新版本)"),
            400: BAD_INPUT,
            403: DENIED,
            409: CONFLICT,
        },
        parameters=[
            ETAG,
            OpenApiParameter(
                "Location", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[201], description="新草稿的地址"
            ),
        ],
    )
    def create(self, request, *args, **kwargs):
        """打开某举措某期的报告草稿:已有草稿则返回它,否则新建(已退回或已通过的则新建下一版本)。"""
        serializer = OpenReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure, period = serializer.validated_data["measure"], serializer.validated_data["period"]
        open_draft = (
            ProgressReport.objects.filter(measure=measure, period=period, submitted_at__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        report = services.open_report(request.user, measure, period)
        if report.pk == open_draft:
            return self.represent(report.pk)
        return self.represent(
            report.pk, status.HTTP_201_CREATED, {"Location": reverse("v1:report-detail", args=[report.pk])}
        )

    @extend_schema(responses={200: ReportSerializer, 403: DENIED, 404: NOT_FOUND}, parameters=[ETAG])
    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        return Response(ReportSerializer(report).data, headers={"ETag": etag(report)})

    @extend_schema(
        request=DraftSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: ReportSerializer,
            400: BAD_INPUT,
            403: DENIED,
            404: NOT_FOUND,
            409: CONFLICT,
            412: STALE,
            428: PRECONDITION_REQUIRED,
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """保存草稿。未提供的字段保持不变;actuals、claimed_milestones 提供时整体替换。"""
        report = self.writable_report()
        version = self.checked_version(report)
        serializer = DraftSerializer(data=request.data, context={"report": report})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target_values = (
            [services.TargetValue(row["target"], row["value"], row["as_of"]) for row in data["actuals"]]
            if "actuals" in data
            else None
        )
        claimed = data.get("claimed_milestones")  # absent: the service keeps what is stored
        content = {field: data[field] for field in services.CONTENT_FIELDS if field in data}
        services.save_report_draft(request.user, report, version, content, target_values, claimed)
        return self.represent(report.pk)

    @extend_schema(
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: ReportSerializer,
            403: DENIED,
            404: NOT_FOUND,
            409: CONFLICT,
            412: STALE,
            428: PRECONDITION_REQUIRED,
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """提交草稿:报送市营商办;需负责人审签时先提请审签。"""
        report = self.writable_report()
        version = self.checked_version(report)
        services.submit_report(request.user, report, version)
        return self.represent(report.pk)

    @extend_schema(
        request=ApproveSerializer,
        responses={200: ReportSerializer, 400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        """审核通过(仅市营商办审核员)。"""
        return self.review(ApproveSerializer, ReviewDecision.APPROVED)

    @extend_schema(
        request=ReturnSerializer,
        responses={200: ReportSerializer, 400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, *args, **kwargs):
        """退回修改(仅市营商办审核员),须填写审核意见。"""
        return self.review(ReturnSerializer, ReviewDecision.RETURNED)

    def review(self, serializer_class, decision: str) -> Response:
        report = self.reviewable_report()
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        services.review_report(self.request.user, report, decision, **serializer.validated_data)
        return self.represent(report.pk)
