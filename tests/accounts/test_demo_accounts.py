"""Demo accounts: one per role, passwords printed once."""

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.roles import ALL_ROLES
from accounts.services import DEMO_ACCOUNTS


def run():
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    return out.getvalue()


def test_demo_accounts_cover_every_role_and_print_working_passwords_once(empty_world, django_user_model, rf):
    output = run()
    assert {account.role for account in DEMO_ACCOUNTS} == set(ALL_ROLES)
    for account in DEMO_ACCOUNTS:
        line = next(line for line in output.splitlines() if line.strip().startswith(account.username + " "))
        password = line.split()[1]
        user = authenticate(rf.post("/accounts/login/"), username=account.username, password=password)
        assert user is not None, account.username
        assert user.unit.name == account.unit_name
        assert user.groups.filter(name=account.role.group_name).exists()
    assert "演示账号已存在" in run()
    assert django_user_model.objects.count() == len(DEMO_ACCOUNTS)


def test_only_the_administrator_reaches_the_admin_site(empty_world, django_user_model):
    run()
    staff = set(django_user_model.objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"admin"}


def test_demo_accounts_need_the_unit_directory(no_directory):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="请先载入单位名录"):
        run()
