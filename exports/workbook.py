"""A one-sheet .xlsx package written as a stream: the sheet's rows go into the zip as they come.

Why not a library: xlsxwriter (even in constant-memory mode) builds every cell through several
Python calls — about 10 µs of CPU a cell, 10,000 ledger rows a second — and openpyxl's write-only
mode makes a cell object for each, while a ledger row is ten strings in one fixed layout. This
module writes that layout's XML directly: the package's fixed parts (content types, relationships,
properties, workbook, styles) are literal text below, and the sheet is written row by row into
the zip entry, so memory holds one buffer of rows, never the sheet. Only the merged rows' numbers
are kept (4 bytes each), since Excel wants the list of merges after the rows.

The styles are the template's six, numbered as `Style` says; `exports.xlsx` decides what goes
where. Text is always an inline string (never a formula, number or link), its whitespace kept,
escaped for XML and with Excel's _xHHHH_ escapes for control characters (and for text that only
looks like one). A row is one str.format of a template made once per layout, and the escaping
is skipped after one search of the whole row finds nothing to escape: about 14 µs a ledger row.

The sheet must stay under 2 GiB of XML (about a million ledger rows, which is also Excel's limit of
1,048,576 rows): zipfile refuses a larger entry unless it is written as ZIP64, which older Excel
versions warn about.
"""

import re
import zipfile
from array import array
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import IntEnum
from xml.sax.saxutils import quoteattr

# Deflate level: 1 writes about twice as fast as zlib's default 6 for a file about a third larger
# (the sheet's XML is most of the work); an export is written once and downloaded once.
COMPRESSION_LEVEL = 1
FLUSH_CHARACTERS = 1 << 16  # rows are encoded and compressed in batches of about this many characters

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


class Style(IntEnum):
    """Cell formats, by their index in STYLES_XML's cellXfs."""

    DEFAULT = 0
    TITLE = 1  # 黑体 16 bold, centred
    SUBTITLE = 2  # 宋体 10 italic, right
    HEADER = 3  # 宋体 10 bold, centred, blue-grey fill, thin border
    SECTION = 4  # 宋体 10 bold, grey fill, thin border
    CODE = 5  # 宋体 10, centred, top, wrapped, thin border
    TEXT = 6  # 宋体 10, top, wrapped, thin border


def _font(size, name, *, bold=False, italic=False):
    return f'<font>{"<b/>" if bold else ""}{"<i/>" if italic else ""}<sz val="{size}"/><name val="{name}"/><family val="2"/></font>'  # noqa: E501 - one element


def _xf(font, fill, border, horizontal, vertical):
    applied = ' applyFont="1"' + (' applyFill="1"' if fill else "") + (' applyBorder="1"' if border else "")
    align = (f' horizontal="{horizontal}"' if horizontal else "") + f' vertical="{vertical}" wrapText="1"'
    return (
        f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"{applied}'
        f' applyAlignment="1"><alignment{align}/></xf>'
    )


def _solid(rgb):
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor indexed="64"/></patternFill></fill>'
    )


THIN = "".join(f'<{side} style="thin"><color auto="1"/></{side}>' for side in ("left", "right", "top", "bottom"))


def styles_xml(font: str, title_font: str) -> str:
    fonts = [
        '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
        _font(16, title_font, bold=True),
        _font(10, font, italic=True),
        _font(10, font, bold=True),
        _font(10, font),
    ]
    fills = [
        '<fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill>',
        _solid("D9E1F2"),
        _solid("F2F2F2"),
    ]
    borders = ["<border><left/><right/><top/><bottom/><diagonal/></border>", f"<border>{THIN}<diagonal/></border>"]
    cell_formats = {  # font, fill, border, horizontal, vertical
        Style.TITLE: _xf(1, 0, 0, "center", "center"),
        Style.SUBTITLE: _xf(2, 0, 0, "right", "center"),
        Style.HEADER: _xf(3, 2, 1, "center", "center"),
        Style.SECTION: _xf(3, 3, 1, "", "center"),
        Style.CODE: _xf(4, 0, 1, "center", "top"),
        Style.TEXT: _xf(4, 0, 1, "", "top"),
    }
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'] + [
        cell_formats[s] for s in list(Style)[1:]
    ]
    return (
        f'{XML_DECLARATION}<styleSheet xmlns="{MAIN}">'
        f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
    )


