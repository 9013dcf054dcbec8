"""Demo complaints for `make run`: one in every stage, a safeguarding concern,
and one escalated and waiting for the Chair, about or by partners A and B.

Each is created once (get-or-create by reference) with a believable past:
the history rows carry the dates the steps happened, so the timelines read
as a real case would. Seeding twice changes nothing.
"""

from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from complaints.models import Complaint, ComplaintAttachment, ComplaintNote
from complaints.services import deadlines_from, safeguarding_recipients, staff_url
from hubportal.core.hub import current_hub
from hubportal.core.working_days import add_working_days, subtract_working_days
from hubportal.devtools.demo import PARTNER_A, PARTNER_B
from hubportal.messaging.notifications import notify
from hubportal.models import HistoryEntry
from partners.models import Partner

Status = Complaint.Status
ORDER = [
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.RESOLVED,
    Status.ESCALATED,
    Status.CHAIR_REVIEW,
    Status.DECIDED,
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _at(day, hour=10):
    """That hour of that day, or a quarter of an hour ago when that is still to
    come (a complaint received today, with the demo run before 09:00): the
    demo has nothing dated after now."""
    moment = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    return min(moment, timezone.now() - timedelta(minutes=15))


def _history(complaint, *, at, actor, from_state="", to_state="", action="transition", note=""):
    HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=complaint.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_name=str(actor) if actor else "System",
        note=note,
        at=at,
    )


def _note(complaint, *, kind, author, body, at, author_name=""):
    ComplaintNote.objects.create(
        complaint=complaint, kind=kind, author=author, author_name=author_name or str(author), body=body, created_at=at
    )


