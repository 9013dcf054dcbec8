"""Who may open each partners URL (see tests/security/access.py)."""

from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partners.models import EvidenceItem, EvidenceType
from partners.services import invitation_tokens
from tests.factories import partner_user
from tests.files import PDF
from tests.partners.factories import ContactFactory, EvidenceItemFactory, MeetingFactory
from tests.security.access import HUB_STAFF, PUBLIC, rule

BOTH_PARTNERS = {"partner_a", "partner_b"}
# Hub staff and partner A's own users (partner B gets 404; the Chair and
# assessors 403: an assessor sees a partner only on the assessment page).
STAFF_AND_A = HUB_STAFF | {"partner_a"}
# Staff and partner A's own users: assessors read but do not edit (403).
EDITORS_AND_A = HUB_STAFF | {"partner_a"}
GET_POST = ("GET", "POST")


def _partner(s):
    return {"pk": s["partner"].pk}


RULES = {
    # Public.
    "partners:enquire": rule(PUBLIC, methods=GET_POST),
    "partners:enquiry_done": rule(PUBLIC),
    "partners:accept_invitation": rule(PUBLIC, args=lambda s: s["invitation"], methods=GET_POST),
    # Staff pages.
    "partners:list": rule(HUB_STAFF),
    "partners:add": rule(HUB_STAFF, methods=GET_POST),
    "partners:detail": rule(HUB_STAFF, args=_partner),
    "partners:edit": rule(HUB_STAFF, args=_partner, methods=GET_POST),
    "partners:meeting_schedule": rule(HUB_STAFF, args=_partner, methods=GET_POST),
    "partners:start_standards_review": rule(HUB_STAFF, args=_partner, methods=("POST",)),
    "partners:complete_standards_review": rule(HUB_STAFF, args=_partner, methods=("POST",)),
    "partners:decline": rule(HUB_STAFF, args=_partner, methods=GET_POST),
    "partners:suspend": rule(HUB_STAFF, args=_partner, methods=GET_POST),
    "partners:reinstate": rule(HUB_STAFF, args=_partner, methods=GET_POST),
    "partners:invite_user": rule(HUB_STAFF, args=_partner, methods=GET_POST),
    "partners:meeting_record": rule(HUB_STAFF, args=lambda s: {"pk": s["meeting"].pk}, methods=GET_POST),
    "partners:evidence_list": rule(HUB_STAFF),
    "partners:evidence_review": rule(HUB_STAFF, args=lambda s: {"pk": s["evidence"].pk}, methods=GET_POST),
    # Staff and the partner's own users.
    "partners:contact_add": rule(
        EDITORS_AND_A, args=lambda s: {"partner_pk": s["partner"].pk}, methods=GET_POST, scoped=True
    ),
    "partners:contact_edit": rule(EDITORS_AND_A, args=lambda s: {"pk": s["contact"].pk}, methods=GET_POST, scoped=True),
    # The primary contact: removing it is refused (and redirected), so every role sees it.
    "partners:contact_delete": rule(
        EDITORS_AND_A, args=lambda s: {"pk": s["contact"].pk}, methods=("POST",), scoped=True
    ),
    "partners:evidence_download": rule(STAFF_AND_A, args=lambda s: {"pk": s["evidence"].pk}, scoped=True),
    "partners:meeting_calendar": rule(STAFF_AND_A, args=lambda s: {"pk": s["meeting"].pk}, scoped=True),
    # The portal.
    "partners:portal_profile": rule(BOTH_PARTNERS),
    "partners:portal_profile_edit": rule(BOTH_PARTNERS, methods=GET_POST),
    "partners:meeting_confirm": rule(
        {"partner_a"}, args=lambda s: {"pk": s["meeting"].pk}, methods=("POST",), scoped=True
    ),
    "partners:portal_evidence": rule(BOTH_PARTNERS),
    "partners:evidence_upload": rule(
        BOTH_PARTNERS, args=lambda s: {"type_pk": s["evidence_type"].pk}, methods=GET_POST
    ),
}

SAMPLE_FILE = "evidence/access-sweep-sample.pdf"


def sample(cast, sample):
    """Partner A's contact, meeting, evidence (with a file) and a pending invitation."""
    partner = cast["partner_a"].partner
    if not default_storage.exists(SAMPLE_FILE):
        default_storage.save(SAMPLE_FILE, ContentFile(PDF))
    evidence_type = EvidenceType.objects.order_by("sort_order").first()
    evidence = EvidenceItemFactory(
        partner=partner,
        evidence_type=evidence_type,
        status=EvidenceItem.Status.SUBMITTED,
        original_filename="safeguarding-policy.pdf",
        # A renewal waiting to be checked: the verified copy it replaces is still in date.
        previous_in_force_until=date.max,
    )
    evidence.file.name = SAMPLE_FILE
    evidence.save(update_fields=["file"])
    invitee = partner_user(partner, username="partner-a-invitee")
    invitee.set_unusable_password()
    invitee.save(update_fields=["password"])
    return {
        "partner": partner,
        "contact": ContactFactory(partner=partner, is_primary=True),
        "meeting": MeetingFactory(partner=partner, scheduled_by=cast["staff"]),
        "evidence": evidence,
        "evidence_type": evidence_type,
        "invitation": {
            "uidb64": urlsafe_base64_encode(force_bytes(invitee.pk)),
            "token": invitation_tokens.make_token(invitee),
        },
    }
