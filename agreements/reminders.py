"""Agreement reminders, found in a few queries whatever the number of agreements.

- agreements_renewal_due: to staff, 60 and 30 days before 31 August, for each
  partnership agreement in force this year with no next-year agreement drafted.
- agreements_review_due: to staff, 30 days before and on the review-due date
  (REVIEW_DUE below: 1 June, so renewal is decided before the year ends), for
  each partnership agreement in force this year with no completed review.
- agreements_unsigned: to the partner's users, 7 and 14 days after issue,
  while the agreement still waits for their signature. The issue date is in
  the reminder's key (Due.series_from), so an agreement reopened and issued
  again is reminded of again.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from agreements.models import Agreement, AnnualReview
from agreements.services import sign_url, staff_url
from hubportal.core import roles
from hubportal.core.academic_years import AcademicYear, academic_year_for
from hubportal.core.users import hub_staff_users
from hubportal.messaging.kinds import Due, dates_due, reminder_kind
from hubportal.messaging.wording_samples import SAMPLE_PK, reminder_sample
from hubportal.models import User
from partners.reminders import sample_partner

RENEWAL, REVIEW, UNSIGNED = "agreements_renewal_due", "agreements_review_due", "agreements_unsigned"


def review_due_on(year: AcademicYear) -> date:
    """The annual review is due by 1 June of the year, ahead of renewal."""
    return date(year.start_year + 1, 6, 1)


def _in_force_this_year(year: AcademicYear):
    return Agreement.objects.filter(
        kind=Agreement.Kind.PARTNERSHIP, status__in=Agreement.IN_FORCE, academic_year=year.start_year
    ).select_related("partner")


@reminder_kind(RENEWAL)
def renewal_due(today: date):
    year = academic_year_for(today)
    stage = dates_due(today, RENEWAL).get(year.ends_on)
    if stage is None:
        return []
    staff = hub_staff_users()
    return [
        Due(RENEWAL, agreement, stage, year.ends_on, staff, url=staff_url(agreement))
        for agreement in _in_force_this_year(year).filter(renewal__isnull=True)
    ]


@reminder_kind(REVIEW)
def review_due(today: date):
    year = academic_year_for(today)
    due_on = review_due_on(year)
    stage = dates_due(today, REVIEW).get(due_on)
    if stage is None:
        return []
    reviewed = AnnualReview.objects.filter(
        agreement=OuterRef("pk"), completed_at__isnull=False, held_on__gte=year.starts_on
    )
    staff = hub_staff_users()
    return [
        Due(REVIEW, agreement, stage, due_on, staff, url=staff_url(agreement))
        for agreement in _in_force_this_year(year).exclude(Exists(reviewed))
    ]


@reminder_kind(UNSIGNED)
def unsigned(today: date):
    # dates_due maps "issued on" dates (today - 7, today - 14) to their stage.
    issued_on = dates_due(today, UNSIGNED)
    waiting = list(
        Agreement.objects.filter(status=Agreement.Status.ISSUED, issued_at__date__in=list(issued_on)).select_related(
            "partner"
        )
    )
    users = defaultdict(list)
    for user in User.objects.filter(
        partner_id__in={a.partner_id for a in waiting}, groups__name=roles.PARTNER, is_active=True
    ).distinct():
        users[user.partner_id].append(user)
    found = []
    for agreement in waiting:
        day = timezone.localdate(agreement.issued_at)
        found.append(
            Due(
                UNSIGNED,
                agreement,
                issued_on[day],
                day,
                users[agreement.partner_id],
                url=sign_url(agreement),
                series_from=day,
            )
        )
    return found


# --- The object each kind is about, for the wording editor (hubportal.messaging.wording_samples) ---


@reminder_sample("agreements_renewal_due", "agreements_review_due", "agreements_unsigned")
def sample_partnership_agreement(today: date):
    year = academic_year_for(today)
    partner = sample_partner()
    return Agreement(
        pk=SAMPLE_PK,
        partner=partner,
        kind=Agreement.Kind.PARTNERSHIP,
        status=Agreement.Status.LIVE,
        academic_year=year.start_year,
        title=f"Partnership agreement {year.label}: {partner.name}",
    )


def sample_project_agreement(today: date):
    year = academic_year_for(today)
    return Agreement(
        pk=SAMPLE_PK,
        partner=sample_partner(),
        kind=Agreement.Kind.PROJECT,
        status=Agreement.Status.COMPLETED,
        academic_year=year.start_year,
        title="Inclusive ensembles for young people with SEND",
        starts_on=today - timedelta(days=200),
        ends_on=today - timedelta(days=20),
        hub_contribution=Decimal("5000.00"),
        requires_evaluation=True,
        evaluation_due_on=today + timedelta(days=14),
    )
