"""On PostgreSQL, the database itself keeps what must not change:

- a recommendation the Chair has decided: its decision and what it decided on
  (kind, reasons, evidence, decider, date) refuse UPDATE, and the row refuses
  DELETE;
- a signature: only voiding it (setting voided_at and its reason, once) is
  allowed; what was signed, by whom and when never changes;
- a stored version of an agreement's text: never changed.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION agreements_refuse_decided_change() RETURNS trigger AS $$
BEGIN
    IF OLD.decided_at IS NULL THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'The Chair has decided recommendation %: it cannot be deleted.', OLD.id;
    END IF;
    IF NEW.decision IS DISTINCT FROM OLD.decision
        OR NEW.decision_reasons IS DISTINCT FROM OLD.decision_reasons
        OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id
        OR NEW.decided_at IS DISTINCT FROM OLD.decided_at
        OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.reasons::text IS DISTINCT FROM OLD.reasons::text
        OR NEW.other_reason IS DISTINCT FROM OLD.other_reason
        OR NEW.evidence IS DISTINCT FROM OLD.evidence
        OR NEW.agreement_id IS DISTINCT FROM OLD.agreement_id THEN
        RAISE EXCEPTION 'The Chair has decided recommendation %: the decision is final and locked.', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION agreements_refuse_signature_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Signature % cannot be deleted.', OLD.id;
    END IF;
    IF NEW.agreement_id IS DISTINCT FROM OLD.agreement_id
        OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.party IS DISTINCT FROM OLD.party
        OR NEW.user_id IS DISTINCT FROM OLD.user_id
        OR NEW.typed_name IS DISTINCT FROM OLD.typed_name
        OR NEW.role_title IS DISTINCT FROM OLD.role_title
        OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
        OR NEW.text_sha256 IS DISTINCT FROM OLD.text_sha256
        OR (OLD.voided_at IS NOT NULL AND (NEW.voided_at IS DISTINCT FROM OLD.voided_at
                                           OR NEW.void_reason IS DISTINCT FROM OLD.void_reason)) THEN
        RAISE EXCEPTION 'Signature % cannot change: only voiding it once is allowed.', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION agreements_refuse_version_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The stored text of an agreement version cannot be changed.';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("agreements_terminationrecommendation", "decided_locked", "BEFORE UPDATE OR DELETE", "agreements_refuse_decided_change"),
    ("agreements_signature", "signature_locked", "BEFORE UPDATE OR DELETE", "agreements_refuse_signature_change"),
    ("agreements_agreementversion", "version_locked", "BEFORE UPDATE", "agreements_refuse_version_change"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # raw: the bodies' % are PL/pgSQL, not parameters
        cursor.execute(FUNCTIONS)
    for table, name, when, function in TRIGGERS:
        schema_editor.execute(f"CREATE TRIGGER {table}_{name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _, _ in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{name} ON {table};")
    for _, _, _, function in TRIGGERS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_agreement_templates")]
    operations = [migrations.RunPython(forwards, backwards)]
