"""The form a partner fills, built from a question set (surveys are data, not code).

Every question becomes one field, or one field per agreed outcome when it is
asked per outcome; a breakdown grid becomes one whole-number field per row.
Every field is optional to Django, so a draft saves whatever is there; when
the partner submits, ``clean`` also asks for the required answers, and for
each grid with a total, that its rows add up to it (so a filled grid needs its
total answered, even where the total question is optional).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms

from agreements.models import Outcome
from hubportal.core import text_limits
from surveys.models import Answer, Question

RATINGS = [(n, str(n)) for n in range(1, 6)]
MISSING = "Answer this question."
# Counts are of children, schools and sessions: far below this, and their sum
# over a grid's rows must still fit the answer's stored number (14 digits).
MAX_COUNT = 9_999_999
TOO_MANY = f"Enter a number no larger than {MAX_COUNT:,}."
SHORT_TEXT_LIMIT = 500
LONG_TEXT_LIMIT = text_limits.SURVEY_ANSWER


def total_needed(grid: Question) -> str:
    return f"Answer this question too: your breakdown “{grid.text}” must add up to it."


def too_long(limit: int) -> str:
    return f"Shorten this answer to {limit:,} characters or fewer."


class TextAnswerField(forms.CharField):
    """A text answer whose line breaks count once each, as the browser's own limit
    counts them: a form sends each one as two characters (CR LF)."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


@dataclass
class AnswerValue:
    """What to store for one question (and outcome): ``blank`` deletes any stored answer."""

    question: Question
    outcome: Outcome | None
    number: Decimal | None = None
    text: str = ""
    selected: list = field(default_factory=list)
    cells: list[tuple[str, int]] | None = None
    blank: bool = False


@dataclass
class Item:
    """One thing asked: a question, for one outcome when it is asked per outcome."""

    form: "ResponseForm"
    question: Question
    outcome: Outcome | None
    name: str
    row_names: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int | None]:
        return (self.question.pk, self.outcome.pk if self.outcome else None)

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def is_grid(self) -> bool:
        return self.type == Question.Type.GRID

    @property
    def is_choice(self) -> bool:
        return self.type in (Question.Type.SINGLE_CHOICE, Question.Type.MULTIPLE_CHOICE, Question.Type.RATING)

    @property
    def uses_fieldset(self) -> bool:
        return self.is_grid or self.is_choice

    @property
    def field_names(self) -> list[str]:
        return self.row_names if self.is_grid else [self.name]

    @property
    def field(self):
        return self.form[self.name]

    @property
    def rows(self):
        return [(row, self.form[name]) for row, name in zip(self.question.rows, self.row_names, strict=True)]

    @property
    def anchor(self) -> str:
        """The id of the first input, for the error summary's link."""
        first = self.form[self.field_names[0]]
        return f"{first.auto_id}_0" if self.is_choice else first.auto_id

    @property
    def errors(self) -> list[str]:
        seen = []
        for name in self.field_names:
            for error in self.form.errors.get(name, []):
                if error not in seen:
                    seen.append(error)
        return seen

    @property
    def label(self) -> str:
        return self.question.text

    @property
    def summary_label(self) -> str:
        if self.outcome:
            return f"{self.question.text} ({self.outcome})"
        return self.question.text

    @property
    def total_item(self) -> "Item | None":
        total = self.question.total_question_id
        if total is None:
            return None
        return self.form.items_by_key.get((total, self.outcome.pk if self.outcome else None)) or (
            self.form.items_by_key.get((total, None))
        )

    @property
    def parent_item(self) -> "Item | None":
        parent = self.question.follow_up_of_id
        if parent is None:
            return None
        return self.form.items_by_key.get((parent, self.outcome.pk if self.outcome else None)) or (
            self.form.items_by_key.get((parent, None))
        )

    @property
    def help_id(self) -> str:
        return f"{self.name}-help"

    @property
    def error_id(self) -> str:
        return f"{self.name}-error"

    def _describedby(self) -> str:
        ids = [self.help_id] if self.question.help_text else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def _attrs(self, base: str) -> dict:
        attrs = {"class": base + (" is-invalid" if self.errors else "")}
        described = self._describedby()
        if described:
            attrs["aria-describedby"] = described
        if self.errors:
            attrs["aria-invalid"] = "true"
        return attrs

    def widget(self):
        """The input of a one-field question, marked invalid and described by its help and error."""
        return self.field.as_widget(attrs=self._attrs("form-control"))

    def row_widgets(self):
        """(row label, bound field, input) for each row of a grid."""
        attrs = self._attrs("form-control grid-cell")
        return [(row, bound, bound.as_widget(attrs=attrs)) for row, bound in self.rows]

    @property
    def describedby(self) -> str:
        return self._describedby()

    def display(self):
        """The stored answer as people read it (for the read-only view)."""
        return self.form.display_value(self)


