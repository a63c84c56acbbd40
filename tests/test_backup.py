"""Backup and restore: a ledger backed up and restored into a new database and media folder is
the same ledger — the same fingerprint, the same reports, the same evidence files — and a
restore never writes over anything.

The backup runs in this process against the test database (the data is committed:
transactional_db); each restore runs `manage.py restore` in a process of its own against a
database created for the test and dropped after it, as an operator would on a new server.
"""

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from ledger import services
from ledger.periods import open_periods
from measures.models import PolicyDocument
from reform.backup import MANIFEST_NAME, fingerprint

from .conftest import ROOT

PDF = b"%PDF-1.4 \xe4\xbc\x81\xe4\xb8\x9a\xe5\xbc\x80\xe5\x8a\x9e\xe8\xbf\x9b\xe5\xb1\x95"
SHEET = b"%PDF-1.4 contribution"


def _postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("backup and restore need PostgreSQL (DATABASE_URL)")


def _dsn() -> dict:
    settings = connection.settings_dict
    return {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": settings.get("PORT") or 5432,
        "user": settings["USER"],
        "password": settings.get("PASSWORD") or "",
    }


def _url(dsn: dict, name: str) -> str:
    password = f":{dsn['password']}" if dsn["password"] else ""
    return f"postgres://{dsn['user']}{password}@{dsn['host']}:{dsn['port']}/{name}"


@pytest.fixture
def new_database():
    """A factory of empty databases on the same server (what `createdb` gives on a new server),
    all dropped when the test ends."""
    _postgresql()
    dsn, made = _dsn(), []
    admin = psycopg2.connect(dbname="postgres", **dsn)
    admin.autocommit = True

    def create():
        name = f"restore_{os.getpid()}_{len(made)}"
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return {**dsn, "dbname": name}, _url(dsn, name)

    yield create
    with admin.cursor() as cursor:
        for name in made:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "REDIS_URL": ""}
    env["REFORM_VAR_DIR"] = str(media_root.parent / "var")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def seed_ledger():
    """Two months of a measure's ledger: a report approved with a claim, a target value and
    evidence; a second version returned; a contribution with evidence."""
    reporter, reviewer = User.objects.get(username="lead_reporter"), User.objects.get(username="office_reviewer")
    co_reporter = User.objects.get(username="co_reporter")
    document = PolicyDocument.objects.get()
    measure = document.measures.get(number=2)
    january, february = open_periods(date(2019, 1, 1), date(2019, 2, 28))
    milestone = measure.milestones.filter(due_date__isnull=False).order_by("due_date").first()
    target = measure.targets.first()
    with time_machine.travel("2019-02-03 10:00:00+08:00", tick=False):
        report = services.open_report(reporter, measure, january)
        content = {"status": "on_track", "progress": "企业开办全程电子化已上线。", "next_steps": "推广到各区。"}
        values = [services.TargetValue(target.pk, 4, date(2019, 1, 31))]
        report = services.save_report_draft(reporter, report, report.lock_version, content, values, [milestone.pk])
        services.attach_evidence(reporter, report, SimpleUploadedFile("企业开办进展.pdf", PDF))
        report = services.submit_report(reporter, report, report.lock_version)
    with time_machine.travel("2019-02-10 10:00:00+08:00", tick=False):
        services.review_report(reviewer, report, "approved", "同意销号", good_practice=True)
    with time_machine.travel("2019-03-04 10:00:00+08:00", tick=False):
        second = services.open_report(reporter, measure, february)
        second = services.save_report_draft(reporter, second, second.lock_version, {**content, "progress": "二月进展"})
        second = services.submit_report(reporter, second, second.lock_version)
        services.review_report(reviewer, second, "returned", "请补充数据")
        share_measure = document.measures.get(number=12)
        share = services.open_contribution(co_reporter, share_measure, january)
        share = services.save_contribution(co_reporter, share, share.lock_version, {"progress": "教育局配合完成。"})
        services.attach_evidence(co_reporter, share, SimpleUploadedFile("配合情况.pdf", SHEET))
        services.submit_contribution(co_reporter, share, share.lock_version)
    return report


ROWS = {
    "reports": "SELECT measure_id, period_id, version, status, progress, submitted_at "
    "FROM ledger_progressreport ORDER BY id",
    "reviews": "SELECT report_id, decision, comment, good_practice, decided_at FROM ledger_reportreview ORDER BY id",
    "evidence": "SELECT file, original_name, sha256, size FROM ledger_evidence ORDER BY id",
    "claims": "SELECT report_id, milestone_id FROM ledger_milestoneclaim ORDER BY id",
    "users": "SELECT username, password, unit_id FROM accounts_user ORDER BY id",
    "audit": "SELECT count(*) FROM auditlog_logentry",
}


def read_rows(dsn: dict) -> dict:
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cursor:
        result = {}
        for name, query in ROWS.items():
            cursor.execute(query)
            result[name] = cursor.fetchall()
        return result


