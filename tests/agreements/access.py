"""Who may open each agreements URL (see tests/security/access.py).

Staff pages are for Hub staff (assessors, the Chair and partners get 403);
countersigning is the Service Manager's alone; the PDF is for staff and the
partner's own users (partner B gets 404); evidence for the Chair is for staff
and the Chair; the decision page is the Chair's.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from agreements.models import Reason, RecommendationDocument, TerminationRecommendation
from agreements.services import review_save
from hubportal.core.academic_years import current_academic_year
from partners.models import PartnerType
from tests.agreements.factories import (
    AgreementFactory,
    AgreementTemplateFactory,
    PaymentInstalmentFactory,
    issue,
    make_live,
    partner_sign,
)
from tests.files import PDF
from tests.security.access import HUB_STAFF, rule

GET_POST = ("GET", "POST")
STAFF_AND_A = HUB_STAFF | {"partner_a"}
SAMPLE_FILE = "recommendations/access-sweep-sample.pdf"


def _pk(key):
    return lambda s: {"pk": s[key].pk}


RULES = {
    # Staff.
    "agreements:list": rule(HUB_STAFF),
    "agreements:create": rule(HUB_STAFF, methods=GET_POST),
    "agreements:roll_forward": rule(HUB_STAFF, methods=GET_POST),
    "agreements:template_list": rule(HUB_STAFF),
    "agreements:template_edit": rule(HUB_STAFF, args=_pk("agreement_template"), methods=GET_POST),
    # Staff start it (302); a second POST is refused with a message (302).
    "agreements:template_create": rule(
        HUB_STAFF, args=lambda s: {"partner_type_pk": s["partner_type_without_template"].pk}, methods=("POST",)
    ),
    "agreements:detail": rule(HUB_STAFF, args=_pk("agreement")),
    "agreements:edit": rule(HUB_STAFF, args=_pk("agreement_draft"), methods=GET_POST),
    # Staff issue it (302); after that a second POST is refused with a message (302), not an error.
    "agreements:issue": rule(HUB_STAFF, args=_pk("agreement_draft"), methods=("POST",)),
    "agreements:reopen": rule(HUB_STAFF, args=_pk("agreement_issued"), methods=GET_POST),
    "agreements:countersign": rule({"manager"}, args=_pk("agreement_partner_signed"), methods=GET_POST),
    "agreements:review_exception": rule({"manager"}, args=_pk("agreement"), methods=GET_POST),
    "agreements:complete": rule(HUB_STAFF, args=_pk("project_live"), methods=GET_POST),
    "agreements:review": rule(HUB_STAFF, args=_pk("agreement"), methods=GET_POST),
    "agreements:recommend": rule(HUB_STAFF, args=_pk("agreement"), methods=GET_POST),
    "agreements:instalment_paid": rule(HUB_STAFF, args=_pk("instalment"), methods=GET_POST),
    # Staff and partner A's own users.
    "agreements:pdf": rule(STAFF_AND_A, args=_pk("agreement"), scoped=True),
    # Staff and the Chair.
    "agreements:recommendation_document": rule(HUB_STAFF | {"chair"}, args=_pk("recommendation_document")),
    # The portal.
    "agreements:portal_list": rule({"partner_a", "partner_b"}),
    "agreements:portal_detail": rule({"partner_a"}, args=_pk("agreement"), scoped=True),
    "agreements:sign": rule({"partner_a"}, args=_pk("agreement_issued"), methods=GET_POST, scoped=True),
    # The Chair.
    "agreements:chair_recommendations": rule({"chair"}),
    "agreements:chair_recommendation": rule({"chair"}, args=_pk("recommendation"), methods=GET_POST),
}


def sample(cast, sample):
    """Partner A's agreements in each state a URL needs, a live project with an
    instalment and a recommendation with a document."""
    partner = cast["partner_a"].partner
    staff, manager, partner_user = cast["staff"], cast["manager"], cast["partner_a"]
    year = current_academic_year().start_year
    # Last year's agreement, under review: the surveys sample gives partner A a live one for this year.
    live = make_live(
        AgreementFactory(partner=partner, academic_year=year - 1),
        staff=staff,
        partner_user=partner_user,
        manager=manager,
    )
    review_save(agreement=live, actor=staff, fields={"held_on": datetime.date(year, 7, 10)}, ratings={})
    issued = issue(AgreementFactory(partner=partner, academic_year=year + 1), staff)
    partner_signed = AgreementFactory(partner=partner, academic_year=year - 2)
    issue(partner_signed, staff)
    partner_sign(partner_signed, partner_user)
    draft = AgreementFactory(partner=partner, project=True)
    project = AgreementFactory(partner=partner, project=True)
    instalment = PaymentInstalmentFactory(agreement=project, amount=Decimal("5000.00"))
    make_live(project, staff=staff, partner_user=partner_user, manager=manager)
    recommendation = TerminationRecommendation.objects.create(
        agreement=project,
        kind=TerminationRecommendation.Kind.TERMINATE,
        reasons=[Reason.DATA],
        evidence="No monitoring data returned.",
        raised_by=staff,
    )
    if not default_storage.exists(SAMPLE_FILE):
        default_storage.save(SAMPLE_FILE, ContentFile(PDF))
    document = RecommendationDocument.objects.create(
        recommendation=recommendation, file=SAMPLE_FILE, original_filename="evidence.pdf", uploaded_by=staff
    )
    return {
        "agreement": live,
        "agreement_issued": issued,
        "agreement_partner_signed": partner_signed,
        "agreement_draft": draft,
        "project_live": project,
        "instalment": instalment,
        "recommendation": recommendation,
        "recommendation_document": document,
        "agreement_template": AgreementTemplateFactory(),
        "partner_type_without_template": PartnerType.objects.create(name="Access sweep partner type"),
    }
