"""Content-Security-Policy for every HTML page.

Scripts run only from our own origin (Bootstrap and ECharts are vendored under static/) or
when they carry this request's nonce, so injected markup cannot run code even if an escape
were ever missed. Styles allow inline attributes: ECharts and Django's admin write them, and
a style cannot run code.
"""

import secrets

from django.utils.functional import SimpleLazyObject

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = SimpleLazyObject(lambda: secrets.token_urlsafe(16))
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = POLICY.format(nonce=request.csp_nonce)
        return response


def nonce(request):
    """Template context: `{{ csp_nonce }}` for the rare inline <script nonce="…">."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
