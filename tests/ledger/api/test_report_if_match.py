"""Two people editing one draft: every change carries the ETag it started from, and a stale
one is refused with the stored version shown, so no accepted save is lost."""

import pytest

from ledger import services

from . import etag_of, patch, report_url, submit


@pytest.fixture
def api(client, lead_reporter):
    client.force_login(lead_reporter)
    return client


def test_detail_sends_the_lock_version_as_a_quoted_etag(api, draft):
    response = api.get(report_url("detail", draft.pk))
    assert response["ETag"] == f'"{draft.lock_version}"'
    assert response.json()["lock_version"] == draft.lock_version


def test_save_from_a_stale_etag_is_refused_with_the_stored_version_and_changes_nothing(api, lead_leader, draft):
    stale = etag_of(draft)
    services.save_report_draft(lead_leader, draft, draft.lock_version, {"progress": "负责人改过的进展。"})

    response = patch(api, draft.pk, {"progress": "填报员手里的旧稿。"}, if_match=stale)

    assert response.status_code == 412
    body = response.json()
    assert "修改" in body["detail"]
    assert body["current"]["progress"] == "负责人改过的进展。"
    assert response["ETag"] == f'"{body["current"]["lock_version"]}"' != stale
    draft.refresh_from_db()
    assert draft.progress == "负责人改过的进展。"


def test_the_etag_from_a_412_lets_the_user_save_after_looking(api, lead_leader, draft):
    services.save_report_draft(lead_leader, draft, draft.lock_version, {"progress": "负责人改过的进展。"})
    refused = patch(api, draft.pk, {"progress": "合并后的进展。"}, if_match=etag_of(draft))
    retried = patch(api, draft.pk, {"progress": "合并后的进展。"}, if_match=refused["ETag"])
    assert retried.status_code == 200
    assert retried.json()["progress"] == "合并后的进展。"


def test_save_without_if_match_is_refused_as_precondition_required(api, draft):
    response = patch(api, draft.pk, {"progress": "没有带版本的修改。"})
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.progress != "没有带版本的修改。"


@pytest.mark.parametrize("header", ["*", "3", '"three"', '"1", "2"'])
def test_if_match_that_is_not_one_etag_is_refused(api, draft, header):
    response = patch(api, draft.pk, {"progress": "x"}, if_match=header)
    assert response.status_code == 428
    assert header in response.json()["detail"]


def test_a_weakened_etag_from_a_compressing_proxy_is_accepted(api, draft):
    response = patch(api, draft.pk, {"progress": "经代理保存。"}, if_match=f"W/{etag_of(draft)}")
    assert response.status_code == 200


def test_save_that_loses_a_race_after_the_etag_check_is_refused_too(api, lead_leader, draft, monkeypatch):
    save = services.save_report_draft

    def someone_saves_first(user, report, *args, **kwargs):
        save(lead_leader, report, report.lock_version, {"progress": "抢先保存的进展。"})
        return save(user, report, *args, **kwargs)

    monkeypatch.setattr(services, "save_report_draft", someone_saves_first)
    response = patch(api, draft.pk, {"progress": "落后一步的修改。"}, if_match=etag_of(draft))

    assert response.status_code == 412
    assert response.json()["current"]["progress"] == "抢先保存的进展。"
    draft.refresh_from_db()
    assert draft.progress == "抢先保存的进展。"


def test_submit_without_if_match_is_refused_and_the_report_stays_a_draft(api, draft):
    assert submit(api, draft.pk).status_code == 428
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_submit_from_a_stale_etag_is_refused_so_unseen_changes_are_not_sent(api, lead_leader, draft):
    stale = etag_of(draft)
    services.save_report_draft(lead_leader, draft, draft.lock_version, {"problems": "负责人补充的问题。"})
    response = submit(api, draft.pk, if_match=stale)
    assert response.status_code == 412
    assert response.json()["current"]["problems"] == "负责人补充的问题。"
    draft.refresh_from_db()
    assert draft.state == "draft"
