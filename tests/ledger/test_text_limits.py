"""One text limit for the form, the API and the services, and a diff bounded in time.

Found by an attack: the API stored 2 MB of report text (the form capped 5,000), and the ledger
page diffed versions character by character: two 20,000-character versions cost 29 s a load."""

import time

import pytest
from django.urls import reverse

from ledger import services
from ledger.models import COMMENT_LIMIT, TEXT_LIMIT, ProgressReport
from ledger.selectors import text_diff

from .api import etag_of, patch


@pytest.mark.parametrize("field", ["progress", "problems", "next_steps"])
def test_the_api_refuses_text_longer_than_the_form_allows(client, lead_reporter, draft, field):
    client.force_login(lead_reporter)
    response = patch(client, draft.pk, {field: "字" * (TEXT_LIMIT + 1)}, if_match=etag_of(draft))
    assert response.status_code == 400 and list(response.json()) == [field]
    assert patch(client, draft.pk, {field: "字" * TEXT_LIMIT}, if_match=etag_of(draft)).status_code == 200


def test_the_service_refuses_it_too_whoever_calls(lead_reporter, draft):
    with pytest.raises(services.ServiceError, match=f"工作进展最多 {TEXT_LIMIT} 字"):
        services.save_report_draft(lead_reporter, draft, draft.lock_version, {"progress": "字" * (TEXT_LIMIT + 1)})


def test_a_review_comment_is_bounded_in_the_service(office_reviewer, submitted):
    with pytest.raises(services.ServiceError, match="审核意见最多"):
        services.review_report(office_reviewer, submitted, "returned", "意" * (COMMENT_LIMIT + 1))


def test_the_form_and_the_api_share_the_limit():
    from ledger.api import DraftSerializer
    from ledger.forms import ContentForm

    for field in ("progress", "problems", "next_steps"):
        assert ContentForm.base_fields[field].max_length == DraftSerializer().fields[field].max_length == TEXT_LIMIT


def sentences(n: int, seed: str) -> str:
    return "".join(f"{seed}第{i}项工作已按计划推进并完成阶段任务。" for i in range(n))


def test_a_diff_of_long_versions_is_fast_and_still_exact_where_it_matters():
    old = sentences(800, "甲")  # about 16,000 characters
    new = old.replace("甲第500项工作已按计划推进", "甲第500项工作已提前推进", 1)
    start = time.perf_counter()
    parts = text_diff(old, new + "新增一句。")
    assert time.perf_counter() - start < 0.5
    assert "".join(t for op, t in parts if op != "insert") == old
    assert "".join(t for op, t in parts if op != "delete") == new + "新增一句。"
    assert ("insert", "新增一句。") in parts
    assert ("insert", "提前") in parts and ("delete", "按计划") in parts  # short runs: by character


def test_a_diff_without_any_sentence_stop_is_bounded_too():
    old, new = "甲" * 20_000, "乙" * 20_000
    start = time.perf_counter()
    parts = text_diff(old, new)
    assert time.perf_counter() - start < 0.5
    assert "".join(t for op, t in parts if op == "insert") == new


def test_the_ledger_page_of_oversized_legacy_versions_loads_quickly(client, lead_reporter, office_reviewer, draft):
    # Rows stored before the limit existed: written around the services, as a 2 MB API call did.
    ProgressReport.objects.filter(pk=draft.pk).update(progress=sentences(1000, "甲"))  # 21,890 characters
    draft.refresh_from_db()
    first = services.submit_report(lead_reporter, draft, draft.lock_version)
    services.review_report(office_reviewer, first, "returned", "请补充")
    second = services.open_report(lead_reporter, first.measure, first.period)
    ProgressReport.objects.filter(pk=second.pk).update(progress=sentences(1000, "乙"))
    client.force_login(lead_reporter)
    start = time.perf_counter()
    response = client.get(reverse("measure-ledger", args=[first.measure_id]))
    assert response.status_code == 200 and "乙第999项" in response.content.decode()
    assert time.perf_counter() - start < 3


@pytest.mark.parametrize(
    "old, new",
    [
        ("a。" * 2500, "a。" * 2499 + "b。"),  # one sentence repeated: SequenceMatcher's worst case
        ("a。b。" * 1250, "b。a。" * 1250),
    ],
    ids=["one-sentence-repeated", "two-sentences-swapped"],
)
def test_adversarial_sentences_within_the_limit_stay_cheap(old, new):
    start = time.perf_counter()
    text_diff(old, new)
    assert time.perf_counter() - start < 0.5
