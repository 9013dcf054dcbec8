"""Demo agreements: every state, with believable text, signatures whose hashes
verify, reviews, and one recommendation awaiting the Chair.

- Charnwood Music Collective (partner A): the two years before this one
  renewed, this year's agreement live, and next year's renewal issued early and waiting for
  partner A's signature (on partner-a's to-do list).
- Harborough Youth Strings (partner B): renewed for two years, live now, last
  year's review renewing it with a branding condition; a completed project
  (from before the portal) with its evaluation due.
- Leicester Sound Lab (suspended by the partners demo): this year's agreement
  under review, with a safeguarding recommendation to terminate awaiting the Chair.
- Ashby Schools Music Trust (agreement pending): its first agreement in draft.
- Loughborough Youth Orchestra: signed by the partner, waiting for the
  Service Manager to countersign.
- Coalville Community Choir: not renewed by the Chair's decision (lapsed).
- Oadby Beats CIC: terminated by the Chair's decision.
- Wigston Ukulele Project: expired on 31 August (its renewal drafted, never
  issued); lapsed.

Each partner's first steps are dated in the spring before its first year
(partners.demo.onboard); its first agreement going live makes it active.

Project agreements from awards are the commissioning demo's (eoi/demo.py), made
through agreements.services.project_agreement_draft; `project_to_live` below
takes such a draft through issue and both signatures.

Idempotent: each agreement is built once, when it is first created.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from agreements import services
from agreements.models import (
    Agreement,
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
from agreements.services import _apply_template, project_template, template_for
from agreements.text import canonical_text, sha256
from hubportal.core import roles
from hubportal.core.academic_years import current_academic_year
from hubportal.core.history import history_for
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import HistoryEntry, User
from partners.demo import SINCE, onboard
from partners.models import Partner, PartnerType

Status = Agreement.Status
Stage = Partner.Stage
DEMO_DOCUMENT = "recommendations/demo-dsl-incident-report.pdf"

OUTCOMES = {
    PARTNER_A: [
        ("More children in Charnwood start an instrument through community ensembles", "New starters", "120 a year"),
        ("Young people progress from first-access groups to the Loughborough youth band", "Progressions", "25 a year"),
        ("Sessions reach children eligible for free school meals", "Share of participants on FSM", "At least 30%"),
    ],
    PARTNER_B: [
        ("Young string players in Harborough district play in a weekly ensemble", "Regular players", "60"),
        ("Pupils with SEND take part in adapted string sessions", "Participants with SEND", "15 a year"),
        ("Concerts give every ensemble member a chance to perform", "Public performances", "3 a year"),
    ],
    "default": [
        ("Children and young people take part in regular music-making", "Participants", "80 a year"),
        ("Schools in the district work with the partner", "Schools", "6"),
    ],
}

EXTRA_PARTNERS = [
    # name, legal name, type, stage, academic years before this one it joined (partners.demo.onboard)
    ("Loughborough Youth Orchestra", "Loughborough Youth Orchestra CIO", "Charity or CIC", Stage.AGREEMENT_PENDING, 0),
    ("Coalville Community Choir", "Coalville Community Choir", "Community music organisation", Stage.LAPSED, 1),
    ("Oadby Beats CIC", "Oadby Beats Community Interest Company", "Charity or CIC", Stage.TERMINATED, 1),
    ("Wigston Ukulele Project", "Wigston Ukulele Project", "Individual practitioner", Stage.LAPSED, 1),
]


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def _history(obj, entries) -> None:
    """Record what happened, when it happened: (at, actor, from, to, note) or (at, actor, action, note)."""
    content_type = ContentType.objects.get_for_model(obj)
    for entry in entries:
        if len(entry) == 5:
            at, actor, from_state, to_state, note = entry
            action = "transition"
        else:
            at, actor, action, note = entry
            from_state = to_state = ""
        HistoryEntry.objects.create(
            content_type=content_type,
            object_id=obj.pk,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            actor_name=str(actor) if actor else "System",
            note=note,
            at=at,
        )


def _partner_user(partner: Partner) -> User:
    """A partner user for an extra demo partner (no password: they sign in through an invitation)."""
    username = partner.name.lower().replace(" ", "-")[:30]
    first, _, last = {
        "Loughborough Youth Orchestra": "Hannah Clarke",
        "Coalville Community Choir": "Rob Dixon",
        "Oadby Beats CIC": "Jay Mistry",
        "Wigston Ukulele Project": "Maria Lopes",
    }.get(partner.name, "Demo Partner").partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.hubportal.example",
            "partner": partner,
            "job_title": "Director",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.PARTNER))
    return user


def _extra_partners(staff, manager, chair) -> dict[str, Partner]:
    y = current_academic_year().start_year
    last_year = f"{y - 1}/{y % 100:02d}"
    # How each one's partnership ended: when, by whom, why (the Chair's
    # decisions and the expiry below, in effect).
    ended = {
        "Coalville Community Choir": (
            _at(y, 9, 1, 0),
            None,
            f"The Chair decided not to renew the {last_year} agreement.",
        ),
        "Oadby Beats CIC": (_at(y, 3, 2), chair, f"The Chair terminated the {last_year} agreement."),
        "Wigston Ukulele Project": (
            _at(y, 9, 1, 0),
            None,
            f"The {last_year} agreement expired with no renewal in force.",
        ),
    }
    found = {}
    for name, legal, type_name, stage, since in EXTRA_PARTNERS:
        partner, created = Partner.objects.get_or_create(
            name=name,
            defaults={
                "legal_name": legal,
                "partner_type": PartnerType.objects.filter(name=type_name).first(),
                "status": stage,
                "status_reason": ended[name][2] if name in ended else "",
                "description": f"{name}: music-making for children and young people in Leicestershire.",
            },
        )
        if created:
            onboard(partner, staff, manager, since=since)
            if name in ended:
                at, actor, reason = ended[name]
                _history(partner, [(at, actor, Stage.ACTIVE, stage, reason)])
        found[name] = partner
    return found


def _build(partner, year, *, created_by, created_at=None, outcomes=None, **fields) -> tuple[Agreement, bool]:
    """The partner's partnership agreement for ``year``, from its type's template,
    drafted on 20 June before the year unless ``created_at`` says (a renewal
    drafted early: the demo has nothing dated after now)."""
    existing = Agreement.objects.filter(partner=partner, kind=Agreement.Kind.PARTNERSHIP, academic_year=year).first()
    if existing:
        return existing, False
    agreement = Agreement(
        kind=Agreement.Kind.PARTNERSHIP,
        partner=partner,
        academic_year=year,
        title=f"Partnership agreement {year}/{(year + 1) % 100:02d}: {partner.name}",
        created_by=created_by,
        created_at=created_at or _at(year, 6, 20),
    )
    template = template_for(partner)
    if template:
        _apply_template(agreement, template)
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.save()
    rows = outcomes or OUTCOMES.get(partner.name, OUTCOMES["default"])
    Outcome.objects.bulk_create(
        Outcome(agreement=agreement, description=d, measure=m, target=t, order=i) for i, (d, m, t) in enumerate(rows)
    )
    return agreement, True


def _store_version(agreement: Agreement, *, at, by, reason="Issued for signature.") -> AgreementVersion:
    text = canonical_text(agreement)
    return AgreementVersion.objects.create(
        agreement=agreement,
        version=agreement.version,
        text=text,
        text_sha256=sha256(text),
        created_at=at,
        created_by=by,
    )


def _sign(agreement, version, *, party, user, name, role, at) -> Signature:
    return Signature.objects.create(
        agreement=agreement,
        version=version.version,
        party=party,
        user=user,
        typed_name=name,
        role_title=role,
        signed_at=at,
        text_sha256=version.text_sha256,
    )


def _signed_live(agreement, *, staff, manager, partner_user, issued_at, signed_at, live_at, to=Status.LIVE):
    """Issue, partner signature and countersignature, as they happened on those
    dates; ``to=Status.SIGNED`` for next year's, signed early (live on 1 September)."""
    version = _store_version(agreement, at=issued_at, by=staff)
    partner_signature = _sign(
        agreement,
        version,
        party=Signature.Party.PARTNER,
        user=partner_user,
        name=partner_user.get_full_name(),
        role=partner_user.job_title or "Director",
        at=signed_at,
    )
    hub_signature = _sign(
        agreement,
        version,
        party=Signature.Party.HUB,
        user=manager,
        name=manager.get_full_name(),
        role="Service Manager, Leicestershire Music",
        at=live_at,
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        status=to, issued_at=issued_at, live_at=live_at if to == Status.LIVE else None
    )
    starts = f" It goes live on {agreement.year.starts_on:%-d %B %Y}." if to == Status.SIGNED else ""
    _history(
        agreement,
        [
            (agreement.created_at, staff, "drafted", "From the template for the partner's type."),
            (issued_at, staff, Status.DRAFT, Status.ISSUED, "Version 1."),
            (
                signed_at,
                partner_user,
                Status.ISSUED,
                Status.PARTNER_SIGNED,
                f"Signed by {partner_signature.typed_name} ({partner_signature.role_title}); "
                f"SHA-256 {version.text_sha256}.",
            ),
            (
                live_at,
                manager,
                Status.PARTNER_SIGNED,
                to,
                f"Countersigned by {hub_signature.typed_name} ({hub_signature.role_title}); "
                f"SHA-256 {version.text_sha256}.{starts}",
            ),
        ],
    )
    partner = agreement.partner
    first_live = to == Status.LIVE and not history_for(partner).filter(to_state=Stage.ACTIVE).exists()
    if first_live:
        # Its first agreement going live made the partner active, as the countersignature does.
        note = f"The {agreement.year.label} agreement is live."
        _history(partner, [(live_at, manager, Stage.AGREEMENT_PENDING, Stage.ACTIVE, note)])
    agreement.refresh_from_db()
    return agreement


