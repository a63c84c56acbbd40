"""The boards' figures are cached exactly (dashboards.cache, core.revision): after each kind of
write the next request computes them afresh, a day that is over stays cached while reports come
in, and every page says when its figures were computed.

These tests commit, as production does: the revision tokens change when a transaction commits."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import HolidayYear
from ledger import services
from ledger.periods import open_periods
from reform.apps import watched_tables
from supervision.models import FindingSource
from supervision.services import open_finding

from ..ledger.conftest import fill

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="revision tokens exist on PostgreSQL"),
]

FROZEN = "2019-03-20 10:00:00+08:00"  # February 2019 is due on 3-05: judged, and missing


@pytest.fixture
def cached(settings, client, office_reviewer):
    settings.BOARD_CACHE = True
    caches["boards"].clear()
    client.force_login(office_reviewer)
    yield
    caches["boards"].clear()


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return {"cached": "data-cached" in html, "figures": figures(html), "html": html}


def figures(html: str) -> str:
    """The page's figures with the computation time cut out: what must equal a fresh render."""
    start = html.index('<h1 class="h3">')
    end = html.index("data-computed-at")
    return html[start:end]


def truth(client, settings, url: str) -> str:
    """The same page rendered with the cache off: the figures as they are."""
    settings.BOARD_CACHE = False
    try:
        return page(client, url)["figures"]
    finally:
        settings.BOARD_CACHE = True


def submit_february(lead_reporter, measure, periods, **draft):
    report = fill(lead_reporter, services.open_report(lead_reporter, measure, periods[1]), **draft)
    return services.submit_report(lead_reporter, report, report.lock_version)


def write_submit(world):
    submit_february(world["lead_reporter"], world["measure"], world["periods"])


def write_approve_claim(world):
    measure = world["measure"]
    milestone = measure.milestones.filter(due_date__isnull=False).order_by("due_date").first()
    report = fill(world["lead_reporter"], services.open_report(world["lead_reporter"], measure, world["periods"][1]))
    report = services.save_report_draft(
        world["lead_reporter"], report, report.lock_version, {}, claimed_milestone_ids=[milestone.pk]
    )
    services.attach_evidence(world["lead_reporter"], report, SimpleUploadedFile("办结.pdf", b"%PDF-1.4 done"))
    report = services.submit_report(world["lead_reporter"], report, report.lock_version)
    services.review_report(world["office_reviewer"], report, "approved")


def write_plan(world):
    milestone = world["measure"].milestones.filter(due_date__isnull=False).order_by("due_date").first()
    milestone.due_date = date(2030, 1, 1)
    milestone.save()


def write_finding(world):
    open_finding(
        user=world["supervisor"], unit=world["measure"].lead_units()[0], problem="企业开办仍需线下跑动。",
        source=FindingSource.MEASURE, deadline=date(2019, 4, 30),
    )  # fmt: skip


def write_holidays(world):
    year, _ = HolidayYear.objects.get_or_create(year=2019)
    year.source = "国办发明电〔2018〕15号"
    year.save()


BOTH = ("dashboard", "dashboard-programme")
WRITES = {  # the write, and the pages on which it moves a figure
    "report submitted": (write_submit, BOTH),
    "report approved with a milestone claim": (write_approve_claim, BOTH),
    "plan edited": (write_plan, BOTH),
    "finding opened": (write_finding, ("dashboard",)),  # the programme board counts no findings
    "holiday calendar edited": (write_holidays, ()),  # no figure moves; the token does all the same
}


@pytest.fixture
def world(plan, lead_reporter, office_reviewer, supervisor, measure):
    return {
        "lead_reporter": lead_reporter,
        "office_reviewer": office_reviewer,
        "supervisor": supervisor,
        "measure": measure,
        "periods": open_periods(date(2019, 1, 1), date(2019, 3, 31)),
    }


@pytest.mark.parametrize("url_name", BOTH)
@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_after_each_kind_of_write_the_next_request_shows_the_new_figures(
    cached, client, settings, world, url_name, write
):
    url = reverse(url_name)
    with time_machine.travel(FROZEN, tick=False):
        before = page(client, url)
        again = page(client, url)
        assert not before["cached"] and again["cached"]
        assert again["figures"] == before["figures"]

        change, moves_a_figure = WRITES[write][0], url_name in WRITES[write][1]
        change(world)

        after = page(client, url)
        assert not after["cached"], "a write must make the next request compute the figures afresh"
        assert after["figures"] == truth(client, settings, url)
        if moves_a_figure:
            assert after["figures"] != before["figures"]
        assert page(client, url)["cached"]


