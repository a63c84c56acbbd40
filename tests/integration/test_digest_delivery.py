"""Digests through a real Celery worker on Redis to a real SMTP server: delivered once, whatever fails."""

import email
from datetime import date

import pytest

from deadlines.models import Dispatch
from deadlines.tasks import deliver_pending, send_supervision_digests

from .conftest import wait_for

# One Redis database for all of them: they run on one test worker (pytest-xdist), one after another.
pytestmark = [pytest.mark.services, pytest.mark.xdist_group("redis")]


@pytest.fixture
def world(services_db, plan, supervisor):
    supervisor.email = "duchashi@example.com"
    supervisor.save()
    return plan


def sent_rows():
    return Dispatch.objects.filter(state="sent").count()


def text_of(envelope) -> str:
    message = email.message_from_bytes(envelope.content)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset())


def sweep_until_sent(count):
    """Ask for the sweep until `count` rows are sent (the dead worker's claim must expire first)."""

    def check():
        deliver_pending.delay()
        return wait_for(lambda: sent_rows() == count, timeout=1.5)

    return wait_for(check, timeout=40)


def test_a_milestone_passing_its_due_date_is_one_digest_entry_even_when_the_task_runs_twice(world, smtp, start_worker):
    sink, _ = smtp
    worker = start_worker()
    send_supervision_digests.delay("2019-06-30")
    assert wait_for(lambda: len(sink.accepted) == 1), worker.output()
    send_supervision_digests.delay("2019-07-01")
    send_supervision_digests.delay("2019-07-01")  # a second beat, or a retried task
    assert wait_for(lambda: len(sink.accepted) == 2), worker.output()
    assert wait_for(lambda: Dispatch.objects.filter(period_key="2019-07-01").exists())
    deliver_pending.delay()
    assert not wait_for(lambda: len(sink.accepted) > 2, timeout=4)
    bodies = [text_of(envelope) for envelope in sink.accepted]
    assert [body.count("[新增] 第 4 项") for body in bodies] == [0, 1]  # due 2019-06-30, overdue on 1 July
    recipients = [envelope.rcpt_tos for envelope in sink.accepted]
    assert recipients == [["duchashi@example.com"], ["duchashi@example.com"]]
    assert Dispatch.objects.count() == sent_rows() == 2


def test_a_worker_killed_mid_send_leaves_a_claim_that_the_next_run_completes_once(world, smtp, start_worker):
    sink, _ = smtp
    sink.hang_next = True
    worker = start_worker()
    send_supervision_digests.delay("2019-07-01")
    assert wait_for(sink.hanging.is_set), worker.output()
    worker.kill()  # SIGKILL while the server has not yet accepted the message
    sink.release.set()
    row = Dispatch.objects.get()
    assert row.state == "sending" and row.sent_at is None
    replacement = start_worker()
    assert sweep_until_sent(1), replacement.output()
    assert len(sink.accepted) == 1
    assert Dispatch.objects.get().attempts == 2


def test_an_smtp_server_refusing_then_accepting_gets_the_digest_once(world, smtp, start_worker):
    sink, _ = smtp
    sink.refuse_next = 2
    worker = start_worker()
    send_supervision_digests.delay(date(2019, 7, 1).isoformat())
    assert wait_for(lambda: sent_rows() == 1, timeout=60), worker.output()
    assert len(sink.accepted) == 1
    row = Dispatch.objects.get()
    assert row.attempts == 3 and row.last_error == ""
