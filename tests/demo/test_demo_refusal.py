"""The demo ledger is never written into a production database."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from ledger.models import ProgressReport


def test_production_refuses_to_seed_demo_history(plan, settings):
    settings.DJANGO_ENV = "production"

    with pytest.raises(CommandError, match="生产环境"):
        call_command("seed_demo_history")

    assert not ProgressReport.objects.exists() and not User.objects.filter(username__startswith="demo_").exists()
