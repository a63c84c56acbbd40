"""Delivery: claimed before sending, marked sent only after the server accepted, retried with backoff."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from deadlines import notify
from deadlines.models import Dispatch


@pytest.fixture
def dispatch(db):
    return Dispatch.objects.create(
        recipient="duchashi@example.com", kind="digest", period_key="2019-07-01", subject="s", body_text="t",
        body_html="<p>t</p>",
    )  # fmt: skip


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"try again later")


def test_a_claimed_row_cannot_be_claimed_again(dispatch):
    assert notify.claim(dispatch.pk) is not None
    assert notify.claim(dispatch.pk) is None


def test_a_claim_left_by_a_dead_worker_expires(dispatch, settings):
    settings.DISPATCH_LEASE_SECONDS = 60
    notify.claim(dispatch.pk, now=timezone.now() - timedelta(seconds=120))
    assert notify.deliver(dispatch.pk) is True
    assert len(mail.outbox) == 1 and Dispatch.objects.get().attempts == 2


def test_refused_mail_is_not_marked_sent_and_is_retried_later(dispatch, settings):
    settings.EMAIL_BACKEND = "tests.deadlines.test_delivery.RefusingBackend"
    with pytest.raises(notify.DeliveryFailed):
        notify.deliver(dispatch.pk)
    row = Dispatch.objects.get()
    assert row.state == "pending" and row.sent_at is None and "try again later" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert notify.due_dispatch_ids() == []  # not before its backoff has passed
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify.deliver_due(now=row.next_attempt_at + timedelta(seconds=1)) == (1, 0)
    assert Dispatch.objects.get().state == "sent" and len(mail.outbox) == 1


def test_after_the_last_attempt_a_row_is_marked_failed(dispatch, settings):
    settings.EMAIL_BACKEND = "tests.deadlines.test_delivery.RefusingBackend"
    settings.DISPATCH_MAX_ATTEMPTS = 1
    with pytest.raises(notify.DeliveryFailed):
        notify.deliver(dispatch.pk)
    assert Dispatch.objects.get().state == "failed"


def test_backoff_doubles_and_is_capped(settings):
    settings.DISPATCH_RETRY_BASE_SECONDS = 60
    assert [notify.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert notify.backoff(30) == timedelta(hours=4)


def test_recording_the_same_plan_twice_creates_one_row(db):
    email = notify.PlannedEmail("a@example.com", "digest", "2019-07-01", "s", "t", "h")
    assert len(notify.record([email])) == 1
    assert notify.record([email]) == []
    assert Dispatch.objects.count() == 1


def test_every_email_has_a_stable_message_id(dispatch):
    notify.deliver(dispatch.pk)
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<dispatch-{dispatch.pk}-digest@reform-ledger>"


class Retried(Exception):
    pass


@pytest.fixture
def failing_delivery(monkeypatch, dispatch):
    """deliver_dispatch as a worker runs it, on an SMTP server that refuses; returns the countdowns
    it asked Celery to retry after."""
    from deadlines.tasks import deliver_dispatch

    def refuse(pk):
        raise notify.DeliveryFailed("451 try again later")

    countdowns = []

    def retry(exc=None, countdown=None, **options):
        countdowns.append(countdown)
        return Retried()

    monkeypatch.setattr(notify, "deliver", refuse)
    monkeypatch.setattr(deliver_dispatch, "retry", retry)
    return lambda: deliver_dispatch.run(dispatch.pk), countdowns


def test_a_retry_due_within_the_visibility_timeout_is_scheduled_with_celery(failing_delivery, settings):
    settings.BROKER_VISIBILITY_TIMEOUT = 300
    settings.DISPATCH_RETRY_BASE_SECONDS = 60
    run, countdowns = failing_delivery
    with pytest.raises(Retried):
        run()
    assert countdowns == [60]


def test_a_retry_due_after_the_visibility_timeout_is_left_to_the_sweep(failing_delivery, settings):
    """Redis would hand a message held that long to a second worker, again and again until it ran;
    the row's next_attempt_at is kept, and deliver_pending sends it when due."""
    settings.BROKER_VISIBILITY_TIMEOUT = 300
    settings.DISPATCH_RETRY_BASE_SECONDS = 600
    run, countdowns = failing_delivery
    assert run() is False
    assert countdowns == []
