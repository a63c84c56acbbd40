"""The ranking across documents (?document=all): the same rules over every active document's
monitored measures in one engine call, equal to merging each unit's items from every
document's own ranking; published, withdrawn and rendered as a bulletin like a document's."""

import io
from collections import defaultdict
from datetime import date

import pytest
from django.db import reset_queries
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from dashboards.models import RankingSnapshot
from dashboards.ranking import COMPONENTS, _rank, _row, compute_ranking, publish, withdraw
from ledger import services
from measures.layouts import read_document
from measures.services import import_document
from measures.sources import read_source

from .test_ranking import formula

DAY = date(2019, 7, 10)

# A second plan: 市工商局 leads here too (and in the seed plan), 市金融办 only here.
SECOND = """某市2019年优化营商环境补充措施

一、深化商事制度改革
1.压减开办环节
（1）推行企业登记全程电子化。
牵头单位：市工商局
完成时限：2019年3月底前
（2）推行银行开户即时办理。
牵头单位：市金融办
完成时限：2019年5月底前
（3）推行电子营业执照跨部门应用。
牵头单位：市工商局
完成时限：2019年6月底前
"""


def import_text(text: str, name: str):
    return import_document(read_document(read_source(text.encode(), name))).document


@pytest.fixture
def second(plan):
    return import_text(SECOND, "second.txt")


def _order(item):
    return (item["document"], item["measure_id"], item["label"], item["due"], item["state"])


def test_the_ranking_of_all_documents_merges_each_units_items_from_every_document(plan, second, june):
    rules = formula(min_items=1, bottom_n=2)
    whole = compute_ranking(None, june, rules, DAY)
    merged, names = defaultdict(lambda: defaultdict(list)), {}
    for document in (plan, second):
        for row in compute_ranking(document, june, rules, DAY)["rows"]:
            names[row["unit_id"]] = row["unit"]
            for key, items in row["items"].items():
                merged[row["unit_id"]][key] += [{**item, "document": document.title} for item in items]
    expected = [_row(unit_id, names[unit_id], merged[unit_id], rules) for unit_id in names]
    notes = _rank(expected, rules.bottom_n)
    for rows in (expected, whole["rows"]):
        for row in rows:
            row["items"] = {key: sorted(row["items"][key], key=_order) for key in COMPONENTS}
    assert whole["rows"] == expected and whole["notes"] == notes
    industry = next(row for row in whole["rows"] if row["unit"] == "市工商局")
    assert {item["document"] for item in industry["items"]["milestones"]} == {plan.title, second.title}
    assert any(row["unit"] == "市金融办" for row in whole["rows"])  # leads only in the second plan
    assert whole["documents"] == [{"id": d.pk, "title": d.title} for d in (second, plan)]  # most recent first
    assert whole["document"] == "全部政策文件"
    overdue = {item["document"] for item in whole["overdue"]["市工商局"]}
    assert overdue == {plan.title, second.title}
    assert all(entry["document"] for entry in whole["targets_missed"] + whole["good_practice"])


def test_archived_documents_are_left_out(plan, second, june):
    second.archived_at = timezone.now()
    second.save(update_fields=["archived_at"])
    rules = formula(min_items=1)
    whole = compute_ranking(None, june, rules, DAY)
    own = compute_ranking(plan, june, rules, DAY)
    assert whole["documents"] == [{"id": plan.pk, "title": plan.title}]
    assert [(r["unit"], r["score"], r["rank"]) for r in whole["rows"]] == [
        (r["unit"], r["score"], r["rank"]) for r in own["rows"]
    ]


def test_a_documents_own_ranking_is_unchanged(plan, second, june):
    own = compute_ranking(plan, june, formula(min_items=1), DAY)
    assert own["document"] == plan.title and "documents" not in own
    items = [i for row in own["rows"] for rows in row["items"].values() for i in rows]
    assert items and not any("document" in i for i in items)
    assert not any("document" in i for rows in own["overdue"].values() for i in rows)


# Publishing, withdrawing, the bulletin


def test_all_documents_publish_withdraw_and_publish_again(plan, second, june, office_reviewer):
    snapshot = publish(office_reviewer, None, june, DAY)
    assert snapshot.document is None and str(snapshot).endswith("(全部政策文件)")
    assert [d["title"] for d in snapshot.data["documents"]] == [second.title, plan.title]
    with pytest.raises(services.ServiceError, match="全部政策文件的排名已发布"):
        publish(office_reviewer, None, june, DAY)
    own = publish(office_reviewer, plan, june, DAY)  # a document's own ranking is another scope
    assert own.document == plan
    snapshot.data = {}
    with pytest.raises(ValueError, match="不能修改"):
        snapshot.save()
    withdraw(office_reviewer, RankingSnapshot.objects.get(pk=snapshot.pk), "漏了一个文件")
    again = publish(office_reviewer, None, june, date(2019, 7, 12))
    assert set(RankingSnapshot.objects.live()) == {again, own}


