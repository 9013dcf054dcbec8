"""The security audit trail: sign-ins, failed sign-ins and refused access.

Rows hold who, what, when (UTC) and from where; never a password or token
(the failed-login row keeps the username tried, nothing else of the form).
"""

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from hubportal.models import AuditEvent
from hubportal.security.redaction import redact


def client_ip(request) -> str | None:
    """The address the request came from, the one rule for the audit trail,
    login throttling (django-axes calls it) and the public forms' rate limits.

    Behind TRUSTED_PROXY_COUNT proxies REMOTE_ADDR is the nearest proxy's; each
    proxy appends the address it saw to X-Forwarded-For, so the client is that
    many entries from the right. Entries further left are whatever the client
    sent and are never trusted."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def audit(request, action: str, *, user=None, username: str = "", status: int | None = None, detail: str = ""):
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=client_ip(request),
        method=(request.method or "") if request is not None else "",
        path=redact(request.path)[:500] if request is not None else "",
        status=status,
        detail=detail[:500],
    )


# Django's auth signals are the one place every sign-in passes through.
@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def _logged_in(sender, request, user, **kwargs):
    audit(request, "login", user=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    audit(request, "login_failed", username=str(credentials.get("username", "")))


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit(request, "logout", user=user)
