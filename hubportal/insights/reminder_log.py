"""What the reminder log shows to whom.

Complaint messages carry what only some people may see: an email to a
member of the public who complained goes to their own address, a reminder
names the complaint and who owns it, a safeguarding concern's subject says
what it is about. The complaints app lets safeguarding leads and the Service
Manager see every complaint and the complainant's details
(``complaints.permissions.can_see_personal_details``); other Hub staff do not
see complaint messages in the log at all, in the page or in an export.
"""

from django.db.models import Q, QuerySet

from complaints.models import Complaint
from complaints.permissions import can_see_personal_details
from hubportal.models import OutboundEmail, Reminder

# Every notification and reminder kind about a complaint is named complaints_*.
COMPLAINT_KIND_PREFIX = "complaints_"


def can_see_complaint_messages(user) -> bool:
    """Complaint reminders and emails in the log: for those who may see every
    complaint and the complainant's details."""
    return can_see_personal_details(user)


def is_complaint_kind(kind: str) -> bool:
    return kind.startswith(COMPLAINT_KIND_PREFIX)


def _complaint_reminders() -> Q:
    from django.contrib.contenttypes.models import ContentType

    return Q(kind__startswith=COMPLAINT_KIND_PREFIX) | Q(content_type=ContentType.objects.get_for_model(Complaint))


def reminders_visible_to(user) -> QuerySet[Reminder]:
    reminders = Reminder.objects.select_related("recipient", "notification__email")
    return reminders if can_see_complaint_messages(user) else reminders.exclude(_complaint_reminders())


def emails_visible_to(user) -> QuerySet[OutboundEmail]:
    emails = OutboundEmail.objects.all()
    if can_see_complaint_messages(user):
        return emails
    return emails.exclude(kind__startswith=COMPLAINT_KIND_PREFIX)
