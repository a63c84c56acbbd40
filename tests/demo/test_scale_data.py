"""manage.py generate_scale_data: the synthetic benchmark dataset is built once, rebuilt the same
on --fresh, and refused where it must not go.

The command runs in a subprocess on a SQLite file of its own (tiny sizes, --allow-sqlite), so
the test means the same whether the suite itself runs on SQLite or on PostgreSQL, where the
command rightly refuses the test database (its name does not start with "bench").
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

# The tests share one migrated SQLite file: one pytest-xdist worker migrates it once.
pytestmark = pytest.mark.xdist_group("scale")

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--allow-sqlite", "--documents", "2", "--measures", "3", "--units", "10", "--years", "1"]
TABLES = {
    "documents": "measures_policydocument",
    "measures": "measures_measure",
    "assignments": "measures_assignment",
    "milestones": "deadlines_milestone",
    "periods": "ledger_reportingperiod",
    "reports": "ledger_progressreport",
    "reviews": "ledger_reportreview",
    "actuals": "ledger_targetactual",
    "claims": "ledger_milestoneclaim",
    "obligations": "deadlines_reportobligation",
    "milestone_statuses": "deadlines_milestonestatus",
}


def manage(database: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "REFORM_VAR_DIR": str(database.parent),
        "DJANGO_ENV": "development",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("scale") / "migrated.sqlite3"
    result = manage(database, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    return database


@pytest.fixture
def database(migrated, tmp_path) -> Path:
    copy = tmp_path / "scale.sqlite3"
    shutil.copyfile(migrated, copy)
    return copy


def generate(database: Path, *extra: str, **env: str) -> subprocess.CompletedProcess:
    return manage(database, "generate_scale_data", *TINY, *extra, **env)


def count(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        counts = {name: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for name, table in TABLES.items()}
        counts["units"] = db.execute("SELECT count(*) FROM units_unit WHERE name LIKE '规模测试单位%'").fetchone()[0]
    return counts


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


HISTORY = """
    SELECT d.title, m.number, p.label, r.version, r.status, r.submitted_at, v.decision, v.decided_at
    FROM ledger_progressreport r
    JOIN measures_measure m ON m.id = r.measure_id
    JOIN measures_policydocument d ON d.id = m.document_id
    JOIN ledger_reportingperiod p ON p.id = r.period_id
    LEFT JOIN ledger_reportreview v ON v.report_id = r.id
    ORDER BY d.title, m.number, p.starts_on, r.version
"""


def test_tiny_dataset_has_the_plan_the_reports_and_the_scanned_statuses(database):
    result = generate(database)

    assert result.returncode == 0, result.stderr
    counts = count(database)
    assert (counts["documents"], counts["measures"], counts["units"], counts["periods"]) == (2, 6, 10, 12)
    # Each measure: 1–3 lead and 2–4 responsible units, 3–5 milestones.
    assert 6 * 3 <= counts["assignments"] <= 6 * 7
    assert 6 * 3 <= counts["milestones"] <= 6 * 5
    # The scan ran: every milestone has a status, every named unit owes a report in every period.
    assert counts["milestone_statuses"] == counts["milestones"]
    assert counts["obligations"] == counts["assignments"] * 12
    first_versions = query(database, "SELECT count(*) FROM ledger_progressreport WHERE version = 1")[0][0]
    assert 0.75 * 6 * 12 <= first_versions < 6 * 12  # about nine in ten (measure, period) pairs
    assert counts["actuals"] > 0 and counts["claims"] > 0
    # Nothing is left a draft; every resubmission follows a returned first version.
    assert query(database, "SELECT count(*) FROM ledger_progressreport WHERE submitted_at IS NULL") == [(0,)]
    resubmissions = query(
        database,
        """SELECT r.version, v.decision FROM ledger_progressreport r
           JOIN ledger_reportreview v ON v.report_id = r.previous_id""",
    )
    assert resubmissions and all(row == (2, "returned") for row in resubmissions)
    # The review queue's marker is written beside exactly the versions left without a review.
    unreviewed = """SELECT r.id, r.submitted_at FROM ledger_progressreport r
                    WHERE NOT EXISTS (SELECT 1 FROM ledger_reportreview v WHERE v.report_id = r.id)"""
    marked = "SELECT report_id, submitted_at FROM ledger_pendingreview"
    assert sorted(query(database, marked)) == sorted(query(database, unreviewed))
    # 我的任务's marker is beside exactly the returns no newer version was sent after.
    unanswered = """SELECT r.id FROM ledger_progressreport r
                    JOIN ledger_reportreview v ON v.report_id = r.id AND v.decision = 'returned'
                    WHERE NOT EXISTS (SELECT 1 FROM ledger_progressreport n WHERE n.previous_id = r.id)"""
    returned = "SELECT report_id FROM ledger_pendingresubmission"
    assert sorted(query(database, returned)) == sorted(query(database, unanswered))
    assert f"报告 {counts['reports']} 份" in result.stdout


def test_running_it_again_changes_nothing(database):
    generate(database)
    before, history = count(database), query(database, HISTORY)

    again = generate(database)

    assert again.returncode == 0, again.stderr
    assert "未做任何改动" in again.stdout
    assert count(database) == before
    assert query(database, HISTORY) == history


def test_fresh_rebuilds_the_same_dataset_from_the_same_seed(database):
    generate(database)
    history = query(database, HISTORY)
    (last_id,) = query(database, "SELECT max(id) FROM ledger_progressreport")[0]

    rebuilt = generate(database, "--fresh")

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "已删除原有规模测试数据" in rebuilt.stdout
    assert query(database, HISTORY) == history
    assert query(database, "SELECT min(id) FROM ledger_progressreport")[0][0] > last_id  # new rows, not kept ones


def test_other_options_are_refused_unless_fresh(database):
    generate(database)
    before = count(database)

    refused = generate(database, "--seed", "7")

    assert refused.returncode != 0
    assert "--fresh" in refused.stderr
    assert count(database) == before
    assert generate(database, "--seed", "7", "--fresh").returncode == 0
    assert query(database, HISTORY) != []


def test_sqlite_needs_allow_sqlite_and_production_is_refused(database):
    plain = manage(database, "generate_scale_data", "--documents", "1", "--measures", "1", "--units", "10")
    assert plain.returncode != 0 and "--allow-sqlite" in plain.stderr

    production = generate(
        database,
        DJANGO_ENV="production",
        SECRET_KEY="k" * 40,
        ALLOWED_HOSTS="example.org",
        STATIC_ROOT=str(database.parent),
    )
    assert production.returncode != 0 and "生产环境" in production.stderr
    assert count(database)["reports"] == 0
