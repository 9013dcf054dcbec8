"""Every write to agreements and every move of their lifecycle.

Partnership agreement: draft → issued → partner_signed → live → under_review →
{renewed | expired | not_renewed | terminated}. Project agreement: draft →
issued → partner_signed → live → completed, or terminated. Both are signed the
same way: the partner first, then the Service Manager for the Hub, each over
the SHA-256 of the text stored when it was issued (agreements.text).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from agreements import selectors
from agreements.models import (
    Agreement,
    AgreementTemplate,
    AgreementVersion,
    AnnualReview,
    Outcome,
    OutcomeReview,
    PaymentInstalment,
    Reason,
    RecommendationDocument,
    Signature,
    TerminationRecommendation,
)
from agreements.permissions import (
    may_complete,
    may_countersign,
    may_decide,
    may_edit,
    may_edit_review,
    may_edit_template,
    may_issue,
    may_recommend,
    may_record_payment,
    may_record_review_exception,
    may_reopen,
    may_review,
    may_roll_forward,
    may_sign,
    standing_allows,
)
from agreements.text import canonical_text, sha256
from hubportal.core.academic_years import AcademicYear, academic_year_for, current_academic_year
from hubportal.core.actions import enforce
from hubportal.core.errors import ActionRefused, require
from hubportal.core.history import can_move, record, transition
from hubportal.core.match_funding import HUB_GRANT, IN_KIND, check_match_funding, pounds
from hubportal.core.money import to_money
from hubportal.core.roles import is_hub_staff
from hubportal.core.users import hub_staff_users, partner_users
from hubportal.core.words import possessive
from hubportal.messaging.notifications import notify
from partners.models import Partner
from partners.services import partner_move, partner_suspend
from partners.standing import Action, require_standing, standings_of

Status = Agreement.Status
# The project evaluation is due this long after the project ends, unless staff set another date.
EVALUATION_AFTER_END = datetime.timedelta(weeks=8)
# A partner is asked to sign within this many days of issue (the to-do's due date, the health signal).
SIGN_WITHIN_DAYS = 14
TEXT_FIELDS = ["basis", "hub_expectations", "partner_expectations", "monitoring", "conditions"]
SECTION_NAMES = {
    "title": "the title",
    "basis": "the basis of the partnership",
    "hub_expectations": "what the Hub will do",
    "partner_expectations": "what the partner will do",
    "monitoring": "the quality and performance monitoring",
    "conditions": "the conditions",
}


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("partner").get(pk=agreement.pk)


def _require_standing(agreement: Agreement, partnership_action: Action) -> None:
    allowed, reason = standing_allows(agreement, partnership_action)
    if not allowed:
        raise ActionRefused(reason)


def staff_url(agreement: Agreement) -> str:
    return reverse("agreements:detail", kwargs={"pk": agreement.pk})


def portal_url(agreement: Agreement) -> str:
    return reverse("agreements:portal_detail", kwargs={"pk": agreement.pk})


def sign_url(agreement: Agreement) -> str:
    return reverse("agreements:sign", kwargs={"pk": agreement.pk})


def chair_url(recommendation: TerminationRecommendation) -> str:
    return reverse("agreements:chair_recommendation", kwargs={"pk": recommendation.pk})


def _notify_both(*, kind: str, agreement: Agreement, context: dict | None = None, staff=None) -> None:
    """The partner's users, linked to the portal page; staff, linked to the staff page."""
    context = {"agreement": agreement, **(context or {})}
    notify(kind=kind, recipients=partner_users(agreement.partner), context=context, url=portal_url(agreement))
    notify(
        kind=kind,
        recipients=hub_staff_users() if staff is None else staff,
        context=context,
        url=staff_url(agreement),
    )


# Partner stages that follow an agreement.


def _partner_to(partner: Partner, to: str, *, actor, reason: str) -> None:
    """Move the partner, going through the stage in between where the partners'
    lifecycle needs it (lapsed → agreement pending → active; suspended → active
    → lapsed), each step recorded in the partner's history."""
    partner = Partner.objects.get(pk=partner.pk)
    if partner.status == to:
        return
    if not can_move(partner, to):
        via = {
            (Partner.Stage.LAPSED, Partner.Stage.ACTIVE): Partner.Stage.AGREEMENT_PENDING,
            (Partner.Stage.SUSPENDED, Partner.Stage.LAPSED): Partner.Stage.ACTIVE,
        }.get((partner.status, to))
        if via is None:
            raise ActionRefused(
                f"{partner.name} is {partner.get_status_display().lower()}, so the partnership cannot be moved to "
                f"{Partner.Stage(to).label.lower()}. Change the partner's stage first."
            )
        partner = partner_move(partner=partner, to=via, actor=actor, reason=reason)
    partner_move(partner=partner, to=to, actor=actor, reason=reason)


# Drafting and editing.


def template_for(partner: Partner) -> AgreementTemplate | None:
    if partner.partner_type_id is None:
        return None
    return AgreementTemplate.objects.filter(
        kind=AgreementTemplate.Kind.PARTNERSHIP, partner_type_id=partner.partner_type_id
    ).first()


def project_template() -> AgreementTemplate | None:
    return AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PROJECT).order_by("pk").first()


def _apply_template(agreement: Agreement, template: AgreementTemplate) -> None:
    agreement.template = template
    for name in TEXT_FIELDS:
        setattr(agreement, name, getattr(template, name))
    agreement.requires_termly_surveys = template.requires_termly_surveys
    agreement.requires_evaluation = template.requires_evaluation
    agreement.review_meetings_per_year = template.review_meetings_per_year


@transaction.atomic
def agreement_draft(*, partner: Partner, academic_year: int, actor, title: str = "") -> Agreement:
    """Draft a partnership agreement for a partner and academic year from the
    template of the partner's type. One per partner per year."""
    require(is_hub_staff(actor), "Only Hub staff draft agreements.")
    year = AcademicYear(int(academic_year))
    require_standing(partner, Action.AGREEMENT_DRAFT, academic_year=year.start_year)
    existing = Agreement.objects.filter(partner=partner, kind=Agreement.Kind.PARTNERSHIP, academic_year=year.start_year)
    if existing.exists():
        raise ActionRefused(
            f"{partner.name} already has a partnership agreement for {year.label}: open it and edit it instead."
        )
    template = template_for(partner)
    if template is None:
        raise ActionRefused(
            f"There is no agreement template for {partner.partner_type or 'partners without a type'}. "
            "Set the partner's type, or create a template for the type under Agreement templates, then try again."
        )
    agreement = Agreement(
        kind=Agreement.Kind.PARTNERSHIP,
        partner=partner,
        academic_year=year.start_year,
        title=title or f"Partnership agreement {year.label}: {partner.name}",
        created_by=actor,
    )
    _apply_template(agreement, template)
    agreement.save()
    record(agreement, actor=actor, action="drafted", note=f"From the template “{template.name}”.")
    return agreement


