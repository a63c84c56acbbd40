"""Excel workbooks in the government ledger template, written from plain rows.

No Django here: the writers take plain row objects, so they can be tested and benchmarked
without a database. `exports.services` builds the rows from what a user may see.

Workbooks are streamed (`exports.workbook`): each row goes into the compressed sheet as it is
written, so memory stays flat however long the ledger is, and rows are taken from any iterable
one at a time. Rows are written strictly top to bottom, the merged title and section rows
included — which is how `_write_table` writes them.

User text is always written as a string, never as a formula, a number or a link, and a text too
long for a cell is cut with a note saying so (`_fit_in_a_cell`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .workbook import Style, Workbook

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
SURELY_FITS = EXCEL_CELL_LIMIT // 2  # characters: even if every one took two UTF-16 units
MAX_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})

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
    rows = ((row.section, row.cells(with_period)) for row in reports_or_rows)
    with _workbook(output, sheet_name(sheet), columns, title=title, subject="台账", comments=subtitle) as worksheet:
        return _write_table(worksheet, title=title, subtitle=subtitle, columns=columns, rows=rows)


def write_plan_rows_xlsx(output, rows: Iterable[PlanRow], *, title: str, subtitle: str) -> int:
    """Write the plan (no progress columns) in the same layout as the ledger."""
    cells = ((row.section, row.cells()) for row in rows)
    with _workbook(output, "分工方案", PLAN_COLUMNS, title=title, subject="分工方案") as worksheet:
        return _write_table(worksheet, title=title, subtitle=subtitle, columns=PLAN_COLUMNS, rows=cells)


def _workbook(output, sheet: str, columns, *, title: str, subject: str, comments: str = "") -> Workbook:
    """Landscape A4, one page wide, the header repeated on every printed page and frozen on screen."""
    return Workbook(
        output,
        sheet=sheet,
        widths=[width for _, width in columns],
        title=title,
        subject=subject,
        comments=comments,
        repeat_row=HEADER_ROW + 1,
        freeze_below=HEADER_ROW + 1,
        footer="&C第 &P 页,共 &N 页",
        font=FONT,
        title_font=TITLE_FONT,
    )


def _write_table(worksheet, *, title, subtitle, columns, rows) -> int:
    worksheet.merged_row(_fit_in_a_cell(title), Style.TITLE, height=36)
    worksheet.merged_row(_fit_in_a_cell(subtitle), Style.SUBTITLE, height=20)
    worksheet.row([header for header, _ in columns], (Style.HEADER,) * len(columns), height=24)

    styles = (Style.CODE,) + (Style.TEXT,) * (len(columns) - 1)
    written = 0
    current_section = None
    for section, cells in rows:
        if section != current_section:
            current_section = section
            worksheet.merged_row(_fit_in_a_cell(section), Style.SECTION, height=22)
        try:
            short = max(map(len, cells)) <= SURELY_FITS
        except TypeError:  # a cell that is not text (None: empty)
            short = False
        worksheet.row(cells if short else [_fit_in_a_cell(cell) for cell in cells], styles)
        written += 1
    return written


def _fit_in_a_cell(text) -> str:
    """`text`, or as much of it as a cell holds followed by a note that it was cut and how long it
    is: Excel would refuse the workbook (other writers cut the text silently), and a reader would take
    the cell for the whole narrative. Excel counts UTF-16 units, so a character outside the basic
    plane counts twice."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if len(text) <= SURELY_FITS or _utf16_length(text) <= EXCEL_CELL_LIMIT:
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
