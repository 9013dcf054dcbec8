"""Monitoring's facts for an agreement's annual review (agreements.selectors.review_prefill):
how the partner's termly returns kept to the timetable ("failure to provide data
in accordance with timetable set")."""

from datetime import date

from agreements.models import Agreement
from agreements.selectors import review_fact
from surveys.selectors import survey_timeliness


@review_fact
def survey_returns(agreement: Agreement, today: date) -> dict[str, str]:
    # The one rule for on time, late and overdue: a survey returned to the partner
    # and not yet resubmitted is still owed, however early it was first sent in.
    timeliness = survey_timeliness(agreement.partner_id, agreement.academic_year, today, agreement_id=agreement.pk)
    if asked := timeliness["asked"]:
        surveys = (
            f"{timeliness['on_time']} of {asked} termly survey{'s' if asked != 1 else ''} returned by the deadline"
            f"; {timeliness['late']} late; {timeliness['overdue']} overdue and not yet returned."
        )
    else:
        surveys = "No termly survey has been requested under this agreement yet."
    return {"surveys_on_time": surveys}
