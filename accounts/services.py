"""Role groups and demo accounts."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from units.models import Unit

from .models import User
from .roles import ADMINISTRATOR, ALL_ROLES, OFFICE_REVIEWER, SUPERVISOR, UNIT_LEADER, UNIT_REPORTER, Role

# Apps whose data an administrator maintains in the admin site (core: the holiday calendar).
PLAN_APPS = ("core", "units", "measures", "deadlines", "accounts", "django_celery_beat")
# Apps an administrator reads in the admin (the ledger is written by units and the office, the
# ranking by the office): the admin links to their rows, and a link must not end in a 403.
READ_APPS = ("ledger", "dashboards", "auditlog")
# …and what the README sends an administrator to edit: a period's due date, the ranking formula
# (a change saves a new version).
EXTRA_PERMISSIONS = (
    ("ledger", "change_reportingperiod"),
    ("dashboards", "add_rankingformula"),
    ("dashboards", "change_rankingformula"),
)


def ensure_role_groups() -> dict[str, Group]:
    """Create the role groups if missing and give the administrator role its permissions."""
    groups = {role.code: Group.objects.get_or_create(name=role.group_name)[0] for role in ALL_ROLES}
    grants = Q(content_type__app_label__in=PLAN_APPS) | Q(
        content_type__app_label__in=READ_APPS, codename__startswith="view_"
    )
    for app_label, codename in EXTRA_PERMISSIONS:
        grants |= Q(content_type__app_label=app_label, codename=codename)
    groups[ADMINISTRATOR.code].permissions.add(*Permission.objects.filter(grants))
    return groups


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    unit_name: str
    label: str


# One account per role, for a lead unit, a co-unit, the office and the supervision office.
DEMO_ACCOUNTS = (
    DemoAccount("lead_reporter", UNIT_REPORTER, "市工商局", "牵头单位填报员(市工商局,第 2 项等)"),
    DemoAccount("lead_leader", UNIT_LEADER, "市工商局", "牵头单位负责人(市工商局)"),
    DemoAccount("co_reporter", UNIT_REPORTER, "市教育局", "责任单位填报员(市教育局,第 12、14 项)"),
    DemoAccount("office_reviewer", OFFICE_REVIEWER, "市营商办", "市营商办审核员"),
    DemoAccount("office_reporter", UNIT_REPORTER, "市营商办", "市营商办填报员(第 22 项,市营商办牵头)"),
    DemoAccount("supervisor", SUPERVISOR, "市委督查室", "市委督查室督查人员"),
    DemoAccount("admin", ADMINISTRATOR, "市营商办", "系统管理员"),
)


@transaction.atomic
def create_demo_accounts() -> list[tuple[DemoAccount, str]]:
    """Create the demo accounts that don't exist yet; return them with their new passwords.

    Existing accounts are left alone, so their passwords are shown only once.
    """
    groups = ensure_role_groups()
    created = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        unit = Unit.objects.filter(name=account.unit_name).first()
        if unit is None:
            raise LookupError(f"单位“{account.unit_name}”不存在,请先载入单位名录(load_units)")
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(
            username=account.username,
            password=password,
            unit=unit,
            first_name=account.label,
            email=f"{account.username}@example.com",
            is_staff=account.role == ADMINISTRATOR,
        )
        user.groups.add(groups[account.role.code])
        created.append((account, password))
    return created
