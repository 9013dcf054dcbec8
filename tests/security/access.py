"""Who may open each URL: the table the URL sweep checks every pattern against.

Every named URL pattern in the project must have a row in the table, and every
argument it takes must be filled from the sample records (partner A's), or
tests/security/test_url_sweep.py fails. So a new view cannot escape the sweep.

The rows for the foundation's pages are here; each app keeps its own in
``tests/<app>/access.py``: a ``RULES`` dict and a ``sample(cast, sample)``
function that adds partner A's records of that app to the sample (apps run in
APPS order, so one can use the records an earlier one made).
"""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

ROLES = ["anonymous", "partner_b", "partner_a", "staff", "manager", "assessor", "chair", "admin"]
SIGNED_IN = ROLES[1:]
HUB_TEAM = {"staff", "manager", "assessor", "admin"}
HUB_STAFF = {"staff", "manager", "admin"}

LOGIN = "login"  # anonymous is sent to the login page
ADMIN_LOGIN = "admin_login"  # sent to the Django admin's login page


@dataclass(frozen=True)
class Rule:
    """allowed: the roles for whom the page works. scoped: the URL names one of
    partner A's records, so partner B gets 404 (as for a missing record), not
    403. owner_only: the record is one person's (partner A's user): anyone else
    signed in gets 404."""

    allowed: frozenset
    args: object = None  # function(sample) -> kwargs for reverse()
    methods: tuple = ("GET",)
    ok: frozenset = frozenset({200})
    ok_post: frozenset = frozenset({200, 302})
    scoped: bool = False
    owner_only: bool = False
    anonymous: str = LOGIN
    refused: int = 403
    extra: dict = field(default_factory=dict)

    def expected(self, role: str, method: str) -> set | str:
        ok = set(self.ok_post if method == "POST" else self.ok)
        if role == "anonymous":
            return ok if "anonymous" in self.allowed else self.anonymous
        if self.owner_only:
            return ok if role == "partner_a" else {404}
        if role in self.allowed:
            return ok
        if self.scoped and role == "partner_b" and "partner_a" in self.allowed:
            return {404}
        return {self.refused} if isinstance(self.refused, int) else self.refused


def rule(allowed, **kwargs) -> Rule:
    return Rule(allowed=frozenset(allowed), **kwargs)


PUBLIC = set(ROLES)

RULES: dict[str, Rule] = {
    # Public pages and sign-in.
    "landing": rule(PUBLIC),
    "hub_theme": rule(PUBLIC),
    "hub_logo": rule(PUBLIC, ok=frozenset({200, 302})),
    # Import records (issue 22): the Service Manager and admins only.
    "records_import:home": rule({"manager", "admin"}, methods=("GET", "POST")),
    "records_import:template": rule({"manager", "admin"}, args=lambda s: {"kind": "partners", "fmt": "xlsx"}),
    "records_import:preview": rule({"manager", "admin"}, args=lambda s: {"pk": _import_run(s).pk}),
    "records_import:confirm": rule(
        {"manager", "admin"}, args=lambda s: {"pk": _import_run(s).pk}, methods=("POST",), ok_post=frozenset({302})
    ),
    # An imported agreement's legacy signed PDF: staff attach it (an empty POST
    # redisplays the form); staff and partner A's own users download it.
    "records_import:legacy_pdf_attach": rule(
        HUB_STAFF, args=lambda s: {"pk": _legacy_copy(s).agreement_id}, methods=("GET", "POST")
    ),
    "records_import:legacy_pdf_download": rule(
        HUB_STAFF | {"partner_a"}, args=lambda s: {"pk": _legacy_copy(s).agreement_id}, scoped=True
    ),
    "records_import:legacy_evidence_attach": rule(
        HUB_STAFF, args=lambda s: {"pk": _legacy_evidence(s).pk}, methods=("GET", "POST")
    ),
    "healthz": rule(PUBLIC),
    "livez": rule(PUBLIC),
    "login": rule(PUBLIC, methods=("GET", "POST")),
    "logout": rule(PUBLIC, methods=("POST",), ok_post=frozenset({302})),
    "password_reset": rule(PUBLIC, methods=("GET", "POST")),
    "password_reset_done": rule(PUBLIC),
    # The emailed link, GET or POST, moves its token into the session and redirects
    # (302) to the set-password form; once partner A has signed in (last_login is
    # part of the token) the link is spent and shows "unsuccessful" (200).
    "password_reset_confirm": rule(
        PUBLIC, args=lambda s: s["reset_link"], methods=("GET", "POST"), ok=frozenset({200, 302})
    ),
    "password_reset_complete": rule(PUBLIC),
    # Any signed-in user.
    "home": rule(SIGNED_IN, ok=frozenset({302})),
    "notifications": rule(SIGNED_IN),
    "notification_read_all": rule(SIGNED_IN, methods=("POST",)),
    "notification_open": rule(
        {"partner_a"}, args=lambda s: {"pk": s["notification"].pk}, methods=("POST",), owner_only=True
    ),
    "notification_preferences": rule(SIGNED_IN, methods=("GET", "POST")),
    "password_change": rule(SIGNED_IN, methods=("GET", "POST")),
    "password_change_done": rule(SIGNED_IN),
    "two_factor": rule(SIGNED_IN, methods=("GET", "POST"), ok=frozenset({302}), ok_post=frozenset({302})),
    "two_factor_setup": rule(SIGNED_IN, methods=("GET", "POST")),
    "two_factor_recovery": rule(SIGNED_IN, methods=("GET", "POST")),
    "recovery_codes": rule(SIGNED_IN, methods=("GET", "POST")),
    # An admin or the Service Manager resets someone's second factor (partner A's user here).
    "two_factor_reset": rule(
        {"manager", "admin"}, args=lambda s: {"pk": s["notification"].recipient.pk}, methods=("GET", "POST")
    ),
    # Area homes.
    "staff_home": rule(HUB_TEAM),
    "portal_home": rule({"partner_a", "partner_b"}),
    "chair_home": rule({"chair"}),
    # Messages.
    "reminder_log": rule(HUB_STAFF),
    "wording_list": rule(HUB_STAFF),
    "wording_edit": rule(HUB_STAFF, args=lambda s: {"kind": "welcome"}, methods=("GET", "POST")),
    # Dashboards and reports (issue 9). The board report is for staff and the Chair.
    "partner_health": rule(HUB_STAFF),
    "impact": rule(HUB_STAFF),
    "leverage": rule(HUB_STAFF | {"chair"}),
    # An empty POST is a form with an error (400), never a server error.
    "board_reports": rule(HUB_STAFF | {"chair"}, methods=("GET", "POST"), ok_post=frozenset({400})),
    "board_report": rule(HUB_STAFF | {"chair"}, args=lambda s: {"pk": _board_report(s).pk}),
    "board_report_status": rule(HUB_STAFF | {"chair"}, args=lambda s: {"pk": _board_report(s).pk}),
    "board_report_preview": rule(HUB_STAFF | {"chair"}, args=lambda s: {"pk": _board_report(s).pk}),
    "board_report_pdf": rule(HUB_STAFF | {"chair"}, args=lambda s: {"pk": _board_report(s).pk}),
    "board_report_xlsx": rule(HUB_STAFF | {"chair"}, args=lambda s: {"pk": _board_report(s).pk}),
}


