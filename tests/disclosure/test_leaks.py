"""Nothing internal reaches the public site: every public URL pattern — walked from the URLconf
under /public/, with every id that exists filled in, plus every link those pages show — is
requested anonymously after a publication, and none may show a draft, a returned version, a
review comment, an own-unit reason, problems or next steps, an unpublished or withdrawn
interpretation or good practice, unpublished feedback or a reply kept private, a sender's contact,
a supervision outcome not exposed (or exposed and taken back), a decision document, a finding's
problem, an interviewee or interview notes, a username, an internal link or an internal code."""

import html
import itertools
import re
from collections import deque

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import User
from disclosure import services
from disclosure.models import Feedback, GoodPractice, InterpretationAttachment, PolicyInterpretation
from ledger.models import Evidence
from measures.models import Measure

from ..ledger.test_no_raw_codes import enum_codes, visible_text
from ..test_access import PUBLIC_SITE
from .conftest import PUBLISHED, SECRETS


def public_patterns():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "public/":
            for inner in pattern.url_patterns:
                assert isinstance(inner, URLPattern) and inner.name, "every public route is named"
                yield inner


def every_url():
    """Each public pattern with every id of every table that could be asked for."""
    ids = sorted(
        set(Measure.objects.values_list("pk", flat=True))
        | set(PolicyInterpretation.objects.values_list("pk", flat=True))
        | set(GoodPractice.objects.values_list("pk", flat=True))
        | set(Feedback.objects.values_list("pk", flat=True))
    )
    files = list(InterpretationAttachment.objects.values_list("pk", flat=True)) + list(
        Evidence.objects.values_list("pk", flat=True)
    )
    for pattern in public_patterns():
        names = list(pattern.pattern.regex.groupindex)
        if not names:
            yield pattern.name, reverse(pattern.name)
        elif names == ["pk"]:
            for pk in ids:
                yield pattern.name, reverse(pattern.name, kwargs={"pk": pk})
        elif names == ["pk", "file_id"]:
            for pk, file_id in itertools.product(PolicyInterpretation.objects.values_list("pk", flat=True), files):
                yield pattern.name, reverse(pattern.name, kwargs={"pk": pk, "file_id": file_id})
        else:
            raise AssertionError(f"teach this test the arguments of {pattern.name}: {names}")


def public_links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="(/public/[^"#]*)"', page)]


def leaks(page: str) -> list[str]:
    found = [f"secret {key}" for key, word in SECRETS.items() if word in page]
    found += [f"username {name}" for name in User.objects.values_list("username", flat=True) if name in page]
    internal = r'href="(/(?:evidence|reports|admin|disclosure|supervision)/[^"]*)"'
    found += [f"link {link}" for link in re.findall(internal, page)]
    text = visible_text(page)
    found += [
        f"code {code}"
        for code in enum_codes() | {"draft", "published", "withdrawn", "new", "closed", "finding"}
        if re.search(rf"(?<![A-Za-z0-9_]){code}(?![A-Za-z0-9_])", text)
    ]
    return found


def test_every_public_route_is_declared_public():
    assert {p.name for p in public_patterns()} == PUBLIC_SITE


def test_no_public_url_shows_anything_internal(client, everything):
    answered, problems, seen = {}, {}, set()
    queue = deque(every_url())
    pages = []
    while queue:
        name, url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        answered.setdefault(name, set()).add(response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        page = body.decode("utf-8", errors="replace")
        pages.append(page)
        if found := leaks(page):
            problems[url] = found
        queue.extend((resolve(link.split("?")[0]).url_name, link) for link in public_links(page))
    assert problems == {}
    assert {name for name, statuses in answered.items() if 200 in statuses} == PUBLIC_SITE
    everything_shown = "".join(pages)
    assert [key for key, word in PUBLISHED.items() if word not in everything_shown] == []
    assert len(seen) > 50


def test_nothing_is_public_before_the_first_publication(client, plan, periods, lead_reporter, office_reviewer):
    from .conftest import report

    approved = report(lead_reporter, plan.measures.get(number=2), periods[0], progress=PUBLISHED["approved_text"])
    from ledger import services as ledger

    ledger.review_report(office_reviewer, approved, "approved", "")
    for name in ("public-index", "public-plan"):
        page = client.get(reverse(name)).content.decode()
        assert "尚未发布任何公开内容" in page and PUBLISHED["approved_text"] not in page
    assert client.get(reverse("public-measure", args=[approved.measure_id])).status_code == 404


def test_withdrawing_the_publication_takes_it_off_the_site(client, everything, office_reviewer):
    measure_url = reverse("public-measure", args=[everything["measure"].pk])
    assert PUBLISHED["approved_text"] in client.get(measure_url).content.decode()
    services.withdraw_publication(user=office_reviewer, publication=everything["publication"], reason="数据有误")
    assert client.get(measure_url).status_code == 404
    plan_page = client.get(reverse("public-plan")).content.decode()
    assert "尚未发布任何公开内容" in plan_page and PUBLISHED["approved_text"] not in plan_page


def test_a_withdrawn_interpretation_and_its_files_are_gone(client, everything, office_reviewer):
    item, attachment = everything["interpretation"], everything["attachment"]
    file_url = reverse("public-attachment", args=[item.pk, attachment.pk])
    assert client.get(file_url).status_code == 200
    services.withdraw_item(user=office_reviewer, item=item, reason="已过时")
    assert client.get(reverse("public-interpretation", args=[item.pk])).status_code == 404
    assert client.get(file_url).status_code == 404
    assert PUBLISHED["interpretation"] not in client.get(reverse("public-interpretations")).content.decode()


@pytest.mark.parametrize("name", ["public-index", "public-plan", "public-interpretations", "public-good-practice"])
def test_logged_in_staff_see_the_same_public_page_as_anyone(client, everything, office_reviewer, name):
    anonymous = client.get(reverse(name)).content.decode()
    client.force_login(office_reviewer)
    assert client.get(reverse(name)).content.decode() == anonymous
