"""The Chinese date words of 完成时限 lines, as properties over all years and months."""

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from measures.dates import WHOLE_MEASURE, find_date_phrases, parse_body_dates, parse_deadline_text

years = st.integers(min_value=1990, max_value=2100)
months = st.integers(min_value=1, max_value=12)


def due_dates(text, context_year=None):
    return [(c.due, c.kind) for c in parse_deadline_text(text, context_year)]


@given(years)
def test_year_end_words_mean_31_december(year):
    for text in (f"{year}年底前", f"{year}年底", f"到{year}年", f"到{year}年底", f"{year}年年底前"):
        assert due_dates(text) == [(date(year, 12, 31), "dated")], text


@given(years, months)
def test_end_of_month_means_its_last_day(year, month):
    last_day = calendar.monthrange(year, month)[1]
    assert due_dates(f"{year}年{month}月底前") == [(date(year, month, last_day), "dated")]


@given(years)
def test_first_half_means_30_june_and_second_half_31_december(year):
    assert due_dates(f"{year}年上半年") == [(date(year, 6, 30), "dated")]
    assert due_dates(f"{year}年下半年") == [(date(year, 12, 31), "dated")]


@given(years, st.sampled_from(["一", "二", "三", "四"]))
def test_quarter_means_the_quarters_last_day(year, quarter):
    month = {"一": 3, "二": 6, "三": 9, "四": 12}[quarter]
    assert due_dates(f"{year}年第{quarter}季度末前")[0][0] == date(year, month, calendar.monthrange(year, month)[1])


@given(years)
def test_phase_result_then_ongoing_gives_two_milestones(year):
    assert due_dates(f"{year}年底前取得阶段性成果,长期推进") == [(date(year, 12, 31), "phase"), (None, "ongoing")]


@given(st.lists(st.tuples(years, months), min_size=1, max_size=4))
def test_several_dated_clauses_keep_their_order_and_their_words(dates):
    text = "。".join(f"{y}年{m}月底前,完成第{i}项工作" for i, (y, m) in enumerate(dates)) + "。"
    clauses = parse_deadline_text(text)
    assert [(c.due.year, c.due.month) for c in clauses] == dates
    assert [c.description for c in clauses] == [f"完成第{i}项工作" for i in range(len(dates))]


@given(st.text(max_size=60))
def test_any_text_parses_without_crashing(text):
    for clause in parse_deadline_text(text, context_year=2019):
        assert clause.kind in {"dated", "phase", "ongoing", "per_schedule", "yearly"}
        assert (clause.due is None) == (clause.kind in {"ongoing", "per_schedule", "yearly"})


@given(years, months)
def test_full_width_and_ascii_punctuation_read_the_same(year, month):
    ascii_text = f"{year}年{month}月底前,完成试点(第一批)"
    assert parse_deadline_text(ascii_text) == parse_deadline_text(ascii_text.replace(",", ",").replace("(", "("))


def test_ongoing_and_per_schedule_have_no_due_date():
    assert due_dates("长期推进") == [(None, "ongoing")]
    assert due_dates("按序时进度推进") == [(None, "per_schedule")]


def test_a_bare_date_asks_for_the_whole_measure():
    assert parse_deadline_text("2019年底前")[0].description == WHOLE_MEASURE


def test_month_without_year_takes_the_year_before_it_or_the_documents():
    assert due_dates("2019年3月底前完成方案,6月底前完成试点") == [
        (date(2019, 3, 31), "dated"),
        (date(2019, 6, 30), "dated"),
    ]
    assert due_dates("6月底前", context_year=2019) == [(date(2019, 6, 30), "dated")]
    assert due_dates("6月底前") == []


def test_counts_and_durations_are_not_dates():
    assert find_date_phrases("压缩到3个月,办理12个事项,8890平台") == []


def test_text_without_date_words_yields_nothing():
    assert parse_deadline_text("另行通知") == []


def test_body_dates_are_described_by_their_whole_sentence():
    clauses = parse_body_dates("全面启动厂办大集体改革,2020年底前完成改革任务。每年举办论坛30期。")
    assert [(c.due, c.kind, c.description) for c in clauses] == [
        (date(2020, 12, 31), "dated", "全面启动厂办大集体改革,2020年底前完成改革任务"),
        (None, "yearly", "每年举办论坛30期"),
    ]
