"""Input validation only: the rules live in the services."""

from django import forms
from django.forms import inlineformset_factory

from agreements.models import (
    Agreement,
    AgreementTemplate,
    AnnualReview,
    Outcome,
    OutcomeReview,
    PaymentInstalment,
    Reason,
    TerminationRecommendation,
)
from agreements.services import money_problems
from hubportal.core import text_limits
from hubportal.core.academic_years import academic_year_choices, current_academic_year
from hubportal.core.uploads import SecureFileField
from partners.models import Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_ROWS = 5


def _text_area(rows=TEXT_ROWS):
    return forms.Textarea(attrs={"rows": rows})


class AgreementCreateForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.exclude(status__in=[Partner.Stage.DECLINED, Partner.Stage.TERMINATED]).select_related(
            "partner_type"
        ),
        help_text="The text starts from the template for the partner's type.",
    )
    academic_year = forms.TypedChoiceField(coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = academic_year_choices(back=1, ahead=1)
        self.fields["academic_year"].initial = current_academic_year().start_year


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "basis",
            "hub_expectations",
            "partner_expectations",
            "monitoring",
            "conditions",
            "requires_termly_surveys",
            "requires_evaluation",
            "review_meetings_per_year",
        ]
        widgets = {name: _text_area(6) for name in fields[1:6]}
        labels = {
            "requires_termly_surveys": "The partner completes the termly survey",
            "requires_evaluation": "Project evaluation data and case studies are owed on completion",
        }


class ProjectAgreementForm(AgreementForm):
    class Meta(AgreementForm.Meta):
        fields = [
            *AgreementForm.Meta.fields,
            "starts_on",
            "ends_on",
            "hub_contribution",
            "match_funding_commitment",
            "evaluation_due_on",
        ]
        widgets = {**AgreementForm.Meta.widgets, "starts_on": DATE, "ends_on": DATE, "evaluation_due_on": DATE}
        labels = AgreementForm.Meta.labels
        help_texts = {"evaluation_due_on": "Leave empty: eight weeks after the project ends."}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The project must end on or after the day it starts.")
        contribution, match = cleaned.get("hub_contribution"), cleaned.get("match_funding_commitment")
        # The match-funding rule is the service's (one function); shown here beside the figures.
        for problem in money_problems(self.instance, hub_contribution=contribution, match_funding_commitment=match):
            self.add_error("hub_contribution", problem)
        return cleaned


OutcomeFormSet = inlineformset_factory(
    Agreement,
    Outcome,
    fields=["description", "measure", "target"],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    labels={"description": "Outcome"},
    extra=1,
    can_delete=True,
)

InstalmentFormSet = inlineformset_factory(
    Agreement,
    PaymentInstalment,
    fields=["milestone", "due_on", "amount"],
    widgets={"due_on": DATE},
    labels={"amount": "Amount (£)"},
    extra=1,
    can_delete=True,
)


