"""A cell holds at most 32,767 characters in Excel: a longer text is cut, and the cell says so."""

from datetime import date
from io import BytesIO

from exports.xlsx import EXCEL_CELL_LIMIT, LedgerRow, PlanRow, write_ledger_xlsx, write_plan_rows_xlsx

from .conftest import read_xlsx

SECTION = "(四)切实转变政府职能,优化投资营商环境"


def ledger_with(**fields):
    plan = {"title": "举措1", "lead_units": "市工商局", "responsible_units": "各区市县", "deadline": "2019年底前"}
    output = BytesIO()
    row = LedgerRow(section=SECTION, code="1", **(plan | fields))
    write_ledger_xlsx(output, [row], title="台账", as_of=date(2019, 3, 20))
    output.seek(0)
    return read_xlsx(output).row_of("1")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_narrative_longer_than_a_cell_ends_by_saying_it_was_cut_and_how_long_it_is():
    progress = "推进企业开办全程电子化。" * 4000  # 48,000 characters

    cell = ledger_with(progress=progress)["进展情况"]

    assert len(progress) == 48000
    assert cell.endswith("…(已截断,全文共 48000 字,见系统)")
    assert len(cell) == EXCEL_CELL_LIMIT == 32767
    assert progress.startswith(cell.removesuffix("…(已截断,全文共 48000 字,见系统)"))


def test_text_that_fits_is_written_whole():
    exactly = "问" * EXCEL_CELL_LIMIT
    row = ledger_with(problems=exactly, next_steps="下步计划")
    assert row["存在问题"] == exactly and row["下步计划"] == "下步计划"


def test_characters_outside_the_basic_plane_count_twice_as_excel_counts_them():
    rare = "𠀀" * 20000  # 20,000 characters, 40,000 UTF-16 units
    cell = ledger_with(progress=rare)["进展情况"]
    assert cell.endswith("…(已截断,全文共 20000 字,见系统)")
    assert utf16_length(cell) <= EXCEL_CELL_LIMIT


def test_a_long_text_that_looks_like_a_rich_string_is_cut_too():
    text = "<r>" + "x" * 40000 + "</r>"
    cell = ledger_with(progress=text)["进展情况"]
    assert cell.startswith("<r>x") and cell.endswith(f"…(已截断,全文共 {len(text)} 字,见系统)")


def test_the_plan_export_cuts_a_long_measure_body_the_same_way():
    output = BytesIO()
    row = PlanRow(SECTION, "1", "举措1", "市工商局", "", "2019年底前", "节" * 33000, "")
    write_plan_rows_xlsx(output, [row], title="分工方案", subtitle="")
    output.seek(0)
    assert read_xlsx(output).row_of("1")["节点"].endswith("…(已截断,全文共 33000 字,见系统)")