def _end(agreement, to, *, at, actor, note, via=None):
    fields = {"status": to, "ended_at": at}
    Agreement.objects.filter(pk=agreement.pk).update(**fields)
    entries = []
    current = Status.LIVE
    if via:
        entries.append((via[0], via[1], current, Status.UNDER_REVIEW, via[2]))
        current = Status.UNDER_REVIEW
    entries.append((at, actor, current, to, note))
    _history(agreement, entries)
    agreement.refresh_from_db()


def _review(agreement, *, staff, held_on, recommendation, ratings, conditions="", summary=""):
    review = AnnualReview.objects.create(
        agreement=agreement,
        held_on=held_on,
        surveys_on_time="All three termly surveys returned by the deadline."
        if recommendation.startswith("renew")
        else "One of three termly surveys returned, six weeks late; Spring and Summer not returned.",
        complaints="No complaints about the partner this year."
        if recommendation.startswith("renew")
        else "Two complaints from parents about cancelled sessions, both upheld at stage one.",
        safeguarding="Safeguarding policy, DSL and DBS checks verified and in date; no concerns raised.",
        branding=AnnualReview.Compliance.PARTLY_MET if conditions or not recommendation.startswith("renew") else "met",
        summary=summary,
        recommendation=recommendation,
        conditions=conditions,
        reviewed_by=staff,
        created_at=timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(15))),
        completed_at=timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(16))),
    )
    for outcome, (rating, commentary) in zip(agreement.outcomes.all(), ratings, strict=False):
        OutcomeReview.objects.create(review=review, outcome=outcome, rating=rating, commentary=commentary)
    return review