@transaction.atomic
def project_agreement_draft(*, eoi, award, actor) -> Agreement:
    """Draft the project agreement for an awarded expression of interest.

    Called by the commissioning app when staff award an EOI. The draft takes
    its text from the project template, the Hub's contribution from the award
    and the match funding from the rest of the EOI's total cost. It has no
    payment schedule yet (staff add the instalments, which must add up to the
    contribution before it can be issued); the evaluation falls due eight
    weeks after the project ends once the dates are set. One per EOI.
    """
    require(is_hub_staff(actor), "Only Hub staff draft project agreements.")
    if award.eoi_id != eoi.pk:
        raise ActionRefused("This award belongs to a different expression of interest.")
    if Agreement.objects.filter(eoi=eoi).exists():
        raise ActionRefused(f"“{eoi.title}” already has a project agreement: open it instead of drafting another.")
    require_standing(eoi.partner, Action.EOI_AWARD)
    template = project_template()
    if template is None:
        raise ActionRefused("There is no project agreement template. Add one under Agreement templates first.")
    amount = to_money(award.amount)
    agreement = Agreement(
        kind=Agreement.Kind.PROJECT,
        partner=eoi.partner,
        academic_year=current_academic_year().start_year,
        title=f"Project agreement: {eoi.title}"[:200],
        eoi=eoi,
        hub_contribution=amount,
        match_funding_commitment=max(to_money(eoi.total_cost) - amount, Decimal("0.00")),
        created_by=actor,
    )
    _apply_template(agreement, template)
    agreement.requires_evaluation = True
    if eoi.what:
        agreement.basis = f"{agreement.basis}\n\nThe project: {eoi.what}".strip()
    agreement.save()
    record(
        agreement,
        actor=actor,
        action="drafted from the award",
        note=f"Award of £{amount:,.2f} to “{eoi.title}”; match funding £{agreement.match_funding_commitment:,.2f}.",
    )
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    actor,
    fields: dict,
    outcomes: list[dict] | None = None,
    instalments: list[dict] | None = None,
) -> Agreement:
    """Edit a draft: its sections, its outcomes and (a project) its dates, money
    and payment schedule. ``outcomes`` and ``instalments`` are the full lists
    as they should be; an existing row is named by ``id``; rows not listed go."""
    agreement = _lock(agreement)
    enforce(may_edit(actor, agreement))
    if agreement.signatures.filter(voided_at__isnull=True).exists():
        raise ActionRefused("This agreement has been signed, so its text cannot change. Return it to draft first.")
    allowed = {"title", *TEXT_FIELDS, "requires_termly_surveys", "requires_evaluation", "review_meetings_per_year"}
    if agreement.is_project:
        allowed |= {"starts_on", "ends_on", "hub_contribution", "match_funding_commitment", "evaluation_due_on"}
    changed = []
    for name, value in fields.items():
        if name not in allowed:
            continue
        if getattr(agreement, name) != value:
            setattr(agreement, name, value)
            changed.append(name)
    if agreement.is_project:
        if agreement.starts_on and agreement.ends_on and agreement.ends_on < agreement.starts_on:
            raise ActionRefused("The project must end on or after the day it starts.")
        if {"hub_contribution", "match_funding_commitment"} & set(changed):
            problems = money_problems(
                agreement,
                hub_contribution=agreement.hub_contribution,
                match_funding_commitment=agreement.match_funding_commitment,
            )
            if problems:
                raise ActionRefused(" ".join(problems))
        if agreement.ends_on and not agreement.evaluation_due_on:
            agreement.evaluation_due_on = agreement.ends_on + EVALUATION_AFTER_END
            changed.append("evaluation_due_on")
    agreement.save()
    if outcomes is not None and _replace_rows(agreement, Outcome, agreement.outcomes.all(), outcomes, ordered=True):
        changed.append("outcomes")
    if (
        instalments is not None
        and agreement.is_project
        and _replace_rows(agreement, PaymentInstalment, agreement.instalments.all(), instalments)
    ):
        changed.append("payment schedule")
    if changed:
        record(
            agreement, actor=actor, action="edited", note="Changed: " + ", ".join(n.replace("_", " ") for n in changed)
        )
    return agreement


def _replace_rows(agreement, model, existing, rows: list[dict], *, ordered: bool = False) -> bool:
    current = {row.pk: row for row in existing}
    keep = set()
    changed = False
    for position, data in enumerate(rows):
        data = {k: v for k, v in data.items() if k not in ("id", "DELETE")}
        if ordered:
            data["order"] = position
        pk = rows[position].get("id")
        pk = getattr(pk, "pk", pk)
        row = current.get(pk)
        if row is None:
            model.objects.create(agreement=agreement, **data)
            changed = True
            continue
        keep.add(row.pk)
        if any(getattr(row, k) != v for k, v in data.items()):
            for k, v in data.items():
                setattr(row, k, v)
            row.save()
            changed = True
    for pk, row in current.items():
        if pk not in keep:
            try:
                row.delete()
            except ProtectedError as exc:
                raise ActionRefused(f"“{row}” is referred to by a review or a survey answer, so it stays.") from exc
            changed = True
    return changed


# The call's share when a project agreement has no call behind it (one from
# before the portal): the policy's own 50%, with in-kind contributions counted.
DEFAULT_MATCH_THRESHOLD = Decimal("50.00")


