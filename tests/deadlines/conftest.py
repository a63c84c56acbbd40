from datetime import date

import pytest

from deadlines import notify, services
from deadlines.scan import scan_deadlines


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
