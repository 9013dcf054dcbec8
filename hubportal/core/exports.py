"""CSV and XLSX export of any list, streamed so a large export stays small in memory.

A list view builds its filtered queryset, then:

    if export_format(request):
        return export_rows(request, queryset, COLUMNS, "partners")

COLUMNS is a list of (header, function of a row). The queryset is read in
chunks with .iterator(); CSV streams row by row, XLSX is written by openpyxl's
write-only mode to a temporary file that is then streamed.

The rows may be any iterable instead of a queryset. Where each row needs a bulk
lookup (health ratings, a trace, answers), pass a generator built with
rows_by_chunk: it reads the objects a chunk at a time and asks for the lookup
once per chunk, so memory stays flat however many rows there are:

    rows = rows_by_chunk(queryset, lambda chunk: rows_for(chunk))
    return export_rows(request, rows, COLUMNS, "partner-health")
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

Columns = list[tuple[str, Callable]]
FORMATS = {"csv", "xlsx"}
CHUNK = 500  # objects read (and looked up in bulk) at a time while an export streams


def chunks(items: Iterable, size: int | None = None) -> Iterator[list]:
    """Consecutive lists of at most `size` items (CHUNK unless told), read lazily. A
    queryset is read with .iterator(chunk_size=size), its prefetches run a chunk at a
    time, so only one chunk of objects is held at once."""
    size = size or CHUNK
    iterator = items.iterator(chunk_size=size) if hasattr(items, "iterator") else iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def rows_by_chunk(items: Iterable, rows_for: Callable[[list], Iterable], size: int | None = None) -> Iterator:
    """The rows rows_for makes of each chunk of items, one chunk after another:
    for an export whose rows need a bulk lookup per chunk of objects."""
    for chunk in chunks(items, size):
        yield from rows_for(chunk)


def export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None


def _rows(queryset, columns: Columns) -> Iterable[list]:
    yield [header for header, _ in columns]
    items = queryset.iterator(chunk_size=2000) if hasattr(queryset, "iterator") else queryset
    for item in items:
        yield [_cell(get(item)) for _, get in columns]


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class _Echo:
    def write(self, value):
        return value


def _csv_safe(value):
    # Spreadsheet apps run cells that start with these as formulas (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_rows(request: HttpRequest, queryset, columns: Columns, basename: str):
    fmt = export_format(request) or "csv"
    stamp = timezone.localdate().isoformat()
    filename = f"{basename}-{stamp}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())
        stream = (writer.writerow([_csv_safe(v) for v in row]) for row in _rows(queryset, columns))
        response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return xlsx_response({basename[:31]: _rows(queryset, columns)}, filename)


def xlsx_response(sheets: dict[str, Iterable[list]], filename: str) -> FileResponse:
    """A download of the sheets as one workbook (xlsx_file)."""
    return FileResponse(
        xlsx_file(sheets),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def xlsx_file(sheets: dict[str, Iterable[list]]):
    """Write sheets of rows to a temporary XLSX file (write-only: constant memory)."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([_csv_safe(v) if isinstance(v, str) else v for v in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it after streaming
    workbook.save(handle)
    handle.seek(0)
    return handle
