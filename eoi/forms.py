"""Input validation for commissioning. Rules that depend on state (the
match-funding rule at submission, who may act) live in the services."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory

from eoi.models import CALL_TERMS, Call, ExpressionOfInterest, FundingSource, Gap, NeedsAnalysis
from eoi.selectors import assessors
from hubportal.core import text_limits
from hubportal.core.academic_years import academic_year_choices
from hubportal.core.match_funding import HUB_GRANT, MatchCheck, check_match_funding
from hubportal.core.uploads import SecureFileField
from partners.models import PartnerType

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class MoneyInput(forms.TextInput):
    """Pounds and pence typed as text (no spinner that nudges by a pound), with
    the numeric keyboard on phones."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


def money_field(label: str, *, required: bool = False, help_text: str = "", **attrs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.00"),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        widget=MoneyInput(attrs),
        error_messages={
            "invalid": "Enter an amount in pounds and pence, like 1250.00.",
            "max_decimal_places": "Enter whole pence: at most two digits after the point.",
            "min_value": "Enter an amount of £0.00 or more.",
        },
    )


# --- Needs analysis, gaps, calls (staff) -------------------------------------


class NeedsAnalysisForm(forms.ModelForm):
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int, choices=())

    class Meta:
        model = NeedsAnalysis
        fields = ["academic_year", "title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = academic_year_choices(back=3, ahead=1)
        if self.instance.pk:
            self.fields["academic_year"].disabled = True

    def clean_academic_year(self):
        year = self.cleaned_data["academic_year"]
        if not self.instance.pk and NeedsAnalysis.objects.filter(academic_year=year).exists():
            raise forms.ValidationError(
                "There is already a needs analysis for that academic year: open it and add gaps there."
            )
        return year


class GapForm(forms.ModelForm):
    class Meta:
        model = Gap
        fields = [
            "title",
            "description",
            "target_groups",
            "genre_or_instrument",
            "districts",
            "strand",
            "evidence",
            "priority",
            "indicative_budget",
        ]
        labels = {"strand": "National Plan strand", "districts": "Where (districts)"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.CheckboxSelectMultiple,
            "districts": forms.CheckboxSelectMultiple,
            "indicative_budget": MoneyInput,
        }
        help_texts = {
            "genre_or_instrument": "A genre or instrument the gap is about, if any (e.g. brass, South Asian music).",
            "evidence": "What shows the gap: data, consultation, waiting lists.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = self.fields["target_groups"].queryset.filter(is_active=True)
        self.fields["districts"].queryset = self.fields["districts"].queryset.filter(is_active=True)
        self.fields["strand"].queryset = self.fields["strand"].queryset.filter(is_active=True)


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "title",
            "brief",
            "gaps",
            "eligible_types",
            "opens_at",
            "closes_at",
            "max_hub_grant",
            "match_threshold_percent",
            "in_kind_counts",
            "min_assessor_scores",
        ]
        labels = {
            "gaps": "Gaps in provision this call answers",
            "eligible_types": "Partner types invited",
            "opens_at": "Opens",
            "closes_at": "Closes",
        }
        help_texts = {
            "eligible_types": "Leave all unticked to invite every active partner.",
            "closes_at": "Submissions are refused from this moment; the call closes itself.",
        }
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 5}),
            "gaps": forms.CheckboxSelectMultiple,
            "eligible_types": forms.CheckboxSelectMultiple,
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "max_hub_grant": MoneyInput,
            "match_threshold_percent": forms.NumberInput(attrs={"step": "0.01", "min": "50", "max": "100"}),
            "min_assessor_scores": forms.NumberInput(attrs={"min": "1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["gaps"].queryset = Gap.objects.select_related("needs_analysis").order_by(
            "-needs_analysis__academic_year", "title"
        )
        self.fields["gaps"].label_from_instance = lambda g: f"{g.title} ({g.needs_analysis.year.label})"
        self.fields["eligible_types"].queryset = PartnerType.objects.filter(is_active=True)
        self.fields["max_hub_grant"].min_value = Decimal("0.01")
        if self.instance.pk and self.instance.status != Call.Status.DRAFT:
            # Partners answer on these terms: frozen once the call opens.
            for name in CALL_TERMS:
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The close time must be after the open time.")
        return data


class CriterionForm(forms.Form):
    name = forms.CharField(label="Criterion", max_length=200)
    description = forms.CharField(label="What assessors look for", required=False, widget=forms.Textarea({"rows": 2}))
    weight = forms.IntegerField(label="Weight", min_value=1, max_value=10, initial=1)


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise forms.ValidationError("Add at least one assessment criterion.")

    def criteria(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE", False)]


CriterionFormSet = formset_factory(CriterionForm, formset=BaseCriterionFormSet, extra=2, can_delete=True)


# --- The expression of interest (partner) ------------------------------------


class EoiForm(forms.ModelForm):
    """The words of an EOI and the Hub Grant requested. Nothing but the title
    is needed to save a draft; submitting checks the rest."""

    hub_grant_requested = money_field(
        "Hub Grant requested (£)",
        help_text="The amount you ask the Hub for. The rest must come from the other sources below.",
        **{"data-hub-grant": ""},
    )

    class Meta:
        model = ExpressionOfInterest
        fields = [
            "title",
            "what",
            "how",
            "who_benefits",
            "expected_reach",
            "timeline",
            "quality_alignment",
            "inclusive",
            "collaborative",
            "high_quality",
            "evaluative",
            "legacy",
            "safeguarding_confirmed",
        ]
        labels = {
            "what": "What you will deliver",
            "how": "How you will deliver it",
            "who_benefits": "Who benefits",
            "expected_reach": "Children and young people you expect to reach",
            "quality_alignment": "How the work aligns with the Hub's quality and performance frameworks and policies",
            "inclusive": "Inclusive: how the work removes barriers so every young person who wants to can take part",
            "collaborative": "Collaborative: how it is co-created, with young people's voices in it",
            "high_quality": "High quality: how it meets the Arts Council England Quality Principles",
            "evaluative": "Evaluative: how you will monitor and evaluate it",
            "legacy": "Legacy: what lasts after the project ends",
            "safeguarding_confirmed": (
                "I confirm our safeguarding policy, DBS checks and training cover everyone working on this project"
            ),
        }
        help_texts = {"safeguarding_confirmed": "You confirm your safeguarding policy and checks cover this work."}
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "what",
                "how",
                "who_benefits",
                "timeline",
                "quality_alignment",
                "inclusive",
                "collaborative",
                "high_quality",
                "evaluative",
                "legacy",
            )
        }


