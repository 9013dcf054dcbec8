"""The exact text both parties sign, and the check that it has not changed.

`canonical_text` renders an agreement's signed content (its sections, the
outcomes and, for a project, the money and the payment schedule) to one plain
text in a fixed layout, so the same content always gives the same SHA-256.
Each issued version keeps that text in an `AgreementVersion`; each signature
keeps the hash of the text it signed. `verify` recomputes both, so a row
changed behind the application's back (an outcome's target, an instalment's
amount, a stored version's text) shows as a mismatch on the agreement's page.
"""

import difflib
import hashlib
from dataclasses import dataclass, field

from agreements.models import Agreement, AgreementVersion, Signature
from hubportal.core.money import to_money

LAYOUT = "Hub Portal agreement text, layout 1"


def _clean(value: str) -> str:
    lines = str(value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _money(value) -> str:
    return "not set" if value is None else f"£{to_money(value):,.2f}"


def _date(value) -> str:
    return value.isoformat() if value else "not set"


def canonical_text(agreement: Agreement, *, outcomes=None, instalments=None) -> str:
    """The signed content as text. Pass outcomes/instalments already fetched to
    save the queries; otherwise they are read in their stored order."""
    outcomes = list(agreement.outcomes.all() if outcomes is None else outcomes)
    outcomes.sort(key=lambda o: (o.order, o.pk or 0))
    lines = [
        LAYOUT,
        f"Kind: {agreement.get_kind_display()}",
        f"Title: {_clean(agreement.title)}",
        f"Partner: {_clean(agreement.partner.legal_name or agreement.partner.name)}",
        f"Academic year: {agreement.year.label}",
        f"Version: {agreement.version}",
        "",
        "## Basis of the partnership",
        _clean(agreement.basis),
        "",
        "## Agreed outcomes",
    ]
    for number, outcome in enumerate(outcomes, start=1):
        lines += [
            f"{number}. {_clean(outcome.description)}",
            f"   Measure: {_clean(outcome.measure)}",
            f"   Target: {_clean(outcome.target)}",
        ]
    if not outcomes:
        lines.append("None agreed.")
    lines += [
        "",
        "## What the Hub will do",
        _clean(agreement.hub_expectations),
        "",
        "## What the partner will do",
        _clean(agreement.partner_expectations),
        "",
        "## Quality and performance monitoring",
        _clean(agreement.monitoring),
        f"Termly surveys: {'required' if agreement.requires_termly_surveys else 'not required'}",
        f"Review meetings a year: {agreement.review_meetings_per_year}",
        f"Project evaluation data and case studies: {'required' if agreement.requires_evaluation else 'not required'}",
        "",
        "## Conditions",
        _clean(agreement.conditions),
    ]
    if agreement.is_project:
        instalments = list(agreement.instalments.all() if instalments is None else instalments)
        instalments.sort(key=lambda i: (i.due_on, i.pk or 0))
        lines += [
            "",
            "## The project",
            f"Starts: {_date(agreement.starts_on)}",
            f"Ends: {_date(agreement.ends_on)}",
            f"The Hub's financial contribution: {_money(agreement.hub_contribution)}",
            f"Match funding the partner commits: {_money(agreement.match_funding_commitment)}",
            f"Project evaluation and case studies due: {_date(agreement.evaluation_due_on)}",
            "",
            "## Payment schedule",
        ]
        for number, instalment in enumerate(instalments, start=1):
            lines.append(
                f"{number}. {_date(instalment.due_on)} {_money(instalment.amount)}: {_clean(instalment.milestone)}"
            )
        if not instalments:
            lines.append("None set.")
    return "\n".join(lines) + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SignatureCheck:
    signature: Signature
    matches_version: bool  # the hash it signed is the stored version's hash
    version_found: bool

    @property
    def ok(self) -> bool:
        return self.version_found and self.matches_version


@dataclass
class Verification:
    """The result of checking the stored text against the hashes, for the page."""

    current_sha256: str
    version: AgreementVersion | None
    version_intact: bool  # the stored text still hashes to the stored hash
    current_matches_version: bool  # the live rows still render to the stored text
    signatures: list[SignatureCheck] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.version is not None
            and self.version_intact
            and self.current_matches_version
            and all(s.ok for s in self.signatures)
        )

    @property
    def problems(self) -> list[str]:
        found = []
        if self.version is None:
            return ["No text has been stored for this version yet: it is stored when the agreement is issued."]
        if not self.version_intact:
            found.append(
                f"The stored text of version {self.version.version} no longer matches the hash recorded when it was "
                "stored: it has been changed outside the portal."
            )
        if not self.current_matches_version:
            found.append(
                f"The agreement's content (sections, outcomes or payments) differs from the text stored for version "
                f"{self.version.version}: it has been changed outside the portal."
            )
        for check in self.signatures:
            if not check.ok:
                found.append(
                    f"The {check.signature.get_party_display().lower()}'s signature ({check.signature.typed_name}) "
                    "was made over a different text from the one stored."
                )
        return found


def verify(agreement: Agreement) -> Verification:
    """Check the current version's stored text, its hash, the content rows and
    every current signature against each other."""
    current_text = canonical_text(agreement)
    current_hash = sha256(current_text)
    versions = {v.version: v for v in agreement.versions.all()}
    version = versions.get(agreement.version)
    signatures = [s for s in agreement.signatures.all() if s.voided_at is None]
    if version is None:
        return Verification(current_hash, None, False, False)
    intact = sha256(version.text) == version.text_sha256
    matches = version.text_sha256 == current_hash and version.text == current_text
    differences = []
    if not matches:
        differences = [
            line
            for line in difflib.unified_diff(
                version.text.splitlines(), current_text.splitlines(), "stored", "current", lineterm="", n=0
            )
            if not line.startswith("@@")
        ][2:]
    checks = []
    for signature in signatures:
        signed = versions.get(signature.version)
        checks.append(
            SignatureCheck(
                signature=signature,
                version_found=signed is not None,
                matches_version=signed is not None
                and signature.text_sha256 == signed.text_sha256
                and sha256(signed.text) == signature.text_sha256,
            )
        )
    return Verification(current_hash, version, intact, matches, checks, differences)
