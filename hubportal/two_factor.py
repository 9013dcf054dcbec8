"""Two-factor authentication (TOTP) policy: who must use it.

Required for Hub staff, the Service Manager, assessors, the Chair and admins
whenever settings.REQUIRE_2FA is on (production); for partner users only when
the Hub also turns on settings.REQUIRE_2FA_FOR_PARTNERS. Anyone may set it up.
"""

import base64
import io

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from hubportal import roles


def two_factor_required(user) -> bool:
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    if roles.is_partner_user(user):
        return settings.REQUIRE_2FA_FOR_PARTNERS
    return user.is_superuser or roles.has_role(user, roles.STAFF, roles.MANAGER, roles.ASSESSOR, roles.CHAIR)


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