def money_problems(
    agreement: Agreement, *, hub_contribution: Decimal | None, match_funding_commitment: Decimal | None
) -> list[str]:
    """What is wrong with a project agreement's money, as sentences that say
    what to do: the match-funding rule (hubportal.core.match_funding, where
    it lives) on a total cost of the contribution plus the match commitment,
    under the terms of the award's call, and no more Hub money than the award.
    Used by the edit form, the edit service and the issue check alike. Empty
    while either figure is still unset (issuing asks for both)."""
    if not agreement.is_project or hub_contribution is None or match_funding_commitment is None:
        return []
    contribution, match = to_money(hub_contribution), to_money(match_funding_commitment)
    eoi = agreement.eoi
    threshold, in_kind_counts, in_kind, award = DEFAULT_MATCH_THRESHOLD, True, Decimal("0.00"), None
    if eoi is not None:
        threshold, in_kind_counts = eoi.call.match_threshold_percent, eoi.call.in_kind_counts
        award = eoi.award if eoi.has_award else None
        # The part of the commitment the EOI said would come in kind, which
        # counts towards the match only where the call allows.
        sources = eoi.funding_sources.all()
        in_kind = sum((to_money(s.amount) for s in sources if s.kind == IN_KIND and s.amount), in_kind)
        in_kind = max(min(in_kind, match), Decimal("0.00"))
    problems = []
    if contribution + match <= 0:
        problems.append(
            "Set the Hub's contribution and the partner's match funding: together they are the cost of the project, "
            "which must be more than £0.00."
        )
    else:
        check = check_match_funding(
            budget=[contribution + match],
            sources=[(HUB_GRANT, contribution), (IN_KIND, in_kind), ("match_funding", match - in_kind)],
            threshold_percent=threshold,
            in_kind_counts=in_kind_counts,
        )
        if not check.ok:
            problems.append("The Hub's contribution breaks the match-funding rule. " + check.message)
    if award is not None and contribution > to_money(award.amount):
        problems.append(
            f"The Hub's contribution, {pounds(contribution)}, is more than the {pounds(to_money(award.amount))} "
            f"awarded to “{eoi.title}”: lower it to the award or less."
        )
    return problems


def issue_problems(agreement: Agreement) -> list[str]:
    """What stops a draft being issued, as sentences that say what to do."""
    problems = []
    for name, label in SECTION_NAMES.items():
        if not str(getattr(agreement, name) or "").strip():
            problems.append(f"Write {label}.")
    if not agreement.outcomes.exists():
        problems.append("Add at least one agreed outcome, with its measure and target.")
    allowed, reason = standing_allows(agreement, Action.AGREEMENT_ISSUE)
    if not allowed:
        problems.append(reason)
    elif agreement.is_project and not partner_users(agreement.partner):
        problems.append(f"Nobody at {agreement.partner.name} can sign yet: invite a partner user first.")
    if agreement.is_project:
        if not (agreement.starts_on and agreement.ends_on):
            problems.append("Set the project's start and end dates.")
        if agreement.hub_contribution is None or agreement.match_funding_commitment is None:
            problems.append("Set the Hub's contribution and the partner's match funding.")
        if not agreement.evaluation_due_on:
            problems.append("Set the date the project evaluation is due.")
        if agreement.hub_contribution is not None:
            total = sum((to_money(i.amount) for i in agreement.instalments.all()), Decimal("0.00"))
            contribution = to_money(agreement.hub_contribution)
            if total != contribution:
                problems.append(
                    f"The payment schedule adds up to £{total:,.2f} but the Hub's contribution is "
                    f"£{contribution:,.2f}: make the instalments add up to the contribution."
                )
        problems += money_problems(
            agreement,
            hub_contribution=agreement.hub_contribution,
            match_funding_commitment=agreement.match_funding_commitment,
        )
    return problems


@transaction.atomic
def agreement_issue(*, agreement: Agreement, actor) -> Agreement:
    """Issue a draft for the partner's signature. Its text is stored as this
    version and frozen: what the partner reads is what they sign."""
    agreement = _lock(agreement)
    enforce(may_issue(actor, agreement))
    problems = issue_problems(agreement)
    if problems:
        raise ActionRefused("It cannot be issued yet. " + " ".join(problems))
    text = canonical_text(agreement)
    AgreementVersion.objects.create(
        agreement=agreement,
        version=agreement.version,
        text=text,
        text_sha256=sha256(text),
        created_by=actor,
        reason="Issued for signature.",
    )
    agreement.issued_at = timezone.now()
    transition(
        agreement, to=Status.ISSUED, actor=actor, note=f"Version {agreement.version}.", update_fields=["issued_at"]
    )
    notify(
        kind="agreements_issued",
        recipients=partner_users(agreement.partner),
        context={"agreement": agreement, "sign_by": agreement.issued_at.date() + datetime.timedelta(SIGN_WITHIN_DAYS)},
        url=sign_url(agreement),
    )
    return agreement


@transaction.atomic
def agreement_reopen(*, agreement: Agreement, actor, reason: str) -> Agreement:
    """Take an issued or partner-signed agreement back to draft to change it.
    The issued text stays stored as the old version; the draft becomes the
    next version, and any signature is voided (the partner signs again)."""
    agreement = _lock(agreement)
    enforce(may_reopen(actor, agreement))
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("Say why the agreement is changing: the partner sees it with the new version.")
    now = timezone.now()
    voided = agreement.signatures.filter(voided_at__isnull=True).update(
        voided_at=now, void_reason=f"Version {agreement.version} replaced: {reason}"[:300]
    )
    old_version = agreement.version
    agreement.version += 1
    agreement.issued_at = None
    transition(
        agreement,
        to=Status.DRAFT,
        actor=actor,
        note=f"Version {old_version} withdrawn ({reason}); drafting version {agreement.version}."
        + (f" {voided} signature{'s' if voided != 1 else ''} voided." if voided else ""),
        update_fields=["version", "issued_at"],
    )
    notify(
        kind="agreements_reopened",
        recipients=partner_users(agreement.partner),
        context={"agreement": agreement, "reason": reason, "old_version": old_version, "voided": voided},
        url=portal_url(agreement),
    )
    return agreement


def _check_text_unchanged(agreement: Agreement) -> AgreementVersion:
    version = agreement.versions.filter(version=agreement.version).first()
    text = canonical_text(agreement)
    if version is None or version.text != text or version.text_sha256 != sha256(text):
        raise ActionRefused(
            "The agreement's stored text does not match its content, so it cannot be signed. "
            "Ask the Hub to check it and issue it again."
        )
    return version


