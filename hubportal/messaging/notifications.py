"""Notifications: in-app rows plus email through the outbox, from one call.

Each kind has one template, ``templates/notifications/<kind>.txt``: its first
line is the subject, the rest the body. Later issues call ``notify()`` with a
kind, the recipients and a context.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.utils import timezone

from hubportal.core.hub import current_hub
from hubportal.core.outbox import queue_email
from hubportal.messaging.wording import custom_text, text_engine
from hubportal.models import Notification, User

# Kinds emailed at once even to people who take the daily digest: a
# safeguarding concern cannot wait until tomorrow morning.
URGENT_KINDS = frozenset({"complaints_safeguarding_concern"})


def render_kind(kind: str, context: dict) -> tuple[str, str]:
    """Subject and body for a kind: staff's own wording if they have set it, else the default file."""
    hub = current_hub()
    context = Context({"site_url": settings.SITE_URL, "hub": hub, "hub_name": hub.name, **context}, autoescape=False)
    custom = custom_text(kind)
    if custom:
        subject, body = (text_engine.from_string(part).render(context) for part in custom)
        return subject.strip(), body.strip()
    text = text_engine.get_template(f"notifications/{kind}.txt").render(context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()


def notify(*, kind: str, recipients: Iterable[User], context: dict | None = None, url: str = "") -> list[Notification]:
    """Notify each recipient in the app and, unless they take a digest, by email.
    An urgent kind (URGENT_KINDS) is emailed at once to everyone, and left out
    of the digest so a digest user does not get it twice."""
    context = context or {}
    urgent = kind in URGENT_KINDS
    created = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        subject, body = render_kind(kind, {**context, "recipient": user, "url": url})
        email = None
        if user.email and (urgent or not user.prefers_daily_digest):
            link = f"\n\n{settings.SITE_URL}{url}" if url else ""
            email = queue_email(to=user.email, subject=subject, body=body + link, kind=kind)
        created.append(
            Notification.objects.create(
                recipient=user,
                kind=kind,
                subject=subject,
                body=body,
                url=url,
                email=email,
                digested_at=timezone.now() if email and user.prefers_daily_digest else None,
            )
        )
    return created


@transaction.atomic
def notification_preferences_set(*, user: User, prefers_daily_digest: bool) -> User:
    """Choose separate emails or one daily digest. Switching to the digest
    marks every earlier notification as done with (each was emailed on its
    own, or was only in the app), so the first digest holds only what is new."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if prefers_daily_digest and not user.prefers_daily_digest:
        Notification.objects.filter(recipient=user, digested_at=None).update(digested_at=timezone.now())
    user.prefers_daily_digest = prefers_daily_digest
    user.save(update_fields=["prefers_daily_digest"])
    return user


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
