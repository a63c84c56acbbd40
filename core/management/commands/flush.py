"""Django's flush, declared to the database as the deliberate wipe it is.

On PostgreSQL the ledger's tables refuse TRUNCATE (ledger migration 0005) unless the session
declares core.db.FLUSHING. This command replaces Django's own (an app's command of the same
name takes precedence), so `manage.py flush` and the teardown of tests that commit — which call
it — empty the database as before.
"""

from django.core.management.commands import flush

from core.db import FLUSHING, declared


class Command(flush.Command):
    def handle(self, **options):
        with declared(FLUSHING, using=options["database"]):
            return super().handle(**options)
