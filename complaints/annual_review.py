"""Complaints' facts for an agreement's annual review (agreements.selectors.review_prefill):
the complaints about the partner received in the agreement's year, and its
safeguarding concerns."""

from datetime import date

from agreements.models import Agreement
from agreements.selectors import review_fact
from complaints.models import Complaint


@review_fact
def complaints_this_year(agreement: Agreement, today: date) -> dict[str, str]:
    year = agreement.year
    complaints = Complaint.objects.filter(
        partner=agreement.partner, received_at__date__gte=year.starts_on, received_at__date__lte=year.ends_on
    )
    total = complaints.count()
    safeguarding = complaints.filter(category=Complaint.Category.SAFEGUARDING).count()
    return {
        "complaints": f"{total} complaint{'s' if total != 1 else ''} about the partner received in {year.label}.",
        "safeguarding": (
            f"{safeguarding} safeguarding concern{'s' if safeguarding != 1 else ''} raised in {year.label}."
            if safeguarding
            else f"No safeguarding concern raised in {year.label}."
        ),
    }