def formset_rows(formset) -> list[dict]:
    """The rows a formset keeps, as the service takes them."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        row = {k: v for k, v in data.items() if k not in ("DELETE", "id", "agreement")}
        row["id"] = form.instance.pk
        rows.append(row)
    return rows


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=text_limits.REASONS,
        label="Why is it changing?",
        widget=_text_area(3),
        help_text="The partner sees this with the new version. Any signature is voided.",
    )


class ReviewExceptionForm(forms.Form):
    reason = forms.CharField(
        max_length=text_limits.REASONS,
        label="Why may it go forward without its annual review?",
        widget=_text_area(3),
        help_text="Kept in the agreement's history.",
    )


class SignForm(forms.Form):
    typed_name = forms.CharField(label="Your full name", max_length=200)
    role_title = forms.CharField(label="Your role", max_length=150, help_text="E.g. Director, Chair of Trustees.")
    confirm = forms.BooleanField(
        label="I have read this agreement and I sign it on behalf of my organisation.",
        error_messages={"required": "Tick the box to confirm that you have read the agreement and sign it."},
    )


class CountersignForm(SignForm):
    confirm = forms.BooleanField(
        label="I have checked the partner's signature and I sign this agreement for the Hub.",
        error_messages={"required": "Tick the box to confirm that you sign the agreement for the Hub."},
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="Paid on", widget=DATE)


class CompleteForm(forms.Form):
    note = forms.CharField(max_length=text_limits.NOTE, label="Note (optional)", required=False, widget=_text_area(3))
    confirm = forms.BooleanField(
        label="The project has ended and its evaluation is now owed.",
        error_messages={"required": "Tick the box to confirm that the project has ended."},
    )


REASON_CHOICES = Reason.choices


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(
        label="Recommendation", choices=TerminationRecommendation.Kind.choices, widget=forms.RadioSelect
    )
    reasons = forms.MultipleChoiceField(
        label="The policy's reasons", choices=REASON_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    other_reason = forms.CharField(
        max_length=text_limits.REASONS, label="The other reason", required=False, widget=_text_area(2)
    )
    evidence = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="Evidence",
        widget=_text_area(6),
        help_text="What happened, when, and what supports the recommendation.",
    )
    suspend_partner = forms.BooleanField(
        label="Suspend the partnership now, pending the Chair's decision (a safeguarding concern only)",
        required=False,
    )
    document_1 = SecureFileField(label="Evidence document", required=False)
    document_2 = SecureFileField(label="Another evidence document", required=False)
    document_3 = SecureFileField(label="A third evidence document", required=False)

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        if agreement.is_project:
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] == TerminationRecommendation.Kind.TERMINATE
            ]
            self.fields["kind"].initial = TerminationRecommendation.Kind.TERMINATE

    def clean(self):
        cleaned = super().clean()
        if Reason.OTHER in (cleaned.get("reasons") or []) and not (cleaned.get("other_reason") or "").strip():
            self.add_error("other_reason", "You chose “Other”: say what the other reason is.")
        if cleaned.get("suspend_partner") and Reason.SAFEGUARDING not in (cleaned.get("reasons") or []):
            self.add_error("suspend_partner", "Suspending at once is for a safeguarding concern: choose that reason.")
        return cleaned

    def documents(self):
        return [self.cleaned_data[f] for f in ("document_1", "document_2", "document_3") if self.cleaned_data.get(f)]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision", choices=TerminationRecommendation.Decision.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        max_length=text_limits.REASONS,
        label="Your reasons",
        widget=_text_area(6),
        help_text="Sent to the partner and to Hub staff with your decision.",
    )
    confirm = forms.BooleanField(
        label="I understand that my decision is final and cannot be changed once submitted.",
        error_messages={"required": "Tick the box to confirm that your decision is final."},
    )


class ReviewForm(forms.ModelForm):
    """The annual review, with a rating and commentary for each agreed outcome."""

    reasons = forms.MultipleChoiceField(
        label="The policy's reasons (if you recommend not renewing or terminating)",
        choices=REASON_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_reason = forms.CharField(
        max_length=text_limits.REASONS, label="The other reason", required=False, widget=_text_area(2)
    )
    evidence = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="Evidence for the Chair (if you recommend not renewing or terminating)",
        required=False,
        widget=_text_area(4),
    )

    class Meta:
        model = AnnualReview
        fields = [
            "held_on",
            "surveys_on_time",
            "complaints",
            "safeguarding",
            "branding",
            "summary",
            "recommendation",
            "conditions",
        ]
        widgets = {
            "held_on": DATE,
            "surveys_on_time": _text_area(3),
            "complaints": _text_area(3),
            "safeguarding": _text_area(3),
            "summary": _text_area(4),
            "conditions": _text_area(3),
        }
        labels = {
            "held_on": "Review meeting held on",
            "branding": "Branding guidelines (the Hub's and Arts Council England's)",
            "summary": "Overall performance",
            "conditions": "Conditions of renewal",
        }
        help_texts = {"conditions": "Only for “Renew with conditions”: they are added to next year's agreement."}

    def __init__(self, *args, outcomes, ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        self.outcomes = list(outcomes)
        ratings = ratings or {}
        for outcome in self.outcomes:
            current = ratings.get(outcome.pk)
            self.fields[f"rating_{outcome.pk}"] = forms.ChoiceField(
                label=f"Rating: {outcome.description}",
                choices=[("", "Not rated yet"), *OutcomeReview.Rating.choices],
                required=False,
                initial=current.rating if current else "",
                help_text=f"Measure: {outcome.measure}. Target: {outcome.target}.",
            )
            self.fields[f"commentary_{outcome.pk}"] = forms.CharField(
                max_length=text_limits.ANSWER,
                label=f"Commentary: {outcome.description}",
                required=False,
                widget=_text_area(2),
                initial=current.commentary if current else "",
            )

    def outcome_fields(self):
        return [(o, self[f"rating_{o.pk}"], self[f"commentary_{o.pk}"]) for o in self.outcomes]

    def ratings(self) -> dict:
        return {
            o.pk: (self.cleaned_data.get(f"rating_{o.pk}") or "", self.cleaned_data.get(f"commentary_{o.pk}") or "")
            for o in self.outcomes
        }

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def clean(self):
        cleaned = super().clean()
        ending = cleaned.get("recommendation") in (
            AnnualReview.Recommendation.NOT_RENEW,
            AnnualReview.Recommendation.TERMINATE,
        )
        if ending and self.data.get("action") == "complete":
            if not cleaned.get("reasons"):
                self.add_error("reasons", "Choose at least one of the policy's reasons for the Chair.")
            if not (cleaned.get("evidence") or "").strip():
                self.add_error("evidence", "Describe the evidence for the Chair.")
        if Reason.OTHER in (cleaned.get("reasons") or []) and not (cleaned.get("other_reason") or "").strip():
            self.add_error("other_reason", "You chose “Other”: say what the other reason is.")
        return cleaned


class TemplateForm(forms.ModelForm):
    class Meta:
        model = AgreementTemplate
        fields = [
            "name",
            "basis",
            "hub_expectations",
            "partner_expectations",
            "monitoring",
            "conditions",
            "requires_termly_surveys",
            "requires_evaluation",
            "review_meetings_per_year",
        ]
        widgets = {name: _text_area(8) for name in fields[1:6]}


class RollForwardForm(forms.Form):
    year = forms.TypedChoiceField(label="Roll forward the agreements of", coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = academic_year_choices(back=1, ahead=0)
        self.fields["year"].initial = current_academic_year().start_year
