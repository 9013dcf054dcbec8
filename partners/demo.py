"""Demo partners across stages, types and districts, with contacts, meetings
and evidence in every state (partner A has evidence expiring and a renewal
waiting to be checked, so its health and to-do list have something to show;
Little Notes has its minimum standards lapsed).

Idempotent: each partner is built once, when it is first created (A and B,
which the core demo creates, when they have no contacts yet)."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from hubportal.core.academic_years import current_academic_year
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.models import HistoryEntry, User
from partners.models import (
    ActivityType,
    Contact,
    District,
    EvidenceItem,
    EvidenceType,
    Meeting,
    NationalPlanStrand,
    Partner,
    PartnerType,
)
from partners.services import default_expiry

Stage = Partner.Stage
Status = EvidenceItem.Status
DEMO_FILE = "evidence/demo-evidence-document.pdf"


def _demo_pdf() -> bytes:
    """A one-page PDF that says it is a demo document (valid, with its xref)."""
    text = b"BT /F1 18 Tf 72 720 Td (Hub Portal demo evidence document) Tj ET"
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


def _names(model, names):
    return list(model.objects.filter(name__in=names))


def _type(name):
    return PartnerType.objects.filter(name=name).first()


# name, legal name, type, stage, form, charity no., town, postcode, districts, strands, activities, description
# The active partner the demo shows with its minimum standards lapsed.
STANDARDS_LAPSED = "Little Notes Early Years Music"

PARTNERS = [
    (
        "Melton Rock and Pop School",
        "Melton Rock and Pop School Ltd",
        "Industry or commercial",
        Stage.ENQUIRY,
        Partner.Form.ORGANISATION,
        "",
        "Melton Mowbray",
        "LE13 0AB",
        ["Melton"],
        ["Progression and musical development"],
        ["Ensembles (choir, band, orchestra, other)", "Music technology and songwriting"],
        "Band coaching and rock school sessions for 11 to 18 year olds on Saturdays.",
    ),
    (
        "Sarah Okonkwo Vocal Coaching",
        "",
        "Individual practitioner",
        Stage.MEETING_SCHEDULED,
        Partner.Form.INDIVIDUAL,
        "",
        "Leicester",
        "LE2 1TE",
        ["Leicester City", "Oadby & Wigston"],
        ["Schools", "Inclusion"],
        ["Singing", "Small group or individual instrumental or vocal tuition"],
        "Singing leader working with primary school choirs and community singing groups.",
    ),
    (
        "Hinckley Steel Pan Collective",
        "Hinckley Steel Pan Collective CIO",
        "Community music organisation",
        Stage.MEETING_HELD,
        Partner.Form.ORGANISATION,
        "1187654",
        "Hinckley",
        "LE10 1AW",
        ["Hinckley & Bosworth"],
        ["Inclusion", "Partnerships"],
        ["Ensembles (choir, band, orchestra, other)", "Whole class ensemble teaching (first access)"],
        "Steel pan workshops in schools and an after-school pan band for young people of all backgrounds.",
    ),
    (
        "Blaby Youth Brass",
        "Blaby Youth Brass Band",
        "Charity or CIC",
        Stage.STANDARDS_REVIEW,
        Partner.Form.ORGANISATION,
        "1098765",
        "Narborough",
        "LE19 2DH",
        ["Blaby"],
        ["Progression and musical development"],
        ["Ensembles (choir, band, orchestra, other)", "Instrument loan", "Performances and events"],
        "A youth brass band with a training band for beginners, lending instruments to new players.",
    ),
    (
        "Little Notes Early Years Music",
        "Little Notes Music CIC",
        "Early years setting",
        Stage.ACTIVE,
        Partner.Form.ORGANISATION,
        "",
        "Wigston",
        "LE18 4PP",
        ["Oadby & Wigston", "Blaby"],
        ["Inclusion"],
        ["Early years"],
        "Music and movement sessions for nursery settings and children's centres.",
    ),
    (
        "Ashby Schools Music Trust",
        "Ashby Schools Music Trust",
        "Academy trust",
        Stage.AGREEMENT_PENDING,
        Partner.Form.ORGANISATION,
        "",
        "Ashby-de-la-Zouch",
        "LE65 1DJ",
        ["North West Leicestershire"],
        ["Schools", "Partnerships"],
        ["Curriculum support", "CPD for school staff", "Whole class ensemble teaching (first access)"],
        "A multi-academy trust of nine schools building a shared music curriculum and CPD programme.",
    ),
    (
        "Leicester Sound Lab",
        "Leicester Sound Lab Ltd",
        "Arts or cultural organisation",
        Stage.SUSPENDED,
        Partner.Form.ORGANISATION,
        "",
        "Leicester",
        "LE1 5TF",
        ["Leicester City"],
        ["Progression and musical development", "Inclusion"],
        ["Music technology and songwriting", "Targeted inclusion projects"],
        "Music production and songwriting studio sessions for young people not in education or work.",
    ),
    (
        "Harborough Folk Fiddlers",
        "",
        "Individual practitioner",
        Stage.DECLINED,
        Partner.Form.INDIVIDUAL,
        "",
        "Market Harborough",
        "LE16 7AA",
        ["Harborough"],
        ["Progression and musical development"],
        ["Small group or individual instrumental or vocal tuition"],
        "Private fiddle lessons for adults and young people.",
    ),
]

CONTACTS = {
    PARTNER_A: [
        ("Priya Shah", "Director", "priya.shah@charnwoodmusic.example", True, False),
        ("Tom Reynolds", "Safeguarding and operations lead", "tom.reynolds@charnwoodmusic.example", False, True),
    ],
    PARTNER_B: [
        ("Ben Okafor", "Musical director", "ben.okafor@harboroughstrings.example", True, False),
        ("Helen Clarke", "Chair of trustees", "helen.clarke@harboroughstrings.example", False, True),
    ],
    "Melton Rock and Pop School": [("Dan Whitmore", "Owner", "dan@meltonrock.example", True, False)],
    "Sarah Okonkwo Vocal Coaching": [("Sarah Okonkwo", "", "sarah@okonkwovocal.example", True, True)],
    "Hinckley Steel Pan Collective": [
        ("Marcia Campbell", "Artistic director", "marcia@hinckleypans.example", True, True)
    ],
    "Blaby Youth Brass": [
        ("Graham Pollard", "Band secretary", "secretary@blabybrass.example", True, False),
        ("Ruth Pollard", "Welfare officer", "welfare@blabybrass.example", False, True),
    ],
    "Little Notes Early Years Music": [("Aisha Patel", "Founder", "aisha@littlenotes.example", True, True)],
    "Ashby Schools Music Trust": [
        ("Claire Dunmore", "Trust music lead", "c.dunmore@ashbytrust.example", True, False),
        ("Mark Ellis", "Trust safeguarding lead", "m.ellis@ashbytrust.example", False, True),
    ],
    "Leicester Sound Lab": [("Jay Mistry", "Studio manager", "jay@soundlab.example", True, True)],
    "Harborough Folk Fiddlers": [("Eleanor Hart", "", "eleanor.hart@fiddle.example", True, False)],
}

PROFILE_A = {
    "legal_name": "Charnwood Music Collective Ltd",
    "company_number": "09876543",
    "address_line_1": "The Old Chapel, 12 Ashby Road",
    "town": "Loughborough",
    "postcode": "LE11 3AA",
    "website": "https://charnwoodmusic.example",
    "description": "Community music for children and young people across Charnwood: a Saturday music centre, "
    "rock and pop bands, songwriting clubs and first-access ukulele in primary schools.",
}
PROFILE_B = {
    "legal_name": "Harborough Youth Strings CIC",
    "charity_number": "1123456",
    "address_line_1": "Market Hall",
    "town": "Market Harborough",
    "postcode": "LE16 7AB",
    "website": "https://harboroughstrings.example",
    "description": "A youth string orchestra and beginners' string groups for 7 to 18 year olds, lending instruments "
    "to families who cannot buy them.",
}
EXTRA_A = (
    ["Charnwood", "Leicester City"],
    ["Partnerships", "Inclusion"],
    ["Ensembles (choir, band, orchestra, other)", "Music technology and songwriting", "Singing"],
)
EXTRA_B = (
    ["Harborough"],
    ["Progression and musical development"],
    ["Ensembles (choir, band, orchestra, other)", "Instrument loan"],
)


def seed(users: dict[str, User]) -> None:
    if not default_storage.exists(DEMO_FILE):
        default_storage.save(DEMO_FILE, ContentFile(_demo_pdf()))
    today = timezone.localdate()
    staff, manager = users["staff"], users["manager"]
    for name, profile, extra in [(PARTNER_A, PROFILE_A, EXTRA_A), (PARTNER_B, PROFILE_B, EXTRA_B)]:
        partner = Partner.objects.filter(name=name).first()
        if partner is None or partner.contacts.exists():
            continue
        Partner.objects.filter(pk=partner.pk).update(**profile)
        partner.refresh_from_db()
        _many(partner, *extra)
        _contacts(partner)
        onboard(partner, staff, manager, since=SINCE[name])
        if name == PARTNER_A:
            _evidence(
                partner,
                users["partner-a"],
                staff,
                today,
                special={
                    "Public liability insurance": ("expiring", 20),
                    # Renewed early: the verified copy holds for 25 days while staff check the new one.
                    "Staff safeguarding training": ("renewal", 25),
                },
            )
        else:
            _evidence(partner, users["partner-b"], staff, today, special={})
    for row in PARTNERS:
        _build(row, staff, manager, today)


def _many(partner, districts, strands, activities):
    partner.districts.set(_names(District, districts))
    partner.strands.set(_names(NationalPlanStrand, strands))
    partner.activity_types.set(_names(ActivityType, activities))


def _contacts(partner):
    for name, role, email, primary, safeguarding in CONTACTS.get(partner.name, []):
        Contact.objects.create(
            partner=partner, name=name, role=role, email=email, is_primary=primary, is_safeguarding_lead=safeguarding
        )


def _meeting(partner, staff, manager, *, when: date | None = None, outcome: str = "", starts_at=None) -> Meeting:
    starts_at = starts_at or timezone.make_aware(datetime.combine(when, time(10, 0)))
    meeting = Meeting.objects.create(
        partner=partner,
        starts_at=starts_at,
        location="Leicestershire Music, County Hall, Glenfield, LE3 8RA",
        scheduled_by=staff,
        scheduled_at=starts_at - timedelta(days=10),
    )
    meeting.hlo_representatives.set([staff, manager])
    if outcome:
        Meeting.objects.filter(pk=meeting.pk).update(
            who_they_are=f"{partner.name}: {partner.description}",
            national_plan_support="Regular weekly provision that gives young people a progression route beyond "
            "whole-class teaching, and performance opportunities in their own community.",
            needs_analysis_support="Fills a gap the Needs Analysis found in out-of-school provision in "
            f"{', '.join(d.name for d in partner.districts.all()) or 'their area'}.",
            proposed_partner_type=partner.partner_type,
            benefit_to_young_people="More young people, including those eligible for free school meals, making "
            "music with others every week.",
            outcome=outcome,
            recorded_by=staff,
            recorded_at=starts_at + timedelta(hours=2),
        )
    return meeting


# How many academic years before this one each long-standing partner joined
# (agreements/demo.py builds its agreements from that year on).
SINCE = {PARTNER_A: 2, PARTNER_B: 2, "Leicester Sound Lab": 0, STANDARDS_LAPSED: 1}


def onboard(partner, staff, manager, *, since: int) -> None:
    """A partner of long standing's first steps, in the spring before its first
    year: enquiry on 2 February, the introductory meeting on 2 March, the
    standards met on 20 April. A partner whose type needs an agreement stops at
    agreement pending: its first agreement going live makes it active
    (agreements/demo.py, as the countersignature does)."""
    year = current_academic_year().start_year - since
    enquired = timezone.make_aware(datetime(year, 2, 2, 10))
    standards_met = timezone.make_aware(datetime(year, 4, 20, 10))
    _first_steps(partner, staff, manager, enquired=enquired, met=date(year, 3, 2), standards_met=standards_met)


def _first_steps(partner, staff, manager, *, enquired, met=None, outcome=Meeting.Outcome.PROCEED, standards_met=None):
    """The enquiry, then each step dated from the one it follows: the meeting
    scheduled ten days before it is held, the standards review the day after
    it, the standards met when ``standards_met`` says (at agreement pending, or
    active for a type that needs no agreement)."""
    Partner.objects.filter(pk=partner.pk).update(created_at=enquired)
    _history(partner, None, action="enquiry received", note=partner.enquiry_message, at=enquired)
    if met is None:
        return
    meeting = _meeting(partner, staff, manager, when=met, outcome=outcome)
    meeting.refresh_from_db()
    held = meeting.recorded_at
    # Noted as partners.services notes each step.
    result = f"Outcome: {meeting.get_outcome_display()}."
    _history(meeting, staff, action="meeting recorded", note=result, at=held)
    moves = [_scheduled(meeting), (Stage.MEETING_HELD, held, result)]
    if outcome == Meeting.Outcome.PROCEED:
        moves.append((Stage.STANDARDS_REVIEW, held + timedelta(days=1), "Minimum standards requested."))
    if standards_met:
        needs_agreement = partner.partner_type and partner.partner_type.agreement_required
        to = Stage.AGREEMENT_PENDING if needs_agreement else Stage.ACTIVE
        moves.append((to, standards_met, "Minimum standards verified and in date."))
    _moves(partner, staff, moves)


def _scheduled(meeting):
    """The move to meeting scheduled, as partners.services.meeting_schedule notes it."""
    when = f"{timezone.localtime(meeting.starts_at):%A %-d %B %Y at %H:%M}"
    return (Stage.MEETING_SCHEDULED, meeting.scheduled_at, f"Introductory meeting on {when}.")


def _moves(partner, actor, moves):
    """History rows for the moves the partner made from its enquiry, each
    (stage, at, note) (the demo writes the stage directly, so no notification
    goes out)."""
    previous = Stage.ENQUIRY
    for stage, at, note in moves:
        _history(partner, actor, from_state=previous, to_state=stage, note=note, at=at)
        previous = stage


def _history(obj, actor, *, from_state="", to_state="", note="", at=None, action="transition"):
    """A history row dated in the past (history is append-only: written once, never updated)."""
    HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_name=str(actor) if actor else "System",
        note=note,
        at=at or timezone.now(),
    )


def _evidence(partner, uploader, reviewer, today, *, special: dict, default_status=Status.VERIFIED):
    """An item per evidence type: verified and in date unless `special` says
    (status, days until expiry). A partner with no portal user yet emailed its
    documents, which staff (``reviewer``) uploaded for it."""
    uploader = uploader or reviewer
    for evidence_type in EvidenceType.objects.filter(is_active=True):
        status, days = special.get(evidence_type.name, (default_status, None))
        months = (
            evidence_type.renewal_months_for_charities
            if partner.is_charity and evidence_type.renewal_months_for_charities
            else evidence_type.renewal_months
        )
        if status in ("expiring", "expired"):
            expires_on = today + timedelta(days=days)
            issued_on = expires_on - relativedelta(months=months or 12)
        elif status == Status.MISSING:
            EvidenceItem.objects.create(partner=partner, evidence_type=evidence_type)
            continue
        else:
            issued_on = today - timedelta(days=60)
            expires_on = default_expiry(evidence_type, partner, issued_on)
        uploaded_at = timezone.make_aware(datetime.combine(issued_on + timedelta(days=3), time(14, 0)))
        reviewed_at = uploaded_at + timedelta(days=2)
        renewal_in_force_until = None
        if status == "renewal":
            renewal_in_force_until = today + timedelta(days=days)
            issued_on = today - timedelta(days=5)
            expires_on = default_expiry(evidence_type, partner, issued_on)
            uploaded_at = timezone.make_aware(datetime.combine(today - timedelta(days=2), time(14, 0)))
            status = Status.SUBMITTED
        item = EvidenceItem.objects.create(
            partner=partner,
            evidence_type=evidence_type,
            previous_in_force_until=renewal_in_force_until,
            status={"expiring": Status.VERIFIED}.get(status, status),
            issued_on=issued_on,
            expires_on=expires_on,
            original_filename=f"{evidence_type.name.lower().replace(' ', '-')}.pdf",
            uploaded_by=uploader,
            uploaded_at=uploaded_at,
            reviewed_by=None if status == Status.SUBMITTED else reviewer,
            reviewed_at=None if status == Status.SUBMITTED else reviewed_at,
            rejection_reason="The policy is not signed or dated; upload the signed copy."
            if status == Status.REJECTED
            else "",
        )
        item.file.name = DEMO_FILE
        item.save(update_fields=["file"])
        _history(item, uploader, from_state=Status.MISSING, to_state=Status.SUBMITTED, at=uploaded_at)
        if status != Status.SUBMITTED:
            to = Status.REJECTED if status == Status.REJECTED else Status.VERIFIED
            _history(item, reviewer, from_state=Status.SUBMITTED, to_state=to, at=reviewed_at)
        if status == "expired":
            _history(
                item,
                None,
                from_state=Status.VERIFIED,
                to_state=Status.EXPIRED,
                note=f"Expired on {expires_on:%-d %B %Y}.",
                at=timezone.make_aware(datetime.combine(expires_on + timedelta(days=1), time(0, 10))),
            )


def _build(row, staff, manager, today):
    name, legal, type_name, stage, form, charity, town, postcode, districts, strands, activities, description = row
    partner, created = Partner.objects.get_or_create(
        name=name,
        defaults={
            "legal_name": legal,
            "partner_type": _type(type_name),
            "status": stage,
            "form": form,
            "charity_number": charity,
            "town": town,
            "postcode": postcode,
            "description": description,
            "source": Partner.Source.PUBLIC_ENQUIRY
            if stage in (Stage.ENQUIRY, Stage.DECLINED)
            else Partner.Source.STAFF,
            "enquiry_message": f"We would like to become a Hub partner. {description}",
        },
    )
    if not created:
        return
    _many(partner, districts, strands, activities)
    _contacts(partner)
    if name in SINCE:
        _long_standing(partner, stage, staff, manager, today)
        return
    # Still on its first steps: enquired 130 days or more ago (a month for a
    # fresh enquiry), met 40 days ago (70 for one whose evidence came in since).
    days = (30 if stage in (Stage.ENQUIRY, Stage.DECLINED) else 130) + 10 * PARTNERS.index(row)
    enquired = timezone.now() - timedelta(days=days)
    if stage in (Stage.ENQUIRY, Stage.DECLINED):
        _first_steps(partner, staff, manager, enquired=enquired)
        if stage == Stage.DECLINED:
            reason = (
                "Private lessons for adults are outside the Hub's remit; we have suggested the county's music "
                "education directory instead."
            )
            Partner.objects.filter(pk=partner.pk).update(status_reason=reason)
            _moves(partner, staff, [(Stage.DECLINED, enquired + timedelta(days=10), reason)])
        return
    if stage == Stage.MEETING_SCHEDULED:
        # Ready to record: held this morning at 10:00, or yesterday afternoon
        # when the demo is loaded before 11:00, and not recorded yet.
        _first_steps(partner, staff, manager, enquired=enquired)
        now = timezone.localtime()
        if now.time() >= time(11, 0):
            started = timezone.make_aware(datetime.combine(today, time(10, 0)))
        else:
            started = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(14, 0)))
        meeting = _meeting(partner, staff, manager, starts_at=started)
        _moves(partner, staff, [_scheduled(meeting)])
        return
    if stage == Stage.MEETING_HELD:
        _first_steps(
            partner,
            staff,
            manager,
            enquired=enquired,
            met=today - timedelta(days=40),
            outcome=Meeting.Outcome.MORE_INFORMATION,
        )
        Meeting.objects.filter(partner=partner).update(
            notes="They want to know more about the Hub Grant before deciding; send the EOI timetable and meet again."
        )
        return
    if stage == Stage.STANDARDS_REVIEW:
        _first_steps(partner, staff, manager, enquired=enquired, met=today - timedelta(days=70))
        _evidence(
            partner,
            None,
            staff,
            today,
            special={
                "Safeguarding policy": (Status.REJECTED, None),
                "Enhanced DBS check with barred list": (Status.SUBMITTED, None),
                "DBS Update Service subscription": (Status.SUBMITTED, None),
                "Public liability insurance": (Status.MISSING, None),
                "Data protection policy": (Status.MISSING, None),
                "Branding guidelines accepted": (Status.MISSING, None),
            },
        )
        return
    # Agreement pending: its evidence was checked 55 days ago (_evidence), so
    # the standards were met the day after; its first agreement is drafted since.
    _first_steps(
        partner,
        staff,
        manager,
        enquired=enquired,
        met=today - timedelta(days=70),
        standards_met=timezone.now() - timedelta(days=54),
    )
    _evidence(partner, None, staff, today, special={})


def _long_standing(partner, stage, staff, manager, today):
    """An active or suspended partner of some years (SINCE), with its evidence
    renewed and in date."""
    onboard(partner, staff, manager, since=SINCE[partner.name])
    if stage == Stage.SUSPENDED:
        reason = (
            "A safeguarding concern was reported about a Saturday studio session; suspended while the "
            "Service Manager investigates."
        )
        Partner.objects.filter(pk=partner.pk).update(status_reason=reason)
        suspended = timezone.now() - timedelta(days=21)
        _history(partner, manager, from_state=Stage.ACTIVE, to_state=Stage.SUSPENDED, note=reason, at=suspended)
    # One active partner whose DBS Update Service ran out: its standing is
    # "standards lapsed" until it renews, and its portal says what to renew.
    special = {"DBS Update Service subscription": ("expired", -12)} if partner.name == STANDARDS_LAPSED else {}
    _evidence(partner, None, staff, today, special=special)
