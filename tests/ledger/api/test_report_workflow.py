"""A report's whole life through the API: opened, saved, submitted, returned, revised, approved."""

from ledger.models import ProgressReport

from . import open_report, patch, report_url, review, submit


def test_report_is_returned_revised_as_version_2_and_approved(client, lead_reporter, office_reviewer, measure, period):
    target = measure.targets.get(value="8.5")
    client.force_login(lead_reporter)

    created = open_report(client, measure, period)
    assert created.status_code == 201, created.content
    first = created.json()
    assert (first["state"], first["version"], first["previous"]) == ("draft", 1, None)
    assert created["Location"] == report_url("detail", first["id"])
    assert created["ETag"] == f'"{first["lock_version"]}"'

    saved = patch(
        client,
        first["id"],
        {
            "status": "on_track",
            "progress": "梳理企业开办环节。",
            "next_steps": "推行全程电子化。",
            "actuals": [{"target": target.pk, "value": "7", "as_of": "2019-02-28"}],
        },
        if_match=created["ETag"],
    )
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] != created["ETag"]
    assert saved.json()["actuals"] == [{"target": target.pk, "value": "7.00", "as_of": "2019-02-28"}]

    sent = submit(client, first["id"], if_match=saved["ETag"])
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "submitted" and sent.json()["submitted_at"]

    client.force_login(office_reviewer)
    returned = review(client, first["id"], "return", comment="请补充企业开办时间的实际数据。")
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert (body["state"], body["state_label"]) == ("returned", "已退回")
    assert body["review"]["comment"] == "请补充企业开办时间的实际数据。"
    assert body["review"]["reviewer"] == "office_reviewer"

    client.force_login(lead_reporter)
    reopened = open_report(client, measure, period)
    assert reopened.status_code == 201, reopened.content
    second = reopened.json()
    assert (second["state"], second["version"], second["previous"]) == ("draft", 2, first["id"])
    assert second["progress"] == "梳理企业开办环节。"  # the new version starts from the returned text
    assert second["actuals"] == [{"target": target.pk, "value": "7.00", "as_of": "2019-02-28"}]
    assert second["review"] is None

    revised = patch(client, second["id"], {"progress": "企业开办时间已压缩至 3 个工作日。"}, if_match=reopened["ETag"])
    assert revised.status_code == 200, revised.content
    assert submit(client, second["id"], if_match=revised["ETag"]).status_code == 200

    client.force_login(office_reviewer)
    approved = review(client, second["id"], "approve", good_practice=True)
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    assert approved.json()["review"]["good_practice"] is True

    history = ProgressReport.objects.filter(measure=measure, period=period).order_by("version")
    assert [(r.version, r.state) for r in history] == [(1, "returned"), (2, "approved")]
    assert history[0].progress == "梳理企业开办环节。"  # version 1 stays as it was returned


def test_opening_a_report_that_already_has_a_draft_returns_that_draft(client, lead_reporter, measure, period):
    client.force_login(lead_reporter)
    first = open_report(client, measure, period)
    again = open_report(client, measure, period)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert ProgressReport.objects.filter(measure=measure, period=period).count() == 1


def test_leader_signs_off_what_the_reporter_submits_when_sign_off_is_required(
    client, settings, lead_reporter, lead_leader, draft
):
    settings.REQUIRE_LEADER_SIGNOFF = True
    client.force_login(lead_reporter)
    asked = submit(client, draft.pk, if_match=f'"{draft.lock_version}"')
    assert asked.status_code == 200, asked.content
    assert asked.json()["state"] == "awaiting_signoff"

    client.force_login(lead_leader)
    signed = submit(client, draft.pk, if_match=asked["ETag"])
    assert signed.status_code == 200, signed.content
    assert signed.json()["state"] == "submitted"


def test_detail_lists_evidence_with_its_download_address(client, lead_reporter, draft):
    from ledger.models import Evidence

    evidence = Evidence.objects.create(
        report=draft,
        file="evidence/2019/03/abc",
        original_name="营业执照.pdf",
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
        uploaded_by=lead_reporter,
    )
    client.force_login(lead_reporter)
    response = client.get(report_url("detail", draft.pk))
    assert response.status_code == 200
    assert response["ETag"] == f'"{draft.lock_version}"'
    assert response.json()["evidence"] == [
        {
            "id": evidence.pk,
            "original_name": "营业执照.pdf",
            "size": 1234,
            "content_type": "application/pdf",
            "download_url": f"/evidence/{evidence.pk}/",
        }
    ]
