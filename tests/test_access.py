"""Every page needs a login: walk the URL patterns so a new page without a rule fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The public site (/public/, 社会公开) needs no login: tests/disclosure/test_leaks.py walks every one of
# these as an anonymous visitor and checks nothing internal shows.
PUBLIC_SITE = {
    "public-index",
    "public-plan",
    "public-measure",
    "public-interpretations",
    "public-interpretation",
    "public-attachment",
    "public-good-practice",
    "public-exposures",
    "public-replies",
    "public-feedback",
    "public-feedback-thanks",
}
PUBLIC = {"login", "logout", "health"} | PUBLIC_SITE


def named_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "v1"):  # the admin and the API have their own rules and tests
                continue
            yield from named_patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def url_for(pattern):
    args = [1] * len(pattern.pattern.regex.groupindex) if pattern.pattern.regex.groupindex else []
    return reverse(pattern.name, args=args)


PAGES = [p for p in named_patterns() if p.name not in PUBLIC]


@pytest.mark.parametrize("pattern", PAGES, ids=[p.name for p in PAGES])
def test_anonymous_users_are_sent_to_login(client, plan, pattern):
    url = url_for(pattern)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_list_is_not_empty():
    assert {"plan", "measure-detail", "unit-list", "unit-detail", "document-plan"} <= {p.name for p in PAGES}
