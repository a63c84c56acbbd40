"""The seed document, measure by measure, as the ledger must hold it.

Units and deadline texts are checked against an independent reading of the document
(expected_seed.py); milestones, targets and flags against the reading below.
"""

from decimal import Decimal

import pytest

from measures.export import plan_as_dict

from .expected_seed import EXPECTED

PHASE_AND_ONGOING = [("2019-12-31", "phase"), (None, "ongoing")]

MILESTONES = {
    "1": [(None, "ongoing")],
    "2": [("2018-12-31", "dated"), ("2019-06-30", "dated"), ("2020-12-31", "dated")],
    "3": [*PHASE_AND_ONGOING, ("2020-12-31", "dated")],
    "4": [("2019-06-30", "dated")],
    "5": [("2019-12-31", "dated")],
    "6": [("2019-12-31", "dated")],
    "7": [("2019-12-31", "dated")],
    "11": [(None, "per_schedule")],
    "13": [*PHASE_AND_ONGOING, (None, "yearly")],
    "15": [("2020-12-31", "dated")],
    # 按序时进度推进, with the schedule the body gives, in the order written.
    "16": [(None, "per_schedule"), ("2020-12-31", "dated"), ("2018-12-31", "dated"), ("2019-12-31", "dated")],
    "20": [(None, "ongoing"), (None, "yearly")],
    "十": [],
    "十一": [],
    "十二": [],
}
for code in ("8", "9", "10", "12", "14", "17", "18", "19", "21", "22", "23", "24"):
    MILESTONES[code] = PHASE_AND_ONGOING

TARGETS = {
    "2": [
        ("一般性企业开办的必备环节", "≤", "3", "个", "2018-12-31", None),
        ("企业开办时间", "≤", "3.5", "工作日", "2018-12-31", None),
        ("工商登记", "≤", "2", "工作日", "2018-12-31", None),
        ("刻制印章", "≤", "1", "工作日", "2018-12-31", None),
        ("申领发票", "≤", "0.5", "工作日", "2018-12-31", None),
        ("企业开办时间", "≤", "8.5", "工作日", "2019-06-30", None),
        ("企业开办时间", "≤", "5", "工作日", "2020-12-31", None),
    ],
    "3": [
        ("涉税服务事项网上办理率", "≥", "80", "%", "2019-12-31", None),
        ("涉税服务事项网上办理率", "≥", "90", "%", "2020-12-31", None),
    ],
    "5": [
        ("手续", "≤", "3", "个", "2019-12-31", None),
        ("业务办理时间", "≤", "3", "工作日", "2019-12-31", None),
    ],
    "6": [
        ("市本级审批事项网上办理率", "≥", "80", "%", "2019-12-31", None),
        ("政务服务事项实现“一窗受理”", "≥", "70", "%", "2019-12-31", None),
        ("企业群众到政府办事提供材料减少", "≥", "60", "%", "2019-12-31", None),
        ("市本级高频事项实现“最多跑一次”", "=", "100", "个", "2019-12-31", None),
    ],
    "13": [
        ("举办专业技术人才高级研修班", "=", "30", "期", None, "yearly"),
        ("重点培养中高级专业技术人才", "≈", "1500", "人", None, "yearly"),
    ],
    "15": [("市属竞争类国有企业混合所有制改革面", "≥", "70", "%", "2020-12-31", None)],
}

FLAGS = {"14": ["field_line_inline"], "23": ["no_lead_unit"], "24": ["wording_variant"]}


@pytest.fixture(scope="module")
def exported(seed_export):
    return {str(m["number"] or m["section"]): m for m in seed_export["measures"]}


def _code(expected):
    return str(expected["number"] or expected["section"])


def test_seed_has_24_measures_then_3_safeguards_in_document_order(plan, django_assert_num_queries):
    with django_assert_num_queries(4):
        exported = plan_as_dict(plan)["measures"]
    assert [m["number"] for m in exported] == [*range(1, 25), None, None, None]
    assert [m["section"] for m in exported[24:]] == ["十", "十一", "十二"]
    assert {m["kind"] for m in exported[:24]} == {"measure"}
    assert {m["kind"] for m in exported[24:]} == {"safeguard"}


@pytest.mark.parametrize("expected", EXPECTED, ids=_code)
def test_units_and_deadline_text_are_exactly_as_written(exported, expected):
    measure = exported[_code(expected)]
    for key in ("number", "section", "kind", "title", "lead_units", "responsible_units", "responsible_groups"):
        assert measure[key] == expected[key], key
    assert measure["deadline_text"] == expected["deadline_text"]
    assert measure["lead_groups"] == []


@pytest.mark.parametrize("code", list(MILESTONES))
def test_milestones_follow_the_date_words(exported, code):
    assert [(m["due"], m["kind"]) for m in exported[code]["milestones"]] == MILESTONES[code]


@pytest.mark.parametrize("code", [_code(e) for e in EXPECTED])
def test_quantified_targets_are_read_from_deadline_and_body(exported, code):
    found = [
        (t["metric"], t["comparator"], Decimal(str(t["value"])), t["unit"], t["due"], t["recurrence"])
        for t in exported[code]["targets"]
    ]
    wanted = [(m, c, Decimal(v), u, d, r) for m, c, v, u, d, r in TARGETS.get(code, [])]
    assert found == wanted


@pytest.mark.parametrize("code", [_code(e) for e in EXPECTED])
def test_irregular_measures_carry_flags_and_regular_ones_none(exported, code):
    assert exported[code]["flags"] == FLAGS.get(code, [])


def test_enterprise_start_up_time_targets_form_one_series(exported):
    series = [t for t in exported["2"]["targets"] if t["metric"] == "企业开办时间"]
    assert [(t["value"], t["due"]) for t in series] == [(3.5, "2018-12-31"), (8.5, "2019-06-30"), (5.0, "2020-12-31")]


def test_every_target_keeps_the_sentence_it_came_from(plan):
    for target in plan.measures.get(number=6).targets.all():
        assert f"{target.value_display}" in target.source_text
        assert target.source_text in plan.full_text


def test_measure_14_keeps_its_inline_lead_unit_out_of_the_body(plan):
    measure = plan.measures.get(number=14)
    assert "牵头单位" not in measure.body
    assert measure.body.endswith("进一步创造人才流入的良好环境。")


def test_group_written_differently_points_to_the_same_group(plan):
    from units.models import UnitGroup

    variant = plan.measures.get(number=24).assignments.get(written_name="市直各相关单位")
    assert variant.group == UnitGroup.objects.get(name="市直各有关单位")


def test_districts_and_pilot_zones_expand_to_their_members(plan):
    from units.models import UnitGroup

    assert UnitGroup.objects.get(name="各区市县").members.count() == 10
    assert set(UnitGroup.objects.get(name="开放先导区").members.values_list("name", flat=True)) == {
        "金普新区",
        "高新园区",
        "长兴岛经济区",
    }


def test_central_agencies_and_the_grid_company_are_not_municipal_units(plan):
    from units.models import Unit, UnitKind

    kinds = dict(Unit.objects.values_list("name", "kind"))
    assert kinds["大连海关"] == kinds["市税务局"] == UnitKind.CENTRAL_BRANCH
    assert kinds["国网大连供电公司"] == UnitKind.ENTERPRISE
    assert kinds["市法院"] == kinds["市人大常委会法工委"] == UnitKind.JUDICIAL_LEGISLATIVE
