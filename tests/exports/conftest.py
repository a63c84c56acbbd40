"""Export fixtures: the ledger's frozen clock and workflow steps, and a reader for produced workbooks."""

from io import BytesIO

import openpyxl
import pytest

from tests.ledger.conftest import (  # noqa: F401 - fixtures shared with the ledger's tests
    current_period,
    draft,
    frozen_clock,
    period,
    periods,
    returned,
    submitted,
)


class Sheet:
    """A produced worksheet read back with openpyxl: cell values by row, and the merged ranges."""

    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
        self.merged = {str(r) for r in worksheet.merged_cells.ranges}

    @property
    def title(self):
        return self.rows[0][0]

    @property
    def headers(self):
        return self.rows[2]

    @property
    def body(self):
        return self.rows[3:]

    def row_of(self, code: str) -> dict:
        """The measure row whose 序号 is `code`, as {header: value}."""
        for row in self.body:
            if row[0] == code and row[1] is not None:
                return dict(zip(self.headers, row, strict=True))
        raise AssertionError(f"no row for measure {code}")

    def codes(self) -> list[str]:
        return [row[0] for row in self.body if row[1] is not None]

    def section_rows(self) -> list[str]:
        return [row[0] for row in self.body if row[1] is None]

    def cell(self, row: int, col: int):
        return self.worksheet.cell(row=row, column=col)


def read_xlsx(content) -> Sheet:
    source = BytesIO(content) if isinstance(content, bytes) else content
    workbook = openpyxl.load_workbook(source)
    assert len(workbook.worksheets) == 1
    return Sheet(workbook.worksheets[0])


@pytest.fixture
def read():
    return read_xlsx
