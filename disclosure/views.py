"""The public site (/public/): no login, read-only but for the feedback form.

Every page reads only published rows — the latest live `Publication`, published interpretations
and good practice, replies the office chose to publish, exposed cases — in a fixed number of
queries. Pages are the same for everyone, so an anonymous visitor's may be cached (`Cache-Control: public`) and
carry a policy allowing no inline script or style at all; the feedback form, which carries a
CSRF token, is never cached.
"""

from functools import wraps

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import ServiceError
from core.params import parse_id

from . import selectors, services
from .exposures import exposed_cases
from .forms import FeedbackForm
from .models import GoodPractice, PolicyInterpretation

CACHE_SECONDS = 120
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _strict(response):
    """The strict policy, unless the view set a stricter one (a download's sandbox)."""
    if "Content-Security-Policy" not in response:
        response["Content-Security-Policy"] = POLICY
    return response


def public_page(view):
    """GET/HEAD only, the strict policy, and cacheable by anyone when the answer is a 200."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            # Shared caches may keep what an anonymous visitor gets (they vary on Cookie); a
            # signed-in person's copy stays in their own browser.
            signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
            audience = {"private": True} if signed_in else {"public": True}
            patch_cache_control(response, max_age=CACHE_SECONDS, **audience)
        return _strict(response)

    return wrapper


def _not_found(request, message: str):
    return render(request, "disclosure/not_found.html", {"message": message}, status=404)


def _page(request, rows, per_page=20):
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


@public_page
def index(request):
    publication = selectors.live_publication()
    measures = selectors.public_measures(publication)
    context = {
        "nav": "index",
        "publication": publication,
        "measure_count": len(measures),
        "reported_count": sum(1 for m in measures if m["progress"]),
        "interpretations": list(selectors.public_interpretations()[:5]),
        "good_practice": list(GoodPractice.objects.public()[:3]),
        "replies": list(selectors.public_replies()[:3]),
    }
    context["empty"] = not (publication or context["interpretations"] or context["good_practice"])
    return render(request, "disclosure/index.html", context)


@public_page
def plan(request):
    publication = selectors.live_publication()
    return render(request, "disclosure/plan.html", {"nav": "plan", "publication": publication})


@public_page
def measure(request, pk):
    publication = selectors.live_publication()
    found = next((m for m in selectors.public_measures(publication) if m["id"] == pk), None)
    if found is None:
        return _not_found(request, "该举措尚未公开,或不存在。")
    context = {
        "nav": "plan",
        "publication": publication,
        "measure": found,
        "interpretations": list(selectors.public_interpretations().filter(measures=pk)),
        "good_practice": list(GoodPractice.objects.public().filter(measure_id=pk)),
        "replies": list(selectors.public_replies().filter(measure_id=pk)[:20]),
    }
    return render(request, "disclosure/measure.html", context)


@public_page
def interpretation_list(request):
    page = _page(request, selectors.public_interpretations())
    return render(request, "disclosure/interpretations.html", {"nav": "interpretations", "page_obj": page})


@public_page
def interpretation_detail(request, pk):
    item = selectors.public_interpretations().filter(pk=pk).first()
    if item is None:
        return _not_found(request, "该政策解读尚未公开,或已撤回。")
    return render(request, "disclosure/interpretation.html", {"nav": "interpretations", "item": item})


@public_page
def attachment(request, pk, file_id):
    """An attachment of a published interpretation, as a download that cannot run in our origin."""
    item = PolicyInterpretation.objects.public().filter(pk=pk).first()
    file = item.attachments.filter(pk=file_id).first() if item else None
    if file is None:
        return _not_found(request, "该附件不存在,或所属政策解读未公开。")
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    response = FileResponse(handle, as_attachment=True, filename=file.original_name, content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@public_page
def good_practice(request):
    page = _page(request, GoodPractice.objects.public().select_related("measure__section"))
    return render(request, "disclosure/good_practice.html", {"nav": "good", "page_obj": page})


@public_page
def exposures(request):
    return render(request, "disclosure/exposures.html", {"nav": "exposures", "cases": exposed_cases()})


@public_page
def replies(request):
    page = _page(request, selectors.public_replies())
    return render(request, "disclosure/replies.html", {"nav": "replies", "page_obj": page})


@public_page
def feedback_thanks(request):
    return render(request, "disclosure/feedback_thanks.html", {"nav": "feedback"})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request):
    """社会监督: anyone may report a problem; plain text, limited in size and per address."""
    measures = selectors.public_measures(selectors.live_publication())
    if request.method != "POST":
        wanted = parse_id(request.GET.get("measure"), "measure")
        initial = {"measure": wanted} if any(m["id"] == wanted for m in measures) else {}
        form = FeedbackForm(measures=measures, initial=initial)
        return _strict(render(request, "disclosure/feedback.html", {"nav": "feedback", "form": form}))
    form = FeedbackForm(request.POST, measures=measures)
    status = 400
    if form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("public-feedback-thanks")  # a bot: thank it, keep nothing
        measure_id = form.cleaned_data["measure"]
        try:
            services.receive_feedback(
                content=form.cleaned_data["content"],
                contact=form.cleaned_data["contact"],
                measure_id=measure_id,
                client_address=request.META.get("REMOTE_ADDR", ""),
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("public-feedback-thanks")
    context = {"nav": "feedback", "form": form}
    return _strict(render(request, "disclosure/feedback.html", context, status=status))
