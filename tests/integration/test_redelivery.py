"""A worker killed in the middle of a task: Redis hands the task to another worker once the
visibility timeout has passed (CELERY_VISIBILITY_TIMEOUT, short here), and it completes once —
without the sweep (deliver_pending) being asked."""

import re

import pytest

from deadlines.models import Dispatch
from deadlines.tasks import send_supervision_digests

from .conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("redis")]

VISIBILITY_TIMEOUT = 4
SENT_BY_A_WORKER = re.compile(r"Task deadlines\.tasks\.deliver_dispatch\[[-0-9a-f]+\] succeeded in [0-9.]+s: True")


@pytest.fixture
def supervisor_with_email(services_db, plan, supervisor):
    supervisor.email = "duchashi@example.com"
    supervisor.save()
    return supervisor


def test_a_task_of_a_worker_killed_mid_send_is_redelivered_to_the_next_worker(
    supervisor_with_email, smtp, start_worker, monkeypatch
):
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", str(VISIBILITY_TIMEOUT))
    sink, _ = smtp
    sink.hang_next = True
    worker = start_worker()
    send_supervision_digests.delay("2019-07-01")
    assert wait_for(sink.hanging.is_set), worker.output()
    worker.kill()  # SIGKILL while delivering: the message was never acknowledged
    sink.release.set()
    assert Dispatch.objects.get().state == "sending"

    replacement = start_worker()
    assert wait_for(lambda: len(sink.accepted) == 1, timeout=45), replacement.output()
    assert SENT_BY_A_WORKER.search(replacement.output())  # the task itself, not the sweep
    row = Dispatch.objects.get()
    assert row.state == "sent" and row.attempts == 2
