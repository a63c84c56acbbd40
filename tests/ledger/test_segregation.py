"""Segregation of duties in review: no one reviews their own work, and a report of the
reviewer's own unit needs a stated reason kept with the decision (市营商办 leads measure 22)."""

import pytest
from django.urls import reverse

from accounts.roles import OFFICE_REVIEWER, UNIT_REPORTER
from accounts.services import ensure_role_groups
from ledger import services
from ledger.models import ReportReview

from .api import review
from .conftest import fill


@pytest.fixture
def office_report(plan, period, django_user_model):
    """Measure 22's report, written by a reporter of 市营商办 itself."""
    from units.models import Unit

    author = django_user_model.objects.create_user("office_author", unit=Unit.objects.get(name="市营商办"))
    author.groups.add(ensure_role_groups()[UNIT_REPORTER.code])
    measure = plan.measures.get(number=22)
    report = fill(author, services.open_report(author, measure, period))
    return services.submit_report(author, report, report.lock_version)


def test_the_office_cannot_approve_its_own_units_report_without_a_reason(office_reviewer, office_report):
    with pytest.raises(services.NotAllowed, match="本单位"):
        services.review_report(office_reviewer, office_report, "approved")
    assert not ReportReview.objects.filter(report=office_report).exists()


def test_with_a_stated_reason_the_review_is_kept_and_shown(client, office_reviewer, supervisor, office_report):
    services.review_report(office_reviewer, office_report, "approved", own_unit_reason="分管领导指定")
    assert ReportReview.objects.get(report=office_report).own_unit_reason == "分管领导指定"
    client.force_login(supervisor)
    page = client.get(reverse("measure-ledger", args=[office_report.measure_id])).content.decode()
    assert "本单位报告审核说明:分管领导指定" in page


def test_the_api_refuses_too(client, office_reviewer, office_report):
    client.force_login(office_reviewer)
    assert review(client, office_report.pk, "approve").status_code == 403
    assert review(client, office_report.pk, "approve", own_unit_reason="分管领导指定").status_code == 200


def test_the_review_form_asks_for_the_reason(client, office_reviewer, office_report):
    client.force_login(office_reviewer)
    page = client.get(reverse("report-detail", args=[office_report.pk])).content.decode()
    assert 'name="own_unit_reason"' in page
    response = client.post(reverse("report-review", args=[office_report.pk]), {"decision": "approved"}, follow=True)
    assert "须填写本单位报告审核说明" in response.content.decode()
    assert not ReportReview.objects.filter(report=office_report).exists()


def test_no_one_reviews_a_report_they_submitted(plan, period, django_user_model, office_report):
    # A user holding both roles (as a small office might grant) still cannot approve their own work.
    author = office_report.author
    author.groups.add(ensure_role_groups()[OFFICE_REVIEWER.code])
    with pytest.raises(services.NotAllowed, match="不能审核本人"):
        services.review_report(author, office_report, "approved", own_unit_reason="无")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_the_review_form_never_redirects_off_site(client, office_reviewer, submitted, target):
    client.force_login(office_reviewer)
    response = client.post(reverse("report-review", args=[submitted.pk]), {"decision": "approved", "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("review-queue")


def test_the_review_form_returns_to_a_page_of_the_site(client, office_reviewer, submitted):
    client.force_login(office_reviewer)
    back = reverse("review-queue") + "?state=submitted"
    response = client.post(reverse("report-review", args=[submitted.pk]), {"decision": "approved", "next": back})
    assert response["Location"] == back


def test_roles_add_up_a_reviewer_who_also_reports_opens_its_units_draft(client, office_reviewer, period):
    """Found by an attack: with reporter and reviewer roles, the draft it had just opened was a 404."""
    office_reviewer.groups.add(ensure_role_groups()[UNIT_REPORTER.code])
    measure = office_reviewer.unit.assignments.filter(role="lead").first().measure
    draft = services.open_report(office_reviewer, measure, period)
    client.force_login(office_reviewer)
    assert client.get(reverse("report-edit", args=[draft.pk])).status_code == 200
    assert client.get(reverse("report-detail", args=[draft.pk])).status_code == 200
    assert draft.pk in {r.pk for r in services.access.visible_reports(office_reviewer)}
    # Other units' drafts stay private to them.
    assert not services.access.visible_reports(office_reviewer).filter(submitted_at=None).exclude(measure=measure)


def test_the_review_queue_asks_for_the_reason_only_on_the_own_units_report(
    client, office_reviewer, office_report, submitted
):
    client.force_login(office_reviewer)
    page = client.get(reverse("review-queue")).content.decode()
    assert page.count('name="own_unit_reason"') == 1
