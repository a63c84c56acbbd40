"""Who may see and do what in the ledger. The one place these rules live: pages, the API,
downloads and exports all scope their querysets through here.

- The office (营商办审核员), supervisors and administrators read everything; the office reviews.
- A unit's staff read the measures their unit leads, is named on, or reaches through a
  group (各区市县 → 庄河市); they write the consolidated report of measures their unit
  leads, and contributions to measures it shares. Outsiders see nothing of the ledger.
"""

from datetime import date

from django.db.models import Q, QuerySet

from accounts.roles import ADMINISTRATOR, OFFICE_REVIEWER, SUPERVISOR, UNIT_LEADER, UNIT_REPORTER, user_has_role
from core.clock import end_of_day
from measures.models import Assignment, AssignmentRole, Measure

from .models import Contribution, Evidence, ProgressReport

READ_ALL_ROLES = (OFFICE_REVIEWER, SUPERVISOR, ADMINISTRATOR)


def reads_everything(user) -> bool:
    return user.is_authenticated and (user.is_superuser or any(user_has_role(user, r) for r in READ_ALL_ROLES))


def can_review(user) -> bool:
    return user.is_authenticated and (user_has_role(user, OFFICE_REVIEWER) or user.is_superuser)


def is_unit_staff(user) -> bool:
    return (
        user.is_authenticated
        and user.unit_id is not None
        and (user_has_role(user, UNIT_REPORTER) or user_has_role(user, UNIT_LEADER))
    )


def is_unit_leader(user) -> bool:
    return is_unit_staff(user) and user_has_role(user, UNIT_LEADER)


def signs_for(user, report: ProgressReport) -> bool:
    """A unit leader signs off (审签) the reports of their own unit only, not a co-lead unit's."""
    return is_unit_leader(user) and report.unit_id == user.unit_id


def reviews_own_unit(user, report: ProgressReport) -> bool:
    """The reviewer belongs to the unit that wrote the report (市营商办 leads measure 22)."""
    return user.unit_id is not None and report.unit_id == user.unit_id


def visible_measures(user) -> QuerySet[Measure]:
    if reads_everything(user):
        return Measure.objects.all()
    if not is_unit_staff(user):
        return Measure.objects.none()
    measure_ids = Assignment.objects.naming(user.unit_id).values("measure_id")
    return Measure.objects.filter(pk__in=measure_ids)


def led_measures(user) -> QuerySet[Measure]:
    """Measures whose consolidated report this user's unit writes (named or through a group)."""
    if not is_unit_staff(user):
        return Measure.objects.none()
    return Measure.objects.filter(pk__in=Assignment.objects.leads_of(user.unit_id).values("measure_id"))


def shared_measures(user) -> QuerySet[Measure]:
    """Measures this user's unit contributes to: named as responsible, or in a responsible group."""
    if not is_unit_staff(user):
        return Measure.objects.none()
    ids = Assignment.objects.naming(user.unit_id).filter(role=AssignmentRole.RESPONSIBLE).values("measure_id")
    return Measure.objects.filter(pk__in=ids).exclude(pk__in=led_measures(user).values("pk"))


def visible_reports(user, as_of: date | None = None) -> QuerySet[ProgressReport]:
    """The report versions `user` may read — as they stood at the end of `as_of` when given:
    what existed then, and for readers of everything only what had been sent by then."""
    reports = ProgressReport.objects.all()
    sent = Q(submitted_at__isnull=False) | Q(signoff_requested_at__isnull=False)
    submitted = Q(submitted_at__isnull=False)
    if as_of is not None:
        before = end_of_day(as_of)
        reports = reports.filter(ProgressReport.existed_by(before))
        sent = Q(submitted_at__lt=before) | Q(signoff_requested_at__lt=before)
        submitted = Q(submitted_at__lt=before)
    readable = Q(pk__in=[])
    if reads_everything(user):
        # The office and supervisors see what units have sent, not their unsent drafts.
        readable = sent
    if is_unit_staff(user):
        # Roles add up: a reviewer who also reports for a unit reads that unit's drafts too.
        own = Q(unit_id=user.unit_id) | Q(measure__in=led_measures(user))
        readable |= own | (Q(measure__in=shared_measures(user)) & submitted)
    return reports.filter(readable)


def visible_contributions(user) -> QuerySet[Contribution]:
    readable = Q(pk__in=[])
    if reads_everything(user):
        readable = Q(submitted_at__isnull=False)
    if is_unit_staff(user):
        # The lead unit sees what co-units have sent; a co-unit sees its own, drafts included.
        readable |= Q(unit_id=user.unit_id) | Q(measure__in=led_measures(user), submitted_at__isnull=False)
    return Contribution.objects.filter(readable)


def visible_evidence(user) -> QuerySet[Evidence]:
    return Evidence.objects.filter(
        Q(report__in=visible_reports(user).values("pk")) | Q(contribution__in=visible_contributions(user).values("pk"))
    )


def _roles_on(user, measure: Measure) -> set[str]:
    """The roles the user's unit has on `measure` (named or through a group). Read once per user
    object, like the user's groups: a request asks the database once however many checks it makes."""
    if not hasattr(user, "_measure_roles"):
        roles = {}
        for measure_id, role in Assignment.objects.naming(user.unit_id).values_list("measure_id", "role"):
            roles.setdefault(measure_id, set()).add(role)
        user._measure_roles = roles
    return user._measure_roles.get(measure.pk, set())


def can_write_report(user, measure: Measure) -> bool:
    """The question led_measures answers, for one measure."""
    return is_unit_staff(user) and AssignmentRole.LEAD in _roles_on(user, measure)


def can_contribute(user, measure: Measure) -> bool:
    """The question shared_measures answers, for one measure."""
    roles = _roles_on(user, measure) if is_unit_staff(user) else set()
    return AssignmentRole.RESPONSIBLE in roles and AssignmentRole.LEAD not in roles
