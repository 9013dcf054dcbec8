"""On PostgreSQL, the database itself keeps what partners relied on (issue 18, item 7):

- eoi_call: once a call has opened, its terms (match threshold, whether
  in-kind counts, the largest Hub Grant, the minimum assessor scores) refuse
  UPDATE, and the call cannot go back to draft to change them;
- a submitted expression of interest's money: its totals refuse UPDATE, its
  submission time cannot be cleared, and its budget lines and funding sources
  refuse INSERT, UPDATE and DELETE once it has been submitted (submitted_at
  set, which only the submission service does; it may be corrected, as the
  demo back-dates it, never cleared).

The services and forms refuse the same, and the admin shows these read-only;
this is for whatever goes round them (a shell, a script, a bug).
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION eoi_refuse_open_call_terms_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
        NEW.status = 'draft'
        OR NEW.match_threshold_percent IS DISTINCT FROM OLD.match_threshold_percent
        OR NEW.in_kind_counts IS DISTINCT FROM OLD.in_kind_counts
        OR NEW.max_hub_grant IS DISTINCT FROM OLD.max_hub_grant
        OR NEW.min_assessor_scores IS DISTINCT FROM OLD.min_assessor_scores
    ) THEN
        RAISE EXCEPTION 'Call % has opened: its terms are frozen (threshold, in-kind rule, maximum grant, minimum assessor scores).',
            OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION eoi_refuse_submitted_totals_change() RETURNS trigger AS $$
BEGIN
    IF OLD.submitted_at IS NOT NULL AND (
        NEW.submitted_at IS NULL
        OR NEW.total_cost IS DISTINCT FROM OLD.total_cost
        OR NEW.hub_grant_requested IS DISTINCT FROM OLD.hub_grant_requested
        OR NEW.call_id IS DISTINCT FROM OLD.call_id
        OR NEW.partner_id IS DISTINCT FROM OLD.partner_id
    ) THEN
        RAISE EXCEPTION 'Expression of interest % was submitted: its money cannot be changed.', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION eoi_refuse_submitted_money_change() RETURNS trigger AS $$
DECLARE
    target bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        target := OLD.eoi_id;
    ELSE
        target := NEW.eoi_id;
    END IF;
    IF EXISTS (SELECT 1 FROM eoi_expressionofinterest WHERE id = target AND submitted_at IS NOT NULL)
        OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM eoi_expressionofinterest WHERE id = OLD.eoi_id AND submitted_at IS NOT NULL)) THEN
        RAISE EXCEPTION 'Expression of interest % was submitted: its budget and funding cannot be changed (%).',
            target, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("eoi_call", "eoi_call_terms_frozen", "BEFORE UPDATE", "eoi_refuse_open_call_terms_change"),
    (
        "eoi_expressionofinterest",
        "eoi_submitted_totals_frozen",
        "BEFORE UPDATE",
        "eoi_refuse_submitted_totals_change",
    ),
    ("eoi_budgetline", "eoi_budget_frozen", "BEFORE INSERT OR UPDATE OR DELETE", "eoi_refuse_submitted_money_change"),
    (
        "eoi_fundingsource",
        "eoi_funding_frozen",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "eoi_refuse_submitted_money_change",
    ),
]
FUNCTIONS_NAMES = [
    "eoi_refuse_open_call_terms_change",
    "eoi_refuse_submitted_totals_change",
    "eoi_refuse_submitted_money_change",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # raw: the bodies' % are PL/pgSQL, not parameters
        cursor.execute(FUNCTIONS)
    for table, name, when, function in TRIGGERS:
        schema_editor.execute(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _, _ in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    for function in FUNCTIONS_NAMES:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")


class Migration(migrations.Migration):
    dependencies = [("eoi", "0005_call_terms_floor_and_assessor_minimum")]
    operations = [migrations.RunPython(forwards, backwards)]
