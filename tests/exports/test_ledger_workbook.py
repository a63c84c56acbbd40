"""The ledger workbook written from plain rows: template layout, sections, and text that stays text."""

from datetime import date
from io import BytesIO

from exports.xlsx import LEDGER_COLUMNS, LedgerRow, write_ledger_xlsx

from .conftest import read_xlsx

SECTION_4 = "(四)切实转变政府职能,优化投资营商环境"
SECTION_5 = "(五)推进金融体制改革,支持实体经济发展"
TEMPLATE_HEADERS = ["序号", "改革举措", "牵头单位", "责任单位", "完成时限", "进展情况", "存在问题", "下步计划", "状态"]


def row(code, section=SECTION_4, **fields):
    plan = {"title": f"举措{code}", "lead_units": "市工商局", "responsible_units": "各区市县", "deadline": "2019年底前"}
    return LedgerRow(section=section, code=code, **(plan | fields))


def write(rows, **options):
    output = BytesIO()
    count = write_ledger_xlsx(output, rows, title="台账标题", as_of=date(2019, 3, 20), **options)
    output.seek(0)
    return count, read_xlsx(output)


def test_sheet_has_merged_title_subtitle_and_the_template_headers():
    count, sheet = write([row("1")])
    assert count == 1
    assert sheet.title == "台账标题"
    assert sheet.rows[1][0] == "数据截至2019年3月20日"
    assert sheet.headers == TEMPLATE_HEADERS == [name for name, _ in LEDGER_COLUMNS]
    assert {"A1:I1", "A2:I2"} <= sheet.merged


def test_header_is_frozen_and_columns_are_wide_enough_to_read():
    _, sheet = write([row("1")])
    assert sheet.worksheet.freeze_panes == "A4"
    assert sheet.worksheet.column_dimensions["F"].width > 40  # 进展情况 is the long one
    assert sheet.cell(4 + 1, 6).alignment.wrap_text


def test_each_section_gets_one_merged_header_row_before_its_measures():
    rows = [row("1"), row("2"), row("12", section=SECTION_5), row("13", section=SECTION_5)]
    _, sheet = write(rows)
    assert [r[0] for r in sheet.body] == [SECTION_4, "1", "2", SECTION_5, "12", "13"]
    assert {"A4:I4", "A7:I7"} <= sheet.merged
    assert len(sheet.merged) == 4  # title, subtitle and the two sections: no measure row is merged


def test_rows_are_streamed_in_order_across_many_sections():
    rows = [row(str(n), section=f"({n // 10})第{n // 10}节") for n in range(1, 200)]
    _, sheet = write(rows)
    assert sheet.codes() == [str(n) for n in range(1, 200)]
    assert sheet.section_rows() == [f"({n})第{n}节" for n in range(20)]


def test_a_narrative_that_looks_like_a_formula_stays_a_string():
    _, sheet = write([row("1", progress="=1+1", problems='=HYPERLINK("http://evil","x")', next_steps="@SUM(A1)")])
    cells = [sheet.cell(5, col) for col in (6, 7, 8)]
    assert [c.value for c in cells] == ["=1+1", '=HYPERLINK("http://evil","x")', "@SUM(A1)"]
    assert [c.data_type for c in cells] == ["s", "s", "s"]


def test_text_shaped_like_xlsxwriter_rich_string_xml_cannot_inject_a_formula_cell():
    hostile = '<r><t>a</t></r></is></c><c r="H5"><f>1+1</f></c><c r="I5" t="inlineStr"><is><r><t>b</t></r>'
    _, sheet = write([row("1", progress=hostile)])
    assert sheet.cell(5, 6).value == hostile
    formulas = [c.coordinate for line in sheet.worksheet.iter_rows() for c in line if c.data_type == "f"]
    assert formulas == []


def test_latest_ledger_has_a_period_column():
    _, sheet = write([row("1", status="按计划推进(审核通过)", period="2019年2月")], with_period=True)
    assert sheet.headers == [*TEMPLATE_HEADERS, "周期"]
    assert sheet.row_of("1")["周期"] == "2019年2月"
    assert {"A1:J1", "A4:J4"} <= sheet.merged


def test_sheet_name_drops_characters_excel_refuses():
    _, sheet = write([row("1")], sheet="2019/2:[月]*?")
    assert sheet.worksheet.title == "2019_2__月___"


def test_an_empty_ledger_still_has_its_headers():
    count, sheet = write([])
    assert count == 0
    assert sheet.headers == TEMPLATE_HEADERS
    assert sheet.body == []
