"""A list export of 10,000 rows streams: the response is a streaming response,
and the memory it takes to write stays flat: no larger for 10,000 rows than
for 5,000, and far below what the rows take loaded all at once."""

import io
import tracemalloc
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from surveys.models import IncomeRecord
from tests.factories import PartnerFactory

ROWS = 10_000
SMALL = 5_000  # the rows of 2024/25; the rest are 2025/26


@pytest.fixture
def ten_thousand_incomes(db, staff):
    partners = [PartnerFactory(name=f"Partner {n:02d} with a reasonably long name") for n in range(20)]
    IncomeRecord.objects.bulk_create(
        [
            IncomeRecord(
                partner=partners[n % 20],
                academic_year=2024 if n < SMALL else 2025,
                source=IncomeRecord.Source.FUNDRAISING,
                description=f"Concert and raffle number {n} in the village hall, with the school choir",
                amount=Decimal("123.45"),
                recorded_by=staff,
            )
            for n in range(ROWS)
        ],
        batch_size=2000,
    )


def peak_while_streaming(client, params) -> tuple[int, int]:
    """(peak bytes allocated while the response is written, rows written)."""
    response = client.get(reverse("surveys:income_records"), {"export": "csv", **params})
    assert isinstance(response, StreamingHttpResponse)
    tracemalloc.start()
    try:
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, lines - 1


def peak_loading_everything() -> int:
    tracemalloc.start()
    try:
        rows = list(IncomeRecord.objects.select_related("partner", "recorded_by"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rows) == ROWS
    return peak


def test_a_10000_row_csv_export_streams_in_flat_memory(client_for, staff, ten_thousand_incomes):
    client = client_for(staff)
    small_peak, small_rows = peak_while_streaming(client, {"academic_year": 2024})
    peak, rows = peak_while_streaming(client, {})
    assert (small_rows, rows) == (SMALL, ROWS)
    # Twice the rows, about the same memory: the rows are read in chunks
    # of 2,000 and written one by one, never held together.
    assert peak < small_peak * 1.5, (small_peak, peak)
    assert peak < peak_loading_everything() / 3


def test_a_10000_row_xlsx_export_is_streamed_from_a_temporary_file(client_for, staff, ten_thousand_incomes):
    response = client_for(staff).get(reverse("surveys:income_records"), {"export": "xlsx"})
    assert response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == ROWS + 1
