"""Which address is the client's: only a trusted proxy's X-Forwarded-For is believed."""

import pytest

from core.client import client_address


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "10.0.0.1", "203.0.113.9"),  # not a proxy: its header is ignored
        ("127.0.0.1", "", "127.0.0.1"),  # local request without a header
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # left part written by the client
        ("127.0.0.1", "198.51.100.7, 127.0.0.1", "198.51.100.7"),  # a chain of trusted proxies
        ("127.0.0.1", "<script>", "127.0.0.1"),  # garbage never becomes an address
        ("::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address(peer, forwarded, expected, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert client_address(peer, forwarded) == expected
