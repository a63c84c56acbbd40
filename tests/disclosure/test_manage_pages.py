"""社会公开管理 through its pages: publish with a preview, write and publish an interpretation,
turn a reviewer's good-practice mark into a public text, refuse bad input with a message."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure.models import GoodPractice, PolicyInterpretation, Publication, PublicState
from ledger import services as ledger

from .conftest import PUBLISHED, report


def test_the_office_previews_then_publishes_and_the_public_reads_it(
    client, plan, periods, lead_reporter, office_reviewer
):
    approved = report(lead_reporter, plan.measures.get(number=2), periods[0], progress=PUBLISHED["approved_text"])
    ledger.review_report(office_reviewer, approved, "approved", "")
    client.force_login(office_reviewer)
    preview = client.get(reverse("disclosure-publish") + "?as_of=2019-03-20").content.decode()
    assert PUBLISHED["approved_text"][:20] in preview and Publication.objects.count() == 0
    response = client.post(reverse("disclosure-publish"), {"as_of": "2019-03-20", "note": "三月"})
    assert response.status_code == 302 and Publication.objects.get().published_by == office_reviewer
    client.logout()
    assert (
        PUBLISHED["approved_text"] in client.get(reverse("public-measure", args=[approved.measure_id])).content.decode()
    )


def test_a_bad_date_is_refused_with_a_message(client, plan, office_reviewer):
    client.force_login(office_reviewer)
    assert client.get(reverse("disclosure-publish") + "?as_of=2019-13-01").status_code == 400
    response = client.post(reverse("disclosure-publish"), {"as_of": "2019-03-21"})
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    response = client.post(reverse("disclosure-publish"), {"as_of": "三月"})
    assert "不是有效日期" in response.content.decode() and Publication.objects.count() == 0


def test_withdrawing_through_the_page_needs_a_reason(client, plan, office_reviewer):
    client.force_login(office_reviewer)
    client.post(reverse("disclosure-publish"), {"as_of": "2019-03-20"})
    publication = Publication.objects.get()
    url = reverse("publication-withdraw", args=[publication.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "数据有误"}).status_code == 302
    publication.refresh_from_db()
    assert publication.withdrawn and publication.withdrawn_by == office_reviewer


def test_an_interpretation_is_written_given_a_file_and_published(client, plan, office_reviewer):
    client.force_login(office_reviewer)
    measure = plan.measures.get(number=2)
    response = client.post(
        reverse("interpretation-new"), {"title": "解读", "issuer": "市营商办", "text": "正文", "measures": [measure.pk]}
    )
    item = PolicyInterpretation.objects.get()
    assert response["Location"] == reverse("interpretation-edit", args=[item.pk])
    client.post(reverse("interpretation-attach", args=[item.pk]), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert item.attachments.count() == 1
    assert client.get(reverse("public-interpretation", args=[item.pk])).status_code == 404
    client.post(reverse("interpretation-publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.state == PublicState.PUBLISHED and item.published_by == office_reviewer
    page = client.get(reverse("public-interpretation", args=[item.pk])).content.decode()
    assert "正文" in page and "a.pdf" in page and measure.title in page
    # Published: the edit form is gone and a direct post changes nothing.
    client.post(reverse("interpretation-edit", args=[item.pk]), {"title": "改", "text": "改"})
    assert PolicyInterpretation.objects.get().title == "解读"


def test_markup_in_an_interpretation_is_shown_as_text(client, plan, office_reviewer):
    client.force_login(office_reviewer)
    client.post(reverse("interpretation-new"), {"title": "<b>t</b>", "text": "<script>alert(1)</script>"})
    item = PolicyInterpretation.objects.get()
    client.post(reverse("interpretation-publish", args=[item.pk]))
    page = client.get(reverse("public-interpretation", args=[item.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_good_practice_from_a_reviewers_mark_to_the_public(client, plan, periods, lead_reporter, office_reviewer):
    review = ledger.review_report(
        office_reviewer, report(lead_reporter, plan.measures.get(number=2), periods[0]), "approved", "内部意见",
        good_practice=True,
    )  # fmt: skip
    client.force_login(office_reviewer)
    assert f'data-candidate="{review.pk}"' in client.get(reverse("disclosure")).content.decode()
    client.post(reverse("good-practice-start", args=[review.pk]))
    item = GoodPractice.objects.get()
    client.post(reverse("good-practice-edit", args=[item.pk]), {"title": "一网通办", "text": "公开的文字"})
    client.post(reverse("good-practice-publish", args=[item.pk]))
    page = client.get(reverse("public-good-practice")).content.decode()
    assert "公开的文字" in page and "内部意见" not in page and "市工商局" in page


def test_the_feedback_list_costs_the_same_queries_for_one_or_many_rows(
    client, plan, office_reviewer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disclosure import services

    measure = plan.measures.get(number=2)

    def send(n):
        for i in range(n):
            services.receive_feedback(
                content=f"反映{i}", contact="", measure_id=measure.pk, client_address=f"10.0.0.{i}"
            )

    send(1)
    client.force_login(office_reviewer)
    client.get(reverse("feedback-list"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("feedback-list")).status_code == 200
    send(4)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("feedback-list")).status_code == 200
