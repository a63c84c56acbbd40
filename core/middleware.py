"""Request middleware shared by every page."""

from .logs import REQUEST_ID, new_request_id, valid_request_id


class RequestIdMiddleware:
    """Gives each request an id — the proxy's X-Request-ID when it is a plain short token, else
    a new one — and puts it on the response and in every log record made while it runs.
    First in MIDDLEWARE, so redirects and errors made by later middleware carry it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = valid_request_id(request.headers.get("X-Request-ID")) or new_request_id()
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response
