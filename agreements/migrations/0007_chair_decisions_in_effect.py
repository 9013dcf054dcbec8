"""On PostgreSQL, the Chair's upheld decisions hold in the database too: no
agreement of a partner whose partnership the Chair terminated, and no
partnership agreement for a year after one the Chair decided not to renew, can
be created or moved into a state that is, or leads to, being in force (draft,
issued, signed by the partner, signed, live). Ending or withdrawing stays
possible, and a row whose state does not change is left alone."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION agreements_refuse_after_chair() RETURNS trigger AS $$
DECLARE
    stopped_after integer;
BEGIN
    IF NEW.status NOT IN ('draft', 'issued', 'partner_signed', 'signed', 'live') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status = OLD.status AND NEW.academic_year = OLD.academic_year
        AND NEW.partner_id = OLD.partner_id THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM agreements_terminationrecommendation r
        JOIN agreements_agreement a ON a.id = r.agreement_id
        WHERE a.partner_id = NEW.partner_id AND a.kind = 'partnership'
          AND r.decision = 'upheld' AND r.kind = 'terminate'
    ) THEN
        RAISE EXCEPTION 'The Chair terminated the partnership of partner %: the decision is final.', NEW.partner_id;
    END IF;
    IF NEW.kind = 'partnership' THEN
        SELECT min(a.academic_year) INTO stopped_after
        FROM agreements_terminationrecommendation r
        JOIN agreements_agreement a ON a.id = r.agreement_id
        WHERE a.partner_id = NEW.partner_id AND a.kind = 'partnership'
          AND r.decision = 'upheld' AND r.kind = 'not_renew';
        IF stopped_after IS NOT NULL AND NEW.academic_year > stopped_after THEN
            RAISE EXCEPTION 'The Chair decided not to renew the partnership of partner % after %: the decision is final.',
                NEW.partner_id, stopped_after;
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = "agreements_agreement_chair_decisions"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # raw: the body's % are PL/pgSQL, not parameters
        cursor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE ON agreements_agreement "
        "FOR EACH ROW EXECUTE FUNCTION agreements_refuse_after_chair();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON agreements_agreement;")
    schema_editor.execute("DROP FUNCTION IF EXISTS agreements_refuse_after_chair();")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0006_signed_withdrawn_review_exception")]
    operations = [migrations.RunPython(forwards, backwards)]
