"""The client's address when requests arrive through a proxy."""

from django.conf import settings


def client_address(request) -> str | None:
    """The address the trusted proxy saw: the right-most X-Forwarded-For entry when the request
    comes from one of TRUSTED_PROXIES (nginx on the same machine), else the peer's address.
    Entries further left were written by the client and are not believed."""
    peer = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if peer in settings.TRUSTED_PROXIES and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return peer
