"""The API's error mapping and the error shapes every v1 endpoint documents."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import NotAllowed, ServiceError
from .params import BadParameter


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="错误说明")


FIELD_ERRORS = {
    "type": "object",
    "description": "以参数名为键的错误信息列表",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "当前状态下不能执行此操作"
    default_code = "conflict"


def api_exception(exc: Exception) -> Exception:
    """The DRF exception a service error becomes; anything else is returned unchanged."""
    if isinstance(exc, NotAllowed):
        return PermissionDenied(str(exc))
    if isinstance(exc, ServiceError):
        return Conflict(str(exc))
    return exc


class ServiceErrorsMixin:
    """For viewsets that call services: their refusals answer 403 or 409 with the service's message."""

    def handle_exception(self, exc):
        return super().handle_exception(api_exception(exc))


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


MAX_JSON_DEPTH = 20


def _depth(value) -> int:
    """Nesting depth of parsed JSON, iteratively (a recursive walk is what we guard against)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON bodies nested deeper than any of our serializers need are refused with 400; very
    deep ones would otherwise raise RecursionError in the parser (a 500) for any client,
    logged in or not."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON 嵌套层级过深(最多 {MAX_JSON_DEPTH} 层)") from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON 嵌套层级过深(最多 {MAX_JSON_DEPTH} 层)")
        return data


def exception_handler(exc, context):
    """DRF's handler, plus: a malformed query parameter (core.params) is a 400 naming it."""
    if isinstance(exc, BadParameter):
        exc = ValidationError({exc.name: [str(exc)]})
    return drf_exception_handler(exc, context)
