"""Pages that show what is owed and when: a unit's tasks and the office's review queue. Both
read the as-of engine (deadlines.selectors), so their 逾期/迟报 agree with every board."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import clock
from core.params import BadParameter, parse_id, parse_text
from ledger import access
from ledger import selectors as ledger_selectors
from ledger.forms import ReviewForm
from ledger.models import ReportState
from ledger.periods import opened_periods
from measures.models import PolicyDocument
from measures.selectors import document_choices, lead_unit_choices, measure_sections

from . import selectors
from .rules import calendar_warning_on

# A section chosen in the review queue when several documents are followed: "<document id>:<numeral>"
# (see _viewed).
QUALIFIED_SECTION = re.compile(r"(\d{1,18}):(.+)")


def _documents() -> tuple[dict[int, PolicyDocument], bool]:
    """Every document by id (one query), and whether more than one is followed (not archived):
    only then do the pages name each row's document."""
    documents = {document.pk: document for document in document_choices()}
    return documents, sum(not document.archived for document in documents.values()) > 1


def _name_documents(measures, documents: dict[int, PolicyDocument]) -> None:
    """Hand each measure its document from `documents`, so the template names it without a query."""
    for measure in measures:
        measure.document = documents[measure.document_id]


# 我的任务's lists, each a page at a time (years of missing reports would be one long page).
TASK_LISTS = ("returned", "overdue", "current", "awaiting_review", "contributions")
TASKS_PER_PAGE = 20


@login_required
@require_GET
def my_tasks(request):
    """What the user's unit owes: this period's reports, overdue ones, returned ones, contributions.
    Each list is paginated on its own (?overdue_page=2); its heading counts all of it."""
    today = clock.today()
    tasks = selectors.unit_tasks(request.user, today)
    pages = {
        name: Paginator(getattr(tasks, name), TASKS_PER_PAGE).get_page(request.GET.get(f"{name}_page"))
        for name in TASK_LISTS
    }
    signoff_queue = ledger_selectors.signoff_queue(request.user)
    documents, several_documents = _documents()
    if several_documents:
        rows = [row for page in pages.values() for row in page.object_list]
        _name_documents([row.measure for row in [*rows, *signoff_queue]], documents)
    context = {
        "nav": "tasks",
        "today": today,
        "is_unit_staff": access.is_unit_staff(request.user),
        "tasks": tasks,
        "pages": pages,
        "can_review": access.can_review(request.user),
        "signoff_queue": signoff_queue,
        "several_documents": several_documents,
        "calendar_warning": calendar_warning_on(today),
    }
    return render(request, "ledger/my_tasks.html", context)


def _viewed(raw_document: str | None, raw_section: str | None, documents: dict[int, PolicyDocument]):
    """The document the review queue is narrowed to (None: every one) and the section numeral.

    With several documents the section select sends "<document id>:<numeral>", which names its
    document (links made so keep working); a plain numeral goes with ?document=, or without it
    matches that section of any document. When ?document= names another document than the
    section does, the 文件 select was changed after a section of the other was chosen (without
    JavaScript the form is sent as it stands): the document chosen last is viewed, whole; and
    an empty ?document= (全部文件 chosen) views every document."""
    document_id, numeral = parse_id(raw_document, "document"), parse_text(raw_section, "section")
    all_chosen = raw_document is not None and not raw_document.strip()  # the form's 全部文件
    named_by = "document"
    if qualified := QUALIFIED_SECTION.fullmatch(numeral):
        if all_chosen:
            numeral = ""
        elif document_id is None or document_id == int(qualified[1]):
            document_id, numeral, named_by = int(qualified[1]), qualified[2], "section"
        else:
            numeral = ""
    if document_id is None:
        return None, numeral
    if document_id not in documents:
        raise BadParameter(named_by, f"没有编号为 {document_id} 的文件")
    return documents[document_id], numeral


@login_required
@require_GET
def review_queue(request):
    """The office's queue: latest versions, by default those waiting for a decision."""
    if not access.reads_everything(request.user):
        raise PermissionDenied("审核队列仅供市营商办和督查人员使用")
    today = clock.today()
    filters = {key: request.GET.get(key, "") for key in ("unit", "period")}
    state = request.GET.get("state", ReportState.SUBMITTED)
    documents, several_documents = _documents()
    document, numeral = _viewed(request.GET.get("document"), request.GET.get("section"), documents)
    unit, period = parse_id(filters["unit"], "unit"), parse_id(filters["period"], "period")
    queue = ledger_selectors.review_queue(
        request.user,
        state=state,
        section=numeral,
        unit=unit,
        period=period,
        document=document.pk if document else None,
    )
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    owed = selectors.timeliness(page.object_list, today)
    for report in page.object_list:
        report.owed = owed.get((report.measure_id, report.period_id))
        report.own_unit = access.reviews_own_unit(request.user, report)  # the form then asks why
    if several_documents:
        _name_documents([report.measure for report in page.object_list], documents)
    # The section select lists one document's sections, never every document's (thousands at
    # province scale): with several documents those of the document viewed — none until one is
    # chosen —, else those of the one followed.
    listed = document if several_documents else (document or next(iter(documents.values()), None))
    context = {
        "nav": "review",
        "page_obj": page,
        "reports": page.object_list,
        "filters": filters,
        "unit": unit,
        "period": period,
        "state": state,
        "states": [(value, label) for value, label in ReportState.choices if value != ReportState.DRAFT],
        "sections": measure_sections(listed.pk) if listed else [],
        # With several documents a section's value names its document: "<document id>:<numeral>".
        "section_prefix": f"{document.pk}:" if several_documents and document else "",
        "section_numeral": numeral,
        # With several documents: the 文件 select, the document viewed, and what 导出 Excel
        # exports (that document, or one workbook per followed document).
        "several_documents": several_documents,
        "documents": list(documents.values()),
        "document": document,
        "followed_documents": [d for d in documents.values() if not d.archived],
        "units": lead_unit_choices(),
        "periods": opened_periods(today)[:36],
        "can_review": access.can_review(request.user),
        "review_form": ReviewForm(),
        "calendar_warning": calendar_warning_on(today),
    }
    return render(request, "ledger/review_queue.html", context)
