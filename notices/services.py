"""A user's own notices: reading them and choosing which kinds also come by email."""

from django.db import transaction
from django.db.models import QuerySet

from core import clock

from .models import EmailOptOut, Notice, NoticeKind


def notices_of(user, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(user=user)
    return notices.filter(read_at__isnull=True) if unread_only else notices


def unread_count(user) -> int:
    return notices_of(user, unread_only=True).count()


def mark_read(user, notice_ids=None) -> int:
    """Mark the user's notices read (all of them when `notice_ids` is None); another user's
    notice is never touched. Returns how many changed."""
    notices = notices_of(user, unread_only=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=clock.now())


def emailed_kinds(user) -> set[str]:
    return set(NoticeKind.values) - set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))


@transaction.atomic
def set_emailed_kinds(user, kinds) -> None:
    """Emails for exactly `kinds`; every other kind is turned off (in-app notices stay)."""
    wanted = set(kinds) & set(NoticeKind.values)
    EmailOptOut.objects.filter(user=user, kind__in=wanted).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(user=user, kind=kind) for kind in set(NoticeKind.values) - wanted], ignore_conflicts=True
    )
