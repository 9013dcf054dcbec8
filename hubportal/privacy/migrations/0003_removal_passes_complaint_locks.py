"""On PostgreSQL, decided complaints, their notes and their files are locked by
triggers (complaints 0003). Removal under the retention schedule, and erasure
on request, must still anonymise them: the triggers let through a transaction
that has set ``privacy.removal`` (hubportal.privacy.services.
allow_removal_in_database), which only those two services do."""

from importlib import import_module

from django.db import migrations

BYPASS = "IF current_setting('privacy.removal', true) = 'on' THEN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF;"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION complaints_refuse_decided_change() RETURNS trigger AS $$
BEGIN
    {BYPASS}
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
    IF TG_OP = 'UPDATE' AND current_setting('privacy.removal', true) = 'on' THEN
        RETURN NEW;
    END IF;
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
    IF TG_OP = 'DELETE' AND current_setting('privacy.removal', true) = 'on' THEN
        RETURN OLD;
    END IF;
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


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # raw: the body's % are PL/pgSQL, not parameters
        cursor.execute(FUNCTIONS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    locks = import_module("complaints.migrations.0003_decided_complaints_are_locked")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(locks.CREATE_FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_default_retention_schedule"), ("complaints", "0003_decided_complaints_are_locked")]
    operations = [migrations.RunPython(forwards, backwards)]