def _signature(agreement, version, *, party, actor, typed_name: str, role_title: str) -> Signature:
    typed_name, role_title = (typed_name or "").strip(), (role_title or "").strip()
    if not typed_name or not role_title:
        raise ActionRefused("Type your full name and your role to sign.")
    return Signature.objects.create(
        agreement=agreement,
        version=agreement.version,
        party=party,
        user=actor,
        typed_name=typed_name[:200],
        role_title=role_title[:150],
        text_sha256=version.text_sha256,
    )


@transaction.atomic
def agreement_sign(*, agreement: Agreement, actor, typed_name: str, role_title: str) -> Agreement:
    """The partner signs the issued text, first."""
    agreement = _lock(agreement)
    enforce(may_sign(actor, agreement))
    _require_standing(agreement, Action.AGREEMENT_SIGN)
    version = _check_text_unchanged(agreement)
    signature = _signature(
        agreement, version, party=Signature.Party.PARTNER, actor=actor, typed_name=typed_name, role_title=role_title
    )
    transition(
        agreement,
        to=Status.PARTNER_SIGNED,
        actor=actor,
        note=f"Signed by {signature.typed_name} ({signature.role_title}); SHA-256 {signature.text_sha256}.",
    )
    notify(
        kind="agreements_partner_signed",
        recipients=selectors.service_managers() + ([agreement.created_by] if agreement.created_by else []),
        context={"agreement": agreement, "signature": signature},
        url=staff_url(agreement),
    )
    return agreement


@transaction.atomic
def agreement_countersign(*, agreement: Agreement, actor, typed_name: str, role_title: str) -> Agreement:
    """The Service Manager signs for the Hub after the partner; the agreement
    goes live. Last year's agreement it renews becomes renewed, and a partner
    waiting on it (agreement pending, or lapsed) becomes active. A partnership
    agreement for a year that has not begun is signed now and goes live on
    1 September (``agreements_start``): the current year's stays live until then.
    The partner's standing (its evidence in force) is checked at this moment."""
    agreement = _lock(agreement)
    enforce(may_countersign(actor, agreement))
    _require_standing(agreement, Action.AGREEMENT_COUNTERSIGN)
    version = _check_text_unchanged(agreement)
    if not agreement.signatures.filter(
        party=Signature.Party.PARTNER, version=agreement.version, voided_at__isnull=True
    ).exists():
        raise ActionRefused("The partner has not signed this version yet.")
    previous = []
    if agreement.kind == Agreement.Kind.PARTNERSHIP:
        in_force = Agreement.objects.select_for_update().filter(
            partner=agreement.partner, kind=Agreement.Kind.PARTNERSHIP, status__in=Agreement.IN_FORCE
        )
        later = [a for a in in_force if a.academic_year >= agreement.academic_year]
        if later:
            raise ActionRefused(
                f"{agreement.partner.name} already has a {later[0].year.label} agreement in force, "
                "so this one cannot go live."
            )
        previous = list(in_force)
    signature = _signature(
        agreement, version, party=Signature.Party.HUB, actor=actor, typed_name=typed_name, role_title=role_title
    )
    if agreement.starts_later:
        transition(
            agreement,
            to=Status.SIGNED,
            actor=actor,
            note=f"Countersigned by {signature.typed_name} ({signature.role_title}); SHA-256 "
            f"{signature.text_sha256}. It goes live on {agreement.year.starts_on:%-d %B %Y}.",
        )
        _notify_both(kind="agreements_live", agreement=agreement, context={"signature": signature})
        return agreement
    _go_live(
        agreement,
        previous=previous,
        actor=actor,
        note=f"Countersigned by {signature.typed_name} ({signature.role_title}); SHA-256 {signature.text_sha256}.",
    )
    _notify_both(kind="agreements_live", agreement=agreement, context={"signature": signature})
    return agreement


def _go_live(agreement: Agreement, *, previous: list[Agreement], actor, note: str) -> None:
    """The agreement is in force: what it renews ends as renewed, and a partner
    waiting on it becomes active."""
    for old in previous:
        old.ended_at = timezone.now()
        transition(
            old,
            to=Status.RENEWED,
            actor=actor,
            note=f"Renewed by the {agreement.year.label} agreement.",
            update_fields=["ended_at"],
        )
    agreement.live_at = timezone.now()
    transition(agreement, to=Status.LIVE, actor=actor, note=note, update_fields=["live_at"])
    partner = agreement.partner
    if agreement.kind == Agreement.Kind.PARTNERSHIP and partner.status in (
        Partner.Stage.AGREEMENT_PENDING,
        Partner.Stage.LAPSED,
    ):
        _partner_to(partner, Partner.Stage.ACTIVE, actor=actor, reason=f"The {agreement.year.label} agreement is live.")


@transaction.atomic
def agreements_start(*, today: datetime.date | None = None) -> list[Agreement]:
    """On 1 September: every partnership agreement signed early for the year
    that has begun goes live, and the one it renews ends as renewed. Run daily
    by Celery beat before the expiry; running it again finds nothing more."""
    today = today or timezone.localdate()
    current = academic_year_for(today)
    due = list(
        Agreement.objects.select_for_update()
        .select_related("partner")
        .filter(kind=Agreement.Kind.PARTNERSHIP, status=Status.SIGNED, academic_year__lte=current.start_year)
    )
    for agreement in due:
        previous = list(
            Agreement.objects.select_for_update().filter(
                partner=agreement.partner_id,
                kind=Agreement.Kind.PARTNERSHIP,
                status__in=Agreement.IN_FORCE,
                academic_year__lt=agreement.academic_year,
            )
        )
        _go_live(
            agreement,
            previous=previous,
            actor=None,
            note=f"The {agreement.year.label} academic year began on {agreement.year.starts_on:%-d %B %Y}.",
        )
    return due


@transaction.atomic
def agreement_complete(*, agreement: Agreement, actor, note: str = "") -> Agreement:
    """Staff mark a live project agreement completed: the partner now owes the
    project evaluation data and case studies by the due date."""
    agreement = _lock(agreement)
    enforce(may_complete(actor, agreement))
    fields = ["ended_at"]
    agreement.ended_at = timezone.now()
    if not agreement.evaluation_due_on:
        agreement.evaluation_due_on = (agreement.ends_on or timezone.localdate()) + EVALUATION_AFTER_END
        fields.append("evaluation_due_on")
    transition(agreement, to=Status.COMPLETED, actor=actor, note=note, update_fields=fields)
    notify(
        kind="agreements_completed",
        recipients=partner_users(agreement.partner),
        context={"agreement": agreement},
        url=portal_url(agreement),
    )
    return agreement


