"""On PostgreSQL the database also refuses history written after the fact (migration 0002 guards
UPDATE and DELETE of submitted rows):

- a report or contribution that arrives already sent (INSERT), or a draft sent (UPDATE), with a
  time that is not the present: a submission is recorded when it happens, so a row cannot be
  slipped in as if it had been sent on time last month;
- a review with a time that is not the present;
- TRUNCATE of the ledger's tables, directly or by CASCADE from the plan.

The deliberate paths declare themselves for their session (core.db): `reform.replaying` lets
past times through (the demo history, the benchmark dataset, tests on a frozen clock);
`reform.flushing` lets TRUNCATE through (`manage.py flush`,
tests' teardown). "The present" allows for a few minutes of clock difference between the
application servers and the database. Other databases rely on the model code.
"""

from django.db import migrations

CLOCK_SKEW = "5 minutes"
# table → the columns that record when a row left its author's hands
SENT_COLUMNS = {
    "ledger_progressreport": ("submitted_at", "signoff_requested_at"),
    "ledger_contribution": ("submitted_at",),
    "ledger_reportreview": ("decided_at",),
}
TRUNCATE_GUARDED = (
    "ledger_progressreport",
    "ledger_contribution",
    "ledger_reportreview",
    "ledger_targetactual",
    "ledger_milestoneclaim",
    "ledger_evidence",
)

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION ledger_declared(setting text) RETURNS boolean AS $$
  SELECT coalesce(current_setting(setting, true), '') = 'on'
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION ledger_refuse_sending_in_the_past() RETURNS trigger AS $$
DECLARE
  column_name text;
  sent timestamptz;
  stored timestamptz;
BEGIN
  IF ledger_declared('reform.replaying') THEN
    RETURN NEW;
  END IF;
  FOREACH column_name IN ARRAY TG_ARGV LOOP
    sent := (to_jsonb(NEW) ->> column_name)::timestamptz;
    stored := CASE WHEN TG_OP = 'UPDATE' THEN (to_jsonb(OLD) ->> column_name)::timestamptz END;
    IF sent IS NOT NULL AND sent IS DISTINCT FROM stored
       AND (sent < now() - interval '{CLOCK_SKEW}' OR sent > clock_timestamp() + interval '{CLOCK_SKEW}') THEN
      RAISE EXCEPTION 'ledger: %.% = % is not the present time; history is recorded as it happens',
        TG_TABLE_NAME, column_name, sent;
    END IF;
  END LOOP;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION ledger_refuse_truncate() RETURNS trigger AS $$
BEGIN
  IF ledger_declared('reform.flushing') THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'ledger: TRUNCATE of % refused; history is append-only (manage.py flush declares a deliberate wipe)',
    TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;
"""

FUNCTION_SIGNATURES = (
    "ledger_refuse_truncate()",
    "ledger_refuse_sending_in_the_past()",
    "ledger_declared(text)",
)


def _statements():
    yield FUNCTIONS
    for table, columns in SENT_COLUMNS.items():
        arguments = ", ".join(f"'{column}'" for column in columns)
        sent = " OR ".join(f"NEW.{column} IS NOT NULL" for column in columns)
        yield (
            f"CREATE TRIGGER {table}_sent_now BEFORE INSERT ON {table} FOR EACH ROW WHEN ({sent}) "
            f"EXECUTE FUNCTION ledger_refuse_sending_in_the_past({arguments});"
        )
        if table != "ledger_reportreview":  # reviews are never updated (migration 0002)
            changed = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in columns)
            yield (
                f"CREATE TRIGGER {table}_sent_now_on_update BEFORE UPDATE ON {table} FOR EACH ROW WHEN ({changed}) "
                f"EXECUTE FUNCTION ledger_refuse_sending_in_the_past({arguments});"
            )
    for table in TRUNCATE_GUARDED:
        yield (
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_truncate();"
        )


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in _statements():
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    triggers = [
        *(f"{table}_sent_now ON {table}" for table in SENT_COLUMNS),
        *(f"{table}_sent_now_on_update ON {table}" for table in SENT_COLUMNS),
        *(f"{table}_no_truncate ON {table}" for table in TRUNCATE_GUARDED),
    ]
    for trigger in triggers:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger};", params=None)
    for function in FUNCTION_SIGNATURES:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function};", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_stamped_by_the_clock")]

    operations = [migrations.RunPython(install, uninstall)]
