"""Odd parameters are a 400 naming the parameter, on pages, exports, the API and commands;
never a 500 (these were 500s: date overflow, `²` passing str.isdigit(), deep JSON)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

ODD_DATES = ["9999-12-31", "9999-12-25", "0001-01-01", "1999-12-31", "2101-01-01", "２０１９-07-01", "2019-7-1"]
ODD_IDS = ["²", "١٢", "-1", "1.0", "99999999999999999999", "1e3"]
BOARDS = ["dashboard", "dashboard-measures", "dashboard-milestones", "dashboard-reports", "dashboard-targets"]
BOARDS += ["dashboard-ranking", "dashboard-map", "ledger-export"]


@pytest.fixture
def office(client, office_reviewer):
    client.force_login(office_reviewer)
    return client


@pytest.mark.parametrize("url_name", BOARDS)
@pytest.mark.parametrize("raw", ODD_DATES)
def test_boards_and_the_export_refuse_odd_dates(office, url_name, raw):
    response = office.get(reverse(url_name), {"as_of": raw})
    assert response.status_code == 400
    assert "as_of" in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "name"),
    [
        ("dashboard", "unit"),
        ("dashboard-reports", "period"),
        ("dashboard-ranking", "period"),
        ("review-queue", "unit"),
        ("review-queue", "period"),
        ("review-queue", "document"),
        ("ledger-export", "unit"),
        ("ledger-export", "period"),
        ("ledger-export", "document"),
        ("plan-export", "document"),
    ],
)
@pytest.mark.parametrize("raw", ODD_IDS)
def test_ids_must_be_plain_ascii_numbers(office, url_name, name, raw):
    response = office.get(reverse(url_name), {name: raw})
    assert response.status_code == 400, response.content[:300]
    assert name in response.content.decode()


@pytest.mark.parametrize("url_name", [*BOARDS, "review-queue"])
def test_a_nul_in_a_section_is_a_400_not_a_500(office, url_name):
    """PostgreSQL cannot hold a NUL: a section filter carrying one was a 500 on the boards and
    the export."""
    response = office.get(reverse(url_name), {"section": "一\x00"})
    assert response.status_code == 400, response.content[:300]
    assert "section" in response.content.decode()


def test_the_400_page_is_a_page_of_the_site(office):
    page = office.get(reverse("dashboard"), {"as_of": "9999-12-31"}).content.decode()
    assert "请求参数有误" in page and "2000-01-01" in page and "返回首页" in page


@pytest.mark.parametrize("data", [{"period": "²", "as_of": "2019-07-10"}, {"period": "1", "as_of": "9999-12-31"}])
def test_the_publish_form_refuses_bad_input(office, data):
    assert office.get(reverse("ranking-publish"), data).status_code in (400, 404)
    assert office.post(reverse("ranking-publish"), {**data, "confirm": "yes"}).status_code in (400, 404)


@pytest.mark.parametrize("depth", [25, 100_000])
@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/reports/"])
def test_deeply_nested_json_is_a_400(client, lead_reporter, url, depth):
    client.force_login(lead_reporter)
    body = "[" * depth + "]" * depth
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in json.dumps(response.json(), ensure_ascii=False)


def test_ordinary_json_still_parses(client, db):
    body = {"username": "nobody", "password": "x"}
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400 and "嵌套" not in response.content.decode()


@pytest.mark.parametrize(
    ("command", "option"),
    [("scan_deadlines", "--as-of"), ("send_digests", "--as-of"), ("open_period", "--date")],
)
@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "２０１９-07-01"])
def test_commands_refuse_odd_dates_with_a_message(plan, command, option, raw):
    with pytest.raises(CommandError, match=option):
        call_command(command, f"{option}={raw}", stdout=io.StringIO())
