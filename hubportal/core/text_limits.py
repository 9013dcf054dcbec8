"""How long free text may be, one number per purpose, held the same in the
form (maxlength and validation, with a counter on long answers from
static/js/hubportal.js), the model (max_length) and the database (a check
constraint, since a text column has no length of its own).

Sized to the purpose, not to the storage: a complaint's account is a page or
two of writing; an answer on an application form is a few paragraphs; a note
beside a record is a paragraph. Text the system writes (history, audit, email
bodies and errors) has no limit here: see tests/hubportal/test_text_limits.py.
"""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

NOTE = 2_000  # a note or comment beside a record: a moderation note, a scorer's comment, a return comment
DESCRIPTION = 2_000  # what a thing is: a category, a partner, a survey, a question's help, a procurement route
ANSWER = 5_000  # an application-form answer (an EOI's what, how, who benefits...), an enquiry, a review section
REASONS = 5_000  # the reasons for a decision or a status, and feedback sent with one
# a partner's status reason: a decision's reasons (REASONS) after a line saying whose decision it was
STATUS_REASON = REASONS + 500
OUTCOME = 4_000  # what a complainant would like to happen
ACCOUNT = 10_000  # a complaint as written, a message or note on one, its resolution and findings, a case study
MESSAGE = 10_000  # the wording of an email the Hub sends (a message template)
SURVEY_ANSWER = 20_000  # a long-text answer on a monitoring survey (its form allowed this before)
TERMS = 20_000  # a clause of an agreement or its template, a call's brief: a document's section


def within(field: str, limit: int, *, name: str) -> models.CheckConstraint:
    """The database's half of a length limit on a TextField."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()} must be at most {limit:,} characters.",
    )


def each(prefix: str, **limits: int) -> list[models.CheckConstraint]:
    """`within` for several fields of one model, named `<prefix>_<field>_length`."""
    return [within(field, limit, name=f"{prefix}_{field}_length") for field, limit in limits.items()]
