"""The test world: the unit directory, the seed plan and the named actors, built once per session.

Most tests run inside a transaction that is rolled back, so each starts from this world and
none pays for building it. Tests that commit (browser, integration, migrations) run last and
flush the database afterwards; the fixtures below rebuild whatever is missing.

Actors (one per role, each a user of the seed's units):
- lead_reporter / lead_leader: 市工商局, which leads measure 2;
- co_reporter: 市教育局, responsible (co-unit) on measures 12 and 14, leads nothing;
- office_reviewer: 市营商办; supervisor: 市委督查室; administrator: staff, admin role;
- outsider: 市档案局, a unit named on no measure at all.
Their password is PASSWORD; the session uses a fast hasher, as healthchecks' tests do.
"""

import json
import os
from functools import cache
from pathlib import Path

import pytest

from accounts.roles import ADMINISTRATOR, OFFICE_REVIEWER, SUPERVISOR, UNIT_LEADER, UNIT_REPORTER

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = ROOT / "fixtures" / "source" / "dalian-2018-business-environment.txt"
DIRECTORY_PATH = ROOT / "fixtures" / "units.json"
PASSWORD = "x-Passw0rd-x"
OUTSIDER_UNIT = "市档案局"

# username → (role, unit, extra fields)
ACTORS = {
    "lead_reporter": (UNIT_REPORTER, "市工商局", {}),
    "lead_leader": (UNIT_LEADER, "市工商局", {}),
    "co_reporter": (UNIT_REPORTER, "市教育局", {}),
    "office_reviewer": (OFFICE_REVIEWER, "市营商办", {}),
    "supervisor": (SUPERVISOR, "市委督查室", {}),
    "administrator": (ADMINISTRATOR, "市营商办", {"is_staff": True}),
    "outsider": (UNIT_REPORTER, OUTSIDER_UNIT, {}),
}


@cache
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def _ensure_directory() -> None:
    from units.models import Unit, UnitKind
    from units.services import load_directory

    if not Unit.objects.filter(name="市营商办").exists():
        load_directory(json.loads(DIRECTORY_PATH.read_text(encoding="utf-8")))
    Unit.objects.get_or_create(name=OUTSIDER_UNIT, defaults={"kind": UnitKind.GOVERNMENT})


@cache
def _parsed_seed():
    from measures.parsing import parse_document

    return parse_document(seed_text())


def _ensure_plan():
    from measures.models import PolicyDocument
    from measures.services import import_document

    parsed = _parsed_seed()
    document = PolicyDocument.objects.filter(title=parsed.title, published_on=parsed.published_on).first()
    if document is None:
        _ensure_directory()
        document = import_document(parsed).document
    return document


def _ensure_holidays() -> None:
    """The holiday calendar the data migration loads (a flush empties it)."""
    from core.holidays import load_holidays
    from core.models import HolidayYear

    if not HolidayYear.objects.exists():
        load_holidays()


def _ensure_actor(username: str):
    from accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        role, unit_name, extra = ACTORS[username]
        _ensure_directory()
        user = make_user(username, role, unit_name, **extra)
    return user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the world built in it (only when a test uses the database)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        _ensure_holidays()
        _ensure_plan()
        for username in ACTORS:
            _ensure_actor(username)
    yield
    _close_other_sessions(django_db_blocker)


