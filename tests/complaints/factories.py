import datetime

import factory
from django.utils import timezone

from complaints.models import Complaint


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A complaint about a partner, just received from a member of the public."""

    class Meta:
        model = Complaint

    reference = factory.Sequence(lambda n: f"C-TEST-{n:04d}")
    category = Complaint.Category.QUALITY
    raised_via = Complaint.RaisedVia.PUBLIC
    complainant_name = factory.Faker("name", locale="en_GB")
    complainant_email = factory.Sequence(lambda n: f"complainant{n}@example.org")
    about = Complaint.About.PARTNER
    partner = factory.SubFactory("tests.factories.PartnerFactory")
    account = "The tutor did not turn up to three sessions and nobody told us."
    desired_outcome = "An apology and the missed sessions made up."
    acknowledge_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    respond_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=28))