class BudgetLineForm(forms.Form):
    item = forms.CharField(label="Item", max_length=200, required=False)
    amount = money_field("Amount (£)", **{"data-budget-amount": ""})

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("item") and self.cleaned_data.get("amount") is None


OTHER_KINDS = [(k, label) for k, label in FundingSource.Kind.choices if k != HUB_GRANT]


class FundingSourceForm(forms.Form):
    kind = forms.ChoiceField(label="Source", choices=OTHER_KINDS, widget=forms.Select({"data-funding-kind": ""}))
    description = forms.CharField(label="From whom, or what", max_length=200, required=False)
    amount = money_field("Amount (£)", **{"data-funding-amount": ""})
    confirmed = forms.BooleanField(label="Confirmed", required=False)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("description") and self.cleaned_data.get("amount") is None


class LinesFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        """The rows typed, skipping the blank ones and the ones marked for removal."""
        return [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.is_blank()
        ]


BudgetLineFormSet = formset_factory(BudgetLineForm, formset=LinesFormSet, extra=1, can_delete=True)
FundingSourceFormSet = formset_factory(FundingSourceForm, formset=LinesFormSet, extra=1, can_delete=True)


def typed_match(form: EoiForm, budget: LinesFormSet, funding: LinesFormSet, call: Call) -> MatchCheck | None:
    """The match-funding rule applied to what is typed (shown beside the form);
    None while some figure is not yet a valid amount."""
    if not (form.is_valid() and budget.is_valid() and funding.is_valid()):
        return None
    return check_match_funding(
        budget=[line["amount"] for line in budget.lines()],
        sources=[(HUB_GRANT, form.cleaned_data.get("hub_grant_requested"))]
        + [(line["kind"], line["amount"]) for line in funding.lines()],
        threshold_percent=call.match_threshold_percent,
        in_kind_counts=call.in_kind_counts,
        max_hub_grant=call.max_hub_grant,
    )


class AttachmentForm(forms.Form):
    file = SecureFileField(label="Add an attachment (PDF, Word, Excel, PNG or JPEG, up to 10 MB)")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=text_limits.REASONS,
        label="Why are you withdrawing? (optional)",
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )


# --- Assessment and decision (staff and assessors) -----------------------------


class AssignForm(forms.Form):
    assessor = forms.ModelChoiceField(label="Assessor", queryset=None, empty_label="Choose an assessor")

    def __init__(self, *args, eoi: ExpressionOfInterest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors().exclude(assignments__eoi=eoi)
        self.fields["assessor"].label_from_instance = lambda u: u.get_full_name() or u.username


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this partner or this expression of interest?",
        choices=[("no", "No, I have no conflict of interest"), ("yes", "Yes, I have a conflict of interest")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        max_length=text_limits.NOTE,
        label="If yes, what is it?",
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text="For example: you work for, are related to, or advise the partner.",
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not (data.get("details") or "").strip():
            self.add_error("details", "Say what the conflict of interest is.")
        return data


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ScoreForm(forms.Form):
    """One score (1 to 5) and comment per criterion of the call."""

    def __init__(self, *args, criteria, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            current = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"Score for {criterion.name} (weight {criterion.weight})",
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=current.score if current else None,
                error_messages={"required": f"Score {criterion.name} from 1 to 5."},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                max_length=text_limits.NOTE,
                label=f"Comment on {criterion.name}",
                widget=forms.Textarea({"rows": 3}),
                initial=current.comment if current else "",
                error_messages={"required": f"Add a comment on {criterion.name} to explain the score."},
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int, str]]:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


class ModerationForm(forms.Form):
    score = forms.DecimalField(
        label="Moderated score (1.00 to 5.00)",
        min_value=Decimal("1"),
        max_value=Decimal("5"),
        decimal_places=2,
        max_digits=4,
        widget=forms.NumberInput({"step": "0.01"}),
    )
    note = forms.CharField(max_length=text_limits.NOTE, label="Moderation note", widget=forms.Textarea({"rows": 3}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[("successful", "Successful"), ("unsuccessful", "Unsuccessful")],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        max_length=text_limits.REASONS,
        label="Reasons for the decision (kept on the record)",
        widget=forms.Textarea({"rows": 3}),
    )
    feedback = forms.CharField(
        max_length=text_limits.REASONS,
        label="Feedback for the partner (sent to them by email and shown in the portal)",
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "unsuccessful" and not (data.get("feedback") or "").strip():
            self.add_error("feedback", "Write the feedback the partner will receive.")
        return data


class AwardForm(forms.Form):
    procurement_notes = forms.CharField(
        max_length=text_limits.ANSWER,
        label="How the procurement route was followed",
        widget=forms.Textarea({"rows": 4}),
        help_text="The quotes obtained, where it was advertised, or the tender reference.",
    )
