"""The workbook writer streams: its memory does not grow with the ledger's length, and what it
streams is still a workbook Excel reads (escaped text, merged sections, print settings)."""

import tracemalloc
import zipfile
from datetime import date
from io import BytesIO

from exports.xlsx import LedgerRow, write_ledger_xlsx

from .conftest import read_xlsx


def rows(count):
    for n in range(count):
        yield LedgerRow(
            section=f"({n // 24 + 1})第{n // 24 + 1}部分 深化改革,优化营商环境",
            code=str(n + 1),
            title=f"压缩企业开办时间{n}",
            lead_units="市工商局、市公安局、市税务局",
            responsible_units="市人社局、各区市县",
            deadline="2019年上半年,压缩到8.5个工作日内。",
            progress=f"累计办理{n}件,平均用时3.2个工作日。" * 3,
            status="按计划推进(审核通过)",
        )


def writer_heap_peak(count: int, path) -> int:
    """The writer's peak Python heap for `count` rows, made one at a time as it asks for them, written
    to a file (a BytesIO would be counted, and a workbook in memory grows with its rows, of course)."""
    tracemalloc.start()
    try:
        with open(path, "wb") as output:
            write_ledger_xlsx(output, rows(count), title="台账", as_of=date(2019, 3, 20))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_writers_memory_does_not_grow_with_the_number_of_rows(tmp_path):
    small, large = writer_heap_peak(4_000, tmp_path / "small.xlsx"), writer_heap_peak(32_000, tmp_path / "large.xlsx")
    assert large < small * 1.1, (small, large)  # eight times the rows, (nearly) the same memory


def test_a_long_streamed_ledger_reads_back_whole_in_order_with_every_section_merged():
    output = BytesIO()
    assert write_ledger_xlsx(output, rows(1_000), title="台账", as_of=date(2019, 3, 20)) == 1_000
    sheet = read_xlsx(output.getvalue())
    assert sheet.codes() == [str(n) for n in range(1, 1_001)]
    assert len(sheet.section_rows()) == 42  # a section every 24 rows
    assert len(sheet.merged) == 2 + 42
    assert sheet.row_of("1000")["进展情况"] == "累计办理999件,平均用时3.2个工作日。" * 3


def test_control_characters_and_escape_lookalikes_come_back_as_written():
    text = "第一行\n第二行\r\x01 & <b> _x0041_ \t"
    output = BytesIO()
    row = next(rows(1))
    write_ledger_xlsx(output, [LedgerRow(**{**_fields(row), "progress": text, "problems": " 前后有空格 "})],
                      title="台账 & <标题>", as_of=date(2019, 3, 20), sheet="A'B")  # fmt: skip
    sheet = read_xlsx(output.getvalue())
    assert sheet.title == "台账 & <标题>"
    assert sheet.worksheet.title == "A'B"
    assert sheet.row_of("1")["存在问题"] == " 前后有空格 "
    # Excel's own escapes, which openpyxl does not undo in inline strings: a control character is
    # _xHHHH_, and a text that merely looks like one has its underscore escaped.
    with zipfile.ZipFile(output) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "第一行\n第二行_x000D__x0001_ &amp; &lt;b&gt; _x005F_x0041_ \t</t>" in xml


def test_the_workbook_keeps_the_print_settings_and_document_properties():
    output = BytesIO()
    write_ledger_xlsx(output, rows(3), title="台账标题", as_of=date(2019, 3, 20), notes=["章节:四"])
    sheet = read_xlsx(output.getvalue()).worksheet
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize in ("9", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddFooter.center.text == "第 &P 页,共 &N 页"
    assert sheet.cell(5, 2).font.name == "宋体" and sheet.cell(1, 1).font.name == "黑体"
    assert sheet.cell(3, 1).fill.fgColor.rgb == "FFD9E1F2" and sheet.cell(3, 1).border.left.style == "thin"
    with zipfile.ZipFile(output) as package:
        core = package.read("docProps/core.xml").decode()
    assert "<dc:title>台账标题</dc:title>" in core and "数据截至2019年3月20日  章节:四" in core


def _fields(row):
    return {name: getattr(row, name) for name in row.__slots__}
