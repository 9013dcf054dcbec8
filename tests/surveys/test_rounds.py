"""Opening a term's survey round: a request for exactly the partners whose live
agreement requires the survey, and nothing more when it is opened again."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from hubportal.core.academic_years import current_academic_year
from hubportal.core.history import history_for
from surveys.models import SurveyRequest, SurveyRound
from surveys.services import round_change_deadline, round_open
from tests.agreements.factories import AgreementFactory
from tests.factories import PartnerFactory
from tests.surveys.factories import SurveyRequestFactory, current_term

pytestmark = pytest.mark.django_db


def deadline(days=21):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def partners_of_every_kind():
    """Partners whose agreements do and don't require this term's survey."""
    year = current_academic_year().start_year
    wanted = [
        AgreementFactory(live=True).partner,
        AgreementFactory(status=Agreement.Status.UNDER_REVIEW).partner,
    ]
    AgreementFactory(live=True, requires_termly_surveys=False)  # its type carries no survey
    AgreementFactory(status=Agreement.Status.ISSUED)  # not signed yet
    AgreementFactory(status=Agreement.Status.EXPIRED)  # ended
    AgreementFactory(live=True, academic_year=year - 1)  # another year's agreement
    AgreementFactory(project=True, status=Agreement.Status.LIVE, requires_termly_surveys=True)  # a project
    PartnerFactory()  # no agreement at all
    return wanted


def test_a_round_asks_exactly_the_partners_whose_live_agreement_requires_it(
    question_set, staff, partners_of_every_kind
):
    survey_round, created = round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    assert {r.partner for r in created} == set(partners_of_every_kind)
    assert set(SurveyRequest.objects.values_list("partner", flat=True)) == {p.pk for p in partners_of_every_kind}
    assert {r.deadline for r in created} == {deadline()}
    assert {r.status for r in created} == {SurveyRequest.Status.PENDING}


def test_opening_the_round_twice_creates_nothing_more(question_set, staff, partners_of_every_kind):
    first, _ = round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    again, created = round_open(term=current_term(), question_set=question_set, deadline=deadline(30), actor=staff)
    assert again == first and created == []
    assert SurveyRound.objects.count() == 1
    assert SurveyRequest.objects.count() == len(partners_of_every_kind)
    assert again.deadline == deadline()  # the open round keeps its deadline


def test_opening_again_asks_a_partner_whose_agreement_went_live_since(question_set, staff, partners_of_every_kind):
    round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    late = AgreementFactory(live=True).partner
    _, created = round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    assert [r.partner for r in created] == [late]
    assert SurveyRequest.objects.count() == len(partners_of_every_kind) + 1


def test_partner_users_are_told_the_survey_is_ready(
    question_set, staff, agreement_a, partner_a_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    [email] = [m for m in mail.outbox if m.to == [partner_a_user.email]]
    assert "survey is ready" in email.subject
    assert deadline().strftime("%-d %B %Y") in email.body


def test_a_round_keeps_the_version_it_opened_with(question_set, staff, agreement_a):
    from surveys.services import question_update

    survey_round, _ = round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    question = question_set.questions.get(code="activity_against_plan")
    question_update(question=question, actor=staff, data={"text": "What did you deliver this term?"})
    survey_round.refresh_from_db()
    assert survey_round.question_set == question_set
    assert survey_round.question_set.questions.get(code="activity_against_plan").text == "What did you deliver?"


def test_moving_the_deadline_moves_open_requests_on_it_but_not_ones_given_their_own(question_set, staff):
    survey_round, _ = round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    on_round = SurveyRequestFactory(round=survey_round)
    own_date = SurveyRequestFactory(round=survey_round, deadline=deadline(40))
    submitted = SurveyRequestFactory(round=survey_round, status=SurveyRequest.Status.SUBMITTED)
    round_change_deadline(survey_round=survey_round, deadline=deadline(28), actor=staff)
    for r in (on_round, own_date, submitted):
        r.refresh_from_db()
    assert (on_round.deadline, own_date.deadline, submitted.deadline) == (deadline(28), deadline(40), deadline())
    assert history_for(survey_round).filter(action="changed the deadline").exists()


# The views ---------------------------------------------------------------------


def test_staff_open_a_round_in_the_browser_form(client_for, staff, question_set, agreement_a):
    term = current_term()
    response = client_for(staff).post(
        reverse("surveys:round_open"),
        {"term": term.pk, "question_set": question_set.pk, "deadline": deadline().isoformat()},
        follow=True,
    )
    survey_round = SurveyRound.objects.get(term=term)
    assert response.redirect_chain[-1][0] == reverse("surveys:round_detail", args=[survey_round.pk])
    assert "Sent the" in response.text and agreement_a.partner.name in response.text


def test_the_open_form_redisplays_a_past_deadline_with_what_was_typed(client_for, staff, question_set):
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client_for(staff).post(
        reverse("surveys:round_open"), {"term": current_term().pk, "question_set": question_set.pk, "deadline": past}
    )
    assert response.status_code == 200
    assert "The deadline is in the past" in response.text
    assert f'value="{past}"' in response.text
    assert not SurveyRound.objects.exists()


@pytest.mark.parametrize(
    "typed, reason",
    [("2027-02-30", "Enter a valid date."), ("past", "The new deadline is in the past")],
)
def test_a_refused_new_deadline_shows_the_round_again_with_what_was_typed(
    client_for, staff, question_set, typed, reason
):
    survey_round, _ = round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    if typed == "past":
        typed = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client_for(staff).post(reverse("surveys:round_deadline", args=[survey_round.pk]), {"deadline": typed})
    assert response.status_code == 200
    assert reason in response.text and f'value="{typed}"' in response.text
    assert "data-error-summary" in response.text and 'href="#id_deadline"' in response.text
    survey_round.refresh_from_db()
    assert survey_round.deadline == deadline()


def test_a_new_deadline_is_kept_and_said(client_for, staff, question_set):
    survey_round, _ = round_open(term=current_term(), question_set=question_set, deadline=deadline(), actor=staff)
    url = reverse("surveys:round_deadline", args=[survey_round.pk])
    response = client_for(staff).post(url, {"deadline": deadline(28).isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("surveys:round_detail", args=[survey_round.pk])
    assert "The deadline is now" in response.text
    survey_round.refresh_from_db()
    assert survey_round.deadline == deadline(28)


def test_only_hub_staff_open_rounds(client_for, assessor, partner_a_user, chair):
    for user in (assessor, partner_a_user, chair):
        assert client_for(user).get(reverse("surveys:round_open")).status_code == 403


def test_adding_partners_is_post_only(client_for, staff, survey_round):
    url = reverse("surveys:round_add_partners", args=[survey_round.pk])
    assert client_for(staff).get(url).status_code == 405


def test_the_round_page_shows_the_partners_behind_each_number(client_for, staff, request_a, request_b, survey_round):
    request_b.status = SurveyRequest.Status.SUBMITTED
    request_b.save()
    response = client_for(staff).get(reverse("surveys:round_detail", args=[survey_round.pk]))
    buckets = {key: [r.partner.name for r in items] for key, _, items in response.context["buckets"]}
    assert buckets["pending"] == [request_a.partner.name]
    assert buckets["submitted"] == [request_b.partner.name]
    assert response.context["chart"]["datasets"][0]["data"] == [0, 1, 0, 0, 1, 0]
