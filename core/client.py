"""The client's real address, resolved once at the edge of every request.

Behind the TLS proxy every request comes from the proxy's address. When the direct peer is a
configured trusted proxy (TRUSTED_PROXIES), the client is the right-most address in
X-Forwarded-For that is not itself a trusted proxy: anything further left was written by the
client and can be forged. The answer replaces REMOTE_ADDR and the header is dropped, so the
lockout (django-axes), the audit log and our logs all read the same, unforgeable address.
"""

import ipaddress

from django.conf import settings


def _networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: str) -> str:
    networks = _networks()
    if not _is_trusted(peer, networks):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from the client: fall back to the proxy, never trust it
    return peer


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded_for = request.META.pop("HTTP_X_FORWARDED_FOR", "")
        request.META["REMOTE_ADDR"] = client_address(request.META.get("REMOTE_ADDR", ""), forwarded_for)
        return self.get_response(request)
