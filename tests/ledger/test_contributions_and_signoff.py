"""Co-units report their share to the lead unit; leaders sign off when the setting asks for it."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import UNIT_REPORTER
from accounts.services import ensure_role_groups
from ledger import services

from .conftest import fill


@pytest.fixture
def organisation_reporter(plan, django_user_model):
    """A reporter of 市委组织部, which leads measure 12 (市教育局 is one of its responsible units)."""
    from units.models import Unit

    user = django_user_model.objects.create_user("org_reporter", unit=Unit.objects.get(name="市委组织部"))
    user.groups.add(ensure_role_groups()[UNIT_REPORTER.code])
    return user


def test_a_co_units_contribution_appears_on_the_lead_units_form(co_reporter, organisation_reporter, plan, period):
    measure = plan.measures.get(number=12)
    co_client = Client()
    co_client.force_login(co_reporter)
    response = co_client.post(reverse("contribution-start", args=[measure.pk, period.pk]))
    edit_url = response["Location"]
    page = co_client.get(edit_url).content.decode()
    lock = page.split('name="lock_version" value="')[1].split('"')[0]
    content = {
        "status": "on_track",
        "progress": "市教育局完成职称评审改革调研。",
        "next_steps": "出台方案",
        "problems": "",
    }
    response = co_client.post(edit_url, {**content, "lock_version": lock, "submit": "1"})
    assert response.status_code == 302

    lead_client = Client()
    lead_client.force_login(organisation_reporter)
    response = lead_client.post(reverse("report-start", args=[measure.pk, period.pk]))
    page = lead_client.get(response["Location"]).content.decode()
    assert 'data-contribution="市教育局"' in page and "市教育局完成职称评审改革调研。" in page


def test_a_district_reaches_a_measure_through_its_group_and_may_contribute(plan, period, django_user_model):
    from units.models import Unit

    user = django_user_model.objects.create_user("district", unit=Unit.objects.get(name="庄河市"))
    user.groups.add(ensure_role_groups()[UNIT_REPORTER.code])
    contribution = services.open_contribution(user, plan.measures.get(number=2), period)
    assert contribution.unit.name == "庄河市"


def test_a_co_unit_cannot_write_the_consolidated_report(co_reporter, plan, period):
    with pytest.raises(services.NotAllowed):
        services.open_report(co_reporter, plan.measures.get(number=12), period)


def test_a_co_units_draft_stays_private_until_sent(co_reporter, organisation_reporter, plan, period):
    from ledger.access import visible_contributions

    contribution = services.open_contribution(co_reporter, plan.measures.get(number=12), period)
    assert not visible_contributions(organisation_reporter).filter(pk=contribution.pk).exists()


def test_with_signoff_required_a_reporter_sends_to_the_leader_who_submits(
    settings, lead_reporter, lead_leader, measure, period
):
    settings.REQUIRE_LEADER_SIGNOFF = True
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    report = services.submit_report(lead_reporter, report, report.lock_version)
    assert report.state == "awaiting_signoff" and report.submitted_at is None
    with pytest.raises(services.ServiceError, match="审签前只有本单位负责人可以修改"):
        fill(lead_reporter, report)
    client = Client()
    client.force_login(lead_leader)
    assert "待我审签(1)" in client.get(reverse("my-tasks")).content.decode()
    report = services.open_report(lead_leader, measure, period)
    report = services.submit_report(lead_leader, report, report.lock_version)
    assert report.state == "submitted" and report.signed_off_by == lead_leader


def test_without_signoff_a_reporter_submits_directly(settings, lead_reporter, measure, period):
    settings.REQUIRE_LEADER_SIGNOFF = False
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    assert services.submit_report(lead_reporter, report, report.lock_version).state == "submitted"


def test_a_completed_measure_stops_owing_reports_after_the_period_it_was_reported_done(
    lead_reporter, office_reviewer, plan, django_user_model
):
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from deadlines.selectors import unit_tasks
    from ledger.periods import open_periods
    from units.models import Unit

    # Measure 4 (市规划局) is due 2019-06-30 and has no ongoing part.
    user = django_user_model.objects.create_user("planner", unit=Unit.objects.get(name="市规划局"))
    user.groups.add(ensure_role_groups()[UNIT_REPORTER.code])
    measure = plan.measures.get(number=4)
    periods = open_periods(date(2019, 1, 1), date(2019, 12, 31))
    june = periods[5]
    report = fill(user, services.open_report(user, measure, june), status="completed")
    services.attach_evidence(user, report, SimpleUploadedFile("验收.pdf", b"%PDF-1.4"))
    with pytest.raises(services.ServiceError, match="须同时申报尚未销号的节点"):
        services.submit_report(user, report, report.lock_version)
    milestone = measure.milestones.get()
    report = services.save_report_draft(user, report, report.lock_version, {}, None, [milestone.pk])
    report = services.submit_report(user, report, report.lock_version)
    services.review_report(office_reviewer, report, "approved")
    tasks = unit_tasks(user, date(2019, 12, 20))
    owed = {o.period.label for o in tasks.overdue + tasks.current + tasks.awaiting_review}
    assert "2019年5月" in owed and "2019年7月" not in owed and "2019年12月" not in owed


def test_an_ongoing_measure_cannot_be_reported_completed(lead_reporter, plan, period):
    """Measure 1 is 长期推进: it never ends, so 已完成 is refused with the reason."""
    from units.models import Unit

    from ..conftest import make_user

    reform = make_user("reformer", UNIT_REPORTER, Unit.objects.get(name="市政府审改办").name)
    report = fill(reform, services.open_report(reform, plan.measures.get(number=1), period), status="completed")
    with pytest.raises(services.ServiceError, match="含长期推进或每年任务"):
        services.submit_report(reform, report, report.lock_version)


def test_an_undated_milestone_cannot_be_claimed_done(plan, period):
    from units.models import Unit

    from ..conftest import make_user

    reform = make_user("reformer", UNIT_REPORTER, Unit.objects.get(name="市政府审改办").name)
    measure = plan.measures.get(number=1)
    ongoing = measure.milestones.get(kind="ongoing")
    report = fill(reform, services.open_report(reform, measure, period))
    with pytest.raises(services.ServiceError, match="不能申报完成"):
        services.save_report_draft(reform, report, report.lock_version, {}, None, [ongoing.pk])


@pytest.fixture
def co_lead_leader(measure, django_user_model):
    """A leader of another lead unit of measure 2: it drafts with 市工商局 but signs for its own unit only."""
    from accounts.roles import UNIT_LEADER
    from measures.models import AssignmentRole

    unit = measure.assignments.filter(role=AssignmentRole.LEAD, unit__isnull=False).exclude(unit__name="市工商局")
    user = django_user_model.objects.create_user("co_lead_leader", unit=unit.first().unit)
    user.groups.add(ensure_role_groups()[UNIT_LEADER.code])
    return user


def test_a_co_lead_units_leader_cannot_sign_off_another_units_report(
    settings, client, lead_reporter, co_lead_leader, measure, period
):
    settings.REQUIRE_LEADER_SIGNOFF = True
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, period))
    report = services.submit_report(lead_reporter, report, report.lock_version)
    with pytest.raises(services.NotAllowed, match="只有填报单位的负责人可以审签"):
        services.submit_report(co_lead_leader, report, report.lock_version)
    client.force_login(co_lead_leader)
    response = client.post(
        f"/api/v1/reports/{report.pk}/submit/",
        content_type="application/json",
        HTTP_IF_MATCH=f'"{report.lock_version}"',
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.submitted_at is None and report.signed_off_by is None


def test_a_sent_contribution_has_a_link_to_view_it(client, co_reporter, plan, current_period):
    """Once sent, a co-unit's contribution had no link anywhere on 我的任务."""
    measure = plan.measures.get(number=12)
    contribution = services.open_contribution(co_reporter, measure, current_period)
    content = {"status": "on_track", "progress": "已配合完成师资摸底。", "next_steps": "继续"}
    contribution = services.save_contribution(co_reporter, contribution, contribution.lock_version, content)
    services.submit_contribution(co_reporter, contribution, contribution.lock_version)
    client.force_login(co_reporter)
    page = client.get(reverse("my-tasks")).content.decode()
    link = f"{reverse('measure-ledger', args=[measure.pk])}#contribution-{contribution.pk}"
    assert link in page
    ledger = client.get(reverse("measure-ledger", args=[measure.pk])).content.decode()
    assert f'id="contribution-{contribution.pk}"' in ledger and "已配合完成师资摸底。" in ledger
