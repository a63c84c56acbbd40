"""Reading an uploaded or given file — .txt, .docx, .xlsx or .csv — into text and tables.

Pure: no database. The type is read from the content, never trusted from the name (a .docx is a
zip holding word/document.xml). Whatever the type, the result is one text — what the document
stores and what every "第 N 行" refers to — and the tables in it, each row with its line in that
text: a Word paragraph is a line (a soft line break starts another), a Word table row is a line
(cells joined by tabs), a spreadsheet row is the line of its row number. Merged cells are filled
with their value in every cell they cover, so a lead unit merged over three rows leads all three.

Anything that cannot be read raises UnreadableText with a Chinese message; nothing here ever
lets a broken or hostile file (a zip bomb, a huge sheet) reach the parser.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from core.textfile import UnreadableText, decode_text

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 5000, 40
KINDS = {"txt": "文本", "docx": "Word 文档", "xlsx": "Excel 表格", "csv": "CSV 表格"}


@dataclass
class SourceTable:
    rows: list[tuple[int, list[str]]]  # (line in Source.text, cells)


@dataclass
class Source:
    kind: str  # a key of KINDS
    text: str
    tables: list[SourceTable] = field(default_factory=list)
    name: str = ""  # the file's name, the title of last resort

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def read_source(data: bytes, filename: str = "") -> Source:
    """The document in `data`. Raises UnreadableText."""
    if len(data) > MAX_BYTES:
        raise UnreadableText(f"文件过大({len(data) / 1024 / 1024:.1f} MB),上限为 {MAX_BYTES // 1024 // 1024} MB")
    if not data.strip():
        raise UnreadableText("第 1 行:文件为空")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableText("这是旧版 Word/Excel 文件(.doc/.xls),请在 Office 或 WPS 中另存为 .docx 或 .xlsx 后再导入")
    if data.startswith(b"%PDF"):
        raise UnreadableText("PDF 文件无法导入,请提供 Word(.docx)、Excel(.xlsx)、CSV 或文本文件")
    if data.startswith(b"PK\x03\x04"):
        source = _read_zip(data)
    elif filename.lower().endswith(".csv"):
        source = _read_csv(data)
    else:
        source = Source("txt", decode_text(data))
    source.name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return source


def _row_text(cells: list[str]) -> str:
    """A row as one line of the stored text: cells by tabs, a merged cell once."""
    shown = [" ".join(cell.split()) for index, cell in enumerate(cells) if index == 0 or cell != cells[index - 1]]
    return "\t".join(shown).rstrip("\t")


def _read_zip(data: bytes) -> Source:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableText("文件已损坏:无法作为 Word(.docx)或 Excel(.xlsx)文件打开") from None
    if unzipped > MAX_UNZIPPED_BYTES or len(names) > 2000:
        raise UnreadableText("文件解压后过大,疑似损坏或不是正常的 Word/Excel 文件")
    try:
        if "word/document.xml" in names:
            return _read_docx(data)
        if "xl/workbook.xml" in names:
            return _read_xlsx(data)
    except UnreadableText:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise UnreadableText(f"文件已损坏,无法读取其内容({type(exc).__name__})") from None
    raise UnreadableText("不是 Word(.docx)或 Excel(.xlsx)文件")


def _lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r", "\n").split("\n")]


def _read_docx(data: bytes) -> Source:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except (PackageNotFoundError, XMLSyntaxError) as exc:
        raise UnreadableText(f"Word 文件已损坏,无法读取其内容({type(exc).__name__})") from None
    lines: list[str] = []
    tables: list[SourceTable] = []
    for block in blocks:
        if isinstance(block, Table):
            rows = []
            for row in block.rows[:MAX_ROWS]:
                cells = [cell.text.strip() for cell in row.cells[:MAX_COLUMNS]]
                lines.append(_row_text(cells))
                rows.append((len(lines), cells))
            tables.append(SourceTable(rows))
        else:
            lines.extend(_lines_of(block.text))
        if len(lines) > MAX_ROWS * 4:
            raise UnreadableText("Word 文件过长,超过可导入的段落数")
    return Source("docx", "\n".join(lines), tables)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Source:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise UnreadableText(f"Excel 文件已损坏,无法读取其内容({type(exc).__name__})") from None
    sheet = next((ws for ws in workbook.worksheets if ws.max_row > 1 or ws.max_column > 1), workbook.worksheets[0])
    if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
        raise UnreadableText(
            f"表格过大:“{sheet.title}”有 {sheet.max_row} 行、{sheet.max_column} 列,"
            f"上限为 {MAX_ROWS} 行、{MAX_COLUMNS} 列"
        )
    grid = [[_cell_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                grid[row - 1][column - 1] = value
    rows = [(number, cells) for number, cells in enumerate(grid, start=1)]
    text = "\n".join(_row_text(cells) for cells in grid)
    return Source("xlsx", text, [SourceTable(rows)])


def _read_csv(data: bytes) -> Source:
    try:
        text = decode_text(data)
    except UnreadableText:
        try:  # Excel in Chinese Windows saves CSV as GB18030 (GBK)
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise UnreadableText("CSV 文件既不是 UTF-8 也不是 GBK 编码,无法读取") from None
        if "\x00" in text:
            raise UnreadableText("CSV 文件含有空字符(\\x00),文件可能已损坏") from None
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    try:
        records = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise UnreadableText(f"CSV 格式错误:{exc}") from None
    if len(records) > MAX_ROWS:
        raise UnreadableText(f"表格过大:有 {len(records)} 行,上限为 {MAX_ROWS} 行")
    rows = [(number, [cell.strip() for cell in cells[:MAX_COLUMNS]]) for number, cells in enumerate(records, 1)]
    flat = "\n".join(_row_text(cells) for _, cells in rows)
    return Source("csv", flat, [SourceTable(rows)])
