"""No internal code on any page: every page reachable from the start pages, for every role, on a
ledger with reports in each state, shows Chinese labels, never an enum value (on_track, missing,
due_soon, done_late …). The codes were found leaking into screens by a new user's walk."""

import html
import re
from collections import Counter, deque
from datetime import date

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve

from ledger import services

from .conftest import fill

START = ["/plan/", "/tasks/", "/review/", "/dashboard/", "/units/", "/supervision/"]
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/exports/", "/evidence/", "/accounts/logout/")
PER_PATTERN = 2
PER_ROLE = 120
APPS = {"units", "measures", "ledger", "deadlines", "dashboards", "supervision"}


def enum_codes() -> set[str]:
    """Every stored value of every choices field of the project's models that looks like a code."""
    codes = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in APPS:
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "choices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                    codes.add(value)
    return codes


def raw_codes_in(text: str, codes: set[str]) -> list[str]:
    """The internal codes, and any "第 N 号", that `text` shows."""
    found = [code for code in sorted(codes) if re.search(rf"(?<![A-Za-z0-9_]){code}(?![A-Za-z0-9_])", text)]
    found += re.findall(r"第 ?\d+ ?号", text)
    return found


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="(/[^"#]*)"', page)]


def walk(client, usernames):
    seen, per_pattern, found = set(), Counter(), {}
    queue = deque(START)
    codes = enum_codes()
    assert {"on_track", "missing", "due_soon", "done_late", "on_time", "late"} <= codes
    while queue and len(seen) < PER_ROLE:
        url = queue.popleft()
        if url in seen or url.startswith(SKIPPED_PREFIXES):
            continue
        try:
            name = resolve(url.split("?")[0]).url_name
        except Resolver404:
            continue
        if per_pattern[name] >= PER_PATTERN:
            continue
        per_pattern[name] += 1
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        text = visible_text(page)
        for username in usernames:
            text = text.replace(username, "")
        for code in raw_codes_in(text, codes):
            found.setdefault(code, url)
        queue.extend(links(page))
    return found, len(seen)


@pytest.fixture
def ledger_in_every_state(request, lead_reporter, office_reviewer, co_reporter, plan, periods):
    january, february, _ = periods
    measure = plan.measures.get(number=2)
    returned = services.submit_report(lead_reporter, *_filled(lead_reporter, measure, january))
    services.review_report(office_reviewer, returned, "returned", "请补充数据")
    approved = services.submit_report(lead_reporter, *_filled(lead_reporter, measure, february))
    services.review_report(office_reviewer, approved, "approved", "")
    shared = plan.measures.get(number=12)
    contribution = services.open_contribution(co_reporter, shared, february)
    contribution = services.save_contribution(
        co_reporter,
        contribution,
        contribution.lock_version,
        {"status": "on_track", "progress": "已配合", "next_steps": "继续"},
    )
    services.submit_contribution(co_reporter, contribution, contribution.lock_version)
    _supervision_in_every_state(request.getfixturevalue("supervisor"), lead_reporter, measure)


def _supervision_in_every_state(supervisor, lead_reporter, measure):
    """Findings open, rectifying, applied for and closed; an interview with a commitment; an outcome."""
    from supervision import services as supervision

    def step(user, finding, kind, **extra):
        supervision.take_step(user=user, finding=finding, kind=kind, data=supervision.StepInput("说明", **extra))

    findings = [
        supervision.open_finding(
            user=supervisor,
            unit=lead_reporter.unit,
            problem=f"问题{n}",
            measures=[measure],
            source="measure",
            severity="serious",
            workdays=5,
        )  # fmt: skip
        for n in range(4)
    ]
    for finding in findings[1:]:
        step(lead_reporter, finding, "plan", owner="张科长", due=date(2019, 4, 1))
    for finding in findings[2:]:
        step(lead_reporter, finding, "progress")
        step(lead_reporter, finding, "apply_close")
    step(supervisor, findings[3], "close")
    interview = supervision.record_interview(
        user=supervisor, unit=lead_reporter.unit, person="赵局长", post="局长", interviewers="督查室",
        held_on=date(2019, 3, 20), reasons="末位约谈", findings=findings[:1], commitments=[("整改", date(2019, 3, 21))],
    )  # fmt: skip
    supervision.record_outcome(user=supervisor, interview=interview, kind="admonition", decided_on=date(2019, 3, 20),
                               summary="诫勉谈话", exposed=True, public_summary="曝光")  # fmt: skip


def _filled(user, measure, period, status="on_track"):
    report = fill(user, services.open_report(user, measure, period))
    return report, report.lock_version


@pytest.mark.parametrize(
    "actor", ["lead_reporter", "lead_leader", "co_reporter", "office_reviewer", "supervisor", "administrator"]
)
def test_no_page_shows_an_internal_code(client, ledger_in_every_state, actor, request):
    user = request.getfixturevalue(actor)
    client.force_login(user)
    found, pages = walk(client, usernames=[actor, str(user)])
    assert pages > 5
    assert found == {}, f"internal codes on screen (code → first page): {found}"