def test_the_date_turning_computes_the_board_afresh(cached, client, world):
    with time_machine.travel(FROZEN, tick=False):
        assert not page(client, reverse("dashboard"))["cached"]
        assert page(client, reverse("dashboard"))["cached"]
    with time_machine.travel("2019-03-21 00:00:01+08:00", tick=False):
        after = page(client, reverse("dashboard"))
    assert not after["cached"]
    assert "截至 2019年3月21日" in after["html"]


def test_the_page_says_when_its_figures_were_computed(cached, client, world):
    with time_machine.travel(FROZEN, tick=False):
        first = page(client, reverse("dashboard"))
    with time_machine.travel("2019-03-20 10:05:00+08:00", tick=False):
        second = page(client, reverse("dashboard"))
    assert "以上数据计算于 2019年3月20日 10:00:00" in first["html"]
    assert second["cached"] and "以上数据计算于 2019年3月20日 10:00:00" in second["html"]


def test_a_cached_board_costs_fewer_queries_than_a_computed_one(cached, client, world):
    with time_machine.travel(FROZEN, tick=False):
        with CaptureQueriesContext(connection) as computed:
            page(client, reverse("dashboard"))
        with CaptureQueriesContext(connection) as served:
            assert page(client, reverse("dashboard"))["cached"]
    # session, user, roles, the tokens, the bell, the user's unit: not even the document
    assert len(served) == 6 < len(computed)


class TestADayThatIsOver:
    """Without the frozen clock: the ledger refuses a submission stamped with another time than
    the database's, unless the session says it replays history — which production never does."""

    @pytest.fixture
    def replaying_history(self):
        yield  # this module's writes are stamped with the present, as in production

    def test_stays_cached_while_reports_come_in_and_is_recomputed_when_the_plan_changes(
        self, cached, client, settings, plan, lead_reporter, measure
    ):
        today = timezone.localdate()
        periods = open_periods(today - timedelta(days=70), today)
        url = f"{reverse('dashboard')}?as_of={today - timedelta(days=8):%Y-%m-%d}"
        before = page(client, url)
        open_report = next(p for p in periods if p.due_on < today)
        report = fill(lead_reporter, services.open_report(lead_reporter, measure, open_report))
        services.submit_report(lead_reporter, report, report.lock_version)

        after_report = page(client, url)
        assert after_report["cached"], "a report sent today cannot change a day that is over"
        assert after_report["figures"] == truth(client, settings, url) == before["figures"]

        write_plan({"measure": measure})
        after_plan = page(client, url)
        assert not after_plan["cached"]
        assert after_plan["figures"] == truth(client, settings, url) != before["figures"]


def test_every_table_the_boards_read_is_watched():
    """A new model in a watched app gets its trigger at the next migrate, without a list to keep."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'core_revision'")
        triggered = {name.strip('"') for (name,) in cursor.fetchall()}
    watched = {table for tables in watched_tables().values() for table in tables}
    assert watched <= triggered
    assert {"ledger_progressreport", "ledger_reportreview", "deadlines_milestone", "supervision_findingstep"} <= watched
    assert "core_holidayyear" in watched_tables()["history"]


def ranking_page(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index("data-ranking>") : html.index("data-computed-at")]
    return {"cached": "data-cached" in html, "table": table}


@pytest.mark.parametrize("document", ["all", "plan"])
def test_the_ranking_is_cached_exactly_until_the_ledger_or_the_formula_changes(
    cached, client, settings, world, plan, document
):
    from dashboards.models import RankingFormula

    url = reverse("dashboard-ranking") + f"?document={plan.pk if document == 'plan' else 'all'}"
    with time_machine.travel(FROZEN, tick=False):
        before = ranking_page(client, url)
        again = ranking_page(client, url)
        assert not before["cached"] and again["cached"]
        assert again["table"] == before["table"]

        write_submit(world)  # February's report, late: 市工商局's 按时报送率 moves
        after = ranking_page(client, url)
        assert not after["cached"]
        assert after["table"] != before["table"]
        settings.BOARD_CACHE = False
        assert ranking_page(client, url)["table"] == after["table"]
        settings.BOARD_CACHE = True
        assert ranking_page(client, url)["cached"]

        RankingFormula.objects.create(version=RankingFormula.objects.count() + 2, min_items=1)
        renewed = ranking_page(client, url)
        assert not renewed["cached"] and renewed["table"] != after["table"]
