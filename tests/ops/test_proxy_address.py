"""Behind nginx, failed logins are counted per client address, not for the proxy's."""

import pytest

from core.proxy import client_address


@pytest.mark.parametrize(
    "peer, forwarded, expected",
    [
        ("127.0.0.1", "10.20.1.7", "10.20.1.7"),  # nginx on the same machine
        ("127.0.0.1", "6.6.6.6, 10.20.1.7", "10.20.1.7"),  # the left entry came from the client
        ("10.20.1.8", "10.20.1.7", "10.20.1.8"),  # not a trusted proxy: its header is not believed
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxy_saw(rf, peer, forwarded, expected):
    request = rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def failed_logins(client, address, count):
    for _ in range(count):
        response = client.post(
            "/accounts/login/", {"username": f"nobody-{address}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address,
        )  # fmt: skip
    return response.status_code


def test_one_client_behind_the_proxy_does_not_lock_out_the_others(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    assert failed_logins(client, "10.20.1.7", 4) == 429  # this client is locked out …
    assert failed_logins(client, "10.20.1.9", 1) == 200  # … the next one behind the same proxy is not
