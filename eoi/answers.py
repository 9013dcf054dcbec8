"""What the check-your-answers page lists for an EOI: every answer of the
saved draft, section by section, each with the anchor of its field on the form
(for its "Change" link) and the problem, if any, that stops it being submitted."""

from dataclasses import dataclass, field

from eoi.forms import EoiForm
from eoi.models import ExpressionOfInterest
from hubportal.core.match_funding import HUB_GRANT

SECTIONS = [
    ("The work", ["title", "what", "how", "who_benefits", "expected_reach", "timeline"]),
    (
        "Quality and the five partnership principles",
        ["quality_alignment", "inclusive", "collaborative", "high_quality", "evaluative", "legacy"],
    ),
    ("Safeguarding", ["safeguarding_confirmed"]),
]
# Anchors on the form for the parts that are not one field.
SECTION_ANCHORS = {"budget": "budget-section", "funding": "funding-section"}


@dataclass
class Answer:
    label: str
    value: object  # text, or a list of (label, amount) lines
    anchor: str
    kind: str = "text"  # text, yesno, lines, money
    problems: list[str] = field(default_factory=list)


@dataclass
class Section:
    title: str
    answers: list[Answer]


def anchor_for(name: str | None) -> str:
    """The id on the EOI form that a problem's field has (its input, or its section)."""
    if name is None:
        return "eoi-form"
    return SECTION_ANCHORS.get(name, f"id_{name}")


def eoi_answers(eoi: ExpressionOfInterest, problems: list[tuple[str | None, str]] = ()) -> list[Section]:
    """The saved draft's answers in the order of the form; problems are (field, message) pairs."""
    by_field: dict[str | None, list[str]] = {}
    for name, message in problems:
        by_field.setdefault(name, []).append(message)
    labels = {name: f.label for name, f in EoiForm.base_fields.items()}
    sources = list(eoi.funding_sources.all())
    hub = next((s for s in sources if s.kind == HUB_GRANT), None)

    def answer(name, **kwargs) -> Answer:
        kind = "yesno" if name == "safeguarding_confirmed" else kwargs.pop("kind", "text")
        value = kwargs.pop("value", getattr(eoi, name, None))
        return Answer(labels.get(name, name), value, anchor_for(name), kind, by_field.get(name, []), **kwargs)

    work, quality, safeguarding = ([answer(name) for name in names] for _, names in SECTIONS)
    money = [
        Answer(
            "Budget lines",
            [(line.item, line.amount) for line in eoi.budget_lines.all()],
            anchor_for("budget"),
            "lines",
            by_field.get("budget", []),
        ),
        answer("hub_grant_requested", kind="money", value=hub.amount if hub else None),
        Answer(
            "Other funding sources",
            [
                (
                    f"{s.get_kind_display()}{': ' + s.description if s.description else ''}"
                    f" ({'confirmed' if s.confirmed else 'pending'})",
                    s.amount,
                )
                for s in sources
                if s.kind != HUB_GRANT
            ],
            anchor_for("funding"),
            "lines",
            by_field.get("funding", []),
        ),
    ]
    return [
        Section(SECTIONS[0][0], work),
        Section("Budget and funding", money),
        Section(SECTIONS[1][0], quality),
        Section(SECTIONS[2][0], safeguarding),
    ]
