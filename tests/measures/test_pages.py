"""The plan, measure and unit pages as a logged-in user sees them."""

import pytest
from django.urls import reverse

from measures.models import Measure, MeasureKind
from units.models import Unit


@pytest.fixture
def client_as(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def add_measures(plan, count):
    """More measures in the last measure section, to show query counts don't grow with data."""
    section = plan.measures.get(number=24).section
    top = plan.measures.order_by("-position").first().position
    unit = Unit.objects.get(name="市税务局")
    for offset in range(1, count + 1):
        measure = Measure.objects.create(
            document=plan, section=section, kind=MeasureKind.MEASURE, number=100 + offset,
            position=top + offset, title=f"附加举措{offset}", body="正文", deadline_text="长期推进",
        )  # fmt: skip
        measure.assignments.create(role="lead", unit=unit, written_name=unit.name, position=1)
        measure.milestones.create(
            position=1, kind="ongoing", description="长期推进", source="deadline_line", source_text="长期推进"
        )


def test_plan_lists_every_measure_by_section_with_lead_units(client_as, plan):
    page = client_as.get(reverse("plan")).content.decode()
    assert page.count('data-measure="') == 27
    assert "(四)切实转变政府职能,优化投资营商环境" in page
    assert "压缩企业开办时间" in page and "市工商局" in page
    assert "牵头单位未明确" in page  # measure 23
    assert "2019年6月30日" in page


def test_plan_runs_a_constant_number_of_queries(client_as, plan, django_assert_num_queries):
    url = reverse("plan")
    client_as.get(url)
    with django_assert_num_queries(11) as first:
        client_as.get(url)
    add_measures(plan, 20)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client_as.get(url).content.decode().count('data-measure="') == 47


def test_plan_without_any_document_says_how_to_import_one(empty_world, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("newcomer"))
    page = client.get(reverse("plan")).content.decode()
    assert "还没有导入任何政策文件" in page


def test_measure_page_shows_full_text_units_milestones_and_targets(client_as, measure):
    page = client_as.get(measure.get_absolute_url()).content.decode()
    assert "对工商、税务、刻章、社保等企业开办重点环节加大优化力度" in page
    for name in ("市工商局", "市公安局", "市税务局", "市人社局", "中国人民银行大连市中心支行"):
        assert name in page
    assert "各区市县" in page and "瓦房店市" in page  # the group opens to its members
    assert "2019年6月30日" in page
    assert "≤ 8.5 工作日" in page


def test_measure_page_flags_a_missing_lead_unit(client_as, plan):
    page = client_as.get(plan.measures.get(number=23).get_absolute_url()).content.decode()
    assert "牵头单位未明确" in page and "文件未明确牵头单位" in page


def test_measure_page_runs_a_constant_number_of_queries(client_as, plan, django_assert_num_queries):
    small = plan.measures.get(number=18)  # one group, no named co-units
    large = plan.measures.get(number=8)  # eight units and three groups
    client_as.get(small.get_absolute_url())
    # 9 for the measure, the office's lead-unit form (the unit directory), the lead changes, the bell.
    with django_assert_num_queries(12) as first:
        client_as.get(small.get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        client_as.get(large.get_absolute_url())


def test_unknown_measure_is_404(client_as, plan):
    assert client_as.get(reverse("measure-detail", args=[999999])).status_code == 404


def test_unit_page_lists_measures_led_shared_and_reached_through_groups(client_as, plan):
    tax = Unit.objects.get(name="市税务局")
    page = client_as.get(tax.get_absolute_url()).content.decode()
    assert "牵头的举措(3)" in page  # 2, 3, 5
    assert "作为责任单位参与的举措(1)" in page  # 10
    district = Unit.objects.get(name="庄河市")
    page = client_as.get(district.get_absolute_url()).content.decode()
    assert "牵头的举措(0)" in page and "本单位未牵头任何举措" in page
    assert "经“各区市县”" in page


def test_unit_page_runs_a_constant_number_of_queries(client_as, plan, django_assert_num_queries):
    busy, quiet = Unit.objects.get(name="市发展改革委"), Unit.objects.get(name="长海县")
    client_as.get(quiet.get_absolute_url())
    # 9, plus the unit's open findings and their steps (supervision's panel).
    with django_assert_num_queries(11) as first:
        client_as.get(quiet.get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        client_as.get(busy.get_absolute_url())


def test_unit_list_counts_and_filters(client_as, plan, django_assert_num_queries):
    with django_assert_num_queries(8):
        page = client_as.get(reverse("unit-list"), {"kind": "central_branch"}).content.decode()
    assert "大连海关" in page and "市工商局" not in page
    page = client_as.get(reverse("unit-list"), {"q": "不存在的单位"}).content.decode()
    assert "没有符合条件的单位" in page


def test_unit_list_paginates(client_as, plan):
    page = client_as.get(reverse("unit-list"), {"page": 2}).content.decode()
    assert "第 2 / 2 页" in page
    assert client_as.get(reverse("unit-list"), {"page": 9}).status_code == 404
