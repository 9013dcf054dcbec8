"""Two-factor authentication: who must use it, enrolment, recovery codes and reset.

Required for Hub staff, the Service Manager, assessors, the Chair and admins
whenever settings.REQUIRE_2FA is on (production); for partner users only when
the Hub also turns on settings.REQUIRE_2FA_FOR_PARTNERS. Anyone may set it up.

Built on django-otp: a TOTP device for the authenticator app and a static
device (django_otp.plugins.otp_static) holding one-time recovery codes. The
rule that matters: devices change only in a session that has passed its
second factor, or when the user has none at all (first enrolment, or after an
admin's reset). A password alone never adds, replaces or removes one.
"""

import base64
import io

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from hubportal.core import roles
from hubportal.core.errors import require
from hubportal.core.outbox import queue_email
from hubportal.security.audit import audit

RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def two_factor_required(user) -> bool:
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    if roles.is_partner_user(user):
        return settings.REQUIRE_2FA_FOR_PARTNERS
    return user.is_superuser or roles.has_role(user, roles.STAFF, roles.MANAGER, roles.ASSESSOR, roles.CHAIR)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def can_change_devices(request) -> tuple[bool, str]:
    """Link, replace or remove an authenticator, or issue new recovery codes.

    Only a session that has entered a code may; a user with no authenticator
    (never enrolled, or reset by an admin) may enrol with the password alone."""
    user = request.user
    if not user.is_authenticated:
        return False, "Sign in first."
    if user.is_verified() or not has_authenticator(user):
        return True, ""
    return False, (
        "Enter a code from your authenticator app (or a recovery code) first; only then can you change how you sign in."
    )


def can_reset_two_factor(actor, target) -> tuple[bool, str]:
    """An admin or the Service Manager may reset someone else's second factor."""
    if not (roles.is_admin(actor) or roles.is_service_manager(actor)):
        return False, "Only an administrator or the Service Manager can reset two-factor authentication."
    if actor.pk == target.pk:
        return False, "You cannot reset your own two-factor authentication; ask another administrator."
    return True, ""


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first visit to set-up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_data_uri(device: TOTPDevice) -> str:
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for people who type it in."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _tell_user(user, subject: str, body: str) -> None:
    if user.email:
        queue_email(to=user.email, subject=subject, body=body, kind="two_factor")


def _recovery_codes_issue(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def authenticator_confirm(*, request, device: TOTPDevice) -> list[str]:
    """Confirm a newly scanned authenticator; it replaces any earlier one.
    Returns fresh recovery codes, shown once and never stored in clear elsewhere."""
    user = request.user
    require(*can_change_devices(request))
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()[0]
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_issue(user)
    audit(request, "two_factor_enrolled", detail="replaced an authenticator" if replaced else "first authenticator")
    _tell_user(
        user,
        "An authenticator app was linked to your Hub Portal account",
        "An authenticator app was just linked to your Hub Portal account"
        + (" and replaced the one you had" if replaced else "")
        + ", and new recovery codes were issued.\n\n"
        "If this was not you, contact the Hub's administrator at once.",
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, request) -> list[str]:
    """New one-time recovery codes; the old ones stop working."""
    require(*can_change_devices(request))
    require(has_authenticator(request.user), "Link an authenticator app first.")
    codes = _recovery_codes_issue(request.user)
    audit(request, "recovery_codes_issued")
    _tell_user(
        request.user,
        "New Hub Portal recovery codes",
        "New recovery codes were just issued for your Hub Portal account; the old ones no longer work.\n\n"
        "If this was not you, contact the Hub's administrator at once.",
    )
    return codes


@transaction.atomic
def two_factor_reset(*, request, target, reason: str) -> None:
    """Remove every device of another user: they enrol again at next sign-in.
    Recorded in the audit trail with the reason; the user is told by email."""
    actor = request.user
    require(*can_reset_two_factor(actor, target))
    reason = reason.strip()
    require(bool(reason), "Give the reason for the reset.")
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    audit(request, "two_factor_reset", detail=f"reset for {target.get_username()}: {reason}")
    _tell_user(
        target,
        "Your Hub Portal two-factor authentication was reset",
        f"{actor.get_full_name() or actor.get_username()} reset two-factor authentication on your Hub Portal "
        "account. The next time you sign in you will link an authenticator app again.\n\n"
        "If you did not ask for this, contact the Hub's administrator at once.",
    )