@transaction.atomic
def instalment_record_payment(*, instalment: PaymentInstalment, actor, paid_on: datetime.date) -> PaymentInstalment:
    """Record that an instalment was paid (not part of the signed text)."""
    instalment = PaymentInstalment.objects.select_for_update().select_related("agreement").get(pk=instalment.pk)
    enforce(may_record_payment(actor, instalment))
    if paid_on is None or paid_on > timezone.localdate():
        raise ActionRefused("Give the date it was paid: today or earlier.")
    instalment.paid_on = paid_on
    instalment.save(update_fields=["paid_on"])
    record(
        instalment.agreement,
        actor=actor,
        action="instalment paid",
        note=f"{instalment.milestone}: £{to_money(instalment.amount):,.2f} paid on {paid_on:%d %B %Y}.",
    )
    return instalment


@transaction.atomic
def template_update(*, template: AgreementTemplate, actor, fields: dict) -> AgreementTemplate:
    """Staff change a template. Agreements already drafted keep their own text."""
    enforce(may_edit_template(actor))
    template = AgreementTemplate.objects.select_for_update().get(pk=template.pk)
    changed = [name for name, value in fields.items() if getattr(template, name) != value]
    for name in changed:
        setattr(template, name, fields[name])
    template.updated_by = actor
    template.save()
    if changed:
        record(
            template, actor=actor, action="edited", note="Changed: " + ", ".join(n.replace("_", " ") for n in changed)
        )
    return template


@transaction.atomic
def template_create_for_type(*, partner_type, actor) -> AgreementTemplate:
    """Start a template for a partner type that has none (a type added after
    the seeded ones), from the template of a type of the same kind where there
    is one, so staff edit rather than write from nothing."""
    enforce(may_edit_template(actor))
    if AgreementTemplate.objects.filter(partner_type=partner_type).exists():
        raise ActionRefused(f"{partner_type} already has a template: edit that one.")
    model = (
        AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PARTNERSHIP, partner_type__kind=partner_type.kind)
        .order_by("pk")
        .first()
        or AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PARTNERSHIP).order_by("pk").first()
    )
    template = AgreementTemplate(
        name=f"Partnership agreement: {partner_type.name}",
        kind=AgreementTemplate.Kind.PARTNERSHIP,
        partner_type=partner_type,
        requires_termly_surveys=partner_type.termly_surveys_required,
        review_meetings_per_year=partner_type.annual_review_meetings,
        updated_by=actor,
    )
    if model is not None:
        for name in TEXT_FIELDS:
            setattr(template, name, getattr(model, name))
    template.save()
    record(template, actor=actor, action="created", note=f"Started from “{model}”." if model else "")
    return template


# The annual review.


@transaction.atomic
def review_save(
    *,
    agreement: Agreement,
    actor,
    fields: dict,
    ratings: dict,
    complete: bool = False,
    review: AnnualReview | None = None,
    reasons: Iterable[str] = (),
    evidence: str = "",
    other_reason: str = "",
) -> AnnualReview:
    """Save the annual review of a partnership agreement (the first save puts
    the agreement under review). ``ratings`` maps an outcome's id to
    ``(rating, commentary)``. Completing it records the recommendation: renew
    (with any conditions) puts the agreement back live; not renew or terminate
    raises a recommendation to the Chair with the reasons and evidence."""
    agreement = _lock(agreement)
    if review is None:
        enforce(may_review(actor, agreement))
        if agreement.reviews.filter(completed_at__isnull=True).exists():
            raise ActionRefused("A review of this agreement is already in progress: continue that one.")
        review = AnnualReview(agreement=agreement, reviewed_by=actor)
    else:
        review = AnnualReview.objects.select_for_update().get(pk=review.pk, agreement=agreement)
        review.agreement = agreement
        enforce(may_edit_review(actor, review))
    for name in ("held_on", "surveys_on_time", "complaints", "safeguarding", "branding", "summary"):
        if name in fields:
            setattr(review, name, fields[name])
    review.recommendation = fields.get("recommendation", review.recommendation) or ""
    review.conditions = fields.get("conditions", review.conditions) or ""
    if review.held_on is None:
        raise ActionRefused("Give the date the review meeting was held.")
    outcomes = list(agreement.outcomes.all())
    if complete:
        missing = [o for o in outcomes if not (ratings.get(o.pk) or ("", ""))[0]]
        problems = []
        if missing:
            problems.append("Rate every agreed outcome.")
        if not review.branding:
            problems.append("Say whether the branding guidelines were met.")
        if not review.recommendation:
            problems.append("Choose a recommendation.")
        if review.recommendation == AnnualReview.Recommendation.RENEW_WITH_CONDITIONS and not review.conditions.strip():
            problems.append("Write the conditions of renewal.")
        if problems:
            raise ActionRefused("The review cannot be completed yet. " + " ".join(problems))
        review.completed_at = timezone.now()
    review.save()
    for outcome in outcomes:
        rating, commentary = ratings.get(outcome.pk) or ("", "")
        if rating:
            OutcomeReview.objects.update_or_create(
                review=review, outcome=outcome, defaults={"rating": rating, "commentary": commentary or ""}
            )
        else:
            OutcomeReview.objects.filter(review=review, outcome=outcome).delete()
    if agreement.status == Status.LIVE:
        transition(
            agreement, to=Status.UNDER_REVIEW, actor=actor, note=f"Annual review held on {review.held_on:%d %B %Y}."
        )
    else:
        record(agreement, actor=actor, action="review saved", note=f"Review held on {review.held_on:%d %B %Y}.")
    if complete:
        _review_completed(agreement, review, actor=actor, reasons=reasons, evidence=evidence, other_reason=other_reason)
    return review


