"""Logging in, out, and being locked out after repeated failures."""

import pytest
from django.urls import reverse


@pytest.fixture
def reporter(lead_reporter):
    return lead_reporter


def test_login_page_is_in_chinese_and_logs_the_user_in(client, reporter):
    page = client.get(reverse("login")).content.decode()
    assert "登录督办台账" in page and "用户名" in page
    response = client.post(reverse("login"), {"username": "lead_reporter", "password": "x-Passw0rd-x"})
    assert response.status_code == 302 and response["Location"] == reverse("plan")


def test_wrong_password_shows_a_chinese_error(client, reporter):
    response = client.post(reverse("login"), {"username": "lead_reporter", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_account_is_locked_after_ten_failures(client, reporter):
    for _ in range(10):
        client.post(reverse("login"), {"username": "lead_reporter", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "lead_reporter", "password": "x-Passw0rd-x"})
    assert response.status_code == 429
    assert "账号已临时锁定" in response.content.decode()


def test_logout_needs_a_post_and_returns_to_login(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("plan")).status_code == 302


PROXY = "127.0.0.1"  # the nginx of deploy/, a trusted proxy by default


def login(client, username, password, client_ip, peer=PROXY, forwarded=None):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded if forwarded is not None else client_ip,
    )


def test_failures_behind_the_proxy_lock_one_user_at_one_address_not_everyone(client, reporter, co_reporter):
    for _ in range(10):
        login(client, "co_reporter", "wrong", "198.51.100.7")
    assert login(client, "co_reporter", "x-Passw0rd-x", "198.51.100.7").status_code == 429
    # The same user from another address, and another user from the attacker's address, get in.
    assert login(client, "co_reporter", "x-Passw0rd-x", "198.51.100.8").status_code == 302
    client.logout()
    assert login(client, "lead_reporter", "x-Passw0rd-x", "198.51.100.7").status_code == 302


def test_a_client_cannot_escape_the_lock_by_forging_forwarded_for(client, reporter):
    for n in range(10):
        login(client, "lead_reporter", "wrong", None, peer="203.0.113.9", forwarded=f"10.0.0.{n}")
    response = login(client, "lead_reporter", "x-Passw0rd-x", None, peer="203.0.113.9", forwarded="10.9.9.9")
    assert response.status_code == 429


def test_the_proxy_appended_address_counts_not_what_the_client_wrote(client, reporter):
    for n in range(10):
        login(client, "lead_reporter", "wrong", None, forwarded=f"10.0.0.{n}, 198.51.100.7")
    assert login(client, "lead_reporter", "x-Passw0rd-x", "198.51.100.7").status_code == 429


def test_failures_during_the_lock_do_not_extend_it(client, reporter, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    for _ in range(10):
        login(client, "lead_reporter", "wrong", "198.51.100.7")
    time_machine.move_to("2026-03-02 09:50 +0800", tick=False)
    for _ in range(5):
        assert login(client, "lead_reporter", "wrong", "198.51.100.7").status_code == 429
    time_machine.move_to("2026-03-02 10:01 +0800", tick=False)
    assert login(client, "lead_reporter", "x-Passw0rd-x", "198.51.100.7").status_code == 302


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_a_username_longer_than_any_account_is_refused_on_the_form_not_a_500(client, db, url_name):
    """django-axes records every failed login with its username; one longer than its column
    (255) was a 500 on the login pages and the token API alike (found by the API fuzz test)."""
    username = "用" * 300
    for _ in range(2):  # the first failure creates the record, the second updates it
        response = client.post(reverse(url_name), {"username": username, "password": "wrong"})
        assert response.status_code == 200
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().username == username[:255]
