"""The office sets a measure's lead units on the measure page, not only in the admin (issue 10):
checked in the service, audited with its actor, shown on the page, and kept by `make seed` and
by a re-import of the document."""

from io import StringIO

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.errors import NotAllowed, ServiceError
from measures.models import Assignment, Measure
from measures.selectors import measures_with_plan
from measures.services import set_lead_units
from units.models import Unit

from ..conftest import DIRECTORY_PATH, SEED_PATH


def leads_url(measure) -> str:
    return f"{measure.get_absolute_url()}leads/"


def lead_names(measure) -> list[str]:
    rows = Measure.objects.get(pk=measure.pk).assignments.filter(role="lead").select_related("unit")
    return sorted(a.unit.name for a in rows)


def assignment_entries(measure):
    """What people did to the measure's units (the import's own entries have no actor)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Assignment),
        additional_data__measure_id=measure.pk,
        actor__isnull=False,
    ).order_by("pk")


@pytest.fixture
def measure_23(plan):
    """推进法治大连建设: the document names no lead unit."""
    return plan.measures.get(number=23)


@pytest.fixture
def politics_and_law(plan):
    return Unit.objects.get(name="市委政法委")


@pytest.fixture
def office(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def test_the_office_sees_the_form_with_the_current_leads_selected(office, measure):
    page = office.get(measure.get_absolute_url()).content.decode()
    assert "设定牵头单位" in page and 'name="units"' in page and "csrfmiddlewaretoken" in page
    police = Unit.objects.get(name="市公安局")
    assert f'<option value="{police.pk}" selected>市公安局</option>' in page
    assert '<optgroup label="政府部门">' in page


def test_the_office_sets_a_lead_and_the_page_shows_who_did_it(office, office_reviewer, measure_23, politics_and_law):
    response = office.post(leads_url(measure_23), {"units": [politics_and_law.pk]})
    assert response.status_code == 302 and response["Location"] == measure_23.get_absolute_url()
    assert lead_names(measure_23) == ["市委政法委"]
    entry = assignment_entries(measure_23).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == office_reviewer
    page = office.get(measure_23.get_absolute_url()).content.decode()
    assert "已设定牵头单位:市委政法委" in page
    assert "牵头单位修改记录" in page
    assert f"{office_reviewer}(市营商办) 新增牵头单位:市委政法委" in page
    assert "牵头单位未明确" not in page and "文件未明确牵头单位" not in page


def test_replacing_a_lead_records_the_removal_with_its_actor(office, office_reviewer, measure):
    keep = Unit.objects.filter(name__in=["市工商局", "市税务局"])
    assert office.post(leads_url(measure), {"units": [u.pk for u in keep]}).status_code == 302
    assert lead_names(measure) == ["市工商局", "市税务局"]
    entry = assignment_entries(measure).get()
    assert entry.action == LogEntry.Action.DELETE and entry.actor == office_reviewer
    assert entry.additional_data["name"] == "市公安局"
    page = office.get(measure.get_absolute_url()).content.decode()
    assert "删除牵头单位:市公安局" in page


def test_the_same_units_again_change_nothing(office, measure):
    current = Unit.objects.filter(name__in=["市工商局", "市公安局", "市税务局"])
    response = office.post(leads_url(measure), {"units": [u.pk for u in current]}, follow=True)
    assert "牵头单位没有变化,未做修改" in response.content.decode()
    assert not assignment_entries(measure).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "请至少选择一个牵头单位"),
        ({"units": ["999999"]}, "所选单位不存在:999999"),
        ({"units": ["x"]}, "所选单位不存在:x"),
    ],
)
def test_a_bad_choice_is_refused_in_chinese_on_the_page(office, measure, data, message):
    response = office.post(leads_url(measure), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "is-invalid" in page and '<details class="mb-3" open>' in page
    assert lead_names(measure) == ["市公安局", "市工商局", "市税务局"]


@pytest.mark.parametrize("actor", ["lead_reporter", "lead_leader", "co_reporter", "supervisor", "outsider"])
def test_everyone_but_the_office_and_administrators_is_refused(client, request, actor, measure_23, politics_and_law):
    client.force_login(request.getfixturevalue(actor))
    assert "设定牵头单位" not in client.get(measure_23.get_absolute_url()).content.decode()
    response = client.post(leads_url(measure_23), {"units": [politics_and_law.pk]})
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "只有市营商办(营商办审核员)或系统管理员可以设定牵头单位" in page
    assert lead_names(measure_23) == []


def test_a_post_without_the_csrf_token_is_refused(office_reviewer, measure_23, politics_and_law):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_reviewer)
    assert client.post(leads_url(measure_23), {"units": [politics_and_law.pk]}).status_code == 403
    assert lead_names(measure_23) == []


def test_the_service_checks_access_whoever_calls_it(supervisor, measure_23, politics_and_law):
    with pytest.raises(NotAllowed):
        set_lead_units(measure=measure_23, units=[politics_and_law], user=supervisor)
    assert lead_names(measure_23) == []


def test_the_service_refuses_to_leave_a_measure_without_a_lead(office_reviewer, measure):
    with pytest.raises(ServiceError, match="请至少选择一个牵头单位"):
        set_lead_units(measure=measure, units=[], user=office_reviewer)


def test_the_service_records_its_actor_outside_a_request_and_gives_the_callers_back(
    administrator, office_reviewer, measure_23, politics_and_law
):
    with set_actor(administrator):
        set_lead_units(measure=measure_23, units=[politics_and_law], user=office_reviewer)
        politics_and_law.notes = "此后的修改仍记在调用者名下"
        politics_and_law.save()
    assert assignment_entries(measure_23).get().actor == office_reviewer
    assert LogEntry.objects.get_for_object(politics_and_law).latest("pk").actor == administrator


def test_a_lead_set_by_the_office_survives_make_seed_and_a_plain_reimport(
    office, office_reviewer, measure_23, politics_and_law
):
    office.post(leads_url(measure_23), {"units": [politics_and_law.pk]})
    before = LogEntry.objects.latest("timestamp").timestamp
    # What `make seed` runs on every `make run`, then an operator's plain re-import.
    for args in (
        ("load_holidays",),
        ("load_units", str(DIRECTORY_PATH)),
        ("import_policy", "--only-if-empty", str(SEED_PATH)),
    ):
        call_command(*args, stdout=StringIO())
    out = StringIO()
    call_command("import_policy", str(SEED_PATH), stdout=out)
    assert "举措 23 牵头单位:上次导入为“(无)”,人工修改为“市委政法委”" in out.getvalue()
    assert lead_names(measure_23) == ["市委政法委"]
    assert assignment_entries(measure_23).count() == 1
    assert LogEntry.objects.filter(actor__isnull=True, timestamp__gt=before).count() == 0  # no import writes
    page = office.get(measure_23.get_absolute_url()).content.decode()
    assert "新增牵头单位:市委政法委" in page


def test_the_measure_page_runs_as_many_queries_with_a_history_as_without(
    office, measure, measure_23, politics_and_law, django_assert_num_queries
):
    office.get(measure_23.get_absolute_url())
    with django_assert_num_queries(12) as first:
        office.get(measure_23.get_absolute_url())
    count = len(first.captured_queries)  # read before the next request empties the query log
    office.post(leads_url(measure_23), {"units": [politics_and_law.pk]})
    office.post(leads_url(measure), {"units": [politics_and_law.pk]})
    with django_assert_num_queries(count):
        page = office.get(measure.get_absolute_url()).content.decode()
    assert page.count("删除牵头单位") == 3 and "新增牵头单位:市委政法委" in page


def test_a_lead_changed_in_the_admin_shows_in_the_same_history(django_user_model, office, measure):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    admin = Client()
    admin.force_login(root)
    police = measure.assignments.get(written_name="市公安局")
    url = reverse("admin:measures_assignment_change", args=[police.pk])
    form = admin.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["written_name"] = "大连市公安局"
    assert admin.post(url, data).status_code == 302
    page = office.get(measure.get_absolute_url()).content.decode()
    assert "root 修改牵头单位:大连市公安局" in page


def test_lead_units_are_remembered_only_as_long_as_the_prefetched_assignments(plan, politics_and_law):
    """lead_units() answers from memory while the measure's prefetched assignments are the same
    ones (the engine asks several times per measure), and afresh once they are fetched again or
    when nothing was prefetched: a change of lead units is never hidden."""
    from django.db.models import prefetch_related_objects

    measure = measures_with_plan(Measure.objects.filter(pk=plan.measures.get(number=1).pk)).get()
    before = [unit.name for unit in measure.lead_units()]
    measure.lead_units().clear()  # a caller mutating its answer does not change the next one
    assert [unit.name for unit in measure.lead_units()] == before

    Assignment.objects.create(
        measure=measure, role="lead", unit=politics_and_law, written_name="市委政法委", position=99
    )
    assert [unit.name for unit in measure.lead_units()] == before  # the same prefetched rows
    measure._prefetched_objects_cache.clear()
    prefetch_related_objects([measure], "assignments__unit", "assignments__group__members")
    assert "市委政法委" in [unit.name for unit in measure.lead_units()]

    bare = Measure.objects.get(pk=measure.pk)  # nothing prefetched: always read afresh
    assert "市委政法委" in [unit.name for unit in bare.lead_units()]
    Assignment.objects.filter(measure=bare, unit=politics_and_law).delete()
    assert "市委政法委" not in [unit.name for unit in bare.lead_units()]
