"""What each kind of import holds: its columns, two example rows for the
template, how a row is checked (Django forms: the same field rules as the
screens, plus the rules that span records) and how a checked row is saved.

A row is keyed by the Hub's own reference (the `reference` column): the
same reference again updates the record it made, and a row whose values
are what the record already holds changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import Model
from django.utils import timezone

from agreements.models import Agreement, AgreementTemplate
from partners.models import Contact, District, EvidenceItem, EvidenceType, Partner, PartnerType
from surveys.models import IncomeRecord

Stage = Partner.Stage
# Partners past the standards review: the only ones an agreement may be live for.
PAST_STANDARDS = {Stage.AGREEMENT_PENDING, Stage.ACTIVE, Stage.SUSPENDED, Stage.LAPSED}
SIGNED_STATES = {
    Agreement.Status.LIVE,
    Agreement.Status.UNDER_REVIEW,
    Agreement.Status.RENEWED,
    Agreement.Status.EXPIRED,
    Agreement.Status.NOT_RENEWED,
}


class RowError(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors


@dataclass
class Kind:
    key: str
    title: str
    columns: list[str]
    examples: list[list[str]]
    help: dict[str, str] = field(default_factory=dict)

    def queryset(self):
        raise NotImplementedError

    def check(self, row: dict, references: dict) -> dict:
        raise NotImplementedError

    def values(self, obj: Model) -> dict:
        raise NotImplementedError

    def save(self, cleaned: dict, obj: Model | None, actor) -> Model:
        raise NotImplementedError

    def create_many(self, rows: list[dict], actor) -> list[Model]:
        """New records for many rows; a kind may do it in a few inserts."""
        return [self.save(cleaned, None, actor) for cleaned in rows]


def _form_errors(form: forms.Form) -> list[tuple[str, str]]:
    return [(name if name != "__all__" else "", " ".join(messages)) for name, messages in form.errors.items()]


def _by_name(model, value: str, column: str, references: dict, *, many=False):
    """Reference data by name, case aside; the table is read once per file."""
    names = [v.strip() for v in value.split(";") if v.strip()] if many else [value.strip()]
    key = ("names", model)
    if key not in references:
        references[key] = {o.name.lower(): o for o in model.objects.all()}
    found = references[key]
    missing = [n for n in names if n.lower() not in found]
    if missing:
        choices = ", ".join(o.name for o in found.values() if o.is_active)
        plural = model._meta.verbose_name_plural
        raise RowError([(column, f"{'; '.join(missing)}: not one of the Hub's {plural} ({choices}).")])
    objs = [found[n.lower()] for n in names]
    return objs if many else objs[0]


def _partner(reference: str, references: dict, column: str = "partner_reference") -> Partner:
    partner = references.get(("partners", reference.strip()))
    if partner is None:
        raise RowError([(column, f"No partner has the reference {reference!r}: import the partner first.")])
    return partner


# Partners ------------------------------------------------------------------


class PartnerRowForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "legal_name", "status", "charity_number", "company_number", "town", "postcode", "website"]


class ContactRowForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]


class Partners(Kind):
    def queryset(self):
        return Partner.objects.prefetch_related("districts", "contacts")

    def check(self, row, references):
        form = PartnerRowForm(
            {
                "name": row["name"],
                "legal_name": row["legal_name"],
                "status": row["stage"],
                "charity_number": row["charity_number"],
                "company_number": row["company_number"],
                "town": row["town"],
                "postcode": row["postcode"],
                "website": row["website"],
            }
        )
        errors = [({"status": "stage"}.get(c, c), m) for c, m in _form_errors(form)]
        contact = ContactRowForm(
            {
                "name": row["contact_name"],
                "role": row["contact_role"],
                "email": row["contact_email"],
                "phone": row["contact_phone"],
            }
        )
        if any(row[c] for c in ("contact_name", "contact_email")) and not contact.is_valid():
            errors += [(f"contact_{c}", m) for c, m in _form_errors(contact)]
        cleaned = {}
        for column, model, many in (("partner_type", PartnerType, False), ("districts", District, True)):
            try:
                cleaned[column] = _by_name(model, row[column], column, references, many=many) if row[column] else None
            except RowError as error:
                errors += error.errors
        if not row["partner_type"]:
            errors.append(("partner_type", "Give the partner's type."))
        if errors:
            raise RowError(errors)
        cleaned.update(form.cleaned_data)
        cleaned["districts"] = sorted(d.pk for d in cleaned["districts"] or [])
        cleaned["partner_type"] = cleaned["partner_type"].pk
        cleaned["contact"] = contact.cleaned_data if contact.is_bound and contact.is_valid() else None
        return cleaned

    def values(self, obj):
        contact = next((c for c in obj.contacts.all() if c.is_primary), None)
        return {
            **{f: getattr(obj, f) for f in PartnerRowForm.Meta.fields},
            "partner_type": obj.partner_type_id,
            "districts": sorted(d.pk for d in obj.districts.all()),
            "contact": {f: getattr(contact, f) for f in ContactRowForm.Meta.fields} if contact else None,
        }

    def create_many(self, rows, actor):
        """Thousands of new partners in a few inserts: partners, their
        districts, their contacts (the same values save() writes one by one)."""
        partners = []
        for cleaned in rows:
            partner = Partner(source=Partner.Source.STAFF, partner_type_id=cleaned["partner_type"])
            for f in PartnerRowForm.Meta.fields:
                setattr(partner, f, cleaned[f])
            partners.append(partner)
        Partner.objects.bulk_create(partners, batch_size=500)
        through = Partner.districts.through
        links = [
            through(partner_id=p.pk, district_id=d)
            for p, cleaned in zip(partners, rows, strict=True)
            for d in cleaned["districts"]
        ]
        through.objects.bulk_create(links, batch_size=1000)
        contacts = [
            Contact(partner=p, is_primary=True, **cleaned["contact"])
            for p, cleaned in zip(partners, rows, strict=True)
            if cleaned["contact"]
        ]
        Contact.objects.bulk_create(contacts, batch_size=500)
        return partners

    def save(self, cleaned, obj, actor):
        obj = obj or Partner(source=Partner.Source.STAFF)
        for f in PartnerRowForm.Meta.fields:
            setattr(obj, f, cleaned[f])
        obj.partner_type_id = cleaned["partner_type"]
        obj.save()
        obj.districts.set(cleaned["districts"])
        if cleaned["contact"]:
            contact = obj.contacts.filter(is_primary=True).first() or Contact(partner=obj, is_primary=True)
            for f, value in cleaned["contact"].items():
                setattr(contact, f, value)
            contact.save()
        return obj


# Agreements ----------------------------------------------------------------


def academic_year(value: str, column: str) -> int:
    """2026 or "2026/27" or "2026-27": the year the academic year starts."""
    text = value.strip().replace("-", "/")
    try:
        start = int(text.split("/")[0])
    except ValueError:
        start = 0
    if not 2000 <= start <= 2100:
        raise RowError([(column, f"{value!r} is not an academic year: write it as 2026/27.")])
    return start


def _date(value: str, column: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    field = forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    try:
        return field.clean(value)
    except forms.ValidationError:
        raise RowError([(column, f"{value!r} is not a date: write it as 2026-09-01 or 01/09/2026.")]) from None


def standards_in_force(partner: Partner, today: date) -> bool:
    """Every required minimum standard verified and in date."""
    required = set(EvidenceType.objects.filter(required=True, is_active=True).values_list("pk", flat=True))
    held = set(
        partner.evidence.filter(status=EvidenceItem.Status.VERIFIED, evidence_type__in=required)
        .exclude(expires_on__lt=today)
        .values_list("evidence_type_id", flat=True)
    )
    return required <= held


class Agreements(Kind):
    def queryset(self):
        return Agreement.objects.all()

    def check(self, row, references):
        errors = []
        cleaned = {}
        for column, read in (
            ("partner_reference", lambda v: _partner(v, references)),
            ("academic_year", lambda v: academic_year(v, "academic_year")),
            ("issued_on", lambda v: _date(v, "issued_on")),
            ("signed_on", lambda v: _date(v, "signed_on")),
        ):
            try:
                cleaned[column] = read(row[column])
            except RowError as error:
                errors += error.errors
        states = {s.value: s for s in Agreement.Status}
        state = states.get(row["state"].strip().lower())
        if state is None:
            errors.append(("state", f"{row['state']!r} is not a state: one of {', '.join(states)}."))
        if errors:
            raise RowError(errors)
        partner = cleaned["partner_reference"]
        if state in SIGNED_STATES:
            if cleaned["signed_on"] is None:
                errors.append(("signed_on", f"A {state.label.lower()} agreement was signed: give the date."))
            if partner.status not in PAST_STANDARDS:
                errors.append(
                    (
                        "state",
                        f"{partner.name} is at {partner.get_status_display()}: an agreement can be "
                        f"{state.label.lower()} only for a partner past the standards review. Correct the "
                        "partner's stage or this agreement's state.",
                    )
                )
            elif state == Agreement.Status.LIVE and not standards_in_force(partner, timezone.localdate()):
                errors.append(
                    (
                        "state",
                        f"{partner.name} does not hold every minimum standard verified and in date, so its "
                        "agreement cannot be live. Import its evidence first.",
                    )
                )
        if errors:
            raise RowError(errors)
        return {
            "partner": partner.pk,
            "academic_year": cleaned["academic_year"],
            "status": state.value,
            "issued_on": cleaned["issued_on"],
            "signed_on": cleaned["signed_on"],
            "title": row["title"].strip()
            or f"Partnership agreement {cleaned['academic_year']}/{(cleaned['academic_year'] + 1) % 100:02d}",
        }

    def values(self, obj):
        return {
            "partner": obj.partner_id,
            "academic_year": obj.academic_year,
            "status": obj.status,
            "issued_on": timezone.localdate(obj.issued_at) if obj.issued_at else None,
            "signed_on": timezone.localdate(obj.live_at) if obj.live_at else None,
            "title": obj.title,
        }

    def save(self, cleaned, obj, actor):
        partner = Partner.objects.get(pk=cleaned["partner"])
        if obj is None:
            obj = Agreement(partner=partner, kind=Agreement.Kind.PARTNERSHIP, created_by=actor)
            template = AgreementTemplate.objects.filter(partner_type=partner.partner_type).first()
            if template is not None:
                obj.template = template
                for f in ("basis", "hub_expectations", "partner_expectations", "monitoring", "conditions"):
                    setattr(obj, f, getattr(template, f))
        obj.partner = partner
        obj.academic_year = cleaned["academic_year"]
        obj.status = cleaned["status"]
        obj.title = cleaned["title"]
        obj.issued_at = _moment(cleaned["issued_on"])
        obj.live_at = _moment(cleaned["signed_on"])
        obj.save()
        return obj


def _moment(day: date | None):
    if day is None:
        return None
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12))


# Evidence ------------------------------------------------------------------


class Evidence(Kind):
    def queryset(self):
        return EvidenceItem.objects.all()

    def check(self, row, references):
        errors = []
        cleaned = {}
        for column, read in (
            ("partner_reference", lambda v: _partner(v, references)),
            ("evidence_type", lambda v: _by_name(EvidenceType, v, "evidence_type", references)),
            ("verified_on", lambda v: _date(v, "verified_on")),
            ("expires_on", lambda v: _date(v, "expires_on")),
        ):
            try:
                cleaned[column] = read(row[column])
            except RowError as error:
                errors += error.errors
        if not errors and cleaned["verified_on"] is None:
            errors.append(("verified_on", "Give the date the Hub verified it."))
        if not errors and cleaned["expires_on"] and cleaned["expires_on"] < cleaned["verified_on"]:
            errors.append(("expires_on", "The expiry date is before the date it was verified."))
        if errors:
            raise RowError(errors)
        return {
            "partner": cleaned["partner_reference"].pk,
            "evidence_type": cleaned["evidence_type"].pk,
            "verified_on": cleaned["verified_on"],
            "expires_on": cleaned["expires_on"],
        }

    def values(self, obj):
        return {
            "partner": obj.partner_id,
            "evidence_type": obj.evidence_type_id,
            "verified_on": timezone.localdate(obj.reviewed_at) if obj.reviewed_at else None,
            "expires_on": obj.expires_on,
        }

    def save(self, cleaned, obj, actor):
        obj = obj or EvidenceItem(partner_id=cleaned["partner"], evidence_type_id=cleaned["evidence_type"])
        obj.partner_id = cleaned["partner"]
        obj.evidence_type_id = cleaned["evidence_type"]
        today = timezone.localdate()
        expired = cleaned["expires_on"] is not None and cleaned["expires_on"] < today
        obj.status = EvidenceItem.Status.EXPIRED if expired else EvidenceItem.Status.VERIFIED
        obj.issued_on = cleaned["verified_on"]
        obj.expires_on = cleaned["expires_on"]
        obj.reviewed_by = actor
        obj.reviewed_at = _moment(cleaned["verified_on"])
        obj.save()
        return obj


# Income --------------------------------------------------------------------


class Income(Kind):
    def queryset(self):
        return IncomeRecord.objects.all()

    def check(self, row, references):
        errors = []
        cleaned = {}
        for column, read in (
            ("partner_reference", lambda v: _partner(v, references)),
            ("academic_year", lambda v: academic_year(v, "academic_year")),
        ):
            try:
                cleaned[column] = read(row[column])
            except RowError as error:
                errors += error.errors
        sources = {s.value: s for s in IncomeRecord.Source}
        if row["source"].strip().lower() not in sources:
            errors.append(("source", f"{row['source']!r} is not a source: one of {', '.join(sources)}."))
        amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
        try:
            cleaned["amount"] = amount.clean(row["amount"].replace("£", "").replace(",", ""))
        except forms.ValidationError as error:
            errors.append(("amount", " ".join(error.messages)))
        if errors:
            raise RowError(errors)
        return {
            "partner": cleaned["partner_reference"].pk,
            "academic_year": cleaned["academic_year"],
            "source": row["source"].strip().lower(),
            "description": row["description"].strip()[:200],
            "amount": cleaned["amount"],
        }

    def values(self, obj):
        return {f: getattr(obj, f) for f in ("academic_year", "source", "description", "amount")} | {
            "partner": obj.partner_id
        }

    def save(self, cleaned, obj, actor):
        obj = obj or IncomeRecord(recorded_by=actor)
        obj.partner_id = cleaned["partner"]
        for f in ("academic_year", "source", "description", "amount"):
            setattr(obj, f, cleaned[f])
        obj.save()
        return obj


KINDS = {
    k.key: k
    for k in [
        Partners(
            "partners",
            "Partners, with their main contact, districts and type",
            [
                "reference",
                "name",
                "legal_name",
                "partner_type",
                "stage",
                "districts",
                "charity_number",
                "company_number",
                "town",
                "postcode",
                "website",
                "contact_name",
                "contact_role",
                "contact_email",
                "contact_phone",
            ],
            [
                [
                    "P-001",
                    "Northgate Strings",
                    "Northgate Strings CIC",
                    "Charity or CIC",
                    "active",
                    "",
                    "",
                    "12345678",
                    "Northgate",
                    "NG1 1AA",
                    "https://northgate.example",
                    "Sam Lee",
                    "Director",
                    "sam@northgate.example",
                    "0100 000 0001",
                ],
                [
                    "P-002",
                    "Riverside Rock School",
                    "",
                    "Industry or commercial",
                    "enquiry",
                    "",
                    "",
                    "",
                    "Riverside",
                    "",
                    "",
                    "Ali Khan",
                    "Owner",
                    "ali@riverside.example",
                    "",
                ],
            ],
            {"districts": "Names separated by semicolons.", "stage": "e.g. enquiry, standards_review, active."},
        ),
        Agreements(
            "agreements",
            "Partnership agreements: academic year, state and signed dates",
            ["reference", "partner_reference", "academic_year", "state", "title", "issued_on", "signed_on"],
            [
                ["A-2026-001", "P-001", "2026/27", "live", "", "2026-07-01", "2026-07-15"],
                ["A-2026-002", "P-002", "2026/27", "draft", "", "", ""],
            ],
        ),
        Evidence(
            "evidence",
            "Evidence register: type, date verified, expiry",
            ["reference", "partner_reference", "evidence_type", "verified_on", "expires_on"],
            [
                ["E-001", "P-001", "Safeguarding policy", "2026-06-01", "2029-06-01"],
                ["E-002", "P-001", "Public liability insurance", "2026-06-01", "2027-06-01"],
            ],
        ),
        Income(
            "income",
            "Partner income: year, source, amount",
            ["reference", "partner_reference", "academic_year", "source", "description", "amount"],
            [
                ["I-001", "P-001", "2026/27", "grants", "Arts Council project grant", "4500.00"],
                ["I-002", "P-001", "2026/27", "trading", "Summer school fees", "1200.00"],
            ],
        ),
    ]
}
