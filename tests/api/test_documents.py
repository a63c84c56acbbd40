"""Documents carry their full text only in detail; sections can be narrowed to one document."""

import pytest
from django.urls import reverse


@pytest.fixture
def api(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def test_document_list_leaves_out_the_full_text(api, plan):
    [document] = api.get(reverse("v1:document-list")).json()["results"]
    assert document["title"] == plan.title
    assert "full_text" not in document


def test_document_detail_includes_the_full_text(api, plan):
    document = api.get(reverse("v1:document-detail", args=[plan.pk])).json()
    assert document["full_text"] == plan.full_text
    assert "压缩企业开办时间" in document["full_text"]


def test_sections_of_a_document_come_in_order_with_their_part(api, plan):
    sections = api.get(reverse("v1:section-list"), {"document": plan.pk}).json()["results"]
    assert [s["numeral"] for s in sections] == ["四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    assert (sections[0]["part"], sections[-1]["part_label"]) == ("measures", "保障措施")


def test_sections_of_an_unknown_document_give_400(api, plan):
    response = api.get(reverse("v1:section-list"), {"document": 999_999})
    assert response.status_code == 400
    assert "document" in response.json()
