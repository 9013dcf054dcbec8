import time

from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from hubportal.security.audit import audit
from hubportal.security.two_factor import two_factor_required

SIGNED_IN_AT = "hubportal_signed_in_at"


@receiver(user_logged_in, dispatch_uid="session_signed_in_at")
def _remember_sign_in_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in however active it is; the idle
    timeout (SESSION_COOKIE_AGE) is Django's own."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.limit = settings.SESSION_ABSOLUTE_SECONDS

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - signed_in_at > self.limit:
                logout(request)
        return self.get_response(request)


class TwoFactorMiddleware:
    """A user who must use two-factor authentication can only enter a code (or
    a recovery code) or sign out until they have entered one this session. The
    set-up page is let through for first enrolment only: it refuses anyone who
    already has an authenticator (hubportal.security.two_factor.can_change_devices)."""

    # The code pages, signing out, and the Hub's public look (its colours and
    # logo, which every page, these included, loads).
    ALLOWED = ("two_factor", "two_factor_recovery", "two_factor_setup", "logout", "hub_theme", "hub_logo")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if two_factor_required(user) and not user.is_verified():
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """Pages for a signed-in user hold personal and safeguarding data: never
    let a browser or proxy cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class RefusedAccessAuditMiddleware:
    """Write an audit row for every refused access: a 403, or a 404 raised by a
    view (a record outside the user's scope answers 404 like a missing one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A 403 some middleware answers without raising (a CSRF failure, say) is a refusal too.
        if response.status_code == 403 and not getattr(request, "_refusal_audited", False):
            audit(request, "access_denied", status=403, detail=getattr(response, "reason_phrase", ""))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            audit(request, "access_denied", status=403, detail=str(exception))
        elif isinstance(exception, Http404):
            audit(request, "not_found", status=404)
        else:
            return None
        request._refusal_audited = True
        return None
