"""A decade of believable data for a Hub of N partners, made fast: `seed_scale`.

Everything is built in memory from one `random.Random(seed)` and written with
`bulk_create` in batches: no services, no notifications, no per-row queries.
What the services would have recorded is written too (history rows, signatures
with the hash of the text signed, sent reminders), and every constraint holds:
one live partnership agreement per partner, one agreement per partner per
year, one request per round per partner, grids that add up to their totals,
Hub Grant at most half the cost. History is only ever inserted (the table is
append-only on PostgreSQL); a decided complaint's notes are written before it
is marked decided, as the database requires.

Each run is a batch whose users are called `scale-<batch>-...`; the command
refuses to add a second batch unless asked (`--force`).
"""

import hashlib
import random
import time as time_module
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementTemplate,
    AgreementVersion,
    AnnualReview,
    Outcome,
    OutcomeReview,
    PaymentInstalment,
    Reason,
    Signature,
    TerminationRecommendation,
)
from agreements.text import canonical_text
from complaints.models import Complaint, ComplaintNote, ReferenceCounter
from eoi.models import (
    AssessorAssignment,
    Award,
    BudgetLine,
    Call,
    Criterion,
    ExpressionOfInterest,
    FundingSource,
    Gap,
    NeedsAnalysis,
    ProcurementBand,
    Score,
    TargetGroup,
)
from hubportal.core import roles
from hubportal.core.academic_years import AcademicYear, academic_year_for
from hubportal.core.working_days import add_working_days
from hubportal.models import HistoryEntry, Reminder, Term, User
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
from surveys.models import (
    Answer,
    GridCell,
    IncomeRecord,
    OutcomeResult,
    ProjectEvaluation,
    Question,
    QuestionSet,
    SurveyRequest,
    SurveyRound,
)

BATCH = 2000
YEARS = 10
CALLS = 200
PREFIX = "scale-"

Stage = Partner.Stage
AStatus = Agreement.Status
RStatus = SurveyRequest.Status
EStatus = ExpressionOfInterest.Status
CStatus = Complaint.Status

DECADE, JOINED_LATER = "decade", "joined later"
# What became of the partners whose type signs a partnership agreement, per hundred: most have
# been partners all ten years (an agreement each year, renewed; a few are suspended now), a few
# joined in a later year, a few left (lapsed or terminated), and some are still on their way in.
# Dealt out in these proportions exactly at every size (partnership_stories), not drawn one by one.
STORIES = {
    DECADE: 84,
    JOINED_LATER: 5,
    Stage.LAPSED: 2,
    Stage.TERMINATED: 2,
    Stage.AGREEMENT_PENDING: 2,
    Stage.ENQUIRY: 1,
    Stage.MEETING_SCHEDULED: 1,
    Stage.MEETING_HELD: 1,
    Stage.STANDARDS_REVIEW: 1,
    Stage.DECLINED: 1,
}

PLACES = [
    "Leicester", "Loughborough", "Hinckley", "Market Harborough", "Melton", "Coalville", "Wigston", "Oadby",
    "Blaby", "Lutterworth", "Ashby", "Syston", "Birstall", "Shepshed", "Enderby", "Narborough", "Thurmaston",
    "Anstey", "Braunstone", "Glenfield", "Castle Donington", "Ibstock", "Earl Shilton", "Broughton Astley",
    "Kibworth", "Quorn", "Rothley", "Sileby", "Groby", "Countesthorpe", "Belgrave", "Aylestone", "Knighton",
    "Evington", "Humberstone", "Beaumont Leys", "Barrow upon Soar", "Mountsorrel", "Desford", "Bottesford",
]  # fmt: skip
KINDS = {
    "Music service": ["Music Service"],
    "Community music organisation": [
        "Community Choir", "Music Collective", "Folk Club", "Samba Band", "Youth Jazz Orchestra", "Steel Pan Project",
        "Brass Band", "Ukulele Group", "Gospel Choir", "Bhangra Collective", "Songwriters' Circle", "Rock School",
    ],
    "Arts or cultural organisation": ["Arts Centre", "Theatre", "Music Festival", "Heritage Trust", "Opera Group"],
    "Charity or CIC": ["Music Trust", "Sound Foundation", "Youth Music CIC", "Music for All CIC", "Inclusive Arts"],
    "School": ["Primary School", "High School", "Church of England Primary School", "Junior School", "College"],
    "Academy trust": ["Learning Trust", "Academy Trust", "Schools Partnership"],
    "Early years setting": ["Nursery", "Pre-school", "Day Nursery", "Children's Centre"],
    "Further or higher education": ["College of Further Education", "University Music Department"],
    "Local authority": ["Borough Council Arts Service", "District Council Youth Service"],
    "Industry or commercial": ["Music Shop", "Recording Studios", "Instruments Ltd", "Sound Hire"],
    "Individual practitioner": ["Music Tuition", "Piano Teaching", "Drum Tuition", "Voice Coaching", "Strings"],
    "Lead school": ["Lead School for Music"],
}  # fmt: skip
TYPE_WEIGHTS = {
    "Music service": 0.3, "Community music organisation": 20, "Arts or cultural organisation": 8,
    "Charity or CIC": 15, "School": 14, "Academy trust": 5, "Early years setting": 6,
    "Further or higher education": 2, "Local authority": 1, "Industry or commercial": 4,
    "Individual practitioner": 15, "Lead school": 3,
}  # fmt: skip
FIRST_NAMES = [
    "Priya", "Ben", "Aisha", "Tom", "Grace", "Mohammed", "Ella", "Jack", "Sofia", "Harjit", "Olivia", "Daniel",
    "Amara", "Liam", "Chloe", "Ravi", "Niamh", "Kwame", "Zara", "Owen", "Hannah", "Imran", "Megan", "Tariq",
]  # fmt: skip
LAST_NAMES = [
    "Shah", "Okafor", "Patel", "Hughes", "Begum", "Ward", "Smith", "Kaur", "Jones", "Mistry", "Brown", "Ali",
    "Taylor", "Singh", "Williams", "Chauhan", "Evans", "Mensah", "Wilson", "Hussain", "Clarke", "Lewis",
]  # fmt: skip
OUTCOMES = [
    ("More children from the priority districts make music every week.", "Participants by district", "+10%"),
    ("Young people progress to the next grade or ensemble.", "Progression routes taken", "40 young people"),
    ("Children with SEND take part in inclusive sessions.", "SEND participants each term", "25 a term"),
    ("Schools receive CPD that improves classroom music.", "Teachers trained", "12 teachers"),
    ("Young people perform in public at least once a year.", "Performances", "3 a year"),
    ("Children eligible for free school meals take part free of charge.", "FSM participants", "30%"),
    ("Young people lead and shape their own music projects.", "Youth-led projects", "2 a year"),
    ("Instruments are loaned to families who cannot buy one.", "Instruments on loan", "50"),
]  # fmt: skip
GAPS = [
    ("Singing in early years settings", "Few early years settings offer regular singing."),
    ("Progression routes for brass players", "Young brass players have nowhere to go after first access."),
    ("Inclusive ensembles for SEND pupils", "Special schools report no ensemble opportunities."),
    ("Music technology in secondary schools", "Secondary schools lack kit and staff confidence."),
    ("Rural provision in Melton and Harborough", "Travel costs keep rural young people out."),
    ("Young people in care", "Children in care rarely take part in music outside school."),
    ("Youth-led songwriting", "Teenagers want to write and record their own music."),
    ("CPD for primary class teachers", "Primary teachers lack confidence teaching music."),
]  # fmt: skip
TEXT = {
    "activity_against_plan": "Weekly sessions ran as planned; one school moved its sessions to the afternoon.",
    "outcome_progress_detail": "On track: numbers are up on last term and the new groups are settling in.",
    "plans_for_year": "Two new after-school groups and a summer performance with the county ensembles.",
    "outcomes_against_aims": "We met most of our aims; progression was slower than hoped.",
    "case_study": "A Year 8 pupil who joined the ukulele group now leads warm-ups for the younger children.",
    "issues_risks": "No significant issues. Venue costs are rising.",
    "safeguarding_detail": "",
}


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def partnership_stories(count: int) -> list[str]:
    """The stories of ``count`` partners that sign partnership agreements, in STORIES's proportions:
    each gets its share rounded down, and what is left goes to the largest remainders (the first
    story on a tie), so at least 80% are there for the decade however few partners there are."""
    total = sum(STORIES.values())
    shares = {story: count * weight / total for story, weight in STORIES.items()}
    counts = {story: int(share) for story, share in shares.items()}
    left = count - sum(counts.values())
    by_remainder = sorted(STORIES, key=lambda story: shares[story] - counts[story], reverse=True)
    for story in by_remainder[:left]:
        counts[story] += 1
    return [story for story, n in counts.items() for _ in range(n)]


