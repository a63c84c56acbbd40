"""Where a form may send the user back to: only a path on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """The `next` field or parameter when it points into this site, else `default`.
    `//evil.example/x` starts with "/" yet leaves the site: Django's check catches it."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default
