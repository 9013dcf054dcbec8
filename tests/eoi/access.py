"""Who may open each commissioning URL (the URL sweep's table), and partner A's
records the URLs name: a draft EOI on an open call, one under assessment on
a closed call (with an assessor who declared no conflict, and an attachment),
and a successful one on an assessed call, ready to award."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.security.access import HUB_STAFF, HUB_TEAM, rule

PARTNERS = {"partner_a", "partner_b"}
ASSESSOR = {"assessor"}


def _pk(key):
    return lambda s: {"pk": s[key].pk}


RULES = {
    # Staff: needs analysis and gaps.
    "eoi:needs_list": rule(HUB_STAFF),
    "eoi:needs_create": rule(HUB_STAFF, methods=("GET", "POST")),
    "eoi:needs_detail": rule(HUB_STAFF, args=_pk("eoi_analysis")),
    "eoi:needs_edit": rule(HUB_STAFF, args=_pk("eoi_analysis"), methods=("GET", "POST")),
    "eoi:gap_create": rule(HUB_STAFF, args=_pk("eoi_analysis"), methods=("GET", "POST")),
    "eoi:gap_edit": rule(HUB_STAFF, args=_pk("eoi_gap"), methods=("GET", "POST")),
    # Staff: calls.
    "eoi:call_list": rule(HUB_STAFF),
    "eoi:call_create": rule(HUB_STAFF, methods=("GET", "POST")),
    # Staff, and assessors for the calls of the EOIs assigned to them (the sample
    # assessor's is on the closed call; any other call is 404 to them).
    "eoi:call_detail": rule(HUB_TEAM, args=_pk("eoi_closed_call")),
    "eoi:call_edit": rule(HUB_STAFF, args=_pk("eoi_draft_call"), methods=("GET", "POST")),
    "eoi:call_open": rule(HUB_STAFF, args=_pk("eoi_draft_call"), methods=("POST",), ok_post=frozenset({302})),
    "eoi:call_eois": rule(HUB_STAFF, args=_pk("eoi_closed_call")),
    "eoi:call_matrix": rule(HUB_STAFF, args=_pk("eoi_closed_call")),
    # Staff and assessors: one EOI.
    "eoi:eoi_detail": rule(HUB_TEAM, args=_pk("eoi_assessed")),
    "eoi:eoi_assign": rule(HUB_STAFF, args=_pk("eoi_assessed"), methods=("POST",), ok_post=frozenset({302})),
    "eoi:assignment_remove": rule(HUB_STAFF, args=_pk("eoi_assessed"), methods=("POST",), ok_post=frozenset({302})),
    "eoi:eoi_moderate": rule(HUB_STAFF, args=_pk("eoi_assessed"), methods=("POST",)),
    "eoi:eoi_decide": rule(HUB_STAFF, args=_pk("eoi_assessed"), methods=("POST",)),
    "eoi:award": rule(HUB_STAFF, args=_pk("eoi_successful"), methods=("GET", "POST")),
    # Assessors: their own assignments only.
    "eoi:assessments": rule(ASSESSOR),
    "eoi:conflict": rule(ASSESSOR, args=_pk("eoi_assignment"), methods=("GET", "POST")),
    "eoi:score": rule(ASSESSOR, args=_pk("eoi_assignment"), methods=("GET", "POST")),
    # The partner portal.
    "eoi:portal_calls": rule(PARTNERS),
    "eoi:portal_call": rule(PARTNERS, args=_pk("eoi_open_call")),
    "eoi:eoi_start": rule(PARTNERS, args=_pk("eoi_open_call"), methods=("POST",), ok_post=frozenset({302})),
    "eoi:portal_eois": rule(PARTNERS),
    "eoi:portal_eoi": rule({"partner_a"}, args=_pk("eoi_draft"), scoped=True),
    "eoi:eoi_edit": rule({"partner_a"}, args=_pk("eoi_draft"), methods=("GET", "POST"), scoped=True),
    "eoi:eoi_check": rule({"partner_a"}, args=_pk("eoi_draft"), methods=("GET", "POST"), scoped=True),
    "eoi:eoi_withdraw": rule(
        {"partner_a"}, args=_pk("eoi_draft"), methods=("POST",), ok_post=frozenset({302}), scoped=True
    ),
    "eoi:attachment_add": rule(
        {"partner_a"}, args=_pk("eoi_draft"), methods=("POST",), ok_post=frozenset({302}), scoped=True
    ),
    "eoi:attachment_remove": rule(
        {"partner_a"}, args=_pk("eoi_draft"), methods=("POST",), ok_post=frozenset({302}), scoped=True
    ),
    # The partner that sent it, Hub staff and the EOI's assessors.
    "eoi:attachment_download": rule(
        {"partner_a", "staff", "manager", "admin", "assessor"}, args=_pk("eoi_attachment"), scoped=True
    ),
}


def sample(cast, sample) -> dict:
    from eoi.models import AssessorAssignment, Call, EoiAttachment, ExpressionOfInterest
    from tests.eoi.factories import (
        CallFactory,
        CriterionFactory,
        ExpressionOfInterestFactory,
        GapFactory,
        ensure_procurement_bands,
    )

    partner_a = cast["partner_a"].partner
    now = timezone.now()
    ensure_procurement_bands()
    gap = GapFactory()

    def call(status, **kwargs):
        made = CallFactory(status=status, gaps=[gap], **kwargs)
        CriterionFactory(call=made, name="Meets the gap", weight=2)
        CriterionFactory(call=made, name="Value for money", weight=1)
        return made

    draft_call = call(Call.Status.DRAFT)
    open_call = call(Call.Status.OPEN)
    past = {"opens_at": now - datetime.timedelta(days=30), "closes_at": now - datetime.timedelta(days=2)}
    closed_call = call(Call.Status.CLOSED, **past)
    assessed_call = call(Call.Status.ASSESSED, **past)

    draft = ExpressionOfInterestFactory(call=open_call, partner=partner_a, title="Draft answer")
    EoiAttachment.objects.create(
        eoi=draft,
        file=ContentFile(b"%PDF-1.4 draft", name="plan.pdf"),
        original_filename="plan.pdf",
        uploaded_by=cast["partner_a"],
    )
    assessed = ExpressionOfInterestFactory(
        call=closed_call, partner=partner_a, title="In assessment", status=ExpressionOfInterest.Status.UNDER_ASSESSMENT
    )
    assignment = AssessorAssignment.objects.create(
        eoi=assessed, assessor=cast["assessor"], assigned_by=cast["staff"], has_conflict=False, declared_at=now
    )
    attachment = EoiAttachment.objects.create(
        eoi=assessed,
        file=ContentFile(b"%PDF-1.4 budget", name="budget.pdf"),
        original_filename="budget.pdf",
        uploaded_by=cast["partner_a"],
    )
    successful = ExpressionOfInterestFactory(
        call=assessed_call, partner=partner_a, title="Successful", status=ExpressionOfInterest.Status.SUCCESSFUL
    )
    return {
        "eoi_analysis": gap.needs_analysis,
        "eoi_gap": gap,
        "eoi_draft_call": draft_call,
        "eoi_open_call": open_call,
        "eoi_closed_call": closed_call,
        "eoi_draft": draft,
        "eoi_assessed": assessed,
        "eoi_assignment": assignment,
        "eoi_attachment": attachment,
        "eoi_successful": successful,
    }