_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")  # (a character class alone: twice as fast)
_LOOKS_ESCAPED = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _needs_escape(text: str) -> bool:
    return "_x" in text or _SPECIAL.search(text) is not None


def escape(text: str) -> str:
    """`text` as XML character data the way Excel reads it back: &, < and > as entities, a control
    character (which XML cannot hold) as _xHHHH_, and a literal _xHHHH_ with its underscore escaped."""
    if not _needs_escape(text):
        return text
    text = _LOOKS_ESCAPED.sub(r"_x005F\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class SheetWriter:
    """One worksheet written top to bottom into an open zip entry. Rows are numbered from 1."""

    def __init__(self, stream, widths: Sequence[float], *, freeze_below: int, footer: str):
        self._stream = stream
        self._letters = [column_letter(col) for col in range(len(widths))]
        self._last = self._letters[-1]
        self._templates: dict[tuple, str] = {}
        self._merged = array("I")  # the merged rows' numbers, for <mergeCells> at the end
        self._buffer: list[str] = []
        self._buffered = 0
        self._footer = footer
        self.row_number = 0
        cols = "".join(
            f'<col min="{col}" max="{col}" width="{width + 0.7109375}" customWidth="1"/>'
            for col, width in enumerate(widths, start=1)
        )
        self._write(
            f'{XML_DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
            f'<pane ySplit="{freeze_below}" topLeftCell="A{freeze_below + 1}" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )

    def row(self, cells: Sequence[str], styles: tuple[int, ...], height: float | None = None) -> None:
        """The next row: cell i holds the text cells[i] in format styles[i]."""
        self.row_number += 1
        if _needs_escape("".join(cells)):  # one search for the whole row: most rows need none
            cells = [escape(text) for text in cells]
        template = self._templates.get((styles, height))
        if template is None:
            template = self._templates[styles, height] = self._row_template(styles, height)
        self._write(template.format(self.row_number, *cells))

    def _row_template(self, styles: tuple[int, ...], height: float | None) -> str:
        """A row's XML as a str.format template: {0} the row number, {1}… the (escaped) texts.
        Whitespace is always preserved: a cell's leading or trailing spaces are the user's."""
        cells = "".join(
            f'<c r="{letter}{{0}}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{{{index}}}</t></is></c>'
            for index, (letter, style) in enumerate(zip(self._letters, styles, strict=False), start=1)
        )
        return ('<row r="{0}"' + (f' ht="{height}" customHeight="1"' if height else "") + ">") + cells + "</row>"

    def merged_row(self, text: str, style: int, height: float | None = None) -> None:
        """The next row as one cell across every column, holding `text` (the others empty, in the
        same format, so the border and fill span the row)."""
        self.row_number = r = self.row_number + 1
        blanks = "".join(f'<c r="{letter}{r}" s="{style}"/>' for letter in self._letters[1:])
        self._write(
            f'<row r="{r}"' + (f' ht="{height}" customHeight="1"' if height else "") + ">"
            f'<c r="A{r}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
            f"{blanks}</row>"
        )
        self._merged.append(r)

    def close(self) -> None:
        self._write("</sheetData>")
        if self._merged:  # one at a time, so that a ledger of many sections does not build one long string
            self._write(f'<mergeCells count="{len(self._merged)}">')
            for r in self._merged:
                self._write(f'<mergeCell ref="A{r}:{self._last}{r}"/>')
            self._write("</mergeCells>")
        self._write(
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            + '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>'  # A4 landscape, one page wide
            + f"<headerFooter><oddFooter>{escape(self._footer)}</oddFooter></headerFooter></worksheet>"
        )
        self._flush()

    def _write(self, text: str) -> None:
        self._buffer.append(text)
        self._buffered += len(text)
        if self._buffered >= FLUSH_CHARACTERS:
            self._flush()

    def _flush(self) -> None:
        self._stream.write("".join(self._buffer).encode("utf-8"))
        self._buffer.clear()
        self._buffered = 0


class Workbook:
    """A package with one sheet: use as a context manager around writing the sheet's rows.

    with Workbook(output, sheet="台账", widths=[6, 22], title=..., subject=...) as sheet:
        sheet.row(["1", "举措"], (Style.CODE, Style.TEXT))
    """

    def __init__(
        self,
        output,
        *,
        sheet: str,
        widths: Sequence[float],
        title: str,
        subject: str,
        comments: str = "",
        repeat_row: int,
        freeze_below: int,
        footer: str,
        font: str,
        title_font: str,
    ):
        self._output = output
        self._sheet = sheet
        self._widths = widths
        self._properties = {"title": title, "subject": subject, "comments": comments}
        self._repeat_row = repeat_row  # 1-based
        self._freeze_below = freeze_below
        self._footer = footer
        self._fonts = (font, title_font)

    def __enter__(self) -> SheetWriter:
        self._zip = zipfile.ZipFile(self._output, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL)
        try:
            for name, text in self._fixed_parts().items():
                self._zip.writestr(name, text)
            self._entry = self._zip.open("xl/worksheets/sheet1.xml", "w")
        except BaseException:
            self._zip.close()
            raise
        self._writer = SheetWriter(self._entry, self._widths, freeze_below=self._freeze_below, footer=self._footer)
        return self._writer

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._writer.close()
            self._entry.close()
        finally:
            self._zip.close()

    def _fixed_parts(self) -> dict[str, str]:
        sheet = self._sheet
        quoted = _quoted_sheet(sheet)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        title, subject, comments = (escape(self._properties[key]) for key in ("title", "subject", "comments"))
        office = "http://schemas.openxmlformats.org/officeDocument/2006"
        content_types = "application/vnd.openxmlformats"
        return {
            "[Content_Types].xml": (
                f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Default Extension="rels" ContentType="{content_types}-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/docProps/app.xml" ContentType="{content_types}-officedocument.extended-properties+xml"/>'  # noqa: E501
                f'<Override PartName="/docProps/core.xml" ContentType="{content_types}-package.core-properties+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{content_types}-officedocument.spreadsheetml.styles+xml"/>'  # noqa: E501
                f'<Override PartName="/xl/workbook.xml" ContentType="{content_types}-officedocument.spreadsheetml.sheet.main+xml"/>'  # noqa: E501
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{content_types}-officedocument.spreadsheetml.worksheet+xml"/>'  # noqa: E501
                "</Types>"
            ),
            "_rels/.rels": (
                f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
                f'<Relationship Id="rId1" Type="{office}/relationships/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
                'core-properties" Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{office}/relationships/extended-properties" Target="docProps/app.xml"/>'
                "</Relationships>"
            ),
            "docProps/app.xml": (
                f'{XML_DECLARATION}<Properties xmlns="{office}/extended-properties" '
                f'xmlns:vt="{office}/docPropsVTypes"><Application>Microsoft Excel</Application>'
                '<HeadingPairs><vt:vector size="4" baseType="variant">'
                "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>"
                "<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>"
                '</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="2" baseType="lpstr">'
                f"<vt:lpstr>{escape(sheet)}</vt:lpstr><vt:lpstr>{escape(quoted)}!Print_Titles</vt:lpstr>"
                "</vt:vector></TitlesOfParts><AppVersion>12.0000</AppVersion></Properties>"
            ),
            "docProps/core.xml": (
                f"{XML_DECLARATION}<cp:coreProperties "
                'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator></dc:creator>"
                f"<dc:description>{comments}</dc:description>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
            ),
            "xl/workbook.xml": (
                f'{XML_DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
                '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/>'
                f'</bookViews><sheets><sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets>'
                '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
                f"{escape(quoted)}!${self._repeat_row}:${self._repeat_row}</definedName></definedNames>"
                '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
                f'<Relationship Id="rId1" Type="{office}/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{office}/relationships/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
            "xl/styles.xml": styles_xml(*self._fonts),
        }
