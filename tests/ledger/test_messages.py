"""Messages after a form show as styled Bootstrap alerts (errors were unstyled plain text)."""

from django.urls import reverse


def test_error_messages_are_styled_alerts(client, office_reviewer, submitted):
    client.force_login(office_reviewer)
    response = client.post(reverse("report-review", args=[submitted.pk]), {"decision": "returned"}, follow=True)
    assert 'class="alert alert-danger"' in response.content.decode()
