"""reform.wsgi plus one trivial view, for bench/table.py only (never deployed).

/bench/trivial/ answers "ok" through the whole middleware stack (sessions, CSRF, CSP, client
address …) with no template and no query: the floor every page in the table is compared to.
"""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()


def trivial(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def install() -> None:
    """Put /bench/trivial/ in front of the project's URLs, in this process only."""
    from django.urls import clear_url_caches, path

    from reform import urls

    if not any(getattr(p, "name", None) == "bench-trivial" for p in urls.urlpatterns):
        urls.urlpatterns.insert(0, path("bench/trivial/", trivial, name="bench-trivial"))
        clear_url_caches()


install()