def _review_completed(agreement, review, *, actor, reasons, evidence, other_reason) -> None:
    Recommendation = AnnualReview.Recommendation
    note = f"Review completed: {review.get_recommendation_display().lower()}."
    if review.recommendation in (Recommendation.RENEW, Recommendation.RENEW_WITH_CONDITIONS):
        newer = (
            Agreement.objects.filter(partner=agreement.partner_id, kind=agreement.kind, status=Status.LIVE)
            .exclude(pk=agreement.pk)
            .first()
        )
        if newer is not None:
            raise ActionRefused(
                f"{possessive(agreement.partner.name)} {newer.year.label} agreement is already live, so this one "
                "cannot continue: record the review as not renewed, or review the live agreement instead."
            )
        agreement.renewal_conditions = (
            review.conditions if review.recommendation == Recommendation.RENEW_WITH_CONDITIONS else ""
        )
        transition(agreement, to=Status.LIVE, actor=actor, note=note, update_fields=["renewal_conditions"])
        return
    record(agreement, actor=actor, action="review completed", note=note)
    kind = (
        TerminationRecommendation.Kind.NOT_RENEW
        if review.recommendation == Recommendation.NOT_RENEW
        else TerminationRecommendation.Kind.TERMINATE
    )
    recommendation_raise(
        agreement=agreement,
        actor=actor,
        kind=kind,
        reasons=reasons,
        evidence=evidence or review.summary,
        other_reason=other_reason,
        review=review,
    )


# Renewal and the end of the year.


@dataclass
class RollForward:
    year: AcademicYear
    created: list[Agreement] = field(default_factory=list)
    skipped: list[tuple[Agreement, str]] = field(default_factory=list)


def _roll_forward_skip(agreement: Agreement, latest_review: AnnualReview | None, taken: set[int], standing) -> str:
    partner = agreement.partner
    if partner.pk in taken:
        return f"{partner.name} already has a {agreement.year.next().label} agreement."
    if agreement.has_open_recommendation:
        return "The Chair has yet to decide a recommendation to end it."
    if latest_review and latest_review.recommendation in (
        AnnualReview.Recommendation.NOT_RENEW,
        AnnualReview.Recommendation.TERMINATE,
    ):
        return f"Its annual review recommends: {latest_review.get_recommendation_display().lower()}."
    allowed, reason = standing.may(Action.ROLL_FORWARD, academic_year=agreement.academic_year + 1)
    if not allowed:
        return reason
    if partner.partner_type and not partner.partner_type.agreement_required:
        return f"Partners of type {partner.partner_type} no longer need an agreement."
    if latest_review is None and not agreement.review_exception:
        return (
            f"Its {agreement.year.label} annual review is not completed: complete it first, or the Service Manager "
            "records on the agreement why it goes forward without one."
        )
    return ""


@transaction.atomic
def agreement_review_exception(*, agreement: Agreement, actor, reason: str) -> Agreement:
    """The Service Manager records why a partnership agreement may be rolled
    forward without its annual review completed (the policy asks for one a year)."""
    agreement = _lock(agreement)
    enforce(may_record_review_exception(actor, agreement))
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("Say why this partnership may go forward without its annual review; it is recorded.")
    agreement.review_exception = reason
    agreement.review_exception_by = actor
    agreement.review_exception_at = timezone.now()
    agreement.save(update_fields=["review_exception", "review_exception_by", "review_exception_at", "updated_at"])
    record(agreement, actor=actor, action="roll forward without a completed review", note=reason)
    return agreement


def roll_forward_plan(*, year: AcademicYear) -> RollForward:
    """What rolling the year forward would do, without doing it."""
    return _roll_forward(year=year, actor=None, apply=False)


@transaction.atomic
def roll_forward(*, year: AcademicYear, actor) -> RollForward:
    """Draft next year's agreement for every partnership agreement in force in
    ``year``, ahead of the new period. Safe to repeat: a partner that already
    has next year's agreement is skipped, with the reason."""
    enforce(may_roll_forward(actor))
    return _roll_forward(year=year, actor=actor, apply=True)


def _roll_forward(*, year: AcademicYear, actor, apply: bool) -> RollForward:
    report = RollForward(year=year)
    target = year.next()
    agreements = list(
        selectors.agreements_for_roll_forward(year.start_year).select_for_update(of=("self",))
        if apply
        else selectors.agreements_for_roll_forward(year.start_year)
    )
    taken = set(
        Agreement.objects.filter(kind=Agreement.Kind.PARTNERSHIP, academic_year=target.start_year).values_list(
            "partner_id", flat=True
        )
    )
    latest_reviews = selectors.latest_completed_reviews([a.pk for a in agreements])
    standings = standings_of([a.partner for a in agreements])
    templates = {
        t.partner_type_id: t for t in AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PARTNERSHIP)
    }
    for agreement in agreements:
        review = latest_reviews.get(agreement.pk)
        reason = _roll_forward_skip(agreement, review, taken, standings[agreement.partner_id])
        if reason:
            report.skipped.append((agreement, reason))
            continue
        taken.add(agreement.partner_id)
        if not apply:
            report.created.append(agreement)
            continue
        report.created.append(
            _renewal_draft(agreement, target, templates.get(agreement.partner.partner_type_id), review, actor)
        )
    if apply:
        record_note = f"{len(report.created)} created, {len(report.skipped)} skipped."
        for agreement in report.created:
            record(agreement, actor=actor, action="drafted by roll forward", note=record_note)
    return report


def _renewal_draft(old: Agreement, target: AcademicYear, template, review, actor) -> Agreement:
    partner = old.partner
    new = Agreement(
        kind=Agreement.Kind.PARTNERSHIP,
        partner=partner,
        academic_year=target.start_year,
        title=f"Partnership agreement {target.label}: {partner.name}",
        renewal_of=old,
        created_by=actor,
    )
    if template is not None:
        _apply_template(new, template)
    else:
        new.template = old.template
        for name in TEXT_FIELDS:
            setattr(new, name, getattr(old, name))
        new.requires_termly_surveys = old.requires_termly_surveys
        new.requires_evaluation = old.requires_evaluation
        new.review_meetings_per_year = old.review_meetings_per_year
    conditions = old.renewal_conditions or (review.conditions if review else "")
    if conditions.strip():
        heading = f"Conditions of renewal set by the {old.year.label} annual review:"
        new.conditions = f"{new.conditions}\n\n{heading}\n{conditions.strip()}"
    new.save()
    Outcome.objects.bulk_create(
        Outcome(agreement=new, description=o.description, measure=o.measure, target=o.target, order=o.order)
        for o in old.outcomes.all()
    )
    return new


