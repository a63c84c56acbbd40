"""Shared fixtures: the seed plan and the named actors of the ledger.

Actors:
- lead_reporter / lead_leader: 市工商局, which leads measure 2;
- co_reporter: 市教育局, responsible (co-unit) on measures 12 and 14, leads nothing;
- office_reviewer: 市营商办; supervisor: 市委督查室; administrator: staff, admin role;
- outsider: a unit named on no measure at all.
"""

import json
from functools import cache
from pathlib import Path

import pytest

from accounts.roles import ADMINISTRATOR, OFFICE_REVIEWER, SUPERVISOR, UNIT_LEADER, UNIT_REPORTER
from accounts.services import ensure_role_groups
from measures.parsing import parse_document

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = ROOT / "fixtures" / "source" / "dalian-2018-business-environment.txt"
DIRECTORY_PATH = ROOT / "fixtures" / "units.json"


@cache
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def directory(db):
    from units.services import load_directory

    load_directory(json.loads(DIRECTORY_PATH.read_text(encoding="utf-8")))


class _Rollback(Exception):
    pass


@pytest.fixture(scope="session")
def seed_export(django_db_setup, django_db_blocker):
    """The seed plan as export_plan prints it, computed once in a rolled-back transaction."""
    from django.db import transaction

    from measures.export import plan_as_dict
    from measures.services import import_document
    from units.services import load_directory

    result = {}
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                load_directory(json.loads(DIRECTORY_PATH.read_text(encoding="utf-8")))
                result = plan_as_dict(import_document(parse_document(seed_text())).document)
                raise _Rollback
        except _Rollback:
            pass
    return result


@pytest.fixture
def plan(directory):
    """The seed document imported, as `make run` does. Returns the PolicyDocument."""
    from measures.services import import_document

    return import_document(parse_document(seed_text())).document


def _make_user(django_user_model, username, role, unit_name, **extra):
    from units.models import Unit

    unit = Unit.objects.get(name=unit_name) if unit_name else None
    user = django_user_model.objects.create_user(username=username, password="x-Passw0rd-x", unit=unit, **extra)
    user.groups.add(ensure_role_groups()[role.code])
    return user


@pytest.fixture
def lead_reporter(plan, django_user_model):
    return _make_user(django_user_model, "lead_reporter", UNIT_REPORTER, "市工商局")


@pytest.fixture
def lead_leader(plan, django_user_model):
    return _make_user(django_user_model, "lead_leader", UNIT_LEADER, "市工商局")


@pytest.fixture
def co_reporter(plan, django_user_model):
    return _make_user(django_user_model, "co_reporter", UNIT_REPORTER, "市教育局")


@pytest.fixture
def office_reviewer(plan, django_user_model):
    return _make_user(django_user_model, "office_reviewer", OFFICE_REVIEWER, "市营商办")


@pytest.fixture
def supervisor(plan, django_user_model):
    return _make_user(django_user_model, "supervisor", SUPERVISOR, "市委督查室")


@pytest.fixture
def administrator(plan, django_user_model):
    return _make_user(django_user_model, "administrator", ADMINISTRATOR, "市营商办", is_staff=True)


@pytest.fixture
def outsider(plan, django_user_model):
    from units.models import Unit, UnitKind

    Unit.objects.create(name="市档案局", kind=UnitKind.GOVERNMENT)
    return _make_user(django_user_model, "outsider", UNIT_REPORTER, "市档案局")


@pytest.fixture
def measure(plan):
    """Measure 2 (压缩企业开办时间): three lead units, dated milestones and targets."""
    return plan.measures.get(number=2)


def pytest_sessionstart(session):
    """With REQUIRE_SERVICES=1 (CI), a missing PostgreSQL, Redis or Chromium fails the run."""
    import os

    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    from django.conf import settings

    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point at PostgreSQL")
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL or "redis://127.0.0.1:6379/15").ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach Redis is the same verdict
        problems.append(f"Redis is not reachable: {exc}")
    if not Path(chromium_path()).exists():
        problems.append(f"Chromium not found at {chromium_path()}")
    if problems:
        pytest.exit("REQUIRE_SERVICES=1 but: " + "; ".join(problems), returncode=3)


def chromium_path() -> str:
    import os

    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def close_other_sessions_at_the_end(django_db_setup, django_db_blocker):
    """Worker and live-server processes may leave PostgreSQL sessions behind; end them before
    the test database is dropped, so teardown doesn't warn that it is still in use."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