SPECS = [
    {
        "number": 1,
        "status": Status.RECEIVED,
        "working_days_ago": 2,
        "category": Complaint.Category.QUALITY,
        "via": Complaint.RaisedVia.PUBLIC,
        "complainant": ("Helen Marsh", "helen.marsh@example.org"),
        "about": PARTNER_A,
        "account": (
            "My son's Saturday guitar group at Loughborough has been cancelled three weeks running with only a "
            "text message on the morning. We have paid for the term and nobody has said whether the sessions "
            "will be made up."
        ),
        "outcome": "The missed sessions made up, or a refund for them.",
        "shared": "A parent has told us three Saturday guitar sessions were cancelled at short notice. "
        "Please send us the session register for this half term.",
    },
    {
        "number": 2,
        "status": Status.ACKNOWLEDGED,
        "working_days_ago": 4,
        "category": Complaint.Category.COMMUNICATION,
        "via": Complaint.RaisedVia.PORTAL,
        "by": "partner-b",
        "about": None,
        "account": (
            "We were told about the change to the termly survey deadline two days before it closed. Our "
            "volunteers needed more notice to collect the reach figures from schools."
        ),
        "outcome": "At least four weeks' notice of any change to survey deadlines.",
    },
    {
        "number": 3,
        "status": Status.INVESTIGATING,
        "working_days_ago": 24,  # the response is now overdue
        "category": Complaint.Category.CONDUCT,
        "via": Complaint.RaisedVia.STAFF,
        "complainant": ("Mr D. Okonjo", "d.okonjo@example.org"),
        "about": PARTNER_B,
        "account": (
            "Letter received by post: at the Harborough strings day a volunteer spoke sharply to a group of "
            "Year 5 pupils who arrived late because their coach was delayed. Two children were upset."
        ),
        "outcome": "An apology to the school.",
    },
    {
        "number": 4,
        "status": Status.RESOLVED,
        "working_days_ago": 13,  # acknowledged, investigated and resolved by yesterday
        "category": Complaint.Category.BRANDING,
        "via": Complaint.RaisedVia.PORTAL,
        "by": "partner-a",
        "about": PARTNER_B,
        "account": (
            "The poster for the joint spring concert carries only Harborough Youth Strings' logo, although "
            "the Collective provides half the players and the Hub's guidelines ask for every partner's logo."
        ),
        "outcome": "The poster reprinted with both logos and the Hub's.",
        "resolution": (
            "We have looked at the poster and the Hub's branding guidelines. Harborough Youth Strings have "
            "agreed to reprint it with both partners' logos and the Hub's, and the Hub will check joint "
            "publicity before it is printed from now on."
        ),
    },
    {
        "number": 5,
        "status": Status.CLOSED,
        "working_days_ago": 40,
        "category": Complaint.Category.FINANCIAL,
        "via": Complaint.RaisedVia.PUBLIC,
        "complainant": ("Amrit Gill", "amrit.gill@example.org"),
        "about": PARTNER_A,
        "account": "I was charged twice for the summer songwriting course.",
        "outcome": "A refund of the second payment.",
        "resolution": "The Collective has refunded the second payment of £45.00; you should see it within five days.",
    },
    {
        "number": 6,
        "status": Status.ESCALATED,
        "working_days_ago": 35,
        "category": Complaint.Category.QUALITY,
        "via": Complaint.RaisedVia.PORTAL,
        "by": "partner-b",
        "about": PARTNER_A,
        "account": (
            "The Collective agreed to provide a percussion tutor for our joint whole-class ensemble project "
            "in four Harborough primary schools. The tutor came to two of the six sessions, and the schools "
            "have asked us why. We have the project plan both partners signed."
        ),
        "outcome": "The missing sessions delivered this term, and a named back-up tutor.",
        "resolution": (
            "The Collective's tutor was ill and no cover was arranged. They have apologised and offered two "
            "make-up sessions in the summer term."
        ),
        "reasons": (
            "Two make-up sessions do not replace four missed ones, and the schools break up before the summer "
            "term dates offered. We would like the Chair to look at whether the project plan was met."
        ),
        "attachment": "joint-project-plan.pdf",
    },
    {
        "number": 7,
        "status": Status.CHAIR_REVIEW,
        "working_days_ago": 45,
        "category": Complaint.Category.EQUALITY,
        "via": Complaint.RaisedVia.PUBLIC,
        "complainant": ("Grace Adeyemi", "grace.adeyemi@example.org"),
        "about": None,
        "account": (
            "My daughter uses a wheelchair. The Hub's county youth orchestra rehearses in a hall with no step-"
            "free access, and we were told to ask for help at the door each week."
        ),
        "outcome": "Rehearsals moved to an accessible venue.",
        "resolution": "We will provide staff to help at the door and look for another venue next year.",
        "reasons": "Being carried in is not access. The Hub's own principles say it is inclusive.",
    },
    {
        "number": 8,
        "status": Status.DECIDED,
        "working_days_ago": 70,
        "category": Complaint.Category.DATA_PROTECTION,
        "via": Complaint.RaisedVia.PUBLIC,
        "complainant": ("Peter Lowe", "peter.lowe@example.org"),
        "about": PARTNER_B,
        "account": "A group email from Harborough Youth Strings showed every parent's email address.",
        "outcome": "Assurance it will not happen again.",
        "resolution": "The partner apologised and now uses blind copies for group emails.",
        "reasons": "I want to know whether the breach was reported as it should have been.",
        "decision": (
            Complaint.ChairDecision.PARTLY_UPHELD,
            "The email did disclose 41 addresses. The partner apologised promptly but did not record the "
            "breach or consider whether it needed reporting.",
            "The complaint is upheld as to the disclosure and the failure to record it. The partner has since "
            "recorded it and trained its volunteers; no further action is needed.",
        ),
    },
    {
        "number": 9,
        "status": Status.RECEIVED,
        "working_days_ago": 0,
        "category": Complaint.Category.SAFEGUARDING,
        "via": Complaint.RaisedVia.PUBLIC,
        "complainant": ("Name withheld on request", "concerned.parent@example.org"),
        "about": PARTNER_B,
        "account": (
            "After the Friday ensemble a volunteer offered to drive two girls home on his own and messaged one "
            "of them afterwards on her personal phone."
        ),
        "outcome": "Please make sure this is looked at.",
    },
]


def seed(users: dict) -> None:
    today = timezone.localdate()
    partners = {p.name: p for p in Partner.objects.filter(name__in=[PARTNER_A, PARTNER_B])}
    for spec in SPECS:
        _seed_one(spec, users, partners, today)