def test_the_database_keeps_one_live_all_documents_ranking_per_period(plan, june, office_reviewer):
    from django.db import IntegrityError, transaction

    from dashboards.ranking import current_formula

    publish(office_reviewer, None, june, DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        RankingSnapshot.objects.create(
            document=None, period=june, formula=current_formula(), as_of=DAY, data={}, published_by=office_reviewer
        )


def test_the_office_publishes_through_the_page_and_reads_the_bulletin(plan, second, june, office_reviewer):
    client = Client()
    client.force_login(office_reviewer)
    page = client.get(reverse("dashboard-ranking"), {"document": "all", "as_of": "2019-07-10", "period": june.pk})
    html = page.content.decode()
    assert page.status_code == 200 and '<option value="all" selected>' in html
    assert plan.title in html and second.title in html and 'data-unit="市金融办"' in html
    publish_link = f"{reverse('ranking-publish')}?document=all&amp;period={june.pk}&amp;as_of=2019-07-10"
    assert publish_link in html
    params = {"document": "all", "period": june.pk, "as_of": "2019-07-10"}
    confirm = client.get(reverse("ranking-publish"), params).content.decode()
    assert "确认发布并冻结" in confirm and "全部政策文件" in confirm and 'name="document" value="all"' in confirm
    response = client.post(reverse("ranking-publish"), {**params, "confirm": "yes"})
    snapshot = RankingSnapshot.objects.get(document=None)
    assert response["Location"] == reverse("ranking-snapshot", args=[snapshot.pk])
    shown = client.get(reverse("dashboard-ranking"), params).content.decode()
    assert reverse("ranking-snapshot", args=[snapshot.pk]) in shown and publish_link not in shown
    unit_id = next(r["unit_id"] for r in snapshot.data["rows"] if r["unit"] == "市工商局")
    detail = client.get(reverse("ranking-unit", args=[snapshot.pk, unit_id])).content.decode()
    assert "data-item-document" in detail and plan.title in detail and second.title in detail
    bulletin = client.get(reverse("bulletin", args=[snapshot.pk])).content.decode()
    assert "全部政策文件" in bulletin and plan.title in bulletin and second.title in bulletin
    pdf = client.get(reverse("bulletin-pdf", args=[snapshot.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "综合排名" in text and "市金融办" in text and "推行银行开户即时办理" in text


def test_only_the_office_publishes_and_the_readers_read(
    plan, second, june, office_reviewer, supervisor, lead_reporter, administrator
):
    params = {"document": "all", "period": june.pk, "as_of": "2019-07-10"}
    snapshot = publish(office_reviewer, None, june, DAY)
    for reader in (office_reviewer, supervisor, administrator):
        client = Client()
        client.force_login(reader)
        assert client.get(reverse("dashboard-ranking"), params).status_code == 200
        assert client.get(reverse("ranking-snapshot", args=[snapshot.pk])).status_code == 200
        assert client.get(reverse("bulletin", args=[snapshot.pk])).status_code == 200
    for other in (supervisor, lead_reporter):
        client = Client()
        client.force_login(other)
        assert client.post(reverse("ranking-publish"), {**params, "confirm": "yes"}).status_code == 403
        assert client.post(reverse("ranking-withdraw", args=[snapshot.pk]), {"reason": "x"}).status_code == 403
    client = Client()
    client.force_login(lead_reporter)
    assert client.get(reverse("dashboard-ranking"), params).status_code == 403
    assert client.get(reverse("bulletin", args=[snapshot.pk])).status_code == 403


@pytest.mark.parametrize(
    ("url", "params", "says"),
    [
        ("dashboard-ranking", {"document": "alle"}, "参数 document"),
        ("dashboard-ranking", {"document": "all", "as_of": "2019-13-01"}, "参数 as_of"),
        ("dashboard-ranking", {"document": "all", "period": "x"}, "参数 period"),
        ("dashboard", {"document": "all"}, "参数 document"),  # a single document's board
        ("ranking-publish", {"document": "all", "period": "x", "as_of": "2019-07-10"}, "参数 period"),
        ("ranking-publish", {"document": "all", "period": "june"}, "参数 as_of"),
    ],
)
def test_bad_parameters_are_a_400_that_says_which(plan, june, office_reviewer, url, params, says):
    client = Client()
    client.force_login(office_reviewer)
    response = client.get(reverse(url), {name: june.pk if value == "june" else value for name, value in params.items()})
    assert response.status_code == 400 and says in response.content.decode()


def test_no_active_document_says_so(plan, office_reviewer):
    plan.archived_at = timezone.now()
    plan.save(update_fields=["archived_at"])
    client = Client()
    client.force_login(office_reviewer)
    response = client.get(reverse("dashboard-ranking"), {"document": "all"})
    assert response.status_code == 200 and "没有未归档的政策文件" in response.content.decode()


def test_the_document_selector_and_the_programme_board_offer_it(plan, second, office_reviewer):
    client = Client()
    client.force_login(office_reviewer)
    ranking = client.get(reverse("dashboard-ranking"), {"as_of": "2019-07-10"}).content.decode()
    assert '<option value="all">全部文件' in ranking
    board = client.get(reverse("dashboard"), {"as_of": "2019-07-10"}).content.decode()
    assert 'value="all"' not in board  # the other boards show one document
    whole = client.get(reverse("dashboard-programme"), {"as_of": "2019-07-10"}).content.decode()
    assert f'href="{reverse("dashboard-ranking")}?document=all&amp;as_of=2019-07-10"' in whole


def test_the_query_count_does_not_grow_with_the_documents(
    plan, june, office_reviewer, django_assert_max_num_queries, django_assert_num_queries
):
    client = Client()
    client.force_login(office_reviewer)
    url = reverse("dashboard-ranking") + f"?document=all&as_of=2019-07-10&period={june.pk}"
    client.get(url)
    reset_queries()  # count in a fresh log: Django keeps only the last 9,000 queries
    with django_assert_max_num_queries(40) as one:
        assert client.get(url).status_code == 200
    queries = len(one.captured_queries)  # read now: it is a slice of the log, which is reset below
    second = import_text(SECOND, "second.txt")
    client.get(url)
    reset_queries()
    with django_assert_num_queries(queries):
        page = client.get(url).content.decode()
    assert second.title in page and 'data-unit="市金融办"' in page
    print(f"ranking of all documents: {queries} queries with one document and with two")
