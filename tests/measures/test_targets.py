"""Quantified targets read from single sentences."""

from datetime import date
from decimal import Decimal

from measures.targets import find_targets


def summary(text, **kwargs):
    return [(t.metric, t.comparator, t.value, t.unit, t.due, t.recurrence) for t in find_targets(text, **kwargs)]


def test_cue_words_give_the_comparator():
    assert [
        row[1] for row in summary("甲不超过2个工作日,乙不低于80%,丙30期,丁1500人左右,戊70%以上,己压缩到5个工作日内。")
    ] == [
        "le",
        "ge",
        "eq",
        "approx",
        "ge",
        "le",
    ]


def test_metric_is_the_clause_without_its_cue_words():
    assert summary("2019年底前,涉税服务事项网上办理率达到80%。") == [
        ("涉税服务事项网上办理率", "ge", Decimal("80"), "%", date(2019, 12, 31), "")
    ]


def test_a_clause_without_a_metric_takes_the_one_before_it():
    rows = summary("2019年底前,网上办理率达到80%,2020年底前达到90%。")
    assert [(r[0], r[4]) for r in rows] == [("网上办理率", date(2019, 12, 31)), ("网上办理率", date(2020, 12, 31))]


def test_a_clipped_metric_takes_the_longer_one_it_ends_with():
    rows = summary("2018年底前,时间压缩到3.5个工作日内。2019年底前,将企业开办时间压缩到8.5个工作日内。")
    assert [r[0] for r in rows] == ["企业开办时间", "企业开办时间"]


def test_yearly_targets_recur_and_have_no_due_date():
    assert summary("每年举办研修班30期。") == [("举办研修班", "eq", Decimal("30"), "期", None, "yearly")]


def test_undated_target_falls_due_with_the_measure():
    assert summary("将手续精简为3个。", default_due=date(2019, 12, 31))[0][4] == date(2019, 12, 31)


def test_numbers_without_a_unit_of_measure_are_not_targets():
    assert summary("完善8890平台功能,办好“三个下功夫”。") == []
