from datetime import date

import pytest

from deadlines import notify, services
from deadlines.scan import scan_deadlines
from units.models import Unit, UnitContact


@pytest.fixture
def supervisor_with_email(supervisor):
    supervisor.email = "duchashi@example.com"
    supervisor.save()
    return supervisor


@pytest.fixture
def scan():
    return scan_deadlines


@pytest.fixture
def digests():
    """Plan, record and deliver the digests of a day, as the Celery task does."""

    def run(as_of: date):
        created = services.prepare_digests(as_of).created_ids
        return created, notify.deliver_due()

    return run


@pytest.fixture
def planning_contact(plan):
    """Measure 4 (due 2019-06-30) is led by 市规划局."""
    return UnitContact.objects.create(unit=Unit.objects.get(name="市规划局"), name="张科长", email="guihua@example.com")
