"""The dashboards' figures are computed once for everyone who opens them and
dropped as soon as anything changes."""

from django.urls import reverse

from hubportal.core.figures import cached, figures_changed
from hubportal.core.history import record
from partners.models import Partner
from partners.services import partner_move
from tests.factories import PartnerFactory


def test_a_figure_is_computed_once_until_something_changes(db, django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("test", compute) == 1
    assert cached("test", compute) == 1
    partner = PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        record(partner, actor=None, action="profile edited")
    assert cached("test", compute) == 2


def test_the_staff_dashboard_shows_a_move_at_once(staff, client_for, django_capture_on_commit_callbacks):
    partner = PartnerFactory(status=Partner.Stage.ACTIVE)
    client = client_for(staff)
    before = client.get(reverse("staff_home")).context["pipeline"]
    with django_capture_on_commit_callbacks(execute=True):
        partner_move(partner=partner, to=Partner.Stage.SUSPENDED, actor=staff, reason="Concern")
    after = client.get(reverse("staff_home")).context["pipeline"]
    count = {stat.key: stat.count for stat in after}
    assert count["suspended"] == {stat.key: stat.count for stat in before}["suspended"] + 1


def test_a_second_look_at_the_dashboard_costs_a_handful_of_queries(staff, client_for, django_assert_max_num_queries):
    PartnerFactory.create_batch(5)
    client = client_for(staff)
    client.get(reverse("staff_home"))
    # session, user, roles, unread notifications, session save: the figures and
    # "Needs you now" come from the cache.
    with django_assert_max_num_queries(8):
        client.get(reverse("staff_home"))


def test_figures_changed_starts_a_new_version_even_when_none_was_set(db):
    figures_changed()
    assert cached("fresh", lambda: "computed") == "computed"