def _demo_pdf() -> bytes:
    text = b"BT /F1 16 Tf 72 720 Td (Demo: DSL incident report, Leicester Sound Lab) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def seed(users: dict[str, User]) -> None:
    staff, manager, chair = users["staff"], users["manager"], users["chair"]
    y = current_academic_year().start_year
    now = timezone.now()
    partner_a = Partner.objects.filter(name=PARTNER_A).first()
    partner_b = Partner.objects.filter(name=PARTNER_B).first()
    extra = _extra_partners(staff, manager, chair)

    # Partner A: two renewals, live this year, next year's issued early and waiting for their signature.
    if partner_a:
        user_a = users["partner-a"]
        chain = []
        for year in range(y - SINCE[PARTNER_A], y + 1):
            agreement, created = _build(partner_a, year, created_by=staff, renewal_of=chain[-1] if chain else None)
            if created:
                if chain:
                    _end(
                        chain[-1],
                        Status.RENEWED,
                        at=_at(year, 7, 15),
                        actor=manager,
                        note=f"Renewed by the {year}/{(year + 1) % 100:02d} agreement.",
                    )
                _signed_live(
                    agreement,
                    staff=staff,
                    manager=manager,
                    partner_user=user_a,
                    issued_at=_at(year, 7, 1),
                    signed_at=_at(year, 7, 8),
                    live_at=_at(year, 7, 15),
                )
            chain.append(agreement)
        renewal, created = _build(
            partner_a, y + 1, created_by=staff, created_at=now - datetime.timedelta(days=7), renewal_of=chain[-1]
        )
        if created:
            issued_at = now - datetime.timedelta(days=5)
            _store_version(renewal, at=issued_at, by=staff)
            Agreement.objects.filter(pk=renewal.pk).update(status=Status.ISSUED, issued_at=issued_at)
            _history(
                renewal,
                [
                    (
                        issued_at - datetime.timedelta(days=2),
                        staff,
                        "drafted by roll forward",
                        "Renewal drafted early.",
                    ),
                    (
                        issued_at,
                        staff,
                        Status.DRAFT,
                        Status.ISSUED,
                        "Version 1: issued early, at the partner's request.",
                    ),
                ],
            )

    # Partner B: renewed twice, live now; last year's review renewed it with a branding condition.
    if partner_b:
        user_b = users["partner-b"]
        chain = []
        condition = (
            "Credit Leicestershire Music Hub and Arts Council England, with both logos, on every concert programme."
        )
        for year in range(y - SINCE[PARTNER_B], y + 1):
            agreement, created = _build(partner_b, year, created_by=staff, renewal_of=chain[-1] if chain else None)
            if created:
                if year == y:
                    agreement.conditions += (
                        f"\n\nConditions of renewal set by the {y - 1}/{y % 100:02d} annual review:\n{condition}"
                    )
                    agreement.save(update_fields=["conditions"])
                if chain:
                    _end(
                        chain[-1],
                        Status.RENEWED,
                        at=_at(year, 8, 5),
                        actor=manager,
                        note=f"Renewed by the {year}/{(year + 1) % 100:02d} agreement.",
                    )
                _signed_live(
                    agreement,
                    staff=staff,
                    manager=manager,
                    partner_user=user_b,
                    issued_at=_at(year, 7, 3),
                    signed_at=_at(year, 7, 20),
                    live_at=_at(year, 8, 5),
                )
                if year == y - 1:
                    _review(
                        agreement,
                        staff=staff,
                        held_on=datetime.date(y, 5, 14),
                        recommendation=AnnualReview.Recommendation.RENEW_WITH_CONDITIONS,
                        conditions=condition,
                        summary="A strong year for the ensemble; the SEND sessions grew more slowly than planned.",
                        ratings=[
                            ("achieved", "64 regular players by the Summer term."),
                            ("off_track", "9 participants with SEND: a second venue is planned."),
                            ("achieved", "Three concerts, including the Hub's county showcase."),
                        ],
                    )
                    Agreement.objects.filter(pk=agreement.pk).update(renewal_conditions=condition)
            chain.append(agreement)
        early, created = _build(
            partner_b, y + 1, created_by=staff, created_at=now - datetime.timedelta(days=22), renewal_of=chain[-1]
        )
        if created:
            _review(
                chain[-1],
                staff=staff,
                held_on=timezone.localdate() - datetime.timedelta(days=30),
                recommendation=AnnualReview.Recommendation.RENEW,
                summary="On track halfway through the year; renewed early so the orchestra can plan its season.",
                ratings=[
                    ("on_track", "58 regular players so far."),
                    ("on_track", "14 participants with SEND at the second venue."),
                    ("on_track", "One concert held, two planned."),
                ],
            )
            _signed_live(
                early,
                staff=staff,
                manager=manager,
                partner_user=user_b,
                issued_at=now - datetime.timedelta(days=20),
                signed_at=now - datetime.timedelta(days=14),
                live_at=now - datetime.timedelta(days=10),
                to=Status.SIGNED,
            )
        _completed_project(partner_b, user_b, staff=staff, manager=manager, year=y - 1)

    # Leicester Sound Lab: suspended on a safeguarding concern; the recommendation waits for the Chair.
    sound_lab = Partner.objects.filter(name="Leicester Sound Lab").first()
    if sound_lab:
        user = _partner_user(sound_lab)
        agreement, created = _build(sound_lab, y, created_by=staff)
        if created:
            _signed_live(
                agreement,
                staff=staff,
                manager=manager,
                partner_user=user,
                issued_at=_at(y, 7, 2),
                signed_at=_at(y, 7, 9),
                live_at=_at(y, 7, 16),
            )
            raised_at = now - datetime.timedelta(days=6)
            recommendation = TerminationRecommendation.objects.create(
                agreement=agreement,
                kind=TerminationRecommendation.Kind.TERMINATE,
                reasons=[Reason.SAFEGUARDING, Reason.CONDITIONS],
                evidence=(
                    "On a Saturday studio session a volunteer without a current enhanced DBS check worked alone "
                    "with two 14-year-olds for over an hour. The partner's DSL reported it to us the following "
                    "Monday, but the volunteer had led three earlier sessions. The partner's own safeguarding "
                    "policy requires two checked adults; condition 1 of the agreement requires checks for everyone "
                    "working with children. The partnership was suspended when the concern was reported."
                ),
                partnership_suspended=True,
                raised_by=manager,
                raised_at=raised_at,
            )
            if not default_storage.exists(DEMO_DOCUMENT):
                default_storage.save(DEMO_DOCUMENT, ContentFile(_demo_pdf()))
            RecommendationDocument.objects.create(
                recommendation=recommendation,
                file=DEMO_DOCUMENT,
                original_filename="DSL incident report.pdf",
                uploaded_by=manager,
                uploaded_at=raised_at,
            )
            Agreement.objects.filter(pk=agreement.pk).update(status=Status.UNDER_REVIEW)
            _history(
                agreement,
                [
                    (
                        raised_at,
                        manager,
                        Status.LIVE,
                        Status.UNDER_REVIEW,
                        "Recommendation to terminate sent to the Chair: Safeguarding breach or concern; "
                        "Agreement conditions not met.",
                    )
                ],
            )

    # Ashby Schools Music Trust: its first agreement, in draft.
    ashby = Partner.objects.filter(name="Ashby Schools Music Trust").first()
    if ashby:
        _build(
            ashby,
            y,
            created_by=staff,
            # Drafted once its standards were met (partners/demo.py: 54 days ago).
            created_at=now - datetime.timedelta(days=14),
            outcomes=[
                ("Every primary school in the trust runs whole-class ensemble teaching", "Schools", "9 of 9"),
                ("Trust music leads take part in the Hub's CPD programme", "Teachers", "12"),
            ],
        )

    # Loughborough Youth Orchestra: signed by the partner, for the Service Manager to countersign.
    orchestra = extra["Loughborough Youth Orchestra"]
    agreement, created = _build(orchestra, y, created_by=staff)
    if created:
        user = _partner_user(orchestra)
        issued_at, signed_at = now - datetime.timedelta(days=12), now - datetime.timedelta(days=2)
        version = _store_version(agreement, at=issued_at, by=staff)
        _sign(
            agreement,
            version,
            party=Signature.Party.PARTNER,
            user=user,
            name=user.get_full_name(),
            role="Chair of Trustees",
            at=signed_at,
        )
        Agreement.objects.filter(pk=agreement.pk).update(status=Status.PARTNER_SIGNED, issued_at=issued_at)
        _history(
            agreement,
            [
                (issued_at, staff, Status.DRAFT, Status.ISSUED, "Version 1."),
                (
                    signed_at,
                    user,
                    Status.ISSUED,
                    Status.PARTNER_SIGNED,
                    f"Signed by {user.get_full_name()} (Chair of Trustees); SHA-256 {version.text_sha256}.",
                ),
            ],
        )

    # Coalville Community Choir: the review recommended not renewing; the Chair agreed.
    choir = extra["Coalville Community Choir"]
    agreement, created = _build(choir, y - 1, created_by=staff)
    if created:
        user = _partner_user(choir)
        _signed_live(
            agreement,
            staff=staff,
            manager=manager,
            partner_user=user,
            issued_at=_at(y - 1, 7, 4),
            signed_at=_at(y - 1, 7, 11),
            live_at=_at(y - 1, 7, 18),
        )
        review = _review(
            agreement,
            staff=staff,
            held_on=datetime.date(y, 5, 20),
            recommendation=AnnualReview.Recommendation.NOT_RENEW,
            summary="Sessions stopped after February; the termly data was not provided.",
            ratings=[("not_achieved", "About 20 took part, against 80."), ("off_track", "Two schools, against six.")],
        )
        _decided(
            agreement,
            kind=TerminationRecommendation.Kind.NOT_RENEW,
            reasons=[Reason.OUTCOMES, Reason.DATA],
            evidence="The annual review of 20 May: outcomes not delivered and two termly surveys never returned.",
            review=review,
            raised=(_at(y, 5, 21), staff),
            decided=(_at(y, 6, 12), chair),
            decision_reasons="The choir has not delivered the agreed outcomes or the data the Hub needs. "
            "The agreement is not renewed; the choir is welcome to talk to the Hub about joining again in future.",
            end_to=Status.NOT_RENEWED,
        )

    # Oadby Beats CIC: terminated mid-year by the Chair.
    beats = extra["Oadby Beats CIC"]
    agreement, created = _build(beats, y - 1, created_by=staff)
    if created:
        user = _partner_user(beats)
        _signed_live(
            agreement,
            staff=staff,
            manager=manager,
            partner_user=user,
            issued_at=_at(y - 1, 7, 4),
            signed_at=_at(y - 1, 7, 14),
            live_at=_at(y - 1, 7, 21),
        )
        # Its renewal had been issued early; the Chair's decision withdrew it.
        renewal, _ = _build(beats, y, created_by=staff, created_at=_at(y, 1, 26), renewal_of=agreement)
        issued_at = _at(y, 2, 2)
        _store_version(renewal, at=issued_at, by=staff)
        Agreement.objects.filter(pk=renewal.pk).update(status=Status.ISSUED, issued_at=issued_at)
        _decided(
            agreement,
            kind=TerminationRecommendation.Kind.TERMINATE,
            reasons=[Reason.BRANDING, Reason.DATA, Reason.REPUTATION],
            evidence="Three events publicised as Hub-funded without the Hub's or Arts Council England's logos after "
            "two written reminders; the Autumn survey not returned; a social media post about the County "
            "Council that the Hub was asked to answer for.",
            review=None,
            raised=(_at(y, 2, 10), manager),
            decided=(_at(y, 3, 2), chair),
            decision_reasons="Repeated failure to meet the branding guidelines after warnings, and damage to "
            "the Hub's reputation. The agreement is terminated from today.",
            end_to=Status.TERMINATED,
        )
        Agreement.objects.filter(pk=renewal.pk).update(status=Status.WITHDRAWN, ended_at=_at(y, 3, 2))
        _history(
            renewal,
            [
                (issued_at, staff, Status.DRAFT, Status.ISSUED, "Version 1: issued early."),
                (
                    _at(y, 3, 2),
                    chair,
                    Status.ISSUED,
                    Status.WITHDRAWN,
                    "Withdrawn by the Chair's decision to terminate the partnership.",
                ),
            ],
        )

    # Wigston Ukulele Project: last year's agreement expired; the renewal was drafted but never issued.
    ukulele = extra["Wigston Ukulele Project"]
    agreement, created = _build(ukulele, y - 1, created_by=staff)
    if created:
        user = _partner_user(ukulele)
        _signed_live(
            agreement,
            staff=staff,
            manager=manager,
            partner_user=user,
            issued_at=_at(y - 1, 7, 6),
            signed_at=_at(y - 1, 7, 13),
            live_at=_at(y - 1, 7, 20),
        )
        renewal, _ = _build(ukulele, y, created_by=staff, created_at=_at(y, 7, 1), renewal_of=agreement)
        _history(renewal, [(_at(y, 7, 1), staff, "drafted by roll forward", "")])
        Agreement.objects.filter(pk=agreement.pk).update(status=Status.EXPIRED, ended_at=_at(y, 9, 1, 0))
        _history(
            agreement,
            [
                (
                    _at(y, 9, 1, 0),
                    None,
                    Status.LIVE,
                    Status.EXPIRED,
                    f"The {y - 1}/{y % 100:02d} academic year ended on 31 August {y} with no renewal in force.",
                )
            ],
        )


