"""Who may read the API: logged-in users by session or token, nobody anonymously."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = ["document", "section", "measure", "unit", "group"]


def detail_urls(plan):
    from units.models import Unit, UnitGroup

    measure = plan.measures.get(number=2)
    return [
        reverse("v1:document-detail", args=[plan.pk]),
        reverse("v1:section-detail", args=[measure.section_id]),
        reverse("v1:measure-detail", args=[measure.pk]),
        reverse("v1:unit-detail", args=[Unit.objects.get(name="市税务局").pk]),
        reverse("v1:group-detail", args=[UnitGroup.objects.get(name="各区市县").pk]),
    ]


def all_urls(plan):
    return [reverse("v1:api-root")] + [reverse(f"v1:{name}-list") for name in LIST_ENDPOINTS] + detail_urls(plan)


def test_anonymous_client_is_refused_on_every_endpoint(client, plan):
    for url in all_urls(plan):
        response = client.get(url)
        assert response.status_code in (401, 403), url
        assert "detail" in response.json()


def test_invalid_token_is_refused(client, plan):
    response = client.get(reverse("v1:measure-list"), HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code in (401, 403)


def test_logged_in_user_reads_every_endpoint(client, plan, office_reviewer):
    client.force_login(office_reviewer)
    for url in all_urls(plan):
        assert client.get(url).status_code == 200, url


def test_token_authenticates_without_a_session(client, outsider):
    token = Token.objects.create(user=outsider)
    response = client.get(reverse("v1:measure-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["count"] == 27


def test_token_endpoint_exchanges_password_for_a_working_token(client, office_reviewer):
    response = client.post(reverse("v1:token"), {"username": "office_reviewer", "password": "x-Passw0rd-x"})
    assert response.status_code == 200
    key = response.json()["token"]
    assert key == Token.objects.get(user=office_reviewer).key
    assert client.get(reverse("v1:unit-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_token_endpoint_rejects_a_wrong_password(client, office_reviewer):
    response = client.post(reverse("v1:token"), {"username": "office_reviewer", "password": "wrong"})
    assert response.status_code == 400
    assert not Token.objects.filter(user=office_reviewer).exists()


def test_token_endpoint_refuses_even_the_right_password_after_repeated_failures(client, office_reviewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("v1:token"), {"username": "office_reviewer", "password": "wrong"})
    response = client.post(reverse("v1:token"), {"username": "office_reviewer", "password": "x-Passw0rd-x"})
    assert response.status_code == 400
    assert not Token.objects.filter(user=office_reviewer).exists()


def test_a_username_longer_than_any_account_is_a_400_naming_the_field(client, db):
    """Found by tests/api/test_fuzz.py: django-axes recorded the failed login with the whole
    username in a 255-character column, and PostgreSQL refused it (500)."""
    response = client.post(reverse("v1:token"), {"username": "用" * 300, "password": "wrong"})
    assert response.status_code == 400
    assert "username" in response.json()


# As a WSGI server hands them over: header bytes decoded as Latin-1.
@pytest.mark.parametrize("key", ["a\x00b", "x" * 41, "令牌".encode().decode("latin-1")])
def test_a_malformed_token_is_refused_not_a_500(client, db, key):
    """A NUL in the token reached the database, which cannot hold one: 500 (found probing the
    headers the fuzz test sends)."""
    response = client.get(reverse("v1:unit-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403


def test_a_malformed_session_cookie_is_an_anonymous_visitor_not_a_500(client, db):
    """A NUL in the session cookie reached the database too, on every page and the API."""
    client.cookies["sessionid"] = "abcdefgh\x00ij"
    assert client.get(reverse("v1:unit-list")).status_code == 403
    assert client.get(reverse("plan")).status_code == 302  # to the login page
