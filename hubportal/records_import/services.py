"""Import records: read a CSV or XLSX file (tablib), check every row, show
what would change, then save everything in one transaction or nothing.

tablib (the library under django-import-export) reads both formats into
one Dataset with the same code, via openpyxl for XLSX; the rows are checked
with Django forms (kinds.py), so the rules are the screens' rules. We use it
directly rather than django-import-export because each row here must go
through the Hub's own checks (a partner's stage against its agreements and
evidence) and write the Hub's history, which Resources would hide.
"""

from dataclasses import dataclass, field

import tablib
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from hubportal.errors import ActionRefused
from hubportal.history import record
from hubportal.records_import.kinds import KINDS, RowError
from hubportal.records_import.models import ImportedRecord, ImportRun
from hubportal.records_import.permissions import can_import

MAX_ROWS = 5000


@dataclass
class Preview:
    kind: str
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, column, message)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    plan: list = field(default_factory=list)  # (reference, cleaned, existing object or None, action)

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows > 0


def read_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """The file's rows, headed by its first row. A file that is not a CSV or
    XLSX the templates' shape is refused with the reason."""
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            return tablib.Dataset().load(content, format="xlsx")
        if name.endswith(".csv"):
            return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    except (UnicodeDecodeError, ValueError, KeyError, tablib.InvalidDimensions) as error:
        raise ActionRefused(
            f"This file could not be read ({error}). Save it from the template as CSV or XLSX."
        ) from error
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged workbook
        raise ActionRefused("This file could not be read as a spreadsheet. Save it from the template again.") from error
    raise ActionRefused("Upload a .csv or .xlsx file made from the template.")


def _references(kind_key: str) -> dict:
    """The Hub's references already imported, as {(kind, reference): record}."""
    found = {}
    for imported in ImportedRecord.objects.all().prefetch_related("record"):
        found[(imported.kind, imported.reference)] = imported.record
    return found


def preview(*, kind_key: str, content: bytes, filename: str) -> Preview:
    """Check every row; nothing is saved."""
    kind = KINDS[kind_key]
    data = read_dataset(content, filename)
    headers = [str(h or "").strip().lower() for h in (data.headers or [])]
    result = Preview(kind=kind_key)
    missing = [c for c in kind.columns if c not in headers]
    if missing:
        result.errors.append((1, ", ".join(missing), "These columns are missing: use the template's header row."))
        return result
    if data.height > MAX_ROWS:
        result.errors.append((0, "", f"The file has {data.height} rows; import at most {MAX_ROWS} at a time."))
        return result
    references = _references(kind_key)
    seen = {}
    for number, values in enumerate(data, start=2):
        row = {h: ("" if v is None else str(v).strip()) for h, v in zip(headers, values, strict=False)}
        if not any(row.values()):
            continue
        result.rows += 1
        reference = row["reference"]
        if not reference:
            result.errors.append((number, "reference", "Give each row the Hub's own reference."))
            continue
        if reference in seen:
            result.errors.append((number, "reference", f"{reference} is on row {seen[reference]} too."))
            continue
        seen[reference] = number
        try:
            cleaned = kind.check(row, references)
        except RowError as error:
            result.errors += [(number, column, message) for column, message in error.errors]
            continue
        existing = references.get((kind_key, reference))
        if existing is None:
            action = "create"
            result.created += 1
        elif kind.values(existing) == cleaned:
            action = "unchanged"
            result.unchanged += 1
        else:
            action = "update"
            result.updated += 1
        result.plan.append((reference, cleaned, existing, action))
        if kind_key == "partners" and action == "create":
            # Later kinds in the same file cannot refer to it; only partners refer across files.
            pass
    return result


def import_upload(*, actor, kind_key: str, uploaded) -> tuple[ImportRun, Preview]:
    """Keep the file and preview it."""
    allowed, reason = can_import(actor)
    if not allowed:
        raise ActionRefused(reason)
    if kind_key not in KINDS:
        raise ActionRefused("Choose what the file holds.")
    content = uploaded.read()
    uploaded.seek(0)
    result = preview(kind_key=kind_key, content=content, filename=uploaded.name)
    run = ImportRun.objects.create(kind=kind_key, file=uploaded, original_filename=uploaded.name, uploaded_by=actor)
    return run, result


def run_preview(run: ImportRun) -> Preview:
    with run.file.open("rb") as handle:
        return preview(kind_key=run.kind, content=handle.read(), filename=run.original_filename)


@transaction.atomic
def import_confirm(*, run: ImportRun, actor) -> dict:
    """Save every row of a previewed file, or none: a row that no longer
    passes refuses the whole file. Each saved record's history says where it
    came from; an unchanged row writes nothing."""
    allowed, reason = can_import(actor)
    if not allowed:
        raise ActionRefused(reason)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.PREVIEWED:
        raise ActionRefused("This file has been imported already. Upload it again to check it against today's records.")
    result = run_preview(run)
    if not result.ok:
        raise ActionRefused(
            f"The file has {len(result.errors)} problems now, so nothing was imported. Upload it again to see them."
        )
    kind = KINDS[run.kind]
    note = f"imported from {run.original_filename} by {actor}"
    content_types = {}
    for reference, cleaned, existing, action in result.plan:
        if action == "unchanged":
            continue
        obj = kind.save(cleaned, existing, actor)
        model = type(obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        if existing is None:
            ImportedRecord.objects.create(
                kind=run.kind, reference=reference, content_type=content_types[model], object_id=obj.pk
            )
        record(obj, actor=actor, action="imported" if existing is None else "import_updated", note=note)
    run.status = ImportRun.Status.CONFIRMED
    run.confirmed_at = timezone.now()
    run.summary = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    run.save(update_fields=["status", "confirmed_at", "summary"])
    return run.summary


def template_dataset(kind_key: str) -> tablib.Dataset:
    """The template: the header row and two example rows."""
    from partners.models import District

    kind = KINDS[kind_key]
    data = tablib.Dataset(headers=kind.columns)
    districts = list(District.objects.filter(is_active=True).values_list("name", flat=True)[:2])
    for example in kind.examples:
        row = list(example)
        if "districts" in kind.columns and districts:
            row[kind.columns.index("districts")] = districts[len(data) % len(districts)]
        data.append(row)
    return data