def _decided(agreement, *, kind, reasons, evidence, review, raised, decided, decision_reasons, end_to):
    recommendation = TerminationRecommendation.objects.create(
        agreement=agreement,
        kind=kind,
        reasons=reasons,
        evidence=evidence,
        review=review,
        raised_by=raised[1],
        raised_at=raised[0],
        decision=TerminationRecommendation.Decision.UPHELD,
        decision_reasons=decision_reasons,
        decided_by=decided[1],
        decided_at=decided[0],
    )
    _history(recommendation, [(decided[0], decided[1], "decided", f"End the agreement. {decision_reasons}")])
    via = (raised[0], raised[1], f"Recommendation to {recommendation.get_kind_display().lower()} sent to the Chair.")
    note = f"The Chair decided: end the agreement. {decision_reasons}"
    if end_to == Status.NOT_RENEWED:
        # Not renewed (P20): the agreement ran to 31 August, then ended.
        ends = agreement.year.ends_on
        _history(
            agreement,
            [
                (via[0], via[1], Status.LIVE, Status.UNDER_REVIEW, via[2]),
                (decided[0], decided[1], Status.UNDER_REVIEW, Status.LIVE, f"{note} It runs to {ends:%-d %B %Y}."),
            ],
        )
        at = _at(ends.year, 9, 1, 0)
        Agreement.objects.filter(pk=agreement.pk).update(status=end_to, ended_at=at)
        _history(
            agreement,
            [
                (
                    at,
                    None,
                    Status.LIVE,
                    end_to,
                    f"The {agreement.year.label} academic year ended; the Chair decided not to renew it.",
                )
            ],
        )
        agreement.refresh_from_db()
        return
    _end(agreement, end_to, at=decided[0], actor=decided[1], note=note, via=via)


