"""Pages both Hub staff and partner users open, and helpers the audiences share."""

from django.http import HttpRequest, HttpResponse

from hubportal.core.roles import is_hub_staff, is_partner_user, role_required
from hubportal.core.uploads import serve_private_file
from surveys import selectors

# Case-study images: the partner's own users and Hub staff (the record decides which partner).
staff_or_partner_required = role_required(
    lambda user: is_hub_staff(user) or is_partner_user(user), "This page is for Hub staff and partners."
)


@staff_or_partner_required
def case_study_image(request: HttpRequest, pk: int) -> HttpResponse:
    """An image of a case study, for its partner and Hub staff only."""
    image = selectors.get_image_for(request.user, pk)
    return serve_private_file(image.file, image.original_filename)


def evaluation_state(agreement) -> str:
    """How a project's evaluation stands, in words, for the lists and their exports."""
    evaluation = selectors.evaluation_of(agreement)
    return evaluation.get_status_display() if evaluation else "Not started"
