"""The partner's to-do items from onboarding: confirm the introductory
meeting, upload or renew minimum-standards evidence (due on its expiry),
name a designated safeguarding lead."""

from datetime import date

from django.db.models import Exists
from django.urls import reverse
from django.utils import timezone

from hubportal.core.todo import Todo, todo_source
from hubportal.core.words import midsentence
from partners.evidence_status import EVIDENCE_STAGES, findings
from partners.models import Partner


@todo_source
def onboarding_todos(partner: Partner, today: date) -> list[Todo]:
    items = []
    profile = reverse("partners:portal_profile")
    if partner.status == Partner.Stage.MEETING_SCHEDULED:
        meeting = partner.meetings.filter(recorded_at=None, cancelled_at=None, confirmed_at=None).first()
        if meeting is not None:
            when = timezone.localtime(meeting.starts_at)
            items.append(
                Todo(
                    f"Confirm you can attend the introductory meeting on {when:%-d %B %Y at %H:%M}",
                    f"{profile}#meeting",
                    when.date(),
                    kind="partners_meeting",
                )
            )
    if partner.status not in EVIDENCE_STAGES:
        return items
    # Whether the register is open and a safeguarding lead is named, in one query.
    register_open, lead_named = (
        Partner.objects.filter(pk=partner.pk)
        .annotate(held=Exists(partner.evidence.all()), lead=Exists(partner.contacts.filter(is_safeguarding_lead=True)))
        .values_list("held", "lead")
        .get()
    )
    if not register_open:
        return items  # the register opens at the standards review
    if not lead_named:
        items.append(Todo("Tell us who your designated safeguarding lead is", f"{profile}#contacts", kind="partners"))
    _, problems = findings([partner.pk], today).get(partner.pk, (None, []))
    for f in problems:
        url = reverse("partners:evidence_upload", kwargs={"type_pk": f.evidence_type.pk})
        name = midsentence(f.evidence_type.name)
        text = {
            "missing": f"Upload your {name}",
            "rejected": f"Upload a new {name}: the last one was not accepted",
            "expired": f"Renew your {name}: it has expired",
            "expiring": f"Renew your {name} before it expires",
        }[f.problem]
        items.append(Todo(text, url, f.expires_on, kind=f"partners_evidence_{f.problem}"))
    return items
