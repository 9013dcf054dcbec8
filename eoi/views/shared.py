"""Pages both Hub staff and partner users open, and helpers the audiences share."""

from django.http import HttpRequest, HttpResponse

from agreements.models import Agreement
from eoi import selectors
from eoi.funding import check_eoi
from eoi.models import ExpressionOfInterest
from hubportal.core.match_funding import HUB_GRANT
from hubportal.core.roles import is_hub_team, is_partner_user, role_required
from hubportal.core.uploads import serve_private_file

eoi_reader_required = role_required(
    lambda u: is_hub_team(u) or is_partner_user(u), "Expressions of interest are for the Hub team and partners."
)


def _share(e) -> str:
    match = check_eoi(e)
    return f"{match.hub_share_percent}" if match.hub_share_percent is not None else ""


def _money_context(eoi: ExpressionOfInterest) -> dict:
    """What templates/eoi/_money.html shows: the rule's verdict and the sources, Hub Grant first."""
    sources = list(eoi.funding_sources.all())
    return {
        "match": check_eoi(eoi),
        "hub_grant_line": next((s for s in sources if s.kind == HUB_GRANT), None),
        "other_sources": [s for s in sources if s.kind != HUB_GRANT],
    }


def _agreement_of(eoi: ExpressionOfInterest) -> Agreement | None:
    return Agreement.objects.filter(eoi=eoi).first()


@eoi_reader_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment, to the partner that sent it, Hub staff and the EOI's assessors."""
    attachment = selectors.get_attachment_for(request.user, pk)
    return serve_private_file(attachment.file, attachment.original_filename)
