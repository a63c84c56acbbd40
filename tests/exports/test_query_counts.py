"""An export's query count does not grow with its rows: the ledger and the plan of a document of
5 measures cost as many queries as those of the same document grown to 20."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest

from core import workdays
from exports import services
from measures.models import Assignment, Measure, MeasureKind, Milestone, PolicyDocument, Section, Target
from units.models import Unit

from .conftest import read_xlsx

TODAY = datetime.date(2019, 3, 20)


@pytest.fixture
def document(plan):
    return PolicyDocument.objects.create(title="另一份文件", full_text="……", source_sha256="1" * 64)


def add_measures(document, count):
    """`count` more measures, each in a section of its own, with a lead and a responsible unit, a
    milestone and a target: everything a row shows that could be read one row at a time."""
    lead, other = Unit.objects.get(name="市税务局"), Unit.objects.get(name="市工商局")
    start = document.measures.count()
    for number in range(start + 1, start + count + 1):
        section = Section.objects.create(
            document=document, numeral=str(number), position=number, title=f"第{number}节", part="measures"
        )
        measure = Measure.objects.create(
            document=document, section=section, kind=MeasureKind.MEASURE, number=number, position=number,
            title=f"举措{number}", body="b",
        )  # fmt: skip
        Assignment.objects.create(measure=measure, role="lead", unit=lead, written_name=lead.name, position=1)
        Assignment.objects.create(measure=measure, role="responsible", unit=other, written_name=other.name, position=2)
        Milestone.objects.create(
            measure=measure, position=1, kind="dated", due_date=datetime.date(2019, 6, 30), description="d",
            source="body",
        )  # fmt: skip
        Target.objects.create(
            measure=measure, position=1, metric="m", comparator="le", value=Decimal("1"), unit="个", source_text="s"
        )


def exports_of_5_and_20_measures(document, write, django_assert_max_num_queries):
    """Export `document` with 5 measures, then with 20: the two sheets and the queries each took.
    `write(output)` writes the workbook."""
    sheets, counts = [], []
    for added in (5, 15):
        add_measures(document, added)
        workdays.forget()  # as a new request would, read the holiday calendar again
        output = BytesIO()
        with django_assert_max_num_queries(100) as queries:
            write(output)
        counts.append(len(queries.captured_queries))
        sheets.append(read_xlsx(output.getvalue()))
    assert [len(sheet.codes()) for sheet in sheets] == [5, 20]
    return sheets, counts


@pytest.mark.parametrize("period_param", ["latest", "period"])
def test_ledger_export_costs_the_same_queries_for_5_measures_and_20(
    office_reviewer, document, period, django_assert_max_num_queries, period_param
):
    chosen = "latest" if period_param == "latest" else str(period.pk)

    def write(output):
        office_reviewer.__dict__.pop("_role_group_names", None)
        export = services.ledger_export(office_reviewer, document, period=chosen, as_of=TODAY)
        services.write_ledger_export(output, export)

    sheets, (few, many) = exports_of_5_and_20_measures(document, write, django_assert_max_num_queries)
    assert sheets[1].row_of("20")["牵头单位"] == "市税务局"
    assert many == few


def test_plan_export_costs_the_same_queries_for_5_measures_and_20(document, django_assert_max_num_queries):
    sheets, (few, many) = exports_of_5_and_20_measures(
        document, lambda output: services.write_plan_xlsx(output, document), django_assert_max_num_queries
    )
    assert sheets[1].row_of("20")["节点"] == "2019-06-30 d"
    assert many == few