def _import_run(sample):
    """An uploaded file with a header and no rows: previewed, never importable."""
    if "import_run" not in sample:
        from django.core.files.base import ContentFile

        from hubportal.records_import.kinds import KINDS
        from hubportal.records_import.models import ImportRun

        run = ImportRun(kind="partners", original_filename="partners.csv", uploaded_by=sample["notification"].recipient)
        run.file.save("partners.csv", ContentFile(",".join(KINDS["partners"].columns).encode()), save=False)
        run.save()
        sample["import_run"] = run
    return sample["import_run"]


def _legacy_copy(sample):
    """Partner A's agreement for 2010/11, imported as expired, with its signed copy."""
    if "legacy_copy" not in sample:
        from django.contrib.contenttypes.models import ContentType
        from django.core.files.base import ContentFile

        from agreements.models import Agreement
        from hubportal.records_import.models import ImportedRecord, LegacySignedCopy
        from tests.files import PDF

        user = sample["notification"].recipient
        agreement = Agreement.objects.create(
            partner_id=user.partner_id, academic_year=2010, title="Imported 2010/11", status=Agreement.Status.EXPIRED
        )
        ImportedRecord.objects.create(
            kind="agreements",
            reference="A-2010-ACCESS",
            content_type=ContentType.objects.get_for_model(Agreement),
            object_id=agreement.pk,
        )
        copy = LegacySignedCopy(agreement=agreement, original_filename="signed-2010.pdf", uploaded_by=user)
        copy.file.save("signed-2010.pdf", ContentFile(PDF), save=False)
        copy.save()
        sample["legacy_copy"] = copy
    return sample["legacy_copy"]


def _legacy_evidence(sample):
    """An evidence item of partner A imported as verified, with no file yet."""
    if "legacy_evidence" not in sample:
        from django.contrib.contenttypes.models import ContentType

        from hubportal.records_import.models import ImportedRecord
        from partners.models import EvidenceItem, EvidenceType

        user = sample["notification"].recipient
        evidence_type = EvidenceType.objects.create(name="Access sweep imported evidence", required=False)
        item = EvidenceItem.objects.create(
            partner_id=user.partner_id, evidence_type=evidence_type, status=EvidenceItem.Status.VERIFIED
        )
        ImportedRecord.objects.create(
            kind="evidence",
            reference="E-ACCESS",
            content_type=ContentType.objects.get_for_model(EvidenceItem),
            object_id=item.pk,
        )
        sample["legacy_evidence"] = item
    return sample["legacy_evidence"]


def _board_report(sample):
    """A finished board report with both files (made once per sample)."""
    if "board_report" not in sample:
        from django.core.files.base import ContentFile

        from hubportal.core.academic_years import current_academic_year
        from hubportal.models import BoardReport, Term

        term = Term.for_year(current_academic_year())[0]
        report = BoardReport(
            term=term, requested_by=sample["notification"].recipient, status=BoardReport.Status.DONE, progress=100
        )
        report.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 sample"), save=False)
        report.xlsx.save("report.xlsx", ContentFile(b"PK sample"), save=False)
        report.save()
        sample["board_report"] = report
    return sample["board_report"]


APPS = ["partners", "agreements", "eoi", "surveys", "complaints", "privacy"]


def app_modules():
    return [import_module(f"tests.{app}.access") for app in APPS if find_spec(f"tests.{app}.access")]


def all_rules() -> dict[str, Rule]:
    rules = dict(RULES)
    for module in app_modules():
        clash = rules.keys() & module.RULES.keys()
        assert not clash, f"{module.__name__} repeats rules for {sorted(clash)}"
        rules.update(module.RULES)
    return rules
