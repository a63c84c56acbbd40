"""Every HTML page carries a Content-Security-Policy under which no inline script runs."""

import re

import pytest
from django.urls import reverse

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def inline_scripts_without_nonce(html: str, nonce: str) -> list[str]:
    found = []
    for attrs, body in SCRIPT.findall(html):
        if "src=" in attrs or 'type="application/json"' in attrs or f'nonce="{nonce}"' in attrs:
            continue
        if body.strip():
            found.append(body.strip()[:80])
    return found


def policy_nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    return re.search(r"'nonce-([^']+)'", policy).group(1)


@pytest.mark.parametrize(
    "url_name",
    ["plan", "my-tasks", "dashboard", "dashboard-map", "dashboard-ranking", "v1:docs", "admin:index"],
)
def test_pages_forbid_inline_scripts_without_the_request_nonce(client, administrator, url_name):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    response = client.get(reverse(url_name), follow=True)
    assert response.status_code == 200
    assert inline_scripts_without_nonce(response.content.decode(), policy_nonce(response)) == []


def test_the_nonce_changes_with_every_request(client, db):
    first = policy_nonce(client.get(reverse("login")))
    assert first != policy_nonce(client.get(reverse("login")))


def test_json_answers_carry_no_page_policy(client, db):
    assert "Content-Security-Policy" not in client.get("/api/v1/measures/")
