"""Import records: read a CSV or XLSX file (tablib), check every row, show
what would change, then save everything in one transaction or nothing.

tablib (the library under django-import-export) reads both formats into
one Dataset with the same code, via openpyxl for XLSX; the rows are checked
with Django forms (kinds.py), so the rules are the screens' rules. We use it
directly rather than django-import-export because each row here must go
through the Hub's own checks (a partner's stage against its agreements and
evidence) and write the Hub's history, which Resources would hide.
"""

import os
from dataclasses import dataclass, field

import tablib
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement
from hubportal.core.errors import ActionRefused
from hubportal.core.figures import figures_changed
from hubportal.core.history import record
from hubportal.core.uploads import detect_kind
from hubportal.models import HistoryEntry
from hubportal.records_import.kinds import KINDS, RowError
from hubportal.records_import.models import ImportedRecord, ImportRun, LegacySignedCopy
from hubportal.records_import.permissions import can_attach_legacy_evidence, can_attach_legacy_pdf, can_import
from partners.forms import EVIDENCE_KINDS
from partners.models import District, EvidenceItem

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
    """The records already imported under a reference, as {(kind, reference):
    record}: partners (which every kind refers to) and this kind's, each kind's
    loaded with what comparing it needs, in a few queries whatever the count."""
    found = {}
    for key in {"partners", kind_key}:
        imported = dict(ImportedRecord.objects.filter(kind=key).values_list("object_id", "reference"))
        for obj in KINDS[key].queryset().filter(pk__in=list(imported)):
            found[(key, imported[obj.pk])] = obj
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
    content_type = ContentType.objects.get_for_model(kind.queryset().model)
    references, saved = [], []
    new = [(reference, cleaned) for reference, cleaned, _, action in result.plan if action == "create"]
    for (reference, _), obj in zip(new, kind.create_many([c for _, c in new], actor), strict=True):
        references.append(
            ImportedRecord(kind=run.kind, reference=reference, content_type=content_type, object_id=obj.pk)
        )
        saved.append((obj, "imported"))
    for _, cleaned, existing, action in result.plan:
        if action == "update":
            saved.append((kind.save(cleaned, existing, actor), "import_updated"))
    history = []
    for obj, action in saved:
        history.append(
            HistoryEntry(
                content_type=content_type,
                object_id=obj.pk,
                action=action,
                actor=actor,
                actor_name=str(actor),
                note=note,
            )
        )
    # One insert each for thousands of rows: the same history rows record() writes.
    ImportedRecord.objects.bulk_create(references, batch_size=500)
    HistoryEntry.objects.bulk_create(history, batch_size=500)
    transaction.on_commit(figures_changed)
    run.status = ImportRun.Status.CONFIRMED
    run.confirmed_at = timezone.now()
    run.summary = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    run.save(update_fields=["status", "confirmed_at", "summary"])
    return run.summary


def template_dataset(kind_key: str) -> tablib.Dataset:
    """The template: the header row and two example rows."""
    kind = KINDS[kind_key]
    data = tablib.Dataset(headers=kind.columns)
    districts = list(District.objects.filter(is_active=True).values_list("name", flat=True)[:2])
    for example in kind.examples:
        row = list(example)
        if "districts" in kind.columns and districts:
            row[kind.columns.index("districts")] = districts[len(data) % len(districts)]
        data.append(row)
    return data


@transaction.atomic
def legacy_pdf_attach(*, agreement, actor, uploaded) -> LegacySignedCopy:
    """Attach the legacy signed PDF to an imported agreement, or replace the
    one attached; the agreement's history says which. PDF only, judged from
    its content by the upload policy."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    allowed, reason = can_attach_legacy_pdf(actor, agreement)
    if not allowed:
        raise ActionRefused(reason)
    try:
        detect_kind(uploaded, {"pdf"})
    except ValidationError as error:
        raise ActionRefused(" ".join(error.messages)) from None
    name = os.path.basename(uploaded.name or "")[:255] or "signed-agreement.pdf"
    copy = LegacySignedCopy.objects.filter(agreement=agreement).first()
    replaced = copy.original_filename if copy else None
    old_file = copy.file.name if copy else None
    copy = copy or LegacySignedCopy(agreement=agreement)
    copy.file.save(name, uploaded, save=False)
    copy.original_filename = name
    copy.uploaded_by = actor
    copy.uploaded_at = timezone.now()
    copy.save()
    if replaced is None:
        record(agreement, actor=actor, action="legacy_pdf_attached", note=f"legacy signed PDF {name} attached")
    else:
        record(
            agreement,
            actor=actor,
            action="legacy_pdf_replaced",
            note=f"legacy signed PDF {replaced} replaced by {name}",
        )
    if old_file:
        storage = copy.file.storage
        # The replaced file goes only once the new one is committed.
        transaction.on_commit(lambda: storage.delete(old_file))
    return copy


@transaction.atomic
def legacy_evidence_attach(*, item, actor, uploaded):
    """Attach (or replace) the file of an evidence item imported as verified.
    Its status and dates stay as imported; the item's history records it. The
    file goes through the upload policy with the kinds the partner may upload."""
    item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    allowed, reason = can_attach_legacy_evidence(actor, item)
    if not allowed:
        raise ActionRefused(reason)
    try:
        detect_kind(uploaded, EVIDENCE_KINDS)
    except ValidationError as error:
        raise ActionRefused(" ".join(error.messages)) from None
    name = os.path.basename(uploaded.name or "")[:255] or "evidence"
    replaced, old_file = item.original_filename, item.file.name if item.file else None
    item.file.save(name, uploaded, save=False)
    item.original_filename = name
    item.uploaded_by = actor
    item.uploaded_at = timezone.now()
    item.save(update_fields=["file", "original_filename", "uploaded_by", "uploaded_at", "updated_at"])
    if old_file:
        record(
            item,
            actor=actor,
            action="legacy_file_replaced",
            note=f"imported evidence file {replaced} replaced by {name}",
        )
        storage = item.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    else:
        record(item, actor=actor, action="legacy_file_attached", note=f"imported evidence file {name} attached")
    return item