@transaction.atomic
def agreements_expire(*, today: datetime.date | None = None) -> list[Agreement]:
    """After 31 August: every partnership agreement still in force for a year
    that has ended becomes expired (none renewed it) and its partner lapsed.
    Run daily by Celery beat; running it again finds nothing more to do."""
    today = today or timezone.localdate()
    agreements_start(today=today)  # an agreement signed early for the new year renews, not expires, its predecessor
    current = academic_year_for(today)
    ended = list(
        Agreement.objects.select_for_update()
        .select_related("partner")
        .filter(kind=Agreement.Kind.PARTNERSHIP, status__in=Agreement.IN_FORCE, academic_year__lt=current.start_year)
    )
    still_in_force = set(
        Agreement.objects.filter(
            kind=Agreement.Kind.PARTNERSHIP, status__in=Agreement.IN_FORCE, academic_year__gte=current.start_year
        ).values_list("partner_id", flat=True)
    )
    not_renewed = set(
        TerminationRecommendation.objects.filter(
            agreement__in=ended,
            kind=TerminationRecommendation.Kind.NOT_RENEW,
            decision=TerminationRecommendation.Decision.UPHELD,
        ).values_list("agreement_id", flat=True)
    )
    staff = hub_staff_users()
    for agreement in ended:
        agreement.ended_at = timezone.now()
        ends = f"The {agreement.year.label} academic year ended on {agreement.year.ends_on:%d %B %Y}"
        if agreement.pk in not_renewed:
            note = f"{ends}; the Chair decided not to renew it."
            transition(agreement, to=Status.NOT_RENEWED, actor=None, note=note, update_fields=["ended_at"])
        else:
            note = f"{ends} with no renewal in force."
            transition(agreement, to=Status.EXPIRED, actor=None, note=note, update_fields=["ended_at"])
        partner = agreement.partner
        if partner.pk not in still_in_force and partner.status in (Partner.Stage.ACTIVE, Partner.Stage.SUSPENDED):
            lapsed = (
                f"The {agreement.year.label} agreement ended as not renewed, by the Chair's decision."
                if agreement.pk in not_renewed
                else f"The {agreement.year.label} agreement expired with no renewal in force."
            )
            if partner.status == Partner.Stage.ACTIVE or agreement.pk in not_renewed:
                _partner_to(partner, Partner.Stage.LAPSED, actor=None, reason=lapsed)
        _notify_both(kind="agreements_expired", agreement=agreement, staff=staff)
    return ended


# Termination and non-renewal: staff recommend, the Chair decides.


def _withdraw_open(partner: Partner, *, actor, note: str, after_year: int | None = None) -> None:
    """The Chair's decision is final in effect: every agreement of the partner
    not yet in force (for a year after ``after_year``, where given) is withdrawn."""
    open_agreements = Agreement.objects.select_for_update().filter(partner=partner, status__in=Agreement.OPEN)
    if after_year is not None:
        open_agreements = open_agreements.filter(kind=Agreement.Kind.PARTNERSHIP, academic_year__gt=after_year)
    for agreement in open_agreements:
        agreement.ended_at = timezone.now()
        transition(
            agreement,
            to=Status.WITHDRAWN,
            actor=actor,
            note=f"Withdrawn by the Chair's decision. {note}",
            update_fields=["ended_at"],
        )


def _reasons(reasons: Iterable[str]) -> list[str]:
    chosen = [str(r) for r in reasons]
    unknown = [r for r in chosen if r not in Reason.values]
    if unknown:
        raise ActionRefused(f"Unknown reason: {', '.join(unknown)}.")
    return [r for r in Reason.values if r in chosen]


@transaction.atomic
def recommendation_raise(
    *,
    agreement: Agreement,
    actor,
    kind: str,
    reasons: Iterable[str],
    evidence: str,
    other_reason: str = "",
    complaint=None,
    review: AnnualReview | None = None,
    suspend_partner: bool = False,
    documents=(),
) -> TerminationRecommendation:
    """Staff recommend ending an agreement in force (terminate, or for a
    partnership agreement not renew) for one or more of the policy's reasons,
    with the evidence. It goes to the Chair, who decides; until then nothing
    about the agreement ends. A safeguarding concern may suspend the
    partnership at once (``suspend_partner``), pending the Chair's decision.
    ``documents`` are uploaded files kept as evidence for the Chair."""
    agreement = _lock(agreement)
    enforce(
        may_recommend(
            actor,
            agreement,
            has_open_recommendation=agreement.recommendations.filter(decided_at__isnull=True).exists(),
        )
    )
    if kind not in TerminationRecommendation.Kind.values:
        raise ActionRefused("Choose whether to recommend terminating it or not renewing it.")
    if agreement.is_project and kind == TerminationRecommendation.Kind.NOT_RENEW:
        raise ActionRefused("A project agreement is not renewed; recommend terminating it instead.")
    chosen = _reasons(reasons)
    if not chosen:
        raise ActionRefused("Choose at least one of the policy's reasons.")
    other_reason = (other_reason or "").strip()
    if Reason.OTHER in chosen and not other_reason:
        raise ActionRefused("You chose “Other”: say what the other reason is.")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ActionRefused("Describe the evidence for the recommendation: the Chair decides on it.")
    rejected = agreement.recommendations.filter(decision=TerminationRecommendation.Decision.REJECTED)
    for earlier in rejected:
        if " ".join(earlier.evidence.split()) == " ".join(evidence.split()):
            raise ActionRefused(
                f"The Chair did not uphold a recommendation on this evidence on {earlier.decided_at:%-d %B %Y}. "
                "Raise it again only with new evidence: describe what has happened since."
            )
    if suspend_partner and Reason.SAFEGUARDING not in chosen:
        raise ActionRefused("Suspending the partnership at once is for a safeguarding concern: choose that reason.")
    recommendation = TerminationRecommendation.objects.create(
        agreement=agreement,
        kind=kind,
        reasons=chosen,
        other_reason=other_reason if Reason.OTHER in chosen else "",
        evidence=evidence,
        complaint=complaint,
        review=review,
        partnership_suspended=False,
        raised_by=actor,
    )
    for upload in documents:
        RecommendationDocument.objects.create(
            recommendation=recommendation,
            file=upload,
            original_filename=getattr(upload, "name", "document")[:255],
            uploaded_by=actor,
        )
    reason_text = "; ".join(Reason(r).label for r in chosen)
    if agreement.status == Status.LIVE and agreement.kind == Agreement.Kind.PARTNERSHIP:
        transition(
            agreement,
            to=Status.UNDER_REVIEW,
            actor=actor,
            note=f"Recommendation to {recommendation.get_kind_display().lower()} sent to the Chair: {reason_text}.",
        )
    else:
        record(
            agreement,
            actor=actor,
            action="recommendation raised",
            note=f"Recommendation to {recommendation.get_kind_display().lower()} sent to the Chair: {reason_text}.",
        )
    if suspend_partner:
        partner = agreement.partner
        if partner.status != Partner.Stage.SUSPENDED:
            if not can_move(partner, Partner.Stage.SUSPENDED):
                raise ActionRefused(
                    f"{partner.name} is {partner.get_status_display().lower()}, so the partnership cannot be suspended."
                )
            # The partners app's own action: it tells the partner and staff.
            partner_suspend(
                partner=partner,
                actor=actor,
                reason=f"Safeguarding concern, pending the Chair's decision: {evidence[:200]}",
            )
        recommendation.partnership_suspended = True
        recommendation.save(update_fields=["partnership_suspended"])
    notify(
        kind="agreements_recommendation_raised",
        recipients=selectors.chairs(),
        context={"agreement": agreement, "recommendation": recommendation, "reasons": reason_text},
        url=chair_url(recommendation),
    )
    return recommendation


