"""On PostgreSQL the database itself refuses to change or delete a finding's steps and their
evidence, as it does for sent ledger rows (ledger migration 0002, whose trigger function this
reuses): a rectification's history is append-only whoever writes to the database."""

from django.db import migrations

APPEND_ONLY_TABLES = ("supervision_findingstep", "supervision_findingevidence")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_frozen_change();",
            params=None,
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_supervision"), ("ledger", "0002_immutable_rows_on_postgresql")]

    operations = [migrations.RunPython(install, uninstall)]