def calls_per_year(partners: int) -> int:
    """Calls for EOIs each year: CALLS over the decade for a Hub of 2,000 partners or more, fewer
    for a small one (a call a year for every hundred partners), so no partner answers every call."""
    return max(1, min(CALLS, partners // 10) // YEARS)


def scale_batches() -> int:
    """How many batches of scale data the database holds (0: none)."""
    return User.objects.filter(username__regex=r"^scale-[0-9]+-chair$").count()


@dataclass
class Plan:
    """One partner's story: what it is, when it joined, where it stands."""

    partner: Partner
    ptype: PartnerType
    stage: str
    first_year: int | None = None  # the first academic year with a partnership agreement
    last_year: int | None = None  # the last year it had one (lapsed, terminated)
    size: int = 100  # children reached a term, roughly
    user: User | None = None
    districts: list[int] = field(default_factory=list)
    agreements: dict[int, Agreement] = field(default_factory=dict)


class ScaleSeeder:
    def __init__(self, *, partners: int, seed: int = 1, today: date | None = None, log: Callable = print):
        self.n = partners
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, the same for the same seed
        self.today = today or timezone.localdate()
        self.now = _at(self.today, 9)
        self.current = academic_year_for(self.today).start_year
        self.years = list(range(self.current - YEARS + 1, self.current + 1))
        self.log = log
        self.counts: Counter = Counter()
        self.history: list[HistoryEntry] = []
        self.content_types: dict[type, ContentType] = {}

    # Writing ---------------------------------------------------------------

    def insert(self, model: type[Model], rows: list) -> list:
        model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[model._meta.verbose_name_plural] += len(rows)
        return rows

    def ct(self, model: type[Model]) -> ContentType:
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model)
        return self.content_types[model]

    def record(self, obj, at: datetime, *, actor=None, action="transition", frm="", to="", note=""):
        self.history.append(
            HistoryEntry(
                content_type=self.ct(type(obj)),
                object_id=obj.pk,
                action=action,
                from_state=frm,
                to_state=to,
                actor=actor,
                actor_name=str(actor) if actor else "System",
                note=note,
                at=at,
            )
        )

    def walk(self, obj, path: list[str], start: datetime, *, actor, days: int = 14, action="transition"):
        """History rows for a path of states, one move every few days from ``start``."""
        at = start
        for frm, to in zip(path, path[1:], strict=False):
            at += timedelta(days=self.rng.randint(1, days), hours=self.rng.randint(0, 6))
            self.record(obj, min(at, self.now), actor=actor, action=action, frm=frm, to=to)
        return at

    def flush_history(self):
        self.insert(HistoryEntry, self.history)
        self.history = []

    def step(self, label: str):
        self.log(f"  {label} ({time_module.perf_counter() - self.started:.0f} s in)")

    # The whole run -----------------------------------------------------------

    def run(self) -> Counter:
        self.started = time_module.perf_counter()
        with transaction.atomic():
            self.batch = scale_batches() + 1
            self.prefix = f"{PREFIX}{self.batch}-"
            self.reference_data()
            self.step("users")
            self.make_users()
            self.step("partners, contacts, meetings, evidence")
            self.make_partners()
            self.step("partnership agreements")
            self.make_agreements()
            self.flush_history()
            self.step("survey rounds, requests and answers")
            self.make_surveys()
            self.flush_history()
            self.step("income")
            self.make_income()
            self.step("needs analyses, calls, expressions of interest, awards, projects")
            self.make_commissioning()
            self.flush_history()
            self.step("complaints")
            self.make_complaints()
            self.step("reminders and history")
            self.make_reminders()
            self.flush_history()
        return self.counts

    # Reference data ----------------------------------------------------------

    def reference_data(self):
        self.types = {t.name: t for t in PartnerType.objects.all()}
        self.districts = list(District.objects.filter(is_active=True).values_list("pk", flat=True))
        self.strands = list(NationalPlanStrand.objects.values_list("pk", flat=True))
        self.activities = list(ActivityType.objects.values_list("pk", flat=True))
        self.evidence_types = list(EvidenceType.objects.filter(required=True))
        self.target_groups = list(TargetGroup.objects.values_list("pk", flat=True))
        self.bands = list(ProcurementBand.objects.order_by("minimum"))
        self.templates = {
            t.partner_type_id: t for t in AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PARTNERSHIP)
        }
        self.project_template = AgreementTemplate.objects.filter(kind=AgreementTemplate.Kind.PROJECT).first()
        missing = [
            what
            for what, rows in [
                ("partner types", self.types),
                ("districts", self.districts),
                ("evidence types", self.evidence_types),
                ("procurement bands", self.bands),
                ("question sets", QuestionSet.objects.exists()),
            ]
            if not rows
        ]
        if missing:
            raise RuntimeError(f"Reference data missing ({', '.join(missing)}): run `manage.py migrate` first.")
        self.question_sets = {}
        for question_set in QuestionSet.objects.filter(retired_at=None).prefetch_related("questions"):
            self.question_sets.setdefault(question_set.term, question_set)

    # Users -------------------------------------------------------------------

    def _user(self, username: str, first: str, last: str, **fields) -> User:
        return User(
            username=f"{self.prefix}{username}",
            first_name=first,
            last_name=last,
            email=f"{self.prefix}{username}@scale.hubportal.example",
            password="!" + uuid.UUID(int=self.rng.getrandbits(128)).hex,  # unusable: sign in with force_login
            date_joined=_at(date(self.years[0], 7, 1)),
            **fields,
        )

    def _person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def make_users(self):
        spec = (
            [("admin", None, {"is_staff": True, "is_superuser": True})]
            + [(f"staff-{i}", roles.STAFF, {}) for i in range(1, 7)]
            + [(f"manager-{i}", roles.MANAGER, {}) for i in range(1, 3)]
            + [(f"assessor-{i}", roles.ASSESSOR, {}) for i in range(1, 13)]
            + [("chair", roles.CHAIR, {})]
        )
        users, memberships = [], []
        for username, role, extra in spec:
            users.append(self._user(username, *self._person(), **extra))
            memberships.append(role)
        self.insert(User, users)
        groups = {g.name: g.pk for g in Group.objects.all()}
        through = User.groups.through
        rows = [through(user_id=u.pk, group_id=groups[r]) for u, r in zip(users, memberships, strict=True) if r]
        by_name = {u.username.removeprefix(self.prefix): u for u in users}
        self.staff = [by_name[f"staff-{i}"] for i in range(1, 7)]
        self.managers = [by_name[f"manager-{i}"] for i in range(1, 3)]
        self.assessors = [by_name[f"assessor-{i}"] for i in range(1, 13)]
        self.chair = by_name["chair"]
        rows += [through(user_id=m.pk, group_id=groups[roles.SAFEGUARDING]) for m in self.managers]
        self.insert(through, rows)

    # Partners ----------------------------------------------------------------

    def _network_story(self, plan: Plan):
        """A partner without partnership agreements (a school, an early years setting): its stage,
        and the first year it took part (income, calls, complaints), if it has."""
        weights = {Stage.ACTIVE: 80, Stage.ENQUIRY: 4, Stage.MEETING_SCHEDULED: 3, Stage.MEETING_HELD: 2}
        weights |= {Stage.STANDARDS_REVIEW: 5, Stage.DECLINED: 4, Stage.SUSPENDED: 2}
        plan.stage = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        if plan.stage in (Stage.ACTIVE, Stage.SUSPENDED):
            plan.first_year = self.years[0] if self.rng.random() < 0.5 else self.rng.choice(self.years)

    def _partnership_story(self, plan: Plan, story: str):
        """A partner that signs partnership agreements: its stage and its years of agreements."""
        if story == DECADE:
            plan.stage = Stage.SUSPENDED if self.rng.random() < 0.03 else Stage.ACTIVE
            plan.first_year = self.years[0]
        elif story == JOINED_LATER:
            plan.stage = Stage.ACTIVE
            plan.first_year = self.rng.choice(self.years[1:])
        elif story in (Stage.LAPSED, Stage.TERMINATED):
            plan.stage = story
            plan.first_year = self.years[0] if self.rng.random() < 0.5 else self.rng.choice(self.years[:-1])
            last = self.current - 1 if story == Stage.LAPSED else self.current
            plan.last_year = self.rng.randint(plan.first_year, last)
        else:
            plan.stage = story
            if story == Stage.AGREEMENT_PENDING:
                plan.first_year = self.current

    def _name(self, ptype: PartnerType, seen: Counter) -> str:
        if ptype.name == "Individual practitioner":
            first, last = self._person()
            base = f"{first} {last} {self.rng.choice(KINDS[ptype.name])}"
        else:
            base = f"{self.rng.choice(PLACES)} {self.rng.choice(KINDS.get(ptype.name, ['Music']))}"
        seen[base] += 1
        return base if seen[base] == 1 else f"{base} {seen[base]}"

    def make_partners(self):
        names = [n for n in TYPE_WEIGHTS if n in self.types] or list(self.types)
        weights = [TYPE_WEIGHTS.get(n, 1) for n in names]
        seen: Counter = Counter(Partner.objects.values_list("name", flat=True))
        self.plans: list[Plan] = []
        ptypes = [self.types[name] for name in self.rng.choices(names, weights=weights, k=self.n)]
        stories = partnership_stories(sum(1 for ptype in ptypes if ptype.agreement_required))
        self.rng.shuffle(stories)
        for ptype in ptypes:
            name = self._name(ptype, seen)
            plan = Plan(partner=Partner(), ptype=ptype, stage="", size=int(self.rng.lognormvariate(4.6, 0.7)) + 10)
            if ptype.agreement_required:
                self._partnership_story(plan, stories.pop())
            else:
                self._network_story(plan)
            stage = plan.stage
            joined = date(plan.first_year or self.current, 9, 1) - timedelta(days=self.rng.randint(60, 200))
            if plan.first_year is None:  # still on its way in: a recent enquiry
                joined = self.today - timedelta(days=self.rng.randint(5, 150))
            plan.districts = self.rng.sample(self.districts, k=min(len(self.districts), self.rng.randint(1, 3)))
            plan.partner = Partner(
                name=name,
                legal_name=f"{name} Ltd" if self.rng.random() < 0.4 else "",
                form=Partner.Form.INDIVIDUAL if ptype.name == "Individual practitioner" else Partner.Form.ORGANISATION,
                partner_type=ptype,
                status=stage,
                charity_number=str(1100000 + self.rng.randint(0, 99999)) if ptype.name == "Charity or CIC" else "",
                address_line_1=f"{self.rng.randint(1, 200)} {self.rng.choice(['High', 'Church', 'Station'])} Street",
                town=self.rng.choice(PLACES),
                postcode=f"LE{self.rng.randint(1, 67)} {self.rng.randint(1, 9)}{self.rng.choice('ABDEFGHJ')}X",
                description=f"{name} brings music to children and young people in {self.rng.choice(PLACES)}.",
                source=Partner.Source.PUBLIC_ENQUIRY if self.rng.random() < 0.6 else Partner.Source.STAFF,
                enquiry_message="We would like to join the Hub partnership." if self.rng.random() < 0.6 else "",
                status_reason={
                    Stage.DECLINED: "Outside the Hub's area and remit.",
                    Stage.SUSPENDED: "Safeguarding concern under investigation.",
                    Stage.LAPSED: "The agreement ended and was not renewed.",
                    Stage.TERMINATED: "Terminated by the Chair's decision.",
                }.get(stage, ""),
                created_at=_at(joined),
            )
            self.plans.append(plan)
        self.insert(Partner, [p.partner for p in self.plans])
        self.by_partner = {p.partner.pk: p for p in self.plans}
        self._partner_links()
        self._partner_users()
        self._contacts_meetings()
        self._evidence()
        self._partner_history()

    def _partner_links(self):
        rows = {"districts": [], "strands": [], "activity_types": []}
        for plan in self.plans:
            pk = plan.partner.pk
            rows["districts"] += [Partner.districts.through(partner_id=pk, district_id=d) for d in plan.districts]
            for name, pool, key in [("strands", self.strands, "nationalplanstrand_id")]:
                for value in self.rng.sample(pool, k=self.rng.randint(1, 2)):
                    rows[name].append(Partner.strands.through(partner_id=pk, **{key: value}))
            for value in self.rng.sample(self.activities, k=self.rng.randint(1, 4)):
                rows["activity_types"].append(Partner.activity_types.through(partner_id=pk, activitytype_id=value))
        for name, links in rows.items():
            self.insert(getattr(Partner, name).through, links)

    def _partner_users(self):
        """One portal user for every partner past the introductory stages (two for a tenth)."""
        users = []
        for index, plan in enumerate(self.plans):
            if plan.stage in Partner.BEFORE_ACTIVE - {Stage.AGREEMENT_PENDING} or plan.stage == Stage.DECLINED:
                continue
            for extra in range(2 if self.rng.random() < 0.1 else 1):
                user = self._user(f"partner-{index + 1}-{extra + 1}", *self._person(), partner=plan.partner)
                user.job_title = self.rng.choice(["Director", "Manager", "Head of Music", "Administrator"])
                users.append(user)
                plan.user = plan.user or user
        self.insert(User, users)
        group = Group.objects.get(name=roles.PARTNER).pk
        self.insert(User.groups.through, [User.groups.through(user_id=u.pk, group_id=group) for u in users])

    def _contacts_meetings(self):
        contacts, meetings = [], []
        for plan in self.plans:
            partner = plan.partner
            domain = "".join(c for c in partner.name.lower() if c.isalnum())[:20] + ".example"
            first, last = self._person()
            contacts.append(
                Contact(
                    partner=partner,
                    name=f"{first} {last}",
                    role="Director",
                    email=f"{first.lower()}@{domain}",
                    is_primary=True,
                )
            )
            first, last = self._person()
            contacts.append(
                Contact(
                    partner=partner,
                    name=f"{first} {last}",
                    role="Designated safeguarding lead",
                    email=f"safeguarding@{domain}",
                    is_safeguarding_lead=True,
                )
            )
            if plan.stage == Stage.ENQUIRY:
                continue
            staff = self.rng.choice(self.staff)
            if plan.stage == Stage.MEETING_SCHEDULED:
                starts = self.now + timedelta(days=self.rng.randint(1, 21), hours=self.rng.randint(0, 6))
                meetings.append(Meeting(partner=partner, starts_at=starts, scheduled_by=staff, location="Hub office"))
                continue
            starts = partner.created_at + timedelta(days=self.rng.randint(14, 40))
            declined_early = plan.stage == Stage.DECLINED and self.rng.random() < 0.5
            meetings.append(
                Meeting(
                    partner=partner,
                    starts_at=starts,
                    scheduled_by=staff,
                    scheduled_at=starts - timedelta(days=10),
                    location="Hub office",
                    who_they_are=partner.description,
                    national_plan_support="Regular whole-class and small-group teaching in local schools.",
                    needs_analysis_support="Reaches districts the needs analysis names as under-served.",
                    proposed_partner_type=plan.ptype,
                    benefit_to_young_people="More children make music every week, close to home.",
                    outcome=Meeting.Outcome.NOT_PROCEED if declined_early else Meeting.Outcome.PROCEED,
                    recorded_by=staff,
                    recorded_at=starts + timedelta(hours=3),
                )
            )
        self.insert(Contact, contacts)
        self.insert(Meeting, meetings)
        self.insert(
            Meeting.hlo_representatives.through,
            [
                Meeting.hlo_representatives.through(meeting_id=m.pk, user_id=self.rng.choice(self.staff).pk)
                for m in meetings
            ],
        )

    def _evidence(self):
        items = []
        reviewed = {Stage.AGREEMENT_PENDING, Stage.ACTIVE, Stage.SUSPENDED, Stage.LAPSED, Stage.TERMINATED}
        for plan in self.plans:
            if plan.stage not in reviewed | {Stage.STANDARDS_REVIEW}:
                continue
            for etype in self.evidence_types:
                months = etype.renewal_months_for_charities if plan.partner.charity_number else etype.renewal_months
                roll = self.rng.random()
                if plan.stage == Stage.STANDARDS_REVIEW:
                    status = self.rng.choice([EvidenceItem.Status.MISSING, EvidenceItem.Status.SUBMITTED])
                elif roll < 0.03 and months:
                    status = EvidenceItem.Status.EXPIRED
                elif roll < 0.05:
                    status = EvidenceItem.Status.SUBMITTED
                elif roll < 0.06:
                    status = EvidenceItem.Status.REJECTED
                else:
                    status = EvidenceItem.Status.VERIFIED
                item = EvidenceItem(partner=plan.partner, evidence_type=etype, status=status)
                if status != EvidenceItem.Status.MISSING:
                    span = (months or 36) * 30
                    # Verified items are in date (a few expire within the month); expired ones ran out lately.
                    age = self.rng.randint(span + 1, span + 60) if status == EvidenceItem.Status.EXPIRED else None
                    age = age or self.rng.randint(10, max(11, span - 5))
                    item.issued_on = self.today - timedelta(days=age)
                    item.expires_on = item.issued_on + timedelta(days=span) if months else None
                    item.original_filename = f"{etype.name.lower().replace(' ', '-')[:40]}.pdf"
                    item.uploaded_by = plan.user
                    item.uploaded_at = _at(item.issued_on + timedelta(days=3))
                    if status in (EvidenceItem.Status.VERIFIED, EvidenceItem.Status.EXPIRED):
                        item.reviewed_by = self.rng.choice(self.staff)
                        item.reviewed_at = item.uploaded_at + timedelta(days=2)
                    if status == EvidenceItem.Status.REJECTED:
                        item.rejection_reason = "The certificate has expired: please upload the current one."
                items.append(item)
        self._expiring_soon(items)
        self.insert(EvidenceItem, items)

    def _expiring_soon(self, items: list[EvidenceItem]):
        """One verified item in a hundred (two at least) expires in 30 days or today, the days the
        expiry reminders go out: whatever the size, the daily sweep has evidence reminders to send."""
        renewable = [i for i in items if i.status == EvidenceItem.Status.VERIFIED and i.expires_on]
        chosen = self.rng.sample(renewable, k=min(len(renewable), max(2, len(renewable) // 100)))
        for index, item in enumerate(chosen):
            shift = self.today + timedelta(days=30 if index % 2 == 0 else 0) - item.expires_on
            item.issued_on += shift
            item.expires_on += shift
            item.uploaded_at += shift
            item.reviewed_at += shift

    def _partner_history(self):
        path = [Stage.ENQUIRY, Stage.MEETING_SCHEDULED, Stage.MEETING_HELD, Stage.STANDARDS_REVIEW]
        for plan in self.plans:
            stage = plan.stage
            if stage in path:
                steps = path[: path.index(stage) + 1]
            elif stage == Stage.DECLINED:
                steps = path[: self.rng.randint(1, 4)] + [Stage.DECLINED]
            else:
                steps = path + ([Stage.AGREEMENT_PENDING] if plan.ptype.agreement_required else [])
                if stage != Stage.AGREEMENT_PENDING:
                    steps.append(Stage.ACTIVE)
                if stage in (Stage.SUSPENDED, Stage.LAPSED, Stage.TERMINATED):
                    steps.append(stage)
            at = plan.partner.created_at
            self.record(plan.partner, at, action="created", to=Stage.ENQUIRY, note="Enquiry received.")
            self.walk(plan.partner, steps, at, actor=self.rng.choice(self.staff), days=20)

    # Partnership agreements --------------------------------------------------

    def _agreement_years(self, plan: Plan) -> list[int]:
        if plan.first_year is None or not plan.ptype.agreement_required:
            return []
        return list(range(plan.first_year, (plan.last_year or self.current) + 1))

    def _status(self, plan: Plan, year: int) -> str:
        last = plan.last_year or self.current
        if year < last:
            return AStatus.RENEWED
        if plan.stage == Stage.AGREEMENT_PENDING:
            return self.rng.choice([AStatus.DRAFT, AStatus.ISSUED, AStatus.ISSUED, AStatus.PARTNER_SIGNED])
        if plan.stage == Stage.LAPSED:
            return AStatus.NOT_RENEWED if self.rng.random() < 0.3 else AStatus.EXPIRED
        if plan.stage == Stage.TERMINATED:
            return AStatus.TERMINATED
        if plan.stage == Stage.SUSPENDED or self.rng.random() < 0.05:
            return AStatus.UNDER_REVIEW
        return AStatus.LIVE

    def make_agreements(self):
        """Year by year, so each year's agreement can point at the one it renews."""
        self.outcomes: dict[int, list[Outcome]] = {}
        previous: dict[int, Agreement] = {}
        for year in self.years:
            rows = []
            for plan in self.plans:
                if year not in self._agreement_years(plan):
                    continue
                template = self.templates.get(plan.ptype.pk)
                status = self._status(plan, year)
                label = AcademicYear(year).label
                agreement = Agreement(
                    kind=Agreement.Kind.PARTNERSHIP,
                    partner=plan.partner,
                    academic_year=year,
                    title=f"Partnership agreement {label}: {plan.partner.name}",
                    status=status,
                    template=template,
                    basis=getattr(template, "basis", "") or "A partnership for music education.",
                    hub_expectations=getattr(template, "hub_expectations", ""),
                    partner_expectations=getattr(template, "partner_expectations", ""),
                    monitoring=getattr(template, "monitoring", ""),
                    conditions=getattr(template, "conditions", ""),
                    requires_termly_surveys=plan.ptype.termly_surveys_required,
                    review_meetings_per_year=getattr(template, "review_meetings_per_year", 1),
                    renewal_of=previous.get(plan.partner.pk),
                    created_by=self.rng.choice(self.staff),
                    created_at=_at(date(year, 6, 15)),
                )
                if status != AStatus.DRAFT:
                    agreement.issued_at = _at(date(year, 7, 1) + timedelta(days=self.rng.randint(0, 30)))
                if status not in (AStatus.DRAFT, AStatus.ISSUED, AStatus.PARTNER_SIGNED):
                    agreement.live_at = max(_at(date(year, 9, 1)), agreement.issued_at + timedelta(days=10))
                if status in Agreement.ENDED:
                    ended = date(year + 1, 8, 31) if status != AStatus.TERMINATED else date(year + 1, 2, 1)
                    agreement.ended_at = _at(min(ended, self.today - timedelta(days=1)))
                rows.append(agreement)
                plan.agreements[year] = agreement
            self.insert(Agreement, rows)
            previous = {a.partner_id: a for a in rows}
            self._agreement_details(rows)

    def _agreement_details(self, agreements: list[Agreement]):
        outcomes = []
        for agreement in agreements:
            chosen = self.rng.sample(OUTCOMES, k=3)
            own = [
                Outcome(agreement=agreement, description=d, measure=m, target=t, order=i)
                for i, (d, m, t) in enumerate(chosen)
            ]
            self.outcomes[agreement.pk] = own
            outcomes += own
        self.insert(Outcome, outcomes)
        versions, signatures, reviews, ratings, recommendations = [], [], [], [], []
        for agreement in agreements:
            plan = self.by_partner[agreement.partner_id]
            status = agreement.status
            staff = agreement.created_by
            path = [AStatus.DRAFT]
            if status != AStatus.DRAFT:
                text = canonical_text(agreement, outcomes=self.outcomes[agreement.pk])
                digest = hashlib.sha256(text.encode()).hexdigest()
                versions.append(
                    AgreementVersion(
                        agreement=agreement,
                        version=1,
                        text=text,
                        text_sha256=digest,
                        created_at=agreement.issued_at,
                        created_by=staff,
                        reason="Issued for signature.",
                    )
                )
                path.append(AStatus.ISSUED)
                if status != AStatus.ISSUED and plan.user is not None:
                    signed = agreement.issued_at + timedelta(days=self.rng.randint(2, 8))
                    signatures.append(self._signature(agreement, plan.user, Signature.Party.PARTNER, signed, digest))
                    path.append(AStatus.PARTNER_SIGNED)
                    if status != AStatus.PARTNER_SIGNED:
                        manager = self.rng.choice(self.managers)
                        signatures.append(
                            self._signature(agreement, manager, Signature.Party.HUB, agreement.live_at, digest)
                        )
                        path.append(AStatus.LIVE)
            if status in (AStatus.UNDER_REVIEW, AStatus.RENEWED, AStatus.EXPIRED, AStatus.NOT_RENEWED):
                path.append(AStatus.UNDER_REVIEW)
            if status in Agreement.ENDED:
                path.append(status)
            self._agreement_history(agreement, path, staff)
            # The annual review: held for every year that ended or is under review.
            if status in (AStatus.UNDER_REVIEW, AStatus.RENEWED, AStatus.NOT_RENEWED, AStatus.TERMINATED):
                recommendation = {
                    AStatus.RENEWED: AnnualReview.Recommendation.RENEW,
                    AStatus.NOT_RENEWED: AnnualReview.Recommendation.NOT_RENEW,
                    AStatus.TERMINATED: AnnualReview.Recommendation.TERMINATE,
                }.get(status, "")
                held = min(date(agreement.academic_year + 1, 5, 20), self.today - timedelta(days=3))
                review = AnnualReview(
                    agreement=agreement,
                    held_on=held,
                    surveys_on_time="All three termly surveys returned on time.",
                    complaints="None." if status == AStatus.RENEWED else "See the complaint file.",
                    safeguarding="No concerns." if plan.stage != Stage.SUSPENDED else "A concern is under review.",
                    branding=AnnualReview.Compliance.MET,
                    summary="Delivery matched the agreed outcomes.",
                    recommendation=recommendation,
                    reviewed_by=staff,
                    created_at=_at(held),
                    completed_at=_at(held) if recommendation else None,
                )
                reviews.append(review)
            else:
                review = None
            if status in (AStatus.NOT_RENEWED, AStatus.TERMINATED) or (
                status == AStatus.UNDER_REVIEW and (plan.stage == Stage.SUSPENDED or self.rng.random() < 0.4)
            ):
                recommendations.append(self._recommendation(agreement, plan, review))
        self.insert(AgreementVersion, versions)
        self.insert(Signature, signatures)
        self.insert(AnnualReview, reviews)
        for review in reviews:
            if review.completed_at:
                for outcome in self.outcomes[review.agreement_id]:
                    rating = self.rng.choices(list(OutcomeReview.Rating), weights=[5, 3, 1, 1])[0]
                    ratings.append(OutcomeReview(review=review, outcome=outcome, rating=rating, commentary=""))
        self.insert(OutcomeReview, ratings)
        for recommendation in recommendations:
            recommendation.review_id = recommendation.review.pk if recommendation.review else None
        self.insert(TerminationRecommendation, recommendations)
        for recommendation in recommendations:
            self.record(recommendation, recommendation.raised_at, actor=recommendation.raised_by, action="raised")
            if recommendation.decided_at:
                self.record(recommendation, recommendation.decided_at, actor=self.chair, action="decided")

    def _signature(self, agreement, user, party, at, digest) -> Signature:
        return Signature(
            agreement=agreement,
            version=1,
            party=party,
            user=user,
            typed_name=user.get_full_name(),
            role_title=user.job_title or ("Service Manager" if party == Signature.Party.HUB else "Director"),
            signed_at=at,
            text_sha256=digest,
        )

    def _agreement_history(self, agreement: Agreement, path: list[str], staff: User):
        self.record(agreement, agreement.created_at, actor=staff, action="created", to=AStatus.DRAFT)
        moments = {
            AStatus.ISSUED: agreement.issued_at,
            AStatus.PARTNER_SIGNED: (agreement.issued_at or self.now) + timedelta(days=5),
            AStatus.LIVE: agreement.live_at,
            AStatus.UNDER_REVIEW: _at(date(agreement.academic_year + 1, 5, 1)),
        }
        for frm, to in zip(path, path[1:], strict=False):
            at = moments.get(to) or agreement.ended_at or self.now
            self.record(agreement, min(at, self.now), actor=staff, frm=frm, to=to)

    def _recommendation(self, agreement, plan, review) -> TerminationRecommendation:
        decided = agreement.status in (AStatus.NOT_RENEWED, AStatus.TERMINATED)
        kind = (
            TerminationRecommendation.Kind.NOT_RENEW
            if agreement.status == AStatus.NOT_RENEWED or (not decided and plan.stage != Stage.SUSPENDED)
            else TerminationRecommendation.Kind.TERMINATE
        )
        reasons = (
            [Reason.SAFEGUARDING]
            if plan.stage == Stage.SUSPENDED
            else self.rng.sample([Reason.OUTCOMES, Reason.DATA, Reason.QUALITY, Reason.BRANDING], k=2)
        )
        raised = (agreement.ended_at or self.now) - timedelta(days=self.rng.randint(20, 40))
        return TerminationRecommendation(
            agreement=agreement,
            kind=kind,
            reasons=[str(r) for r in reasons],
            evidence="Two termly surveys were not returned and the review found outcomes off track.",
            review=review,
            partnership_suspended=plan.stage == Stage.SUSPENDED,
            raised_by=self.rng.choice(self.staff),
            raised_at=min(raised, self.now - timedelta(days=2)),
            decision=TerminationRecommendation.Decision.UPHELD if decided else "",
            decision_reasons="The evidence supports ending the agreement." if decided else "",
            decided_by=self.chair if decided else None,
            decided_at=agreement.ended_at if decided else None,
        )

    # Surveys -----------------------------------------------------------------

    def make_surveys(self):
        rounds = []
        for year in self.years:
            for term in Term.for_year(AcademicYear(year)):
                if term.starts_on > self.today:
                    continue
                question_set = self.question_sets.get(term.name) or self.question_sets.get(QuestionSet.Term.ANY)
                if question_set is None:
                    question_set = next(iter(self.question_sets.values()))
                opened = min(_at(term.ends_on - timedelta(days=28)), self.now - timedelta(days=21))
                survey_round, created = SurveyRound.objects.get_or_create(
                    term=term,
                    defaults={
                        "question_set": question_set,
                        "deadline": term.ends_on + timedelta(days=14),
                        "opened_by": self.staff[0],
                        "opened_at": opened,
                    },
                )
                if created:
                    self.record(survey_round, opened, actor=self.staff[0], action="opened the round")
                rounds.append(survey_round)
        self.questions = {
            qs.pk: list(Question.objects.filter(question_set=qs).order_by("order", "pk"))
            for qs in QuestionSet.objects.filter(pk__in={r.question_set_id for r in rounds})
        }
        self.rounds = rounds
        for survey_round in rounds:
            self._round_requests(survey_round)

    def _request_status(self, survey_round: SurveyRound) -> str:
        days_left = (survey_round.deadline - self.today).days
        roll = self.rng.random()
        if days_left >= 0:  # still open: most have not finished yet
            weights = {RStatus.PENDING: 45, RStatus.IN_PROGRESS: 25, RStatus.SUBMITTED: 15, RStatus.ACCEPTED: 15}
            return self.rng.choices(list(weights), weights=list(weights.values()))[0]
        if days_left > -120:  # the last round or two: some still owed or awaiting review
            if roll < 0.05:
                return self.rng.choice([RStatus.PENDING, RStatus.IN_PROGRESS])
            if roll < 0.08:
                return RStatus.SUBMITTED
            if roll < 0.10:
                return RStatus.RETURNED
            return RStatus.ACCEPTED
        return RStatus.PENDING if roll < 0.02 else RStatus.ACCEPTED  # never returned, long ago

    def _round_requests(self, survey_round: SurveyRound):
        term = survey_round.term
        requests = []
        for plan in self.plans:
            agreement = plan.agreements.get(term.academic_year)
            if agreement is None or not agreement.requires_termly_surveys or agreement.live_at is None:
                continue
            if agreement.live_at.date() > term.ends_on:
                continue
            if agreement.status == AStatus.TERMINATED and agreement.ended_at.date() < term.starts_on:
                continue
            status = self._request_status(survey_round)
            request = SurveyRequest(
                round=survey_round,
                partner=plan.partner,
                agreement=agreement,
                status=status,
                deadline=survey_round.deadline,
            )
            if status in (RStatus.SUBMITTED, RStatus.ACCEPTED, RStatus.RETURNED):
                submitted = survey_round.deadline - timedelta(days=self.rng.randint(0, 20))
                request.submitted_at = min(_at(submitted, self.rng.randint(8, 20)), self.now - timedelta(hours=2))
                request.submitted_by = plan.user
            if status in (RStatus.ACCEPTED, RStatus.RETURNED):
                request.reviewed_by = self.rng.choice(self.staff)
                request.reviewed_at = min(request.submitted_at + timedelta(days=4), self.now - timedelta(hours=1))
            if status == RStatus.RETURNED:
                request.returned_at = request.reviewed_at
                request.return_comment = "The district breakdown does not add up to the total: please check it."
            requests.append((request, plan))
        self.insert(SurveyRequest, [r for r, _ in requests])
        questions = self.questions[survey_round.question_set_id]
        answers, grids = [], []
        for request, plan in requests:
            path = {
                RStatus.PENDING: [],
                RStatus.IN_PROGRESS: [RStatus.PENDING, RStatus.IN_PROGRESS],
                RStatus.SUBMITTED: [RStatus.PENDING, RStatus.SUBMITTED],
                RStatus.ACCEPTED: [RStatus.PENDING, RStatus.SUBMITTED, RStatus.ACCEPTED],
                RStatus.RETURNED: [RStatus.PENDING, RStatus.SUBMITTED, RStatus.RETURNED],
            }[request.status]
            for frm, to in zip(path, path[1:], strict=False):
                at = request.reviewed_at if to in (RStatus.ACCEPTED, RStatus.RETURNED) else request.submitted_at
                actor = request.reviewed_by if to in (RStatus.ACCEPTED, RStatus.RETURNED) else plan.user
                self.record(request, at or self.now - timedelta(days=1), actor=actor, frm=frm, to=to)
            if request.status in (RStatus.SUBMITTED, RStatus.ACCEPTED, RStatus.RETURNED):
                self._answers(request, plan, questions, answers, grids)
            if len(answers) > 20000:
                self._flush_answers(answers, grids)
        self._flush_answers(answers, grids)

    def _split(self, total: int, rows: list[str]) -> list[tuple[str, int]]:
        """Counts for each row adding up to ``total`` exactly."""
        weights = [self.rng.random() ** 2 for _ in rows]
        scale = sum(weights) or 1
        cells = [int(total * w / scale) for w in weights]
        cells[-1] += total - sum(cells)
        return list(zip(rows, cells, strict=True))

    def _answers(self, request, plan, questions, answers, grids):
        reach = max(1, int(plan.size * self.rng.uniform(0.8, 1.25)))
        outcomes = self.outcomes.get(request.agreement_id, [])
        for question in questions:
            for outcome in outcomes if question.per_outcome else [None]:
                answer = Answer(request=request, question=question, outcome=outcome)
                kind, code = question.type, question.code
                cells = None
                if code == "reach_total":
                    answer.number = Decimal(reach)
                elif kind == Question.Type.GRID:
                    total = reach if question.total_question_id else int(reach * self.rng.uniform(1.0, 1.4))
                    cells = self._split(total, question.rows)
                    answer.number = Decimal(total)
                elif code == "schools_count":
                    answer.number = Decimal(max(1, reach // 60))
                elif code == "schools_worked_with":
                    answer.text = "\n".join(f"{p} Primary School" for p in self.rng.sample(PLACES, k=3))
                elif code == "sessions_delivered":
                    answer.number = Decimal(self.rng.randint(8, 60))
                elif code == "safeguarding_incidents":
                    answer.selected = ["No"]
                elif question.follow_up_of_id:
                    continue  # asked only after a "Yes"
                elif kind == Question.Type.RATING:
                    answer.number = Decimal(self.rng.choice([3, 4, 4, 5]))
                elif kind in (Question.Type.SINGLE_CHOICE, Question.Type.MULTIPLE_CHOICE):
                    answer.selected = [self.rng.choice(question.choices)] if question.choices else []
                elif kind == Question.Type.MONEY:
                    answer.number = Decimal(self.rng.randint(500, 20000))
                elif kind == Question.Type.INTEGER:
                    answer.number = Decimal(self.rng.randint(0, 40))
                else:
                    answer.text = TEXT.get(code) or "As planned."
                answers.append(answer)
                if cells:
                    grids.append((answer, cells))

    def _flush_answers(self, answers, grids):
        self.insert(Answer, answers)
        self.insert(GridCell, [GridCell(answer=a, row=row, count=n) for a, cells in grids for row, n in cells])
        answers.clear()
        grids.clear()

    # Income ------------------------------------------------------------------

    def make_income(self):
        rows = []
        for plan in self.plans:
            if plan.first_year is None or plan.stage == Stage.AGREEMENT_PENDING:
                continue
            for year in range(plan.first_year, (plan.last_year or self.current) + 1):
                for _ in range(self.rng.randint(1, 2)):
                    rows.append(
                        IncomeRecord(
                            partner=plan.partner,
                            academic_year=year,
                            source=self.rng.choice(list(IncomeRecord.Source)),
                            description=self.rng.choice(["Concert tickets", "Trust grant", "Sponsorship", "Fees"]),
                            amount=Decimal(self.rng.randint(200, 15000)),
                            recorded_by=plan.user or self.staff[0],
                            recorded_at=min(_at(date(year + 1, 3, 1)), self.now),
                        )
                    )
        self.insert(IncomeRecord, rows)

    # Commissioning -----------------------------------------------------------

    def make_commissioning(self):
        analyses, gaps = {}, []
        for year in self.years:
            analysis, _ = NeedsAnalysis.objects.get_or_create(
                academic_year=year,
                defaults={
                    "title": f"Needs analysis {AcademicYear(year).label}",
                    "summary": "Where provision is thin, for whom, and what the Hub will commission.",
                    "created_by": self.staff[0],
                },
            )
            analyses[year] = analysis
            for title, description in self.rng.sample(GAPS, k=5):
                gaps.append(
                    Gap(
                        needs_analysis=analysis,
                        title=title,
                        description=description,
                        strand_id=self.rng.choice(self.strands),
                        priority=self.rng.choice(list(Gap.Priority)),
                        indicative_budget=Decimal(self.rng.choice([5000, 12000, 20000, 40000])),
                        evidence="Survey returns and the schools' music development plans.",
                    )
                )
        self.insert(Gap, gaps)
        self.insert(
            Gap.target_groups.through,
            [
                Gap.target_groups.through(gap_id=g.pk, targetgroup_id=t)
                for g in gaps
                for t in self.rng.sample(self.target_groups, k=min(2, len(self.target_groups)))
            ],
        )
        self.insert(
            Gap.districts.through,
            [
                Gap.districts.through(gap_id=g.pk, district_id=d)
                for g in gaps
                for d in self.rng.sample(self.districts, 2)
            ],
        )
        gaps_by_year = defaultdict(list)
        for gap in gaps:
            gaps_by_year[gap.needs_analysis.academic_year].append(gap)
        self._calls(gaps_by_year)

    def _call_status(self, closes: datetime, index_in_year: int, year: int) -> str:
        if year < self.current or closes < self.now - timedelta(days=90):
            return Call.Status.AWARDED
        if closes > self.now:
            return Call.Status.DRAFT if index_in_year % 7 == 0 else Call.Status.OPEN
        return [Call.Status.CLOSED, Call.Status.ASSESSED, Call.Status.AWARDED][index_in_year % 3]

    def _calls(self, gaps_by_year):
        per_year = calls_per_year(self.n)
        calls = []
        for year in self.years:
            # The current year's calls are spread over the months so far (and the next few weeks).
            span = 330 if year < self.current else max(30, (self.today - date(year, 9, 15)).days + 20)
            for i in range(per_year):
                gap = self.rng.choice(gaps_by_year[year])
                opens = _at(date(year, 9, 15) + timedelta(days=int(i * span / per_year)))
                closes = opens + timedelta(days=self.rng.randint(21, 42))
                status = self._call_status(closes, i, year)
                if status in (Call.Status.DRAFT, Call.Status.OPEN):
                    opens = min(opens, self.now + timedelta(days=5 if status == Call.Status.DRAFT else -3))
                    closes = max(closes, self.now + timedelta(days=self.rng.randint(4, 30)))
                call = Call(
                    title=f"{gap.title}, {AcademicYear(year).label}, call {i + 1}",
                    brief=f"{gap.description} We invite expressions of interest to close this gap.",
                    status=status,
                    opens_at=opens,
                    closes_at=closes,
                    max_hub_grant=Decimal(self.rng.choice([5000, 10000, 20000, 30000])),
                    created_by=self.rng.choice(self.staff),
                    created_at=opens - timedelta(days=14),
                )
                call.gap = gap
                call.year = year
                calls.append(call)
        self.insert(Call, calls)
        self.insert(Call.gaps.through, [Call.gaps.through(call_id=c.pk, gap_id=c.gap.pk) for c in calls])
        restricted = [c for c in calls if self.rng.random() < 0.25]
        type_ids = [t.pk for t in self.types.values() if t.agreement_required]
        self.insert(
            Call.eligible_types.through,
            [
                Call.eligible_types.through(call_id=c.pk, partnertype_id=t)
                for c in restricted
                for t in self.rng.sample(type_ids, k=3)
            ],
        )
        eligible = {c.pk: set() for c in calls}
        for row in Call.eligible_types.through.objects.filter(call__in=restricted).values_list(
            "call_id", "partnertype_id"
        ):
            eligible[row[0]].add(row[1])
        criteria = []
        for call in calls:
            call.criteria_rows = [
                Criterion(call=call, name=name, weight=weight, order=order, description="")
                for order, (name, weight) in enumerate(
                    [("Meets the gap", 3), ("Quality and track record", 2), ("Value for money", 2), ("Legacy", 1)]
                )
            ]
            criteria += call.criteria_rows
        self.insert(Criterion, criteria)
        for call in calls:
            call_status = call.status
            self.walk(call, self._call_path(call_status), call.created_at, actor=call.created_by, days=20)
        self._eois(calls, eligible)

    @staticmethod
    def _call_path(status: str) -> list[str]:
        order = [Call.Status.DRAFT, Call.Status.OPEN, Call.Status.CLOSED, Call.Status.ASSESSED, Call.Status.AWARDED]
        return order[: order.index(status) + 1]

    def _eoi_status(self, call: Call, rank: int, count: int) -> str:
        if call.status == Call.Status.DRAFT:
            return ""
        if call.status == Call.Status.OPEN:
            return EStatus.SUBMITTED if self.rng.random() < 0.4 else EStatus.DRAFT
        if self.rng.random() < 0.05:
            return EStatus.WITHDRAWN
        if call.status == Call.Status.CLOSED:
            return EStatus.SUBMITTED
        if call.status == Call.Status.ASSESSED:
            return EStatus.UNDER_ASSESSMENT
        return EStatus.SUCCESSFUL if rank < max(1, count // 6) else EStatus.UNSUCCESSFUL

    def _eois(self, calls, eligible):
        members = defaultdict(list)  # year -> partners active that year
        for plan in self.plans:
            if plan.first_year is None or plan.stage == Stage.AGREEMENT_PENDING:
                continue
            for year in range(plan.first_year, (plan.last_year or self.current) + 1):
                members[year].append(plan)
        eois, lines, sources, assignments = [], [], [], []
        biggest = self.rng.randrange(len(calls))
        for index, call in enumerate(calls):
            pool = [p for p in members[call.year] if not eligible[call.pk] or p.ptype.pk in eligible[call.pk]]
            want = self.rng.randint(8, 35) if index != biggest else 60
            applicants = self.rng.sample(pool, k=min(len(pool), want)) if call.status != Call.Status.DRAFT else []
            call.eoi_rows = []
            for rank, plan in enumerate(applicants):
                status = self._eoi_status(call, rank, len(applicants))
                hub = Decimal(self.rng.randint(10, int(call.max_hub_grant) // 100)) * 100
                total = hub * 2 + Decimal(self.rng.randint(0, 40)) * 100
                eoi = ExpressionOfInterest(
                    call=call,
                    partner=plan.partner,
                    status=status,
                    title=f"{call.gap.title} with {plan.partner.name}"[:200],
                    what="Weekly sessions in four schools, a holiday course and a sharing concert.",
                    how="Two experienced tutors, instruments on loan, and the schools' music leads.",
                    who_benefits="Children in the districts the gap names, with places kept for SEND pupils.",
                    expected_reach=self.rng.randint(20, 400),
                    timeline="September to July.",
                    quality_alignment="We follow the Hub's quality framework and self-assess each term.",
                    inclusive="Free places for pupils on free school meals.",
                    collaborative="Planned with the schools and the county ensembles.",
                    high_quality="Tutors observed termly against the Quality Principles.",
                    evaluative="Termly data and an end-of-project evaluation.",
                    legacy="Schools keep the instruments and the trained staff.",
                    safeguarding_confirmed=True,
                    total_cost=total,
                    hub_grant_requested=hub,
                    created_by=plan.user,
                    created_at=call.opens_at + timedelta(days=self.rng.randint(1, 10)),
                )
                if status not in (EStatus.DRAFT, EStatus.WITHDRAWN):
                    eoi.submitted_at = min(call.closes_at - timedelta(days=self.rng.randint(1, 10)), self.now)
                    eoi.submitted_by = plan.user
                if status in (EStatus.SUCCESSFUL, EStatus.UNSUCCESSFUL):
                    eoi.moderated_score = Decimal(self.rng.randint(150, 400)) / 10
                    eoi.moderated_by = self.managers[0]
                    eoi.moderated_at = call.closes_at + timedelta(days=14)
                    eoi.decided_by = self.managers[0]
                    eoi.decided_at = call.closes_at + timedelta(days=21)
                    eoi.decision_reasons = "Ranked by moderated score against the criteria."
                    eoi.feedback = "Thank you: a clear proposal. The panel funded those that reached more schools."
                eoi.plan = plan
                call.eoi_rows.append(eoi)
                eois.append(eoi)
        # Submitted EOIs' money is locked (on PostgreSQL, by a trigger): their budget lines and
        # funding sources go in first, and the submission is stamped after them.
        submitted = {id(e): (e.submitted_at, e.submitted_by) for e in eois if e.submitted_at}
        for eoi in eois:
            eoi.submitted_at = eoi.submitted_by = None
        self.insert(ExpressionOfInterest, eois)
        for eoi in eois:
            other = eoi.total_cost - eoi.hub_grant_requested
            own = (other / 2).quantize(Decimal("0.01"))
            lines += [
                BudgetLine(eoi=eoi, item="Tutors", amount=(eoi.total_cost * Decimal("0.6")).quantize(Decimal("0.01"))),
                BudgetLine(eoi=eoi, item="Instruments and equipment", amount=None),
            ]
            lines[-1].amount = eoi.total_cost - lines[-2].amount
            sources += [
                FundingSource(eoi=eoi, kind=FundingSource.Kind.HUB_GRANT, amount=eoi.hub_grant_requested),
                FundingSource(eoi=eoi, kind=FundingSource.Kind.OWN_FUNDS, amount=own, confirmed=True),
                FundingSource(eoi=eoi, kind=FundingSource.Kind.FUNDRAISING, amount=other - own),
            ]
            if eoi.status in (EStatus.UNDER_ASSESSMENT, EStatus.SUCCESSFUL, EStatus.UNSUCCESSFUL):
                for assessor in self.rng.sample(self.assessors, k=2):
                    assignments.append(
                        AssessorAssignment(
                            eoi=eoi,
                            assessor=assessor,
                            assigned_by=self.managers[0],
                            assigned_at=eoi.call.closes_at + timedelta(days=1),
                            has_conflict=False,
                            declared_at=eoi.call.closes_at + timedelta(days=2),
                            completed_at=eoi.call.closes_at + timedelta(days=7),
                        )
                    )
            path = {
                EStatus.DRAFT: [],
                EStatus.SUBMITTED: [EStatus.DRAFT, EStatus.SUBMITTED],
                EStatus.WITHDRAWN: [EStatus.DRAFT, EStatus.WITHDRAWN],
                EStatus.UNDER_ASSESSMENT: [EStatus.DRAFT, EStatus.SUBMITTED, EStatus.UNDER_ASSESSMENT],
                EStatus.SUCCESSFUL: [EStatus.DRAFT, EStatus.SUBMITTED, EStatus.UNDER_ASSESSMENT, EStatus.SUCCESSFUL],
                EStatus.UNSUCCESSFUL: [
                    EStatus.DRAFT,
                    EStatus.SUBMITTED,
                    EStatus.UNDER_ASSESSMENT,
                    EStatus.UNSUCCESSFUL,
                ],
            }[eoi.status]
            self.walk(eoi, path, eoi.created_at, actor=eoi.plan.user, days=7)
        self.insert(BudgetLine, lines)
        self.insert(FundingSource, sources)
        stamped = [e for e in eois if id(e) in submitted]
        for eoi in stamped:
            eoi.submitted_at, eoi.submitted_by = submitted[id(eoi)]
        ExpressionOfInterest.objects.bulk_update(stamped, ["submitted_at", "submitted_by"], batch_size=BATCH)
        self.insert(AssessorAssignment, assignments)
        criteria = {c.pk: c.criteria_rows for c in calls}
        scores = [
            Score(
                assignment=a,
                criterion=criterion,
                score=self.rng.randint(2, 5),
                comment="Clear, well evidenced, and answers the gap.",
            )
            for a in assignments
            for criterion in criteria[a.eoi.call_id]
        ]
        self.insert(Score, scores)
        self._awards([e for e in eois if e.status == EStatus.SUCCESSFUL])

    def _band(self, amount: Decimal) -> ProcurementBand:
        for band in reversed(self.bands):
            if amount >= band.minimum:
                return band
        return self.bands[0]

    def _awards(self, eois):
        awards, projects = [], []
        for eoi in eois:
            band = self._band(eoi.hub_grant_requested)
            awards.append(
                Award(
                    eoi=eoi,
                    amount=eoi.hub_grant_requested,
                    procurement_band=band,
                    procurement_route=band.route,
                    procurement_notes="Route followed: quotes kept on file.",
                    awarded_by=self.managers[0],
                    awarded_at=eoi.decided_at + timedelta(days=3),
                )
            )
            starts = (eoi.decided_at + timedelta(days=30)).date()
            ends = starts + timedelta(days=300)
            status = AStatus.COMPLETED if ends < self.today else AStatus.LIVE
            if starts > self.today:
                status = AStatus.ISSUED
            project = Agreement(
                kind=Agreement.Kind.PROJECT,
                partner=eoi.partner,
                academic_year=academic_year_for(starts).start_year,
                title=f"Project agreement: {eoi.title}"[:200],
                status=status,
                template=self.project_template,
                basis=eoi.what,
                hub_expectations="The Hub pays the contribution in the instalments below.",
                partner_expectations=eoi.how,
                monitoring="Project evaluation data and case studies on completion.",
                requires_termly_surveys=False,
                requires_evaluation=True,
                eoi=eoi,
                starts_on=starts,
                ends_on=ends,
                hub_contribution=eoi.hub_grant_requested,
                match_funding_commitment=eoi.total_cost - eoi.hub_grant_requested,
                evaluation_due_on=ends + timedelta(days=60),
                created_by=self.managers[0],
                created_at=_at(starts - timedelta(days=20)),
                issued_at=_at(starts - timedelta(days=15)),
                live_at=_at(starts) if status != AStatus.ISSUED else None,
                ended_at=_at(ends) if status == AStatus.COMPLETED else None,
            )
            project.plan = eoi.plan
            projects.append(project)
        self.insert(Award, awards)
        self.insert(Agreement, projects)
        outcomes, instalments = [], []
        for project in projects:
            project.outcome_rows = [
                Outcome(agreement=project, description=d, measure=m, target=t, order=i)
                for i, (d, m, t) in enumerate(self.rng.sample(OUTCOMES, k=2))
            ]
            outcomes += project.outcome_rows
            half = (project.hub_contribution / 2).quantize(Decimal("0.01"))
            project.instalment_rows = [
                PaymentInstalment(agreement=project, milestone="On signing", due_on=project.starts_on, amount=half),
                PaymentInstalment(
                    agreement=project,
                    milestone="On the mid-point report",
                    due_on=project.starts_on + timedelta(days=150),
                    amount=project.hub_contribution - half,
                ),
            ]
            for instalment in project.instalment_rows:
                if instalment.due_on < self.today:
                    instalment.paid_on = instalment.due_on + timedelta(days=7)
            instalments += project.instalment_rows
        self.insert(Outcome, outcomes)
        self.insert(PaymentInstalment, instalments)
        versions, signatures, evaluations = [], [], []
        for project in projects:
            text = canonical_text(project, outcomes=project.outcome_rows, instalments=project.instalment_rows)
            digest = hashlib.sha256(text.encode()).hexdigest()
            versions.append(
                AgreementVersion(
                    agreement=project, version=1, text=text, text_sha256=digest, created_at=project.issued_at
                )
            )
            path = [AStatus.DRAFT, AStatus.ISSUED]
            if project.status != AStatus.ISSUED and project.plan.user is not None:
                user = project.plan.user
                signatures.append(self._signature(project, user, Signature.Party.PARTNER, project.live_at, digest))
                signatures.append(
                    self._signature(project, self.managers[0], Signature.Party.HUB, project.live_at, digest)
                )
                path += [AStatus.PARTNER_SIGNED, AStatus.LIVE]
                if project.status == AStatus.COMPLETED:
                    path.append(AStatus.COMPLETED)
                    evaluations.append(self._evaluation(project))
            self.walk(project, path, project.created_at, actor=self.managers[0], days=5)
        self.insert(AgreementVersion, versions)
        self.insert(Signature, signatures)
        self.insert(ProjectEvaluation, evaluations)
        self.insert(
            OutcomeResult,
            [
                OutcomeResult(evaluation=e, outcome=o, achieved="Met the target.", met_target=True)
                for e in evaluations
                if e.status != ProjectEvaluation.Status.DRAFT
                for o in e.agreement.outcome_rows
            ],
        )

    def _evaluation(self, project) -> ProjectEvaluation:
        overdue = project.evaluation_due_on < self.today - timedelta(days=200)
        status = ProjectEvaluation.Status.ACCEPTED if overdue else ProjectEvaluation.Status.SUBMITTED
        if project.evaluation_due_on >= self.today:
            status = ProjectEvaluation.Status.DRAFT
        submitted = _at(min(project.evaluation_due_on, self.today - timedelta(days=1)))
        return ProjectEvaluation(
            agreement=project,
            status=status,
            actual_reach=self.rng.randint(20, 400),
            actual_spend=project.hub_contribution + project.match_funding_commitment,
            actual_match_funding=project.match_funding_commitment,
            learning="Starting in the spring term gave schools time to plan.",
            legacy="Two schools now run the sessions themselves.",
            submitted_by=project.plan.user if status != ProjectEvaluation.Status.DRAFT else None,
            submitted_at=submitted if status != ProjectEvaluation.Status.DRAFT else None,
            reviewed_by=self.staff[0] if status == ProjectEvaluation.Status.ACCEPTED else None,
            reviewed_at=submitted + timedelta(days=10) if status == ProjectEvaluation.Status.ACCEPTED else None,
        )

    # Complaints --------------------------------------------------------------

    def make_complaints(self):
        stages = [
            (CStatus.RECEIVED, 7), (CStatus.ACKNOWLEDGED, 7), (CStatus.INVESTIGATING, 8), (CStatus.RESOLVED, 7),
            (CStatus.CLOSED, 45), (CStatus.ESCALATED, 6), (CStatus.CHAIR_REVIEW, 6), (CStatus.DECIDED, 14),
        ]  # fmt: skip
        count = max(len(stages) * 2, self.n // 8)
        members = [p for p in self.plans if p.first_year is not None]
        # Every stage at least twice, then in proportion.
        statuses = [s for s, _ in stages] * 2
        statuses += self.rng.choices([s for s, _ in stages], weights=[w for _, w in stages], k=count - len(statuses))
        complaints = []
        numbers: Counter = Counter()
        for status in statuses:
            days_ago = {
                CStatus.RECEIVED: (1, 6), CStatus.ACKNOWLEDGED: (3, 15), CStatus.INVESTIGATING: (5, 25),
                CStatus.RESOLVED: (28, 40), CStatus.ESCALATED: (45, 70), CStatus.CHAIR_REVIEW: (50, 90),
            }.get(status, (60, 365 * YEARS - 60))  # fmt: skip
            days_ago = self.rng.randint(*days_ago)
            received = self.today - timedelta(days=days_ago)
            plan = self.rng.choice(members)
            category = self.rng.choices(list(Complaint.Category), weights=[6, 3, 1, 3, 1, 1, 1, 1, 1])[0]
            via = self.rng.choice(list(Complaint.RaisedVia))
            first, last = self._person()
            complaint = Complaint(
                status=status,
                category=category,
                raised_via=via,
                raised_by=self.managers[0] if via == Complaint.RaisedVia.STAFF else None,
                complainant_name=f"{first} {last}",
                complainant_email=f"{first.lower()}.{last.lower()}@example.org",
                about=Complaint.About.PARTNER,
                partner=plan.partner,
                agreement=plan.agreements.get(academic_year_for(received).start_year),
                account="Sessions were cancelled three weeks running without notice to families.",
                desired_outcome="An apology and a plan so it does not happen again.",
                received_at=_at(received, 11),
                owner=self.managers[0],
                acknowledge_by=add_working_days(received, 5),
                respond_by=add_working_days(received, 20),
            )
            reached = {
                CStatus.RECEIVED: 0, CStatus.ACKNOWLEDGED: 1, CStatus.INVESTIGATING: 2, CStatus.RESOLVED: 3,
                CStatus.CLOSED: 4, CStatus.ESCALATED: 4, CStatus.CHAIR_REVIEW: 5, CStatus.DECIDED: 6,
            }[status]  # fmt: skip
            if reached >= 1:
                complaint.acknowledged_at = _at(received + timedelta(days=2))
            if reached >= 3:
                resolved = received + timedelta(days=self.rng.randint(10, 25))
                complaint.resolved_at = _at(resolved)
                complaint.resolution = "We apologised, and the partner has a new cancellation procedure."
                complaint.escalate_by = add_working_days(resolved, 20)
            if status == CStatus.CLOSED:
                complaint.closed_at = _at(complaint.escalate_by)
            if status in (CStatus.ESCALATED, CStatus.CHAIR_REVIEW, CStatus.DECIDED):
                complaint.escalated_at = complaint.resolved_at + timedelta(days=5)
                complaint.escalation_reasons = "The resolution does not say what will change for my child."
            if status in (CStatus.CHAIR_REVIEW, CStatus.DECIDED):
                complaint.chair_review_at = complaint.escalated_at + timedelta(days=3)
            if status == CStatus.DECIDED:
                complaint.chair_findings = "The partner's procedure was not followed on two occasions."
                complaint.chair_decision = self.rng.choice(list(Complaint.ChairDecision))
                complaint.chair_reasons = "The Chair reviewed the file and spoke to both parties."
            year = received.year
            numbers[year] += 1
            complaint.number_year = year
            complaint.number = numbers[year]
            complaints.append(complaint)
        # Numbers follow the counter each year, so complaints raised later continue from them.
        counters = {c.year: c for c in ReferenceCounter.objects.select_for_update().filter(year__in=list(numbers))}
        for year in numbers:
            counters.setdefault(year, ReferenceCounter(year=year, last_number=0))
        for complaint in complaints:
            counter = counters[complaint.number_year]
            complaint.reference = f"C-{complaint.number_year}-{counter.last_number + complaint.number:04d}"
        for year, added in numbers.items():
            counters[year].last_number += added
            counters[year].save()
        self.insert(Complaint, complaints)
        notes = []
        order = [
            CStatus.RECEIVED, CStatus.ACKNOWLEDGED, CStatus.INVESTIGATING, CStatus.RESOLVED, CStatus.ESCALATED,
            CStatus.CHAIR_REVIEW, CStatus.DECIDED,
        ]  # fmt: skip
        for complaint in complaints:
            manager = self.managers[0]
            notes.append(
                ComplaintNote(
                    complaint=complaint,
                    kind=ComplaintNote.Kind.INTERNAL,
                    author=manager,
                    author_name=str(manager),
                    body="Spoke to the partner's director; they are checking their records.",
                    created_at=complaint.received_at + timedelta(days=1),
                )
            )
            if complaint.acknowledged_at:
                notes.append(
                    ComplaintNote(
                        complaint=complaint,
                        kind=ComplaintNote.Kind.TO_COMPLAINANT,
                        author=manager,
                        author_name=str(manager),
                        body="Thank you for writing to us. We are looking into what happened.",
                        created_at=complaint.acknowledged_at,
                    )
                )
            if complaint.status == CStatus.CLOSED:
                path = order[:4] + [CStatus.CLOSED]
            else:
                path = order[: order.index(complaint.status) + 1]
            received = complaint.received_at
            moments = {
                CStatus.ACKNOWLEDGED: complaint.acknowledged_at,
                CStatus.INVESTIGATING: (complaint.acknowledged_at or received) + timedelta(days=1),
                CStatus.RESOLVED: complaint.resolved_at,
                CStatus.CLOSED: complaint.closed_at,
                CStatus.ESCALATED: complaint.escalated_at,
                CStatus.CHAIR_REVIEW: complaint.chair_review_at,
                CStatus.DECIDED: (complaint.chair_review_at or received) + timedelta(days=10),
            }
            self.record(complaint, received, action="received", to=CStatus.RECEIVED)
            for frm, to in zip(path, path[1:], strict=False):
                actor = self.chair if to in (CStatus.CHAIR_REVIEW, CStatus.DECIDED) else manager
                self.record(complaint, min(moments[to] or self.now, self.now), actor=actor, frm=frm, to=to)
        self.insert(ComplaintNote, notes)
        # The Chair's decision last: the database locks a decided complaint and its notes.
        for complaint in complaints:
            if complaint.status == CStatus.DECIDED:
                complaint.decided_by = self.chair
                complaint.decided_at = complaint.chair_review_at + timedelta(days=10)
        decided = [c for c in complaints if c.status == CStatus.DECIDED]
        Complaint.objects.bulk_update(decided, ["decided_by", "decided_at"], batch_size=BATCH)

    # Reminders ---------------------------------------------------------------

    def make_reminders(self):
        """The reminders earlier sweeps sent: before each survey deadline, and after it for late returns."""
        rows = []
        content_type = self.ct(SurveyRequest)
        sweep = uuid.UUID(int=self.rng.getrandbits(128))
        past = [r for r in self.rounds if r.deadline < self.today]
        for request in SurveyRequest.objects.filter(round__in=past).values("pk", "partner_id", "deadline", "status"):
            plan = self.by_partner.get(request["partner_id"])
            if plan is None or plan.user is None:
                continue
            stages = [(3, "3d-before")]
            if request["status"] in SurveyRequest.OPEN:
                stages += [(0, "on-the-day"), (-1, "1d-after")]
            for days, stage in stages:
                sent = _at(request["deadline"] - timedelta(days=days), 7)
                rows.append(
                    Reminder(
                        kind="surveys_deadline",
                        content_type=content_type,
                        object_id=request["pk"],
                        recipient=plan.user,
                        stage=stage,
                        due_on=request["deadline"],
                        url=f"/portal/surveys/{request['pk']}/",
                        claimed_at=sent,
                        sweep_id=sweep,
                        sent_at=sent + timedelta(minutes=1),
                    )
                )
        self.insert(Reminder, rows)


def vacuum_analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
