"""A day judged with a year the holiday calendar lacks says so, on every board, the task and review
pages, the digest and the Excel ledger; once the office enters the year, the warning goes."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import HolidayYear
from deadlines import notify
from deadlines.rules import calendar_warning_on

BANNER = "节假日日历未覆盖 2027 年"
BOARDS = [
    "dashboard",
    "dashboard-measures",
    "dashboard-milestones",
    "dashboard-reports",
    "dashboard-targets",
    "dashboard-ranking",
    "dashboard-map",
]


@pytest.fixture
def office(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


def banner(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    if "data-calendar-warning" not in page:
        return ""
    return page.split("data-calendar-warning>")[1].split("</div>")[0]


@pytest.mark.parametrize("name", BOARDS)
def test_every_board_shows_the_banner_for_a_year_the_calendar_lacks(office, plan, name):
    assert BANNER in banner(office.get(reverse(name), {"as_of": "2027-03-01"}))
    assert banner(office.get(reverse(name), {"as_of": "2019-07-01"})) == ""


def test_the_banner_goes_once_the_year_is_entered(office, plan):
    HolidayYear.objects.create(year=2027, covered=True, holidays=["2027-01-01"])
    assert banner(office.get(reverse("dashboard"), {"as_of": "2027-03-01"})) == ""


def test_a_warning_window_reaching_into_an_uncovered_year_warns_in_december(db):
    assert BANNER in calendar_warning_on(date(2026, 12, 28))  # seven working days run into January 2027
    assert calendar_warning_on(date(2026, 12, 1)) == ""


def test_the_publish_preview_shows_the_banner(office, plan):
    from ledger.periods import open_periods

    period = open_periods(date(2027, 1, 1), date(2027, 1, 31))[0]
    response = office.get(reverse("ranking-publish"), {"period": period.pk, "as_of": "2027-03-01"})
    assert BANNER in banner(response)


@pytest.mark.parametrize(("user", "name"), [("lead_reporter", "my-tasks"), ("office_reviewer", "review-queue")])
def test_task_and_review_pages_show_the_banner(client, plan, request, user, name, time_machine):
    time_machine.move_to("2027-03-01 10:00:00+08:00", tick=False)
    client.force_login(request.getfixturevalue(user))  # a session of that day
    assert BANNER in banner(client.get(reverse(name)))
    time_machine.move_to("2019-07-01 10:00:00+08:00", tick=False)
    client.force_login(request.getfixturevalue(user))
    assert banner(client.get(reverse(name))) == ""


def test_the_digest_carries_the_warning(plan, supervisor):
    supervisor.email = "duchashi@example.com"
    supervisor.save()
    (digest,) = notify.plan_digests(date(2027, 3, 1))
    assert BANNER in digest.body_text and BANNER in digest.body_html
    (digest,) = notify.plan_digests(date(2019, 7, 1))
    assert "节假日日历" not in digest.body_text


def test_the_excel_ledger_carries_the_warning_under_its_title(office, plan):
    response = office.get(reverse("ledger-export"), {"as_of": "2027-03-01"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    subtitle = " ".join(str(cell.value) for cell in sheet[2] if cell.value)
    assert BANNER in subtitle
    response = office.get(reverse("ledger-export"), {"as_of": "2019-07-01"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert "节假日日历" not in " ".join(str(cell.value) for cell in sheet[2] if cell.value)
