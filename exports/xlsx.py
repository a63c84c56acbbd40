"""Excel workbooks in the government ledger template, written from plain rows.

No Django here: the writers take plain row objects, so they can be tested and benchmarked
without a database. `exports.services` builds the rows from what a user may see.

Workbooks are written in xlsxwriter's constant-memory mode: each row goes to a temporary
file as soon as the next one starts, so memory stays flat however long the ledger is. The
price is that rows must be written strictly top to bottom, including the merged title and
section rows — which is how `_write_table` writes them.

User text is always written as a string, never as a formula or a link (see `_write_text`), and
a text too long for a cell is cut with a note saying so (`_fit_in_a_cell`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import xlsxwriter

NOT_REPORTED = "未报送"

LEDGER_COLUMNS = (
    ("序号", 6),
    ("改革举措", 22),
    ("牵头单位", 16),
    ("责任单位", 22),
    ("完成时限", 28),
    ("进展情况", 44),
    ("存在问题", 28),
    ("下步计划", 28),
    ("状态", 16),
)
PERIOD_COLUMN = ("周期", 11)
PLAN_COLUMNS = (
    ("序号", 6),
    ("改革举措", 22),
    ("牵头单位", 16),
    ("责任单位", 26),
    ("完成时限", 34),
    ("节点", 40),
    ("量化指标", 36),
)

HEADER_ROW = 2  # below the title and the subtitle
EXCEL_CELL_LIMIT = 32767  # characters in one cell, counted in UTF-16 units as Excel counts them
MAX_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "in_memory": False,
    # Belt and braces: every cell goes through write_string anyway, but should anything
    # reach the generic write(), text must still not turn into formulas, links or numbers.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

FONT = "宋体"
TITLE_FONT = "黑体"


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One measure's line in the ledger, as the sheet shows it."""

    section: str  # "(四)切实转变政府职能,优化投资营商环境"
    code: str
    title: str
    lead_units: str
    responsible_units: str
    deadline: str
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    status: str = NOT_REPORTED
    period: str = ""

    def cells(self, with_period: bool) -> tuple[str, ...]:
        cells = (
            self.code,
            self.title,
            self.lead_units,
            self.responsible_units,
            self.deadline,
            self.progress,
            self.problems,
            self.next_steps,
            self.status,
        )
        return (*cells, self.period) if with_period else cells


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One measure of the plan: who, by when, which milestones and targets."""

    section: str
    code: str
    title: str
    lead_units: str
    responsible_units: str
    deadline: str
    milestones: str
    targets: str

    def cells(self) -> tuple[str, ...]:
        return (
            self.code,
            self.title,
            self.lead_units,
            self.responsible_units,
            self.deadline,
            self.milestones,
            self.targets,
        )


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def sheet_name(label: str) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return (label.translate(SHEET_NAME_FORBIDDEN).strip("'") or "台账")[:MAX_SHEET_NAME]


def write_ledger_xlsx(
    output,
    reports_or_rows: Iterable[LedgerRow],
    *,
    title: str,
    as_of: date,
    sheet: str = "台账",
    with_period: bool = False,
    notes: Iterable[str] = (),
) -> int:
    """Write the ledger to `output` (a path or a binary file): a merged title, a subtitle with
    the date the data stands at, the template's header, then the rows in the order given with
    a merged section row wherever the section changes. Returns the number of measure rows.

    `with_period` adds a 周期 column, for a ledger that mixes periods (each measure's latest report).
    """
    columns = LEDGER_COLUMNS + (PERIOD_COLUMN,) if with_period else LEDGER_COLUMNS
    subtitle = "  ".join([f"数据截至{chinese_date(as_of)}", *notes])
    workbook = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
    try:
        workbook.set_properties({"title": title, "subject": "台账", "comments": subtitle})
        worksheet = workbook.add_worksheet(sheet_name(sheet))
        rows = ((row.section, row.cells(with_period)) for row in reports_or_rows)
        return _write_table(workbook, worksheet, title=title, subtitle=subtitle, columns=columns, rows=rows)
    finally:
        workbook.close()


def write_plan_rows_xlsx(output, rows: Iterable[PlanRow], *, title: str, subtitle: str) -> int:
    """Write the plan (no progress columns) in the same layout as the ledger."""
    workbook = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
    try:
        workbook.set_properties({"title": title, "subject": "分工方案"})
        worksheet = workbook.add_worksheet("分工方案")
        cells = ((row.section, row.cells()) for row in rows)
        return _write_table(workbook, worksheet, title=title, subtitle=subtitle, columns=PLAN_COLUMNS, rows=cells)
    finally:
        workbook.close()


class _Formats:
    def __init__(self, workbook):
        base = {"font_name": FONT, "font_size": 10, "valign": "top", "text_wrap": True}
        cell = {**base, "border": 1}
        self.title = workbook.add_format(
            {**base, "font_name": TITLE_FONT, "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
        )
        self.subtitle = workbook.add_format({**base, "align": "right", "valign": "vcenter", "italic": True})
        self.header = workbook.add_format(
            {**cell, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"}
        )
        self.section = workbook.add_format({**cell, "bold": True, "valign": "vcenter", "bg_color": "#F2F2F2"})
        self.code = workbook.add_format({**cell, "align": "center"})
        self.text = workbook.add_format(cell)


def _write_table(workbook, worksheet, *, title, subtitle, columns, rows) -> int:
    formats = _Formats(workbook)
    last_col = len(columns) - 1
    for col, (_, width) in enumerate(columns):
        worksheet.set_column(col, col, width)
    worksheet.freeze_panes(HEADER_ROW + 1, 0)
    worksheet.repeat_rows(HEADER_ROW)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    worksheet.set_footer("&C第 &P 页,共 &N 页")

    # Constant-memory mode flushes a row when a later one is touched, so every row below
    # is finished — height, merge, cells — before the next one starts.
    worksheet.set_row(0, 36)
    _merged_row(worksheet, 0, last_col, title, formats.title)
    worksheet.set_row(1, 20)
    _merged_row(worksheet, 1, last_col, subtitle, formats.subtitle)
    worksheet.set_row(HEADER_ROW, 24)
    for col, (header, _) in enumerate(columns):
        _write_text(worksheet, HEADER_ROW, col, header, formats.header)

    row_index = HEADER_ROW + 1
    written = 0
    current_section = None
    for section, cells in rows:
        if section != current_section:
            current_section = section
            worksheet.set_row(row_index, 22)
            _merged_row(worksheet, row_index, last_col, section, formats.section)
            row_index += 1
        _write_text(worksheet, row_index, 0, cells[0], formats.code)
        for col in range(1, len(cells)):
            _write_text(worksheet, row_index, col, cells[col], formats.text)
        row_index += 1
        written += 1
    return written


def _merged_row(worksheet, row: int, last_col: int, text: str, cell_format) -> None:
    worksheet.merge_range(row, 0, row, last_col, "", cell_format)
    _write_text(worksheet, row, 0, text, cell_format)


def _write_text(worksheet, row: int, col: int, text: str, cell_format) -> None:
    """Write `text` as a string cell whatever it looks like.

    write_string never makes a formula of "=1+1". But in constant-memory mode xlsxwriter
    copies a string that starts with "<r>" and ends with "</r>" into the sheet's XML
    unescaped (it takes it for a rich string it built itself), so such text could inject a
    formula cell. Written as a rich string in pieces, it is escaped like any other text.
    """
    text = _fit_in_a_cell("" if text is None else str(text))
    if text.startswith("<r>") and text.endswith("</r>"):
        worksheet.write_rich_string(row, col, cell_format, text[:1], cell_format, text[1:], cell_format)
    else:
        worksheet.write_string(row, col, text, cell_format)


def _fit_in_a_cell(text: str) -> str:
    """`text`, or as much of it as a cell holds followed by a note that it was cut and how long it
    is: xlsxwriter would cut it silently (or, for a rich string, drop it), and a reader would take
    the cell for the whole narrative. Excel counts UTF-16 units, so a character outside the basic
    plane counts twice."""
    if len(text) <= EXCEL_CELL_LIMIT // 2 or _utf16_length(text) <= EXCEL_CELL_LIMIT:
        return text  # (the first test spares the encoding of every ordinary cell)
    note = f"…(已截断,全文共 {len(text)} 字,见系统)"
    room = EXCEL_CELL_LIMIT - _utf16_length(note)
    kept, used = [], 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            break
        kept.append(char)
    return "".join(kept) + note


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