def table_count(dsn: dict) -> int:
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        return cursor.fetchone()[0]


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.xdist_group("backup")
def test_a_ledger_restored_on_a_new_server_is_the_same_ledger(transactional_db, new_database, settings, tmp_path):
    _postgresql()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_ledger()
    before = fingerprint()
    assert before["media"]["files"] == 2
    folder = tmp_path / "backup"

    call_command("backup", str(folder), stdout=(log := StringIO()))
    assert "备份完成" in log.getvalue() and "4/4" in log.getvalue()
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["fingerprint"] == before
    assert manifest["fingerprint"]["tables"]["ledger_progressreport"]["rows"] == 2
    assert "hash" in manifest["fingerprint"]["tables"]["auditlog_logentry"]
    assert "hash" not in manifest["fingerprint"]["tables"]["django_session"]  # counted, not hashed
    assert manifest["migrations"]["heads"]["ledger"] and manifest["migrations"]["unapplied"] == []
    assert manifest["missing_media"] == []

    # The test database is not empty: refused, and nothing in it changed.
    with pytest.raises(CommandError, match="目标数据库 .* 不是空的"):
        call_command("restore", str(folder), stdout=StringIO())
    assert fingerprint() == before

    dsn, url = new_database()
    media = tmp_path / "restored-media"
    media.mkdir()
    (media / "keep.txt").write_text("已有文件")
    refused = manage("restore", str(folder), database_url=url, media_root=media)
    assert refused.returncode != 0
    assert "拒绝恢复,未做任何更改" in refused.stderr and "MEDIA_ROOT" in refused.stderr
    assert table_count(dsn) == 0 and [p.name for p in media.iterdir()] == ["keep.txt"]

    (media / "keep.txt").unlink()
    restored = manage("restore", str(folder), database_url=url, media_root=media)
    assert restored.returncode == 0, restored.stderr
    assert "恢复完成:指纹一致" in restored.stdout

    printed = manage("fingerprint", "--json", database_url=url, media_root=media)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == before
    original, copy = read_rows(_dsn() | {"dbname": connection.settings_dict["NAME"]}), read_rows(dsn)
    assert copy == original
    assert copy["reports"][0][4] == "企业开办全程电子化已上线。" and copy["audit"][0][0] > 0
    for file, _, sha256, size in copy["evidence"]:
        content = (media / file).read_bytes()
        assert len(content) == size and hashlib.sha256(content).hexdigest() == sha256

    # A restored database takes new rows: its sequences came along.
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('ledger_progressreport', 'id')), max(id) FROM ledger_progressreport"
        )
        next_id, last_id = cursor.fetchone()
        assert next_id > last_id


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.xdist_group("backup")
def test_a_restore_that_does_not_match_the_manifest_fails_loudly(transactional_db, new_database, settings, tmp_path):
    _postgresql()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_ledger()
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=StringIO())
    # The manifest promises one report more than the dump holds.
    manifest_path = folder / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["fingerprint"]["tables"]["ledger_progressreport"]["rows"] += 1
    manifest["fingerprint"]["digest"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    _, url = new_database()
    result = manage("restore", str(folder), database_url=url, media_root=tmp_path / "restored-media")
    assert result.returncode != 0
    assert "与备份清单不一致,请勿使用这个数据库" in result.stderr
    assert "ledger_progressreport:应有 3 行,实有 2 行" in result.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path, settings):
    _postgresql()
    folder = tmp_path / "backup"
    folder.mkdir()
    with pytest.raises(CommandError, match="没有 manifest.json"):
        call_command("restore", str(folder), stdout=StringIO())
    (folder / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("restore", str(folder), stdout=StringIO())
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "nowhere"), stdout=StringIO())


def test_a_backup_never_writes_into_a_folder_that_holds_files(tmp_path):
    _postgresql()
    (tmp_path / "database.dump").write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="不是空的,不会覆盖"):
        call_command("backup", str(tmp_path), stdout=StringIO())
    assert (tmp_path / "database.dump").read_bytes() == b"an older backup"


@pytest.mark.parametrize("command", [["backup", "out"], ["restore", "out"], ["fingerprint"]])
def test_the_commands_say_they_need_postgresql_on_sqlite(command, tmp_path):
    args = [arg if arg != "out" else str(tmp_path / "out") for arg in command]
    result = manage(*args, database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", media_root=tmp_path / "media")
    assert result.returncode == 1
    assert "只支持 PostgreSQL" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_failed_backup_leaves_no_half_written_files(db, tmp_path, monkeypatch):
    _postgresql()
    monkeypatch.setattr("reform.backup._tool", lambda name: "/bin/false")  # pg_dump exits with 1
    with pytest.raises(CommandError, match="false 失败"):
        call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    assert list((tmp_path / "backup").iterdir()) == []
