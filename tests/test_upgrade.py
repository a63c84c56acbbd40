"""An existing database upgrades with `migrate` and loses nothing.

The database is made by the code of the last release before the layers moved (UPGRADE_FROM,
checked out of this repository's history): migrated, loaded with the plan, and given a ledger
that touches every moved or changed table — a report claiming a milestone, with a target
value and evidence, approved; a contribution; scanned statuses and events; planned alerts.
Then this code's `migrate` runs on it: every row must still be there and readable, the
milestone's audit entries must still point at it, and the alerts planned before the upgrade
must not be planned again.
"""

import os
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from .conftest import ROOT

pytestmark = pytest.mark.slow

UPGRADE_FROM = "08277ac1b28039e9d8a0755542118ad231571cdc"  # main before milestones moved to measures
TABLES = {
    "deadlines_milestone": "id, measure_id, position, kind, due_date, description, source",
    "ledger_progressreport": "id, measure_id, period_id, unit_id, version, status, submitted_at, progress",
    "ledger_reportreview": "id, report_id, decision, comment, decided_at",
    "ledger_milestoneclaim": "id, report_id, milestone_id",
    "ledger_targetactual": "id, report_id, target_id, value, as_of",
    "ledger_contribution": "id, measure_id, period_id, unit_id, version, submitted_at",
    "ledger_evidence": "id, report_id, contribution_id, sha256",
    "ledger_reportingperiod": "id, starts_on, ends_on, due_on",
    "deadlines_milestonestatus": "id, milestone_id, state, since, completed_on",
    "deadlines_reportobligation": "id, measure_id, period_id, unit_id, kind, state",
    "deadlines_statusevent": "id, milestone_id, obligation_id, from_state, to_state",
    "measures_measure": "id, number, title",
}
# Written with the old code's services, the way its users would have.
OLD_LEDGER = """
from datetime import date, datetime
from zoneinfo import ZoneInfo
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.models import User
from accounts.services import ensure_role_groups
from deadlines import services as alerts
from deadlines.scan import scan_deadlines
from ledger import services
from ledger.periods import open_periods
from measures.models import PolicyDocument
from units.models import Unit

groups = ensure_role_groups()

def user(name, unit, role):
    made = User.objects.create_user(name, email=f"{name}@example.com", unit=Unit.objects.get(name=unit))
    made.groups.add(groups[role])
    return made

def at(day):
    return datetime.fromisoformat(day + " 10:00").replace(tzinfo=ZoneInfo("Asia/Shanghai"))

reporter = user("reporter", "市工商局", "unit_reporter")
reviewer = user("reviewer", "市营商办", "office_reviewer")
co_unit = user("co_unit", "市人社局", "unit_reporter")
measure = PolicyDocument.objects.get().measures.get(number=2)
periods = open_periods(date(2019, 1, 1), date(2019, 3, 31))
milestone = measure.milestones.get(due_date=date(2018, 12, 31))
content = {"status": "on_track", "progress": "进展", "next_steps": "计划"}
report = services.open_report(reporter, measure, periods[0])
values = [services.TargetValue(measure.targets.first().pk, 5, date(2019, 1, 31))]
report = services.save_report_draft(reporter, report, report.lock_version, content, values, [milestone.pk])
services.attach_evidence(reporter, report, SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))
report = services.submit_report(reporter, report, report.lock_version, now=at("2019-02-03"))
services.review_report(reviewer, report, "approved", "同意", now=at("2019-02-10"))
share = services.open_contribution(co_unit, measure, periods[0])
share = services.save_contribution(co_unit, share, share.lock_version, content)
services.submit_contribution(co_unit, share, share.lock_version, now=at("2019-02-01"))
print("planned", len(alerts.prepare_unit_alerts(date(2019, 3, 20)).created_ids))
"""
REPLAN = """
from datetime import date
from deadlines import services as alerts
from deadlines.models import Dispatch
created = alerts.prepare_unit_alerts(date(2019, 3, 20)).created_ids
print("planned", len(created), list(Dispatch.objects.filter(pk__in=created).values_list("kind", "period_key")))
"""


def _old_tree(target: Path) -> Path:
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", UPGRADE_FROM], check=True, capture_output=True
        ).stdout
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"commit {UPGRADE_FROM[:8]} is not in this clone's history: {exc.stderr.decode()}")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def _run(cwd: Path, env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} in {cwd}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _snapshot(dsn: dict) -> dict:
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cursor:
        rows = {}
        for table, columns in TABLES.items():
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")
            rows[table] = cursor.fetchall()
        cursor.execute(
            "SELECT ct.app_label, count(e.id) FROM django_content_type ct "
            "LEFT JOIN auditlog_logentry e ON e.content_type_id = ct.id WHERE ct.model = 'milestone' "
            "GROUP BY ct.app_label"
        )
        rows["milestone content type"] = sorted(cursor.fetchall())
        cursor.execute(
            "SELECT d.period_key, o.measure_id, o.period_id, o.unit_id FROM deadlines_dispatch d "
            "LEFT JOIN deadlines_reportobligation o ON d.period_key LIKE 'report:' || o.id || ':%' "
            "WHERE d.period_key LIKE 'report:%' ORDER BY d.id"
        )
        rows["report alerts"] = cursor.fetchall()
    return rows


@pytest.fixture
def old_database():
    if connection.vendor != "postgresql":
        pytest.fail("the upgrade test needs PostgreSQL (DATABASE_URL)")
    settings = connection.settings_dict
    dsn = {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": settings.get("PORT") or 5432,
        "user": settings["USER"],
        "password": settings.get("PASSWORD") or "",
    }
    name = f"upgrade_{os.getpid()}"
    admin = psycopg2.connect(dbname="postgres", **dsn)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{dsn['password']}" if dsn["password"] else ""
    yield {**dsn, "dbname": name}, f"postgres://{dsn['user']}{password}@{dsn['host']}:{dsn['port']}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_a_database_made_by_the_previous_release_upgrades_with_nothing_lost(old_database, tmp_path):
    dsn, url = old_database
    old = _old_tree(tmp_path / "old")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "REFORM_VAR_DIR": str(tmp_path / "var")}
    env.pop("PYTHONPATH", None)
    _run(old, env, "migrate", "--noinput")
    _run(old, env, "load_units", "fixtures/units.json")
    _run(old, env, "import_policy", "fixtures/source/dalian-2018-business-environment.txt")
    assert "planned 0" not in _run(old, env, "shell", "-c", OLD_LEDGER)
    before = _snapshot(dsn)
    assert before["ledger_milestoneclaim"] and before["deadlines_reportobligation"] and before["report alerts"]
    assert [label for label, _ in before["milestone content type"]] == ["deadlines"]

    _run(ROOT, env, "migrate", "--noinput")
    after = _snapshot(dsn)

    old_type, new_type = before.pop("milestone content type"), after.pop("milestone content type")
    assert [label for label, _ in new_type] == ["measures"]
    assert new_type[0][1] == old_type[0][1] > 0  # every audit entry of a milestone still points at it
    old_alerts, new_alerts = before.pop("report alerts"), after.pop("report alerts")
    # report:<obligation>:<when> became report:<measure>:<period>:<unit>:<when>
    renamed = [f"report:{measure}:{period}:{unit}:{key.split(':')[2]}" for key, measure, period, unit in old_alerts]
    assert [key for key, *_ in new_alerts] == renamed
    assert after == before
    assert "No changes detected" in _run(ROOT, env, "makemigrations", "--check", "--dry-run")
    assert _run(ROOT, env, "shell", "-c", REPLAN).strip().endswith("planned 0 []")  # nothing is sent twice
