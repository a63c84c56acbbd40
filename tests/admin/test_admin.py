"""The admin site: every plan model can be browsed and edited in Chinese, by staff only,
and the busy changelists stay at a constant number of queries."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from measures.models import Assignment, AssignmentRole, Measure, MeasureKind, Milestone, MilestoneKind, MilestoneSource
from units.models import Unit, UnitAlias, UnitContact, UnitGroup

PLAN_APP_LABELS = ("units", "measures", "deadlines", "accounts")
REGISTERED_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in PLAN_APP_LABELS),
    key=lambda model: model._meta.label,
)


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def complete_plan(plan):
    """The seed plan plus one row of each model the seed leaves empty, so every change page can open."""
    from deadlines.models import DigestRecipient, Dispatch
    from deadlines.scan import scan_deadlines
    from ledger.periods import open_periods

    unit = Unit.objects.get(name="市税务局")
    UnitContact.objects.create(unit=unit, name="张三", email="zhangsan@example.com")
    UnitAlias.objects.create(unit=unit, name="大连市税务局")
    open_periods(datetime.date(2019, 6, 1), datetime.date(2019, 6, 30))
    scan_deadlines(datetime.date(2019, 7, 1))
    DigestRecipient.objects.create(email="duchashi@example.com")
    Dispatch.objects.create(recipient="a@example.com", kind="digest", period_key="2019-07-01", subject="s",
                            body_text="t", body_html="h")  # fmt: skip
    return plan


@pytest.fixture(params=["administrator", "superuser"])
def staff_user(request, complete_plan, django_user_model):
    if request.param == "administrator":
        return request.getfixturevalue("administrator")
    return django_user_model.objects.create_superuser("root", "root@example.com", "x-Passw0rd-x")


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


def test_every_model_of_the_plan_apps_has_an_admin():
    models = {model._meta.label for model in apps.get_models() if model._meta.app_label in PLAN_APP_LABELS}

    assert {model._meta.label for model in REGISTERED_MODELS} == models


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_staff_can_open_changelist_add_and_change_pages_of_every_model(client, staff_user, model):
    client.force_login(staff_user)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} row to open a change page for"

    model_admin = admin.site._registry[model]
    can_add = model_admin.has_add_permission(type("Request", (), {"user": staff_user})())
    urls = [admin_url(model, "changelist"), admin_url(model, "change", obj.pk)]
    for url in urls + ([admin_url(model, "add")] if can_add else []):
        response = client.get(url)
        assert response.status_code == 200, url
    if not can_add:  # computed rows (statuses, events, dispatches) are never added by hand
        assert client.get(admin_url(model, "add")).status_code == 403


def test_administrator_adds_a_user_with_a_unit(administrator_client, django_user_model):
    unit = Unit.objects.get(name="市教育局")

    response = administrator_client.post(
        admin_url(django_user_model, "add"),
        {
            "username": "new_reporter",
            "usable_password": "true",
            "password1": "x-Passw0rd-x",
            "password2": "x-Passw0rd-x",
            "unit": unit.pk,
        },
    )

    assert response.status_code == 302
    assert django_user_model.objects.get(username="new_reporter").unit == unit


def test_user_changelist_shows_unit_and_role_groups(administrator_client, administrator):
    content = administrator_client.get(admin_url(type(administrator), "changelist")).content.decode()

    row = _row_of(content, admin_url(type(administrator), "change", administrator.pk))
    assert "市营商办" in row
    assert "系统管理员" in row


def test_admin_pages_render_in_chinese(administrator_client):
    response = administrator_client.get(admin_url(Unit, "changelist"))

    content = response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"
    assert "选择 单位 来修改" in content  # Django's own admin strings, translated
    assert "Select unit to change" not in content


def test_unit_search_finds_the_city_tax_bureau(administrator_client):
    response = administrator_client.get(admin_url(Unit, "changelist"), {"q": "市税务局"})

    found = [unit.name for unit in response.context["cl"].result_list]
    assert "市税务局" in found
    assert len(found) < Unit.objects.count()


def test_unit_search_finds_a_unit_by_its_alias(administrator_client):
    UnitAlias.objects.create(unit=Unit.objects.get(name="市税务局"), name="国家税务总局大连市税务局")

    response = administrator_client.get(admin_url(Unit, "changelist"), {"q": "国家税务总局"})

    assert [unit.name for unit in response.context["cl"].result_list] == ["市税务局"]


def test_unit_group_changelist_shows_member_counts(administrator_client):
    response = administrator_client.get(admin_url(UnitGroup, "changelist"))

    shown = {group.name: group.member_count for group in response.context["cl"].result_list}
    assert shown == {group.name: group.members.count() for group in UnitGroup.objects.all()}
    assert any(count > 0 for count in shown.values())


def _row_of(content: str, text: str) -> str:
    rows = [row for row in re.split(r"<tr[ >]", content) if text in row]
    assert len(rows) == 1, f"expected one row containing {text!r}, found {len(rows)}"
    return rows[0]


def test_measure_changelist_shows_missing_lead_unit_flag(administrator_client, plan):
    no_lead = plan.measures.get(number=23)
    with_leads = plan.measures.get(number=2)

    content = administrator_client.get(admin_url(Measure, "changelist")).content.decode()

    assert "牵头单位未明确" in _row_of(content, no_lead.title)
    assert "牵头单位未明确" not in _row_of(content, with_leads.title)


def test_measure_change_page_lists_its_three_lead_units_inline(administrator_client, measure):
    response = administrator_client.get(admin_url(Measure, "change", measure.pk))

    content = response.content.decode()
    for unit_name in ("市工商局", "市公安局", "市税务局"):
        assert f"2 牵头单位:{unit_name}" in content
    assignment_forms = next(
        formset for formset in response.context["inline_admin_formsets"] if formset.formset.model is Assignment
    ).formset.forms
    leads = [form.instance.unit.name for form in assignment_forms if form.instance.role == AssignmentRole.LEAD]
    assert leads == ["市工商局", "市公安局", "市税务局"]


def _submitted(form) -> dict:
    """What the browser would post for `form` as rendered, unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def test_administrator_edits_a_measure_without_losing_its_inlines(administrator_client, measure):
    url = admin_url(Measure, "change", measure.pk)
    page = administrator_client.get(url).context
    data = _submitted(page["adminform"].form)
    for inline in page["inline_admin_formsets"]:
        data.update(_submitted(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_submitted(form))
    data["title"] = "压缩企业开办时间(修订)"
    counts = (measure.assignments.count(), measure.targets.count(), measure.milestones.count())

    response = administrator_client.post(url, data)

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "压缩企业开办时间(修订)"
    assert (measure.assignments.count(), measure.targets.count(), measure.milestones.count()) == counts
    assert counts[0] > 3 and counts[1] > 0 and counts[2] > 0


def _add_rows(document, count=20):
    """More measures, each with a lead unit, a responsible group and a milestone, plus more groups."""
    section = document.sections.filter(part="measures").first()
    units = list(Unit.objects.order_by("pk")[:count])
    group = UnitGroup.objects.first()
    for i, unit in enumerate(units):
        measure = Measure.objects.create(
            document=document,
            section=section,
            kind=MeasureKind.MEASURE,
            number=100 + i,
            position=1000 + i,
            title=f"新增举措{i}",
            body="正文",
            deadline_text="2030年底前",
        )
        Assignment.objects.create(
            measure=measure, role=AssignmentRole.LEAD, unit=unit, written_name=f"{unit.name}(别称)", position=1
        )
        Assignment.objects.create(
            measure=measure, role=AssignmentRole.RESPONSIBLE, group=group, written_name=group.name, position=1
        )
        Milestone.objects.create(
            measure=measure,
            position=1,
            kind=MilestoneKind.DATED,
            due_date=datetime.date(2030, 12, 31),
            description="完成",
            source=MilestoneSource.DEADLINE_LINE,
            source_text="2030年底前",
        )
        new_group = UnitGroup.objects.create(name=f"新增单位组{i}")
        new_group.members.add(*units[: i + 1])


# The most queries each changelist may run (session, user, permissions, then the page's own),
# and a filter that keeps the page under the 100 rows the admin shows at once, so new rows appear on it.
CHANGELISTS = {
    Measure: (10, {}),
    Assignment: (8, {"role__exact": AssignmentRole.LEAD}),
    Milestone: (10, {}),
    UnitGroup: (7, {}),
}


@pytest.mark.parametrize("model", CHANGELISTS, ids=lambda model: model._meta.label)
def test_changelist_runs_a_constant_number_of_queries(administrator_client, plan, model, django_assert_max_num_queries):
    url = admin_url(model, "changelist")
    bound, params = CHANGELISTS[model]

    with django_assert_max_num_queries(bound) as before:
        rows_before = len(administrator_client.get(url, params).context["cl"].result_list)
    _add_rows(plan, count=20)
    with django_assert_max_num_queries(bound) as after:
        rows_after = len(administrator_client.get(url, params).context["cl"].result_list)

    assert rows_after == rows_before + 20
    assert len(after) == len(before)


@pytest.mark.parametrize("url_name", ["admin:index", "admin:measures_measure_changelist", "admin:units_unit_add"])
def test_non_staff_user_is_sent_to_admin_login(client, office_reviewer, url_name):
    client.force_login(office_reviewer)
    url = reverse(url_name)

    response = client.get(url)

    assertRedirects(response, f"{reverse('admin:login')}?next={url}", fetch_redirect_response=False)


def _user_form(client, user) -> tuple[str, dict]:
    url = admin_url(type(user), "change", user.pk)
    data = _submitted(client.get(url).context["adminform"].form)
    joined = data.pop("date_joined").split(" ")  # a split date/time widget: two inputs
    data.update(date_joined_0=joined[0], date_joined_1=joined[1][:8])
    return url, data


def test_an_administrator_grants_neither_superuser_nor_roles_it_does_not_hold(administrator_client, outsider):
    from accounts.services import ensure_role_groups

    groups = ensure_role_groups()
    url, data = _user_form(administrator_client, outsider)
    data.update(
        is_superuser="on",
        groups=[str(groups["office_reviewer"].pk), str(groups["administrator"].pk)],
        user_permissions=[str(p) for p in Permission.objects.values_list("pk", flat=True)[:5]],
    )
    response = administrator_client.post(url, data)
    assert response.status_code == 200 and "groups" in response.context["adminform"].form.errors
    assert set(outsider.groups.values_list("name", flat=True)) == {"单位填报员"}
    data["groups"] = [str(groups["administrator"].pk)]
    response = administrator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    outsider.refresh_from_db()
    assert not outsider.is_superuser and not outsider.user_permissions.exists()
    # The role it holds is granted; the one it does not is not; the reporter role it could not see is kept.
    assert set(outsider.groups.values_list("name", flat=True)) == {"系统管理员", "单位填报员"}


def test_an_administrator_cannot_make_itself_a_superuser(administrator_client, administrator):
    url, data = _user_form(administrator_client, administrator)
    data["is_superuser"] = "on"
    administrator_client.post(url, data)
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_an_administrator_cannot_change_a_superusers_account_or_password(administrator_client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x-Root-Passw0rd")
    url = admin_url(django_user_model, "change", root.pk)
    assert administrator_client.post(url, {"username": "taken-over"}).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = administrator_client.post(password_url, {"password1": "Evil-Passw0rd-1", "password2": "Evil-Passw0rd-1"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.username == "root" and root.check_password("x-Root-Passw0rd")


def test_every_link_the_administrator_sees_on_the_admin_index_opens(administrator_client):
    """The production walk followed the admin's own links into a 403 (a period's page)."""
    index = administrator_client.get(reverse("admin:index")).content.decode()
    links = sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', index)))
    assert len(links) > 20
    for link in links:
        assert administrator_client.get(link).status_code == 200, link


def test_the_administrator_edits_a_periods_due_date(administrator_client, plan):
    from ledger.models import ReportingPeriod
    from ledger.periods import open_current_period

    period = open_current_period(datetime.date(2019, 3, 10))
    assert administrator_client.get(admin_url(ReportingPeriod, "change", period.pk)).status_code == 200
    assert "ledger" in administrator_client.get(reverse("admin:index")).content.decode()


def test_the_administrator_opens_the_admin_pages_the_readme_names(administrator_client):
    from auditlog.models import LogEntry

    from dashboards.models import RankingFormula
    from ledger.models import ReportingPeriod

    for model in (ReportingPeriod, RankingFormula, LogEntry):
        assert administrator_client.get(admin_url(model, "changelist")).status_code == 200, model
    assert administrator_client.get(admin_url(RankingFormula, "add")).status_code == 200
