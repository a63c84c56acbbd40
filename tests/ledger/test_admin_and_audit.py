"""The ledger in the admin is read-only; admin changes to the plan are audited."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse


@pytest.fixture
def superuser_client(client, django_user_model, plan):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_ledger_changelists_open_and_offer_no_add_or_delete(superuser_client, submitted):
    for name in ("progressreport", "reportreview", "contribution", "reportingperiod"):
        assert superuser_client.get(reverse(f"admin:ledger_{name}_changelist")).status_code == 200
    page = superuser_client.get(reverse("admin:ledger_progressreport_change", args=[submitted.pk]))
    assert page.status_code == 200 and "保存" not in page.content.decode().split("submit-row")[-1][:200]
    assert superuser_client.get(reverse("admin:ledger_progressreport_add")).status_code == 403
    assert superuser_client.get(reverse("admin:ledger_progressreport_delete", args=[submitted.pk])).status_code == 403


def test_an_admin_edit_of_an_assignment_is_logged_with_its_actor(superuser_client, measure):
    from measures.models import Assignment

    assignment = measure.assignments.get(written_name="市公安局")
    url = reverse("admin:measures_assignment_change", args=[assignment.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["written_name"] = "大连市公安局"
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get_for_object(Assignment.objects.get(pk=assignment.pk)).latest("pk")
    assert entry.actor.username == "root"
    assert entry.changes_dict["written_name"] == ["市公安局", "大连市公安局"]
