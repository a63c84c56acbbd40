"""On PostgreSQL the database itself refuses to change submitted ledger rows, so neither a
bug nor a hand-written UPDATE can rewrite history. Other databases rely on the model code."""

from django.db import migrations

FROZEN_TABLES = ("ledger_progressreport", "ledger_contribution")
CHILD_TABLES = ("ledger_targetactual", "ledger_milestoneclaim", "ledger_evidence")

FUNCTIONS = """
CREATE OR REPLACE FUNCTION ledger_refuse_frozen_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger: % row % is submitted; history is append-only', TG_TABLE_NAME, OLD.id;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION ledger_parent_is_frozen(row_data jsonb) RETURNS boolean AS $$
  SELECT EXISTS (SELECT 1 FROM ledger_progressreport
                 WHERE id = (row_data->>'report_id')::bigint AND submitted_at IS NOT NULL)
      OR EXISTS (SELECT 1 FROM ledger_contribution
                 WHERE id = (row_data->>'contribution_id')::bigint AND submitted_at IS NOT NULL)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION ledger_refuse_child_change() RETURNS trigger AS $$
BEGIN
  IF (TG_OP <> 'INSERT' AND ledger_parent_is_frozen(to_jsonb(OLD)))
     OR (TG_OP <> 'DELETE' AND ledger_parent_is_frozen(to_jsonb(NEW))) THEN
    RAISE EXCEPTION 'ledger: % belongs to a submitted record; history is append-only', TG_TABLE_NAME;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statements = [FUNCTIONS]
    for table in FROZEN_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW WHEN (OLD.submitted_at IS NOT NULL) EXECUTE FUNCTION ledger_refuse_frozen_change();"
        )
    statements.append(
        "CREATE TRIGGER ledger_reportreview_frozen BEFORE UPDATE OR DELETE ON ledger_reportreview "
        "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_frozen_change();"
    )
    for table in CHILD_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_child_change();"
        )
    for statement in statements:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in (*FROZEN_TABLES, "ledger_reportreview", *CHILD_TABLES):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};", params=None)
    for function in ("ledger_refuse_child_change()", "ledger_parent_is_frozen(jsonb)", "ledger_refuse_frozen_change()"):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function};", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