def _completed_project(partner, user, *, staff, manager, year):
    """A project agreement from before the portal (no EOI record), completed, its evaluation due."""
    title = "Project agreement: Summer strings for young carers"
    if Agreement.objects.filter(Q(partner=partner, kind=Agreement.Kind.PROJECT, title=title)).exists():
        return
    template = project_template()
    agreement = Agreement(
        kind=Agreement.Kind.PROJECT,
        partner=partner,
        academic_year=year,
        title=title,
        starts_on=datetime.date(year + 1, 4, 14),
        ends_on=datetime.date(year + 1, 8, 29),
        hub_contribution=Decimal("4800.00"),
        match_funding_commitment=Decimal("5200.00"),
        created_by=staff,
        created_at=_at(year + 1, 2, 10),
    )
    if template:
        _apply_template(agreement, template)
    agreement.requires_evaluation = True
    agreement.evaluation_due_on = agreement.ends_on + datetime.timedelta(weeks=12)
    agreement.basis += "\n\nThe project: a summer string course for young carers in Market Harborough, with a concert."
    agreement.save()
    Outcome.objects.bulk_create(
        [
            Outcome(
                agreement=agreement,
                description="Young carers learn to play together",
                measure="Young carers",
                target="20",
                order=0,
            ),
            Outcome(
                agreement=agreement,
                description="Participants perform in a public concert",
                measure="Concerts",
                target="1",
                order=1,
            ),
        ]
    )
    PaymentInstalment.objects.bulk_create(
        [
            PaymentInstalment(
                agreement=agreement,
                milestone="On signature",
                due_on=datetime.date(year + 1, 4, 1),
                amount=Decimal("2400.00"),
                paid_on=datetime.date(year + 1, 4, 3),
            ),
            PaymentInstalment(
                agreement=agreement,
                milestone="Concert held and attendance reported",
                due_on=datetime.date(year + 1, 9, 1),
                amount=Decimal("2400.00"),
                paid_on=datetime.date(year + 1, 9, 12),
            ),
        ]
    )
    _signed_live(
        agreement,
        staff=staff,
        manager=manager,
        partner_user=user,
        issued_at=_at(year + 1, 3, 1),
        signed_at=_at(year + 1, 3, 6),
        live_at=_at(year + 1, 3, 10),
    )
    _end(agreement, Status.COMPLETED, at=_at(year + 1, 9, 5), actor=staff, note="The course and concert took place.")


