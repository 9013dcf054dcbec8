"""On PostgreSQL, a decided complaint cannot change, whatever the code (or the
admin, or a shell) does: the Chair's decision is final.

- complaints_complaint: UPDATE or DELETE of a row whose decided_at is set is refused.
- complaints_complaintnote: notes are never edited or deleted; once the
  complaint is decided the only note that may be added is a correction.
- complaints_complaintattachment: nothing is added to, changed in or removed
  from a decided complaint's file.
"""

from django.db import migrations

CREATE_FUNCTIONS = """
CREATE OR REPLACE FUNCTION complaints_refuse_decided_change() RETURNS trigger AS $$
BEGIN
    IF OLD.decided_at IS NOT NULL THEN
        RAISE EXCEPTION 'Complaint % was decided by the Chair: it cannot be changed (%). Add a correction note instead.',
            OLD.reference, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION complaints_guard_note() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'Complaint notes are never changed (%): add a correction note instead.', TG_OP;
    END IF;
    IF NEW.kind <> 'correction' AND EXISTS (
        SELECT 1 FROM complaints_complaint WHERE id = NEW.complaint_id AND decided_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'The complaint was decided by the Chair: only a correction note may be added.';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION complaints_guard_attachment() RETURNS trigger AS $$
DECLARE
    target bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        target := OLD.complaint_id;
    ELSE
        target := NEW.complaint_id;
    END IF;
    IF EXISTS (SELECT 1 FROM complaints_complaint WHERE id = target AND decided_at IS NOT NULL) THEN
        RAISE EXCEPTION 'The complaint was decided by the Chair: its file cannot be changed (%).', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("complaints_complaint", "complaints_decided_locked", "BEFORE UPDATE OR DELETE", "complaints_refuse_decided_change"),
    ("complaints_complaintnote", "complaints_note_guard", "BEFORE INSERT OR UPDATE OR DELETE", "complaints_guard_note"),
    (
        "complaints_complaintattachment",
        "complaints_attachment_guard",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "complaints_guard_attachment",
    ),
]
FUNCTIONS = ["complaints_refuse_decided_change", "complaints_guard_note", "complaints_guard_attachment"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # raw: the bodies' % are PL/pgSQL, not parameters
        cursor.execute(CREATE_FUNCTIONS)
    for table, name, when, function in TRIGGERS:
        schema_editor.execute(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _, _ in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    for function in FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_counter_and_chair_review")]
    operations = [migrations.RunPython(forwards, backwards)]
