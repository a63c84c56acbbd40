"""The public pages: cacheable, under a strict policy, a constant number of queries, and a 4xx
in Chinese on bad input, never a 5xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure import services
from ledger import services as ledger
from supervision import services as supervision

from ..security.test_csp import SCRIPT
from .conftest import PUBLISHED, SECRETS, report, supervision_outcomes

# Queries per page, whatever the amount of published data (pinned: a page that starts querying
# per row fails here).
QUERIES = {
    "public-index": 6,  # publication; interpretations + measures + attachments; good practice; replies
    "public-plan": 1,  # the frozen publication holds the whole plan
    "public-measure": 6,
    "public-interpretations": 4,  # count, page, measures, attachments
    "public-interpretation": 3,
    "public-good-practice": 2,  # count, page
    "public-exposures": 2,  # exposed outcomes with their unit; the findings' measures
    "public-replies": 2,
    "public-feedback-thanks": 0,
    "public-feedback": 1,  # the publication, for the measures to choose from
}


def url_of(name, everything):
    if name == "public-measure":
        return reverse(name, args=[everything["measure"].pk])
    if name == "public-interpretation":
        return reverse(name, args=[everything["interpretation"].pk])
    return reverse(name)


def more_of_everything(plan, periods, lead_reporter, office_reviewer, supervisor, measure):
    """Ten more published interpretations with files and measures, good practice, replies, and
    five more findings and interviews with exposed outcomes."""
    for n in range(10):
        item = services.save_interpretation(
            user=office_reviewer,
            interpretation=None,
            title=f"解读{n}",
            issuer="",
            text="正文",
            measures=list(plan.measures.all()[:3]),
        )
        services.attach_file(
            user=office_reviewer, interpretation=item, uploaded=SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4")
        )
        services.publish_item(user=office_reviewer, item=item)
        feedback = services.receive_feedback(
            content="问题", contact="", measure_id=measure.pk, client_address=f"192.0.2.{n}"
        )
        services.close_feedback(
            user=office_reviewer, feedback=feedback, reply="答复", publish=True, public_summary="摘要"
        )
    for _ in range(5):
        supervision_outcomes(supervisor, lead_reporter.unit, measure)
    review = ledger.review_report(
        office_reviewer, report(lead_reporter, measure, periods[2]), "approved", "", good_practice=True
    )
    services.publish_item(user=office_reviewer, item=services.start_good_practice(user=office_reviewer, review=review))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_queries_are_pinned_and_do_not_grow_with_the_data(
    client, everything, plan, periods, lead_reporter, office_reviewer, supervisor, django_assert_num_queries, name
):
    url = url_of(name, everything)
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200
    more_of_everything(plan, periods, lead_reporter, office_reviewer, supervisor, everything["measure"])
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(set(QUERIES) - {"public-feedback"}))
def test_pages_are_cacheable_by_anyone_and_allow_no_inline_script_or_style(client, everything, name):
    response = client.get(url_of(name, everything))
    assert "public" in response["Cache-Control"] and "max-age=120" in response["Cache-Control"]
    assert not response.cookies  # nothing a shared cache could hand to someone else
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "nonce" not in policy
    page = response.content.decode()
    assert [body for attrs, body in SCRIPT.findall(page) if body.strip()] == []
    assert " style=" not in page and "<style" not in page


def test_a_signed_in_persons_copy_is_private(client, everything, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("public-plan"))
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_an_attachment_is_a_download_that_cannot_run(client, everything):
    item, attachment = everything["interpretation"], everything["attachment"]
    response = client.get(reverse("public-attachment", args=[item.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "/public/measures/999999/",
        "/public/interpretations/999999/",
        "/public/interpretations/1/files/999999/",
        "/public/measures/99999999999999999999999/",
    ],
)
def test_what_does_not_exist_is_a_404_in_chinese(client, everything, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "未找到" in response.content.decode() or "页面不存在" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1" * 30])
def test_any_page_number_answers(client, everything, page):
    assert client.get(f"/public/interpretations/?page={page}").status_code == 200
    assert client.get(f"/public/replies/?page={page}").status_code == 200


def test_public_pages_only_read(client, everything):
    assert client.post("/public/plan/").status_code in (403, 405)
    assert client.head("/public/plan/").status_code == 200


def test_the_index_names_the_as_of_day_and_links_every_section(client, everything):
    page = client.get("/public/").content.decode()
    assert "进展截至 2019-03-20" in page
    for name in ("public-plan", "public-interpretations", "public-good-practice", "public-exposures",
                 "public-replies", "public-feedback"):  # fmt: skip
        assert f'href="{reverse(name)}"' in page


def test_the_exposure_page_says_there_is_nothing_yet(client, db):
    assert "暂无曝光的案例" in client.get("/public/exposures/").content.decode()


def test_the_exposure_page_shows_what_supervision_exposed_and_no_more(client, everything, supervisor):
    page = client.get("/public/exposures/").content.decode()
    assert PUBLISHED["exposed"] in page and PUBLISHED["exposed_interview"] in page
    assert "通报批评" in page and "诫勉" in page and "决定日期 2019年3月19日" in page
    assert f"涉及举措 {everything['measure'].code}" in page and "暂无曝光的案例" not in page
    for key in ("unexposed_summary", "exposure_taken_back", "outcome_summary", "decision_document",
                "finding_problem", "interviewee", "interview_notes"):  # fmt: skip
        assert SECRETS[key] not in page, key
    assert "/supervision/" not in page
    # The office takes the exposure back: the case leaves the page.
    supervision.set_exposure(user=supervisor, outcome=everything["exposed_outcome"], exposed=False)
    assert PUBLISHED["exposed"] not in client.get("/public/exposures/").content.decode()