@transaction.atomic
def recommendation_decide(
    *, recommendation: TerminationRecommendation, actor, decision: str, reasons: str
) -> TerminationRecommendation:
    """The Chair decides, with reasons; the decision is final and locked.
    Upheld: the agreement is terminated (or not renewed) at once and, for a
    partnership agreement, the partner terminated (or lapsed). Not upheld: the
    agreement carries on and any suspension made pending the decision is lifted."""
    recommendation = (
        TerminationRecommendation.objects.select_for_update().select_related("agreement").get(pk=recommendation.pk)
    )
    enforce(may_decide(actor, recommendation))
    if decision not in TerminationRecommendation.Decision.values:
        raise ActionRefused("Choose whether to end the agreement or not.")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ActionRefused("Give the reasons for your decision: they are sent to the partner and to staff.")
    agreement = _lock(recommendation.agreement)
    recommendation.decision = decision
    recommendation.decision_reasons = reasons
    recommendation.decided_by = actor
    recommendation.decided_at = timezone.now()
    recommendation.save(update_fields=["decision", "decision_reasons", "decided_by", "decided_at"])
    upheld = decision == TerminationRecommendation.Decision.UPHELD
    terminate = recommendation.kind == TerminationRecommendation.Kind.TERMINATE
    note = f"The Chair decided: {recommendation.get_decision_display().lower()}. {reasons}"
    record(recommendation, actor=actor, action="decided", note=note)
    partner = agreement.partner
    partnership = agreement.kind == Agreement.Kind.PARTNERSHIP
    if upheld and terminate:
        if can_move(agreement, Status.TERMINATED):
            agreement.ended_at = timezone.now()
            transition(agreement, to=Status.TERMINATED, actor=actor, note=note, update_fields=["ended_at"])
        else:
            record(agreement, actor=actor, action="Chair's decision", note=f"{note} (It had already ended.)")
        if partnership:
            _withdraw_open(partner, actor=actor, note=note)
            _partner_to(
                partner,
                Partner.Stage.TERMINATED,
                actor=actor,
                reason=f"The Chair's decision on the {agreement.year.label} agreement: {reasons}",
            )
    elif upheld:
        # Not renewed (P20): the agreement runs to the end of its year, when the
        # expiry ends it as not renewed; nothing for a later year may be made.
        runs_on = agreement.academic_year >= current_academic_year().start_year
        if agreement.status in Agreement.IN_FORCE and runs_on:
            runs_to = f"{note} It runs to {agreement.year.ends_on:%-d %B %Y} and then ends as not renewed."
            if agreement.status == Status.UNDER_REVIEW:
                transition(agreement, to=Status.LIVE, actor=actor, note=runs_to)
            else:
                record(agreement, actor=actor, action="Chair's decision", note=runs_to)
        elif agreement.status in Agreement.IN_FORCE:
            agreement.ended_at = timezone.now()
            transition(agreement, to=Status.NOT_RENEWED, actor=actor, note=note, update_fields=["ended_at"])
            if Partner.objects.get(pk=partner.pk).status in (Partner.Stage.ACTIVE, Partner.Stage.SUSPENDED):
                _partner_to(
                    partner,
                    Partner.Stage.LAPSED,
                    actor=actor,
                    reason=f"The Chair decided not to renew the {agreement.year.label} agreement; its year has ended.",
                )
        else:
            record(agreement, actor=actor, action="Chair's decision", note=f"{note} (It had already ended.)")
        _withdraw_open(partner, actor=actor, note=note, after_year=agreement.academic_year)
    else:
        if agreement.status == Status.UNDER_REVIEW and agreement.academic_year >= current_academic_year().start_year:
            transition(agreement, to=Status.LIVE, actor=actor, note=note)
        else:
            record(agreement, actor=actor, action="Chair's decision", note=note)
        if (
            recommendation.partnership_suspended
            and Partner.objects.get(pk=partner.pk).status == Partner.Stage.SUSPENDED
        ):
            # The Chair lifts it (partners' own reinstate action is for staff): the
            # decision's notification tells the partner.
            partner_move(
                partner=partner,
                to=Partner.Stage.ACTIVE,
                actor=actor,
                reason="The Chair did not uphold the recommendation; the suspension is lifted.",
            )
            # The 31 August expiry may have ended the agreement while the Chair
            # decided; it left the partner suspended rather than lapsed. With no
            # partnership agreement in force the partnership lapses now, as it
            # would have then.
            if (
                partnership
                and not Agreement.objects.filter(
                    partner=partner, kind=Agreement.Kind.PARTNERSHIP, status__in=Agreement.IN_FORCE
                ).exists()
            ):
                _partner_to(
                    partner,
                    Partner.Stage.LAPSED,
                    actor=actor,
                    reason=f"The suspension is lifted, but the {agreement.year.label} agreement expired meanwhile "
                    "with no renewal in force.",
                )
    _notify_both(
        kind="agreements_decision",
        agreement=agreement,
        context={"recommendation": recommendation, "upheld": upheld},
    )
    return recommendation