@pytest.fixture(scope="session", autouse=True)
def media_outside_checkout(tmp_path_factory):
    """Uploads made by tests go to a temporary folder, never into the checkout's var/media."""
    from django.conf import settings
    from django.test.utils import override_settings

    if not Path(settings.MEDIA_ROOT).resolve().is_relative_to(ROOT):
        yield
        return
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="session", autouse=True)
def no_board_cache():
    """The boards' cache is keyed by revision tokens that change when a transaction commits,
    and most tests never commit: it is off unless a test turns it on (test_board_cache.py)."""
    from django.test.utils import override_settings

    with override_settings(BOARD_CACHE=False):
        yield


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test reads the holiday calendar afresh: a rolled-back test sends no signal to forget
    the rows it added."""
    from core import workdays

    workdays.forget()
    yield
    workdays.forget()


def _uses_db(request) -> bool:
    return bool({"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker("django_db"))


@pytest.fixture(autouse=True)
def replaying_history(request):
    """Tests write the ledger on frozen clocks (time-machine), so on PostgreSQL each says it
    replays history, as the demo history does (core.db.REPLAYING); what a session that says
    nothing may write is tests/ledger/test_history_guards.py's subject. A fixture of its own,
    set up before `world`, which a module may override."""
    if not _uses_db(request):
        yield
        return
    from core.db import REPLAYING, declared

    request.getfixturevalue("db")
    with declared(REPLAYING):
        yield


@pytest.fixture(autouse=True)
def world(request):
    """Every test that touches the database starts with the world in it. A test that commits
    (browser, integration) flushes the database when it ends; the next test rebuilds the world —
    with pytest-xdist, any test may come after one of those on its worker."""
    if _uses_db(request) and "empty_world" not in request.fixturenames:
        from accounts.models import User

        request.getfixturevalue("db")
        if not User.objects.filter(username="outsider").exists():  # built last: a flush took it all
            _ensure_holidays()
            _ensure_plan()
            for username in ACTORS:
                _ensure_actor(username)


@pytest.fixture(scope="session")
def seed_export(django_db_setup, django_db_blocker):
    """The seed plan as export_plan prints it, computed once from the session's world."""
    from measures.export import plan_as_dict

    with django_db_blocker.unblock():
        return plan_as_dict(_ensure_plan())


def make_user(username: str, role, unit_name: str, **extra):
    """A user of `unit_name` with `role` and the actors' password, for tests that need more actors."""
    from accounts.models import User
    from accounts.services import ensure_role_groups
    from units.models import Unit

    user = User.objects.create_user(
        username=username, password=PASSWORD, unit=Unit.objects.get(name=unit_name), **extra
    )
    user.groups.add(ensure_role_groups()[role.code])
    return user


@pytest.fixture
def directory(db):
    _ensure_directory()


@pytest.fixture
def plan(db):
    """The seed document imported, as `make run` does. Returns the PolicyDocument."""
    return _ensure_plan()


@pytest.fixture
def empty_world(db):
    """The unit directory without a plan or users — for tests of importing and of creating
    accounts. Rolled back after the test, like everything else."""
    from accounts.models import User
    from measures.models import Measure, PolicyDocument

    _ensure_directory()
    Measure.objects.all().delete()
    PolicyDocument.objects.all().delete()
    User.objects.all().delete()


@pytest.fixture
def no_directory(empty_world):
    """A database as `migrate` leaves it: not even the unit directory."""
    from units.models import Unit, UnitGroup

    UnitGroup.objects.all().delete()
    Unit.objects.all().delete()


def _actor(username):
    @pytest.fixture
    def fixture(plan):
        return _ensure_actor(username)

    fixture.__doc__ = f"The {username} actor (see the module docstring)."
    return fixture


lead_reporter = _actor("lead_reporter")
lead_leader = _actor("lead_leader")
co_reporter = _actor("co_reporter")
office_reviewer = _actor("office_reviewer")
supervisor = _actor("supervisor")
administrator = _actor("administrator")
outsider = _actor("outsider")


@pytest.fixture
def measure(plan):
    """Measure 2 (压缩企业开办时间): three lead units, dated milestones and targets."""
    return plan.measures.get(number=2)


def pytest_sessionstart(session):
    """With REQUIRE_SERVICES=1 (CI), a missing PostgreSQL, Redis or Chromium fails the run."""
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
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _close_other_sessions(django_db_blocker):
    """Worker and live-server processes may leave PostgreSQL sessions behind; end them before
    the test database is dropped, so teardown doesn't warn that it is still in use."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The longest tests first (after pytest-django has put database tests before committing
    ones): on pytest-xdist they start at once on one worker while the others share the rest,
    instead of running alone at the end."""
    slow = [item for item in items if item.get_closest_marker("slow")]
    items[:] = slow + [item for item in items if not item.get_closest_marker("slow")]