def project_to_live(agreement: Agreement, *, users: dict[str, User], instalments) -> Agreement:
    """For the commissioning demo: take a drafted project agreement through
    dates, an outcome, a schedule (``instalments``: (milestone, due_on, amount)),
    issue and both signatures with the real services."""
    partner_user = User.objects.filter(partner=agreement.partner, groups__name=roles.PARTNER).first()
    if agreement.status != Status.DRAFT or partner_user is None:
        return agreement
    starts = min(due for _, due, _ in instalments)
    services.agreement_update(
        agreement=agreement,
        actor=users["staff"],
        fields={"starts_on": starts, "ends_on": max(due for _, due, _ in instalments)},
        outcomes=[
            {
                "description": "Young people take part as the expression of interest set out",
                "measure": "Participants",
                "target": "As in the expression of interest",
            }
        ],
        instalments=[{"milestone": m, "due_on": d, "amount": a} for m, d, a in instalments],
    )
    services.agreement_issue(agreement=agreement, actor=users["staff"])
    services.agreement_sign(
        agreement=agreement, actor=partner_user, typed_name=partner_user.get_full_name(), role_title="Director"
    )
    return services.agreement_countersign(
        agreement=agreement,
        actor=users["manager"],
        typed_name=users["manager"].get_full_name(),
        role_title="Service Manager, Leicestershire Music",
    )


def backfill_signatures(agreement: Agreement, *, users: dict[str, User], issued_at, signed_at, live_at) -> None:
    """For other apps' demos that make an agreement past draft directly (e.g. a
    completed project): store its text as version 1 and both signatures over
    it, with their history, leaving its state as it is. Run it once, after the
    outcomes and instalments are in place."""
    if agreement.versions.exists():
        return
    partner_user = User.objects.filter(partner=agreement.partner, groups__name=roles.PARTNER).first()
    if partner_user is None:
        return
    status = agreement.status
    ended_at = agreement.ended_at
    _signed_live(
        agreement,
        staff=users["staff"],
        manager=users["manager"],
        partner_user=partner_user,
        issued_at=issued_at,
        signed_at=signed_at,
        live_at=live_at,
    )
    if status != Status.LIVE:
        Agreement.objects.filter(pk=agreement.pk).update(status=status, ended_at=ended_at)
