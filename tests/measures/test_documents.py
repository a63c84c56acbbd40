"""Several plans side by side: pages open on the most recent active one, a selector reaches the
others, and the office archives a plan it no longer follows (audited, after a confirmation)."""

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from measures.layouts import read_document
from measures.models import PolicyDocument
from measures.selectors import current_document
from measures.services import import_document
from measures.sources import read_source

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def second(plan):
    """東山新区's 2025 plan, imported beside the seed."""
    path = CORPUS / "fields-pnum.txt"
    return import_document(read_document(read_source(path.read_bytes(), path.name))).document


def test_pages_open_on_the_most_recent_active_document_and_archiving_falls_back(second, plan, client, office_reviewer):
    assert current_document() == second
    client.force_login(office_reviewer)
    page = client.get(reverse("plan")).content.decode()
    assert second.title in page and "切换文件" in page and plan.title in page

    page = client.get(reverse("document-archive", args=[second.pk])).content.decode()
    assert "确认归档此文件" in page
    assert client.post(reverse("document-archive", args=[second.pk])).status_code == 400
    assert not PolicyDocument.objects.get(pk=second.pk).archived

    response = client.post(reverse("document-archive", args=[second.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.archived and second.archived_by == office_reviewer
    entry = LogEntry.objects.get_for_object(second).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert "archived_at" in str(entry.changes)
    assert entry.actor == office_reviewer
    assert current_document() == plan
    assert "已归档" in client.get(second.get_absolute_url()).content.decode()
    # Twice is refused, with a message, and changes nothing.
    client.post(reverse("document-archive", args=[second.pk]), {"confirm": "yes"})
    assert "已于" in client.get(second.get_absolute_url()).content.decode()


def test_only_the_office_and_administrators_archive(second, client, lead_reporter, supervisor):
    for user in (lead_reporter, supervisor):
        client.force_login(user)
        assert client.post(reverse("document-archive", args=[second.pk]), {"confirm": "yes"}).status_code == 403
    assert not PolicyDocument.objects.get(pk=second.pk).archived


@pytest.mark.parametrize("name", ["dashboard", "dashboard-ranking", "dashboard-map", "dashboard-measures"])
def test_boards_have_a_document_selector_defaulting_to_the_most_recent_active(
    second, plan, client, office_reviewer, name
):
    client.force_login(office_reviewer)
    page = client.get(reverse(name)).content.decode()
    assert 'name="document"' in page
    assert f'<option value="{second.pk}" selected>' in page
    page = client.get(reverse(name), {"document": plan.pk}).content.decode()
    assert f'<option value="{plan.pk}" selected>' in page
    assert client.get(reverse(name), {"document": "abc"}).status_code == 400
    assert client.get(reverse(name), {"document": 10**9}).status_code == 404


def test_the_overview_shows_the_chosen_document(second, plan, client, office_reviewer):
    client.force_login(office_reviewer)
    assert second.title in client.get(reverse("dashboard")).content.decode()
    assert plan.title in client.get(reverse("dashboard"), {"document": plan.pk}).content.decode()


def test_exports_take_the_chosen_document(second, plan, client, office_reviewer):
    client.force_login(office_reviewer)
    response = client.get(reverse("plan-export"), {"document": second.pk})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
