"""On PostgreSQL, the history and audit tables refuse UPDATE and DELETE: the
record of who did what stays as it was written, whatever the code does."""

from django.db import migrations

TABLES = ["hubportal_historyentry", "hubportal_auditevent"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION hubportal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Table % is append-only: % is not allowed.', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # raw: the body's % are PL/pgSQL, not parameters
        cursor.execute(CREATE_FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hubportal_refuse_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS hubportal_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("hubportal", "0003_audit_event")]
    operations = [migrations.RunPython(forwards, backwards)]
