"""Errors speak Chinese, look like the site and lead somewhere: 403, 404, 500, a failed CSRF
check and error messages (they were bare English pages and unstyled text)."""

from django.test import Client
from django.urls import reverse


def test_a_missing_page_is_a_chinese_page_with_navigation(client, lead_reporter):
    for user in (None, lead_reporter):
        if user:
            client.force_login(user)
        response = client.get("/no-such-page/")
        page = response.content.decode()
        assert response.status_code == 404
        assert "页面不存在" in page and reverse("plan") in page and "Not Found" not in page


def test_a_refusal_says_why_in_chinese(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and "看板仅供" in page and "navbar" in page and "Forbidden" not in page


def test_a_failed_csrf_check_explains_itself(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode() and "CSRF" not in response.content.decode()


def test_a_server_error_is_a_chinese_page(client, lead_reporter, monkeypatch):
    from measures import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.PlanView, "get", broken)
    client.raise_request_exception = False
    client.force_login(lead_reporter)
    response = client.get(reverse("plan"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in page and "Server Error" not in page
