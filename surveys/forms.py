"""Input validation for monitoring (the survey a partner fills is built in response_form.py)."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from hubportal.core import text_limits
from hubportal.core.academic_years import academic_year_choices, current_academic_year
from hubportal.core.uploads import SecureFileField
from hubportal.models import Term
from surveys.models import CaseStudy, Consent, IncomeRecord, ProjectEvaluation, Question, QuestionSet, SurveyRequest

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lines(text: str) -> list[str]:
    seen = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line and line not in seen:
            seen.append(line)
    return seen


class QuestionSetForm(forms.ModelForm):
    class Meta:
        model = QuestionSet
        fields = ["name", "term", "description"]
        help_texts = {"term": "The term a round would normally use this set for."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(forms.Form):
    """One question of any type. Choices and grid rows are typed one per line."""

    type = forms.ChoiceField(label="Type of answer", choices=Question.Type.choices)
    text = forms.CharField(label="Question", max_length=500)
    code = forms.SlugField(
        max_length=60,
        help_text="A short, stable name for reports (letters, numbers, underscores), e.g. reach_total. "
        "Reports add up reach_total, reach_by_activity and the reach_by_… breakdowns by these codes.",
    )
    section = forms.CharField(max_length=120, required=False, help_text="Questions with the same section sit together.")
    help_text = forms.CharField(
        max_length=text_limits.DESCRIPTION,
        label="Guidance for the partner",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required = forms.BooleanField(label="An answer is required to submit", required=False, initial=True)
    choices_text = forms.CharField(
        label="Options (for single and multiple choice)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One option per line.",
    )
    rows_text = forms.CharField(
        label="Rows (for a breakdown grid)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One category per line. Include “Not known”.",
    )
    total_question = forms.ModelChoiceField(
        label="The rows must add up to the answer to",
        queryset=Question.objects.none(),
        required=False,
        empty_label="Nothing (the rows need not add up)",
        help_text="For a breakdown grid: the whole-number question it breaks down.",
    )
    per_outcome = forms.BooleanField(label="Ask once for each of the partner's agreed outcomes", required=False)
    follow_up_of = forms.ModelChoiceField(
        label="Ask only after the question",
        queryset=Question.objects.none(),
        required=False,
        empty_label="Always ask it",
        help_text="Makes this a follow-up question.",
    )
    follow_up_when = forms.CharField(
        label="…when its answer is", max_length=200, required=False, help_text="One of that question's options."
    )

    def __init__(self, *args, question_set: QuestionSet, question: Question | None = None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "type": question.type,
                "text": question.text,
                "code": question.code,
                "section": question.section,
                "help_text": question.help_text,
                "required": question.required,
                "choices_text": "\n".join(question.choices),
                "rows_text": "\n".join(question.rows),
                "total_question": question.total_question_id,
                "per_outcome": question.per_outcome,
                "follow_up_of": question.follow_up_of_id,
                "follow_up_when": question.follow_up_when,
            }
        super().__init__(*args, **kwargs)
        self.question = question
        others = question_set.questions.exclude(pk=question.pk if question else None)
        self.fields["total_question"].queryset = others.filter(type=Question.Type.INTEGER)
        self.fields["follow_up_of"].queryset = others.filter(
            type__in=[Question.Type.SINGLE_CHOICE, Question.Type.MULTIPLE_CHOICE, Question.Type.RATING]
        )

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        Type = Question.Type
        data["choices"] = _lines(data.get("choices_text", ""))
        data["rows"] = _lines(data.get("rows_text", ""))
        if kind in (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE) and len(data["choices"]) < 2:
            self.add_error("choices_text", "Give at least two options, one per line.")
        if kind == Type.GRID and not data["rows"]:
            self.add_error("rows_text", "Give the grid's rows, one per line (include “Not known”).")
        total = data.get("total_question")
        if total is not None and kind != Type.GRID:
            self.add_error("total_question", "Only a breakdown grid adds up to another question. Choose “Nothing”.")
        if total is not None and total.per_outcome and not data.get("per_outcome"):
            self.add_error(
                "total_question", "That question is asked per outcome, so this grid must be asked per outcome too."
            )
        parent = data.get("follow_up_of")
        when = (data.get("follow_up_when") or "").strip()
        data["follow_up_when"] = when
        if parent is not None:
            options = parent.choices if parent.type != Type.RATING else [str(n) for n in range(1, 6)]
            if when not in options:
                self.add_error("follow_up_when", f"Enter one of the options of “{parent.text}”: {', '.join(options)}.")
        elif when:
            self.add_error("follow_up_when", "Choose the question this follows first, or leave this empty.")
        return data

    def to_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in [
                "type",
                "text",
                "code",
                "section",
                "help_text",
                "required",
                "choices",
                "rows",
                "total_question",
                "per_outcome",
                "follow_up_of",
                "follow_up_when",
            ]
        }


class RoundOpenForm(forms.Form):
    term = forms.ModelChoiceField(queryset=Term.objects.none(), help_text="Rounds already open are marked.")
    question_set = forms.ModelChoiceField(
        queryset=QuestionSet.objects.filter(retired_at__isnull=True),
        help_text="The round keeps this version, even if the set is edited later.",
    )
    deadline = forms.DateField(widget=DATE_WIDGET, help_text="The last day partners can submit.")

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(pk__in=[t.pk for t in terms]).select_related("survey_round")
        self.fields["term"].label_from_instance = lambda t: (
            f"{t} (round already open)" if hasattr(t, "survey_round") else str(t)
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError("The deadline is in the past. Choose a date from today onwards.")
        return deadline


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label="New deadline", widget=DATE_WIDGET)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        max_length=text_limits.NOTE,
        label="What the partner needs to change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The partner sees this comment beside their survey.",
    )
    resubmit_by = forms.DateField(label="Resubmit by", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resubmit_by"].initial = timezone.localdate() + timedelta(days=14)

    def clean_resubmit_by(self):
        day = self.cleaned_data["resubmit_by"]
        if day < timezone.localdate():
            raise ValidationError("The date is in the past. Choose a date from today onwards.")
        return day


class EvaluationReturnForm(forms.Form):
    comment = forms.CharField(
        max_length=text_limits.NOTE,
        label="What the partner needs to change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The partner sees this comment beside their evaluation.",
    )


class EvaluationForm(forms.ModelForm):
    """The evaluation, with what was achieved for each agreed outcome (all optional to save a draft)."""

    class Meta:
        model = ProjectEvaluation
        fields = ["actual_reach", "actual_spend", "actual_match_funding", "learning", "legacy"]
        labels = {
            "actual_reach": "Children and young people who took part",
            "actual_spend": "Actual total spend (£)",
            "actual_match_funding": "Match funding raised (£)",
            "learning": "What did you and the young people learn?",
            "legacy": "What will last after the project (the legacy)?",
        }
        help_texts = {
            "actual_match_funding": "Money from sources other than the Hub Grant, including in-kind where agreed.",
        }
        widgets = {"learning": forms.Textarea(attrs={"rows": 4}), "legacy": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        for name in self._meta.fields:
            self.fields[name].required = False
        stored = {r.outcome_id: r for r in self.instance.outcome_results.all()} if self.instance.pk else {}
        for outcome in self.outcomes:
            result = stored.get(outcome.pk)
            self.fields[f"achieved_{outcome.pk}"] = forms.CharField(
                label="What was achieved, against the target",
                max_length=300,
                required=False,
                initial=result.achieved if result else "",
            )
            self.fields[f"met_target_{outcome.pk}"] = forms.BooleanField(
                label="The target was met", required=False, initial=result.met_target if result else False
            )
            self.fields[f"commentary_{outcome.pk}"] = forms.CharField(
                max_length=text_limits.ANSWER,
                label="Commentary",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=result.commentary if result else "",
            )

    def outcome_rows(self):
        return [
            (o, self[f"achieved_{o.pk}"], self[f"met_target_{o.pk}"], self[f"commentary_{o.pk}"]) for o in self.outcomes
        ]

    def evaluation_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields if name in self.cleaned_data}

    def results(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            o.pk: {
                "achieved": data.get(f"achieved_{o.pk}", ""),
                "met_target": data.get(f"met_target_{o.pk}", False),
                "commentary": data.get(f"commentary_{o.pk}", ""),
            }
            for o in self.outcomes
        }


class CaseStudyForm(forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = ["title", "story", "quotes", "about_young_person", "evaluation", "survey_request"]
        labels = {"evaluation": "Project it comes from", "survey_request": "Termly survey it belongs to"}
        help_texts = {
            "story": "What happened and the difference it made. Use first names only, or none.",
            "quotes": "What young people, families or teachers said.",
            "about_young_person": "Tick if it tells a particular young person's story: consent is needed to use it.",
        }
        widgets = {"story": forms.Textarea(attrs={"rows": 6}), "quotes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].queryset = ProjectEvaluation.objects.filter(
            agreement__partner=partner
        ).select_related("agreement")
        self.fields["evaluation"].empty_label = "Not from a project"
        self.fields["evaluation"].label_from_instance = lambda e: e.agreement.title
        self.fields["survey_request"].queryset = SurveyRequest.objects.filter(partner=partner).select_related(
            "round__term"
        )
        self.fields["survey_request"].empty_label = "Not from a termly survey"
        self.fields["survey_request"].label_from_instance = lambda r: str(r.round)


class ConsentForm(forms.Form):
    given_by = forms.CharField(label="Who gave consent", max_length=200, help_text="Their name.")
    relationship = forms.CharField(
        label="Their relationship to the young person",
        max_length=100,
        help_text="For example parent or carer, or the young person themself (aged 16 or over).",
    )
    given_on = forms.DateField(label="Date consent was given", widget=DATE_WIDGET)
    uses = forms.MultipleChoiceField(
        label="What they consented to",
        choices=Consent.Use.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one use they consented to."},
    )

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise ValidationError("The date is in the future. Enter the date consent was given.")
        return day


IMAGE_KINDS = {"png", "jpg"}


class ImageForm(forms.Form):
    file = SecureFileField(label="Image (PNG or JPEG)", kinds=IMAGE_KINDS)
    alt_text = forms.CharField(
        label="Describe the image",
        max_length=300,
        help_text="For people who cannot see it, e.g. “Three pupils playing violins in a school hall”.",
    )
    shows_young_person = forms.BooleanField(
        label="The image shows a young person",
        required=False,
        initial=True,
        help_text="Consent is then needed before the case study can be used.",
    )


class IncomeForm(forms.Form):
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int, choices=())
    source = forms.ChoiceField(choices=IncomeRecord.Source.choices)
    amount = forms.DecimalField(
        label="Amount (£)",
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={"min_value": "Enter an amount greater than £0."},
    )
    description = forms.CharField(
        max_length=200, required=False, help_text="For example the funder, the event or what was sold."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = academic_year_choices(back=3, ahead=0)
        self.fields["academic_year"].initial = current_academic_year().start_year
