"""The match-funding rule has a floor, and what partners rely on does not move
(issue 18, item 7): a call's threshold is 50% or more; a call's terms are
frozen once it opens; a submitted EOI's money cannot change; the award checks
the rule on the submitted figures and records them."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from eoi import services
from eoi.forms import CallForm
from eoi.models import Award, BudgetLine, Call, ExpressionOfInterest, FundingSource
from hubportal.core.errors import ActionRefused
from hubportal.core.history import history_for
from tests.database import bypassing_triggers
from tests.eoi.conftest import move
from tests.eoi.factories import CallFactory, GapFactory, assess
from tests.eoi.test_views import eoi_post

D = Decimal
EOI = ExpressionOfInterest.Status
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the lock triggers are PostgreSQL's")


def call_post(gap, **changes):
    opens = timezone.localtime() + datetime.timedelta(hours=1)
    return {
        "title": "Singing in Hinckley",
        "brief": "Choirs for primary schools.",
        "gaps": [gap.pk],
        "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (opens + datetime.timedelta(days=21)).strftime("%Y-%m-%dT%H:%M"),
        "max_hub_grant": "6000.00",
        "match_threshold_percent": "50.00",
        "in_kind_counts": "on",
        "min_assessor_scores": "2",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Meets the gap",
        "criteria-0-weight": "3",
        **changes,
    }


# --- The floor: form, service, database ------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "minimum", "saved", "says"),
    [
        ("50.00", "2", True, ""),
        ("75.50", "1", True, ""),
        ("100.00", "3", True, ""),
        ("49.99", "2", False, "never set it below"),
        ("10.00", "2", False, "never set it below"),
        ("0", "2", False, "never set it below"),
        ("100.01", "2", False, "less than or equal to 100"),
        ("50.00", "0", False, "at least one assessor"),
    ],
)
def test_staff_may_raise_the_threshold_never_lower_it(client_for, staff, threshold, minimum, saved, says):
    response = client_for(staff).post(
        reverse("eoi:call_create"),
        call_post(GapFactory(), match_threshold_percent=threshold, min_assessor_scores=minimum),
    )
    assert Call.objects.exists() is saved
    if saved:
        assert response.status_code == 302
        call = Call.objects.get()
        assert call.match_threshold_percent == D(threshold) and call.min_assessor_scores == int(minimum)
    else:
        assert response.status_code == 200 and says in response.text


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"match_threshold_percent": D("10.00")}, "at least 50% of the cost from other sources"),
        ({"match_threshold_percent": D("49.99")}, "at least 50% of the cost from other sources"),
        ({"min_assessor_scores": 0}, "at least one assessor's scores"),
    ],
)
def test_the_service_refuses_a_threshold_below_the_floor(staff, changes, says):
    now = timezone.now()
    fields = {
        "title": "Below the floor",
        "brief": "x",
        "opens_at": now + datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(days=10),
        "max_hub_grant": D("5000.00"),
        **changes,
    }
    with pytest.raises(ActionRefused, match=says):
        services.call_save(actor=staff, gaps=[GapFactory()], criteria=[services.CriterionData("Fit", 1)], **fields)
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"match_threshold_percent": D("10.00")}, {"match_threshold_percent": D("100.01")}, {"min_assessor_scores": 0}],
)
def test_the_database_refuses_a_threshold_below_the_floor(db, change):
    call = CallFactory(status=Call.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():  # a draft: no lock in the way
        Call.objects.filter(pk=call.pk).update(**change)


# --- A call's terms are frozen once it opens ----------------------------------------


def test_an_open_calls_terms_cannot_be_changed_through_the_screens(client_for, staff, call):
    before = Call.objects.values(*services_call_terms()).get(pk=call.pk)
    client = client_for(staff)
    edit = reverse("eoi:call_edit", args=[call.pk])
    page = client.get(edit, follow=True)
    assert "Only a draft call can be changed" in page.text
    response = client.post(
        edit, call_post(call.gaps.first(), match_threshold_percent="80.00", max_hub_grant="99000.00"), follow=True
    )
    assert "Only a draft call can be changed" in response.text
    assert Call.objects.values(*services_call_terms()).get(pk=call.pk) == before


def test_the_service_refuses_to_change_an_open_calls_terms(staff, call):
    with pytest.raises(ActionRefused, match="Only a draft call can be changed"):
        services.call_save(
            actor=staff,
            call=call,
            gaps=list(call.gaps.all()),
            criteria=[services.CriterionData("Fit", 1)],
            match_threshold_percent=D("60.00"),
        )
    call.refresh_from_db()
    assert call.match_threshold_percent == D("50.00")


def test_the_call_form_shows_an_opened_calls_terms_read_only(call):
    form = CallForm(instance=call)
    for name in services_call_terms():
        assert form.fields[name].disabled, name
    assert not CallForm(instance=CallFactory(status=Call.Status.DRAFT)).fields["match_threshold_percent"].disabled


def services_call_terms():
    from eoi.models import CALL_TERMS

    return CALL_TERMS


@postgres_only
@pytest.mark.parametrize(
    "change",
    [
        {"match_threshold_percent": D("60.00")},
        {"in_kind_counts": False},
        {"max_hub_grant": D("99000.00")},
        {"min_assessor_scores": 1},
        {"status": "draft"},
    ],
)
def test_postgresql_refuses_to_change_an_opened_calls_terms(call, change):
    with pytest.raises(DatabaseError, match="terms are frozen"), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(**change)


@postgres_only
def test_postgresql_lets_a_draft_call_change_and_an_open_one_keep_its_life(db):
    draft = CallFactory(status=Call.Status.DRAFT)
    Call.objects.filter(pk=draft.pk).update(match_threshold_percent=D("60.00"), in_kind_counts=False)
    opened = CallFactory()
    Call.objects.filter(pk=opened.pk).update(status=Call.Status.CLOSED, title="Renamed")


# --- A submitted EOI's money cannot change -------------------------------------------


@pytest.fixture
def submitted(draft, partner_a_user):
    services.eoi_submit(eoi=draft, actor=partner_a_user)
    draft.refresh_from_db()
    assert draft.status == EOI.SUBMITTED
    return draft


def money(eoi):
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)
    return (
        eoi.total_cost,
        eoi.hub_grant_requested,
        sorted(BudgetLine.objects.filter(eoi=eoi).values_list("item", "amount")),
        sorted(FundingSource.objects.filter(eoi=eoi).values_list("kind", "amount")),
    )


def test_the_partner_cannot_change_a_submitted_eois_money_through_the_form(client_for, partner_a_user, submitted):
    before = money(submitted)
    response = client_for(partner_a_user).post(
        reverse("eoi:eoi_edit", args=[submitted.pk]),
        eoi_post(submitted, hub="9000.00", budget=[("Tutors", "10000.00")], funding=[("own_funds", "1000.00")]),
    )
    assert response.status_code == 302 and response.url == reverse("eoi:portal_eoi", args=[submitted.pk])
    assert money(submitted) == before
    page = client_for(partner_a_user).get(reverse("eoi:portal_eoi", args=[submitted.pk]))
    assert reverse("eoi:eoi_edit", args=[submitted.pk]) not in page.text


@pytest.mark.parametrize("status", [EOI.SUBMITTED, EOI.UNDER_ASSESSMENT, EOI.SUCCESSFUL, EOI.WITHDRAWN])
def test_the_service_refuses_to_change_money_after_submission(submitted, partner_a_user, status):
    move(submitted, status)
    before = money(submitted)
    with pytest.raises(ActionRefused, match="can no longer be changed"):
        services.eoi_save_draft(
            eoi=submitted,
            actor=partner_a_user,
            fields={},
            budget=[("Tutors", D("10000.00"))],
            funding=[services.FundingData("own_funds", D("1000.00"))],
            hub_grant=D("9000.00"),
        )
    assert money(submitted) == before


@postgres_only
def test_postgresql_refuses_any_change_to_a_submitted_eois_money(submitted):
    line = BudgetLine.objects.filter(eoi=submitted).first()
    source = FundingSource.objects.filter(eoi=submitted, kind="hub_grant").get()
    before = money(submitted)
    for change in (
        lambda: ExpressionOfInterest.objects.filter(pk=submitted.pk).update(hub_grant_requested=D("9000.00")),
        lambda: ExpressionOfInterest.objects.filter(pk=submitted.pk).update(total_cost=D("1.00")),
        lambda: ExpressionOfInterest.objects.filter(pk=submitted.pk).update(submitted_at=None),
        lambda: BudgetLine.objects.filter(pk=line.pk).update(amount=D("1.00")),
        lambda: BudgetLine.objects.filter(pk=line.pk).delete(),
        lambda: BudgetLine.objects.create(eoi=submitted, item="Extra", amount=D("5.00")),
        lambda: FundingSource.objects.filter(pk=source.pk).update(amount=D("9000.00")),
        lambda: FundingSource.objects.filter(pk=source.pk).delete(),
        lambda: FundingSource.objects.create(eoi=submitted, kind="own_funds", amount=D("5.00")),
    ):
        with pytest.raises(DatabaseError, match="was submitted"), transaction.atomic():
            change()
    assert money(submitted) == before


@postgres_only
def test_postgresql_lets_a_draft_change_its_money_and_a_submitted_eoi_its_state(draft, partner_a_user):
    BudgetLine.objects.filter(eoi=draft).update(amount=D("12000.00"))
    BudgetLine.objects.create(eoi=draft, item="Extra", amount=D("5.00"))
    FundingSource.objects.filter(eoi=draft).delete()
    eoi = ExpressionOfInterest.objects.get(pk=draft.pk)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(total_cost=D("12005.00"))
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(submitted_at=timezone.now(), status=EOI.SUBMITTED)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status=EOI.UNDER_ASSESSMENT, moderation_note="x")


# --- The award checks the submitted figures and records them --------------------------


@pytest.fixture
def successful(submitted, staff, bands, project_template):
    services.close_due_calls(now=submitted.call.closes_at)
    assess(submitted)
    services.eoi_decide(eoi=submitted, actor=staff, successful=True, reasons="Best fit", feedback="Well done")
    submitted.refresh_from_db()
    return submitted


def test_the_award_records_the_figures_it_checked(client_for, staff, successful):
    response = client_for(staff).post(reverse("eoi:award", args=[successful.pk]), {"procurement_notes": "Quotes."})
    assert response.status_code == 302
    award = Award.objects.get(eoi=successful)
    assert (award.amount, award.total_cost, award.other_funding, award.in_kind) == (
        D("5000.00"),
        D("10000.00"),
        D("5000.00"),
        D("0.00"),
    )
    assert award.match_threshold_percent == D("50.00") and award.in_kind_counted is True
    note = history_for(successful).filter(action="awarded").get().note
    assert "Match funding checked on the submitted figures: Hub Grant £5,000.00 of £10,000.00 (50.00%)" in note


def test_the_award_refuses_totals_that_disagree_with_the_submitted_lines(staff, successful):
    # The stale totals: lines changed past everything, the totals not.
    with bypassing_triggers():
        FundingSource.objects.filter(eoi=successful, kind="hub_grant").update(amount=D("4000.00"))
        FundingSource.objects.filter(eoi=successful, kind="own_funds").update(amount=D("6000.00"))
    with pytest.raises(ActionRefused, match="do not match its submitted budget and funding"):
        services.eoi_award(eoi=successful, actor=staff, procurement_notes="Quotes.")
    assert not Award.objects.exists()


def test_the_award_checks_the_rule_under_the_calls_terms(staff, successful):
    with bypassing_triggers():  # a threshold raised past the screens and the lock
        Call.objects.filter(pk=successful.call_id).update(match_threshold_percent=D("60.00"))
    with pytest.raises(ActionRefused, match="would break the match-funding rule.*at least 60.00%"):
        services.eoi_award(eoi=successful, actor=staff, procurement_notes="Quotes.")
    assert not Award.objects.exists()
