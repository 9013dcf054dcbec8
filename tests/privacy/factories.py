"""Records holding personal data, each started (closed, verified, ended, sent)
at a given moment, for the retention rules' edges."""

import datetime

import factory
from django.core.files.base import ContentFile

from complaints.models import Complaint, ComplaintAttachment, ComplaintNote
from eoi.models import EoiAttachment, ExpressionOfInterest
from hubportal.core.history import transition
from hubportal.models import OutboundEmail
from hubportal.privacy.models import DataRequest
from partners.models import EvidenceType, Partner
from tests.complaints.factories import ComplaintFactory
from tests.eoi.factories import ExpressionOfInterestFactory
from tests.factories import PartnerFactory, UserFactory
from tests.partners.factories import ContactFactory, EvidenceItemFactory, MeetingFactory

DBS = "Enhanced DBS check with barred list"


class DataRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataRequest

    kind = DataRequest.Kind.ACCESS
    person_name = "Jo Public"
    person_email = "jo.public@example.org"
    received_on = factory.LazyFunction(datetime.date.today)
    due_on = factory.LazyAttribute(lambda r: DataRequest.deadline_for(r.received_on))
    recorded_by = factory.SubFactory(UserFactory)


def pdf_file(name="document.pdf") -> ContentFile:
    return ContentFile(b"%PDF-1.4 personal document", name=name)


def ended_partner(at: datetime.datetime) -> Partner:
    """A partnership terminated at ``at`` (the move is in its history)."""
    partner = PartnerFactory(status=Partner.Stage.ACTIVE)
    partner.updated_at = at
    with _travel(at):
        transition(partner, to=Partner.Stage.TERMINATED, actor=None, note="Terminated.")
    return partner


def _travel(at):
    import time_machine

    return time_machine.travel(at, tick=False)


def dbs_evidence(at, partner=None):
    item = EvidenceItemFactory(
        partner=partner or PartnerFactory(),
        evidence_type=EvidenceType.objects.get_or_create(name=DBS)[0],
        note="Certificate number 001234567890",
        reviewed_at=at,
    )
    item.file.save("dbs.pdf", pdf_file(), save=False)
    item.original_filename = "Jo Smith DBS.pdf"
    item.save()
    return item


def evidence_file(at):
    item = EvidenceItemFactory(
        partner=ended_partner(at), evidence_type=EvidenceType.objects.get_or_create(name="Safeguarding policy")[0]
    )
    item.file.save("policy.pdf", pdf_file(), save=False)
    item.save()
    return item


def closed_complaint(at, **kwargs) -> Complaint:
    complaint = ComplaintFactory(status=Complaint.Status.CLOSED, closed_at=at, **kwargs)
    attachment = ComplaintAttachment(complaint=complaint, original_filename="letter.pdf")
    attachment.file.save("letter.pdf", pdf_file(), save=False)
    attachment.save()
    ComplaintNote.objects.create(
        complaint=complaint,
        kind=ComplaintNote.Kind.FROM_COMPLAINANT,
        author_name=complaint.complainant_name,
        body=f"From {complaint.complainant_name} ({complaint.complainant_email}): thank you.",
    )
    OutboundEmail.objects.create(
        to=complaint.complainant_email,
        subject=f"Complaint {complaint.reference}",
        body="We received it.",
        status=OutboundEmail.Status.SENT,
        sent_at=at,
        created_at=at,
    )
    return complaint


def contact(at):
    return ContactFactory(partner=ended_partner(at))


def partner_account(at):
    from tests.factories import partner_user

    return partner_user(ended_partner(at), email="former.user@example.org")


def meeting_notes(at):
    return MeetingFactory(partner=ended_partner(at), starts_at=at, notes="Met Jo Smith, the director.")


def eoi_attachment(at):
    eoi = ExpressionOfInterestFactory(status=ExpressionOfInterest.Status.UNSUCCESSFUL, decided_at=at)
    attachment = EoiAttachment(eoi=eoi, original_filename="cv.pdf", uploaded_by=UserFactory())
    attachment.file.save("cv.pdf", pdf_file(), save=False)
    attachment.save()
    return attachment


def sent_email(at):
    return OutboundEmail.objects.create(
        to="someone@example.org",
        subject="Hello",
        body="Body",
        status=OutboundEmail.Status.SENT,
        sent_at=at,
        created_at=at,
    )
