"""Who may see and do what in supervision. The one place these rules live; services enforce
them and views scope their querysets through them.

- Supervisors (市委督查室/市政府督考办) and the office (营商办审核员) record inspections, findings,
  interviews, commitments and outcomes, and approve or return closures; administrators and
  they read everything.
- A unit's reporters and leaders see only the findings and interviews of their own unit, and
  act on their own findings: write the plan, report progress, apply to close. Other units
  see nothing of them (404).
"""

from django.db.models import QuerySet

from accounts.roles import OFFICE_REVIEWER, SUPERVISOR, user_has_role
from ledger.access import is_unit_staff, reads_everything

from .models import Accountability, Commitment, Finding, Inspection, Interview


def supervises(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user_has_role(user, SUPERVISOR) or user_has_role(user, OFFICE_REVIEWER)
    )


def reads_all(user) -> bool:
    return reads_everything(user)


def sees_supervision(user) -> bool:
    """Anyone with a supervision page to look at: readers of everything and unit staff."""
    return reads_all(user) or is_unit_staff(user)


def rectifies(user, finding: Finding) -> bool:
    """The responsible unit's own staff write its plan and progress and apply to close."""
    return is_unit_staff(user) and finding.unit_id == user.unit_id


def visible_findings(user) -> QuerySet[Finding]:
    if reads_all(user):
        return Finding.objects.all()
    if is_unit_staff(user):
        return Finding.objects.filter(unit_id=user.unit_id)
    return Finding.objects.none()


def visible_interviews(user) -> QuerySet[Interview]:
    if reads_all(user):
        return Interview.objects.all()
    if is_unit_staff(user):
        return Interview.objects.filter(unit_id=user.unit_id)
    return Interview.objects.none()


def visible_inspections(user) -> QuerySet[Inspection]:
    return Inspection.objects.all() if reads_all(user) else Inspection.objects.none()


def visible_commitments(user) -> QuerySet[Commitment]:
    return Commitment.objects.filter(interview__in=visible_interviews(user))


def visible_outcomes(user) -> QuerySet[Accountability]:
    return Accountability.objects.filter(
        finding__in=visible_findings(user).values("pk")
    ) | Accountability.objects.filter(interview__in=visible_interviews(user).values("pk"))
