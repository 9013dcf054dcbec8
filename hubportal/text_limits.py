"""How long free text may be, one number per purpose, held the same in the
form (maxlength and validation, with a counter on long answers from
static/js/hubportal.js), the model (max_length) and the database (a check
constraint, since a text column has no length of its own).

Sized to the purpose, not to the storage: a complaint's account is a page or
two of writing; an answer on an application form is a few paragraphs.
"""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

ANSWER = 5_000  # an application-form answer (an EOI's what, how, who benefits...), an enquiry
ACCOUNT = 10_000  # a complaint as written, a message or note on one
OUTCOME = 4_000  # what a complainant would like to happen


def within(field: str, limit: int, *, name: str) -> models.CheckConstraint:
    """The database's half of a length limit on a TextField."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()} must be at most {limit:,} characters.",
    )
