"""Excel downloads. Thin: pick the document, let the service scope and build, stream the file."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.params import parse_date, parse_id, parse_text
from measures.models import PolicyDocument
from measures.selectors import current_document

from . import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _document(request) -> PolicyDocument:
    """The document named by ?document=, or the current one; BadExportRequest for a malformed id."""
    value = request.GET.get("document", "").strip()
    if not value:
        document = current_document()
        if document is None:
            raise Http404("尚未导入任何政策文件")
        return document
    document = PolicyDocument.objects.filter(pk=parse_id(value, "document")).first()
    if document is None:
        raise Http404("没有这份政策文件")
    return document


def _safe(name: str) -> str:
    return name.translate(str.maketrans({c: "_" for c in '/\\:*?"<>|'}))[:80]


def _xlsx_response(write, filename: str) -> FileResponse:
    # A temporary file rather than memory: a long ledger stays off the heap, and the file is
    # deleted when the response closes it.
    output = tempfile.TemporaryFile()
    try:
        write(output)
        output.seek(0)
    except BaseException:
        output.close()
        raise
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)


def _as_of(request):
    """?as_of=YYYY-MM-DD exports the ledger as it stood at the end of that day (default today)."""
    return parse_date(request.GET.get("as_of"), "as_of", default=timezone.localdate())


@never_cache
@login_required
@require_GET
def ledger_export(request):
    """The ledger as the government template, filtered like the review queue (period, section, unit)."""
    try:
        document = _document(request)
        export = services.ledger_export(
            request.user,
            document,
            **{key: parse_text(request.GET.get(key), key) for key in ("period", "section", "unit")},
            as_of=_as_of(request),
        )
    except services.BadExportRequest as exc:
        return _bad_request(str(exc))
    except services.NothingToExport as exc:
        raise Http404("您所在单位没有可导出的举措") from exc
    return _xlsx_response(lambda output: services.write_ledger_export(output, export), f"台账_{export.label}.xlsx")


@never_cache
@login_required
@require_GET
def plan_export(request):
    """The plan (who does what by when), for anyone signed in — like the plan page."""
    try:
        document = _document(request)
    except services.BadExportRequest as exc:
        return _bad_request(str(exc))
    filename = f"分工方案_{_safe(document.title)}.xlsx"
    return _xlsx_response(lambda output: services.write_plan_xlsx(output, document), filename)