def _seed_one(spec, users, partners, today):
    manager, chair = users["manager"], users["chair"]
    received_on = subtract_working_days(today, spec["working_days_ago"])
    if spec["working_days_ago"] == 0:
        received_on = today
    reference = f"C-{received_on.year}-{spec['number']:04d}"
    raiser = users.get(spec.get("by", ""), None)
    if spec["via"] == Complaint.RaisedVia.PORTAL:
        name, email = str(raiser), raiser.email
    else:
        name, email = spec["complainant"]
    about = partners.get(spec["about"]) if spec["about"] else None
    status = spec["status"]
    # A decided case is locked once decided: it is built under review, then decided in one step.
    stored_status = Status.CHAIR_REVIEW if status == Status.DECIDED else status
    complaint, created = Complaint.objects.get_or_create(
        reference=reference,
        defaults={
            "status": stored_status,
            "category": spec["category"],
            "raised_via": spec["via"],
            "raised_by": raiser
            if spec["via"] == Complaint.RaisedVia.PORTAL
            else users["staff"]
            if spec["via"] == Complaint.RaisedVia.STAFF
            else None,
            "complainant_name": name,
            "complainant_email": email,
            "complainant_partner": raiser.partner if raiser else None,
            "about": Complaint.About.PARTNER if about else Complaint.About.HUB,
            "partner": about,
            "account": spec["account"],
            "desired_outcome": spec.get("outcome", ""),
            "received_at": _at(received_on, 9),
            **deadlines_from(received_on),
        },
    )
    if not created:
        return
    _history(
        complaint,
        at=_at(received_on, 9),
        actor=raiser,
        action="complaint received",
        note=complaint.get_raised_via_display(),
    )
    if spec.get("attachment"):
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=ContentFile(PDF, name=spec["attachment"]),
            original_filename=spec["attachment"],
            uploaded_by=raiser,
            uploaded_at=_at(received_on, 9),
        )
    if spec["category"] == Complaint.Category.SAFEGUARDING:
        notify(
            kind="complaints_safeguarding_concern",
            recipients=safeguarding_recipients(),
            context={"complaint": complaint},
            url=staff_url(complaint),
        )
    _walk(complaint, spec, status, received_on, manager, chair, raiser)


def _walk(complaint, spec, status, received_on, manager, chair, raiser):
    """Write the steps the complaint went through, each on a plausible day."""
    if status == Status.RECEIVED:
        if spec.get("shared"):
            _note(
                complaint,
                kind=ComplaintNote.Kind.INTERNAL,
                author=manager,
                at=_at(received_on, 15),
                body="Spoke to the Collective's lead tutor by phone: they are checking their rota.",
            )
            _note(
                complaint,
                kind=ComplaintNote.Kind.SHARED_WITH_PARTNER,
                author=manager,
                at=_at(received_on, 16),
                body=spec["shared"],
            )
        return
    steps = ORDER[1 : ORDER.index(status if status != Status.CLOSED else Status.RESOLVED) + 1]
    day = received_on
    fields = {}
    for step in steps:
        day = add_working_days(day, 2 if step != Status.RESOLVED else 8)
        previous = ORDER[ORDER.index(step) - 1]
        at = _at(day, 11)
        actor = manager if step in (Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.RESOLVED) else chair
        note = ""
        if step == Status.ACKNOWLEDGED:
            fields.update(owner=manager, acknowledged_at=at)
            _note(
                complaint,
                kind=ComplaintNote.Kind.TO_COMPLAINANT,
                author=manager,
                at=at,
                body="Thank you for writing to us. I am looking into this myself and will reply in writing.",
            )
        elif step == Status.RESOLVED:
            escalate_by = add_working_days(day, current_hub().complaint_escalation_working_days)
            fields.update(resolution=spec["resolution"], resolved_at=at, escalate_by=escalate_by)
            note = f"Escalation open until {escalate_by:%-d %B %Y}."
        elif step == Status.ESCALATED:
            actor = raiser
            fields.update(escalation_reasons=spec["reasons"], escalated_at=at)
            note = "Escalated to the Chair."
        elif step == Status.CHAIR_REVIEW:
            fields.update(chair_review_at=at)
        elif step == Status.DECIDED:
            continue  # below, after the file is complete
        _history(complaint, at=at, actor=actor, from_state=previous, to_state=step, note=note)
    if status == Status.CLOSED:
        day = add_working_days(day, 3)
        fields.update(closed_at=_at(day, 12))
        _history(
            complaint,
            at=_at(day, 12),
            actor=None,
            from_state=Status.RESOLVED,
            to_state=Status.CLOSED,
            note="The complainant accepted the resolution.",
        )
    if status == Status.ESCALATED:
        _note(
            complaint,
            kind=ComplaintNote.Kind.INTERNAL,
            author=manager,
            at=_at(day, 14),
            body="Both partners have copies of the project plan. The Collective's cover tutor left in January.",
        )
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    if status == Status.DECIDED:
        decision, findings, reasons = spec["decision"]
        at = _at(add_working_days(day, 1), 15)
        _history(
            complaint,
            at=at,
            actor=chair,
            from_state=Status.CHAIR_REVIEW,
            to_state=Status.DECIDED,
            note=f"Decision: {Complaint.ChairDecision(decision).label}.",
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            status=Status.DECIDED,
            chair_decision=decision,
            chair_findings=findings,
            chair_reasons=reasons,
            decided_by=chair,
            decided_at=at,
        )
    if status in Complaint.WITH_CHAIR:
        complaint.refresh_from_db()
        notify(
            kind="complaints_escalated",
            recipients=[chair],
            context={"complaint": complaint},
            url=f"/chair/complaints/{complaint.pk}/",
        )