class ResponseForm(forms.Form):
    def __init__(self, *args, questions, outcomes, answers=(), submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.questions = list(questions)
        self.outcomes = list(outcomes)
        self.stored = {(a.question_id, a.outcome_id): a for a in answers}
        self.items: list[Item] = []
        for question in self.questions:
            for outcome in self.outcomes if question.per_outcome else [None]:
                name = f"q{question.pk}" + (f"_o{outcome.pk}" if outcome else "")
                item = Item(form=self, question=question, outcome=outcome, name=name)
                if item.is_grid:
                    item.row_names = [f"{name}_r{i}" for i in range(len(question.rows))]
                self.items.append(item)
                self._add_fields(item)
        self.items_by_key = {item.key: item for item in self.items}

    # Building the fields -------------------------------------------------

    def _add_fields(self, item: Item) -> None:
        question = item.question
        stored = self.stored.get(item.key)
        described = f"{item.name}-help" if question.help_text else None
        if item.is_grid:
            counts = {cell.row: cell.count for cell in stored.cells.all()} if stored else {}
            for row, name in zip(question.rows, item.row_names, strict=True):
                self.fields[name] = forms.IntegerField(
                    label=row,
                    required=False,
                    min_value=0,
                    max_value=MAX_COUNT,
                    initial=counts.get(row),
                    widget=forms.NumberInput(
                        attrs={"min": 0, "step": 1, "inputmode": "numeric", "class": "form-control grid-cell"}
                    ),
                    error_messages={
                        "invalid": "Enter a whole number.",
                        "min_value": "Enter 0 or more.",
                        "max_value": TOO_MANY,
                    },
                )
            return
        self.fields[item.name] = self._field_for(question, stored, described)

    def _field_for(self, question: Question, stored: Answer | None, described: str | None):
        attrs = {"aria-describedby": described} if described else {}
        kind = question.type
        Type = Question.Type
        if kind == Type.INTEGER:
            return forms.IntegerField(
                label=question.text,
                required=False,
                min_value=0,
                max_value=MAX_COUNT,
                initial=int(stored.number) if stored and stored.number is not None else None,
                widget=forms.NumberInput(attrs={**attrs, "min": 0, "step": 1, "inputmode": "numeric"}),
                error_messages={
                    "invalid": "Enter a whole number, like 120.",
                    "min_value": "Enter 0 or more.",
                    "max_value": TOO_MANY,
                },
            )
        if kind == Type.MONEY:
            return forms.DecimalField(
                label=question.text,
                required=False,
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                initial=stored.number if stored else None,
                widget=forms.NumberInput(attrs={**attrs, "min": 0, "step": "0.01", "inputmode": "decimal"}),
                error_messages={
                    "invalid": "Enter an amount in pounds, like 1250.50.",
                    "min_value": "Enter 0 or more.",
                    "max_decimal_places": "Enter pounds and pence, with no more than 2 decimal places.",
                },
            )
        if kind == Type.SHORT_TEXT:
            return TextAnswerField(
                label=question.text,
                required=False,
                max_length=SHORT_TEXT_LIMIT,
                initial=stored.text if stored else "",
                widget=forms.TextInput(attrs=attrs),
                error_messages={"max_length": too_long(SHORT_TEXT_LIMIT)},
            )
        if kind == Type.LONG_TEXT:
            return TextAnswerField(
                label=question.text,
                required=False,
                max_length=LONG_TEXT_LIMIT,
                initial=stored.text if stored else "",
                widget=forms.Textarea(attrs={**attrs, "rows": 4}),
                error_messages={"max_length": too_long(LONG_TEXT_LIMIT)},
            )
        if kind == Type.SINGLE_CHOICE:
            return forms.ChoiceField(
                label=question.text,
                required=False,
                choices=[(c, c) for c in question.choices],
                initial=(stored.selected or [""])[0] if stored else "",
                widget=forms.RadioSelect(attrs={**attrs, "class": "form-check-input"}),
                error_messages={"invalid_choice": "Choose one of the options."},
            )
        if kind == Type.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                label=question.text,
                required=False,
                choices=[(c, c) for c in question.choices],
                initial=stored.selected if stored else [],
                widget=forms.CheckboxSelectMultiple(attrs={**attrs, "class": "form-check-input"}),
                error_messages={"invalid_choice": "Choose from the options given."},
            )
        if kind == Type.RATING:
            return forms.TypedChoiceField(
                label=question.text,
                required=False,
                coerce=int,
                empty_value=None,
                choices=RATINGS,
                initial=int(stored.number) if stored and stored.number is not None else None,
                widget=forms.RadioSelect(attrs={**attrs, "class": "form-check-input"}),
                error_messages={"invalid_choice": "Choose a rating from 1 to 5."},
            )
        raise ValueError(f"Unknown question type {kind!r}")

    # Validation ------------------------------------------------------------

    def value_of(self, item: Item):
        """The cleaned value of an item (for a grid, its row counts), None when blank."""
        values = getattr(self, "_values", self.cleaned_data)
        if item.is_grid:
            counts = [values.get(name) for name in item.row_names]
            return None if all(c is None for c in counts) else counts
        value = values.get(item.name)
        return None if value in (None, "", []) else value

    def has_type_error(self, item: Item) -> bool:
        """A field whose input could not be read (not a number, a negative count...)."""
        values = getattr(self, "_values", self.cleaned_data)
        return any(name not in values for name in item.field_names)

    def is_asked(self, item: Item) -> bool:
        """A follow-up is asked only when its question got the answer that triggers it."""
        parent = item.parent_item
        if parent is None:
            return True
        value = self.value_of(parent)
        when = item.question.follow_up_when
        if isinstance(value, list):
            return when in value
        return value is not None and str(value) == when

    def clean(self):
        cleaned = super().clean()
        # What was read, before any "answer this" error takes a field out of cleaned_data.
        self._values = dict(cleaned)
        if not self.submitting:
            return cleaned
        for item in self.items:
            if self.has_type_error(item):
                continue  # already told what is wrong with it
            if not self.is_asked(item):
                continue
            value = self.value_of(item)
            if value is None:
                if item.question.required:
                    self.add_error(item.field_names[0], MISSING)
                continue
            if item.is_grid:
                self._check_grid_total(item, value)
        return cleaned

    def _check_grid_total(self, item: Item, counts: list) -> None:
        total_item = item.total_item
        if total_item is None or self.has_type_error(total_item):
            return
        expected = self.value_of(total_item)
        if expected is None:
            # A required total's own "answer this question" says what to do; an
            # optional one left blank would let the rows go unchecked.
            if not total_item.question.required and self.is_asked(total_item):
                self.add_error(total_item.field_names[0], total_needed(item.question))
            return
        added = sum(c or 0 for c in counts)
        if added != expected:
            self.add_error(
                item.row_names[0],
                f"These rows add up to {added}, but your answer to “{total_item.question.text}” is {expected}. "
                f"Make them add up to {expected}: count anyone you cannot place under “Not known”.",
            )

    # Results -----------------------------------------------------------------

    def answer_values(self) -> list[AnswerValue]:
        """What to store: every item whose input could be read (an item with a
        number that is not a number keeps whatever was stored before), including
        answers that are valid but not yet complete, so nothing typed is lost.
        On submit, a follow-up that is not asked is cleared."""
        values = []
        for item in self.items:
            if self.has_type_error(item):
                continue
            value = self.value_of(item)
            if value is None or (self.submitting and not self.is_asked(item)):
                values.append(AnswerValue(item.question, item.outcome, blank=True))
                continue
            values.append(self._answer_value(item, value))
        return values

    def _answer_value(self, item: Item, value) -> AnswerValue:
        question, outcome = item.question, item.outcome
        Type = Question.Type
        if item.is_grid:
            cells = [(row, count or 0) for row, count in zip(question.rows, value, strict=True)]
            return AnswerValue(question, outcome, number=Decimal(sum(c for _, c in cells)), cells=cells)
        if question.type in (Type.INTEGER, Type.MONEY, Type.RATING):
            return AnswerValue(question, outcome, number=Decimal(value))
        if question.type == Type.SINGLE_CHOICE:
            return AnswerValue(question, outcome, selected=[value])
        if question.type == Type.MULTIPLE_CHOICE:
            return AnswerValue(question, outcome, selected=list(value))
        return AnswerValue(question, outcome, text=value)

    def stored_data(self) -> dict:
        """The stored answers as the data a bound form takes, so the answers
        saved as a draft can be checked again before they are submitted."""
        data = {}
        for name, form_field in self.fields.items():
            value = form_field.initial
            if value is None or value == "" or value == []:
                continue
            data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
        return data

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) for each item with an error, in the order asked."""
        return [(item.anchor, item.summary_label, error) for item in self.items for error in item.errors]

    def display_value(self, item: Item):
        stored = self.stored.get(item.key)
        if stored is None:
            return None
        Type = Question.Type
        if item.is_grid:
            counts = {cell.row: cell.count for cell in stored.cells.all()}
            return [(row, counts.get(row, 0)) for row in item.question.rows]
        if item.type == Type.INTEGER:
            return f"{int(stored.number):,}" if stored.number is not None else None
        if item.type == Type.MONEY:
            return f"£{stored.number:,.2f}" if stored.number is not None else None
        if item.type == Type.RATING:
            return f"{int(stored.number)} out of 5" if stored.number is not None else None
        if item.type in (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE):
            return ", ".join(stored.selected) or None
        return stored.text or None

    def sections(self) -> list[tuple[str, list[Item]]]:
        """Items grouped by section, in order, for headings."""
        grouped: list[tuple[str, list[Item]]] = []
        for item in self.items:
            section = item.question.section
            if not grouped or grouped[-1][0] != section:
                grouped.append((section, []))
            grouped[-1][1].append(item)
        return grouped
