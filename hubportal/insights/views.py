from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from hubportal.celery import app as celery_app
from hubportal.core import roles
from hubportal.core.exports import export_format, export_rows
from hubportal.core.figures import cached
from hubportal.core.health import health_for
from hubportal.core.history import record
from hubportal.core.hub import current_hub
from hubportal.core.lists import page_of, querystring
from hubportal.core.shared_reads import reads_shared
from hubportal.core.todo import todos_for
from hubportal.insights import dashboard, needs
from hubportal.insights import reminder_log as log_scope
from hubportal.insights.filters import (
    NotificationFilter,
    OutboundEmailFilter,
    ReminderFilter,
    WordingFilterForm,
)
from hubportal.messaging import wording
from hubportal.messaging.forms import (
    NotificationPreferencesForm,
    OutboxPasswordResetForm,
    RecoveryCodeForm,
    TokenForm,
    TwoFactorResetForm,
    WordingForm,
)
from hubportal.messaging.notifications import notification_preferences_set
from hubportal.models import MessageTemplate, Notification, OutboundEmail, User
from hubportal.security import two_factor as two_factor_tools
from hubportal.security.audit import audit
from hubportal.security.ratelimits import limit_requests, over_limit
from partners.models import Partner
from partners.standing import standing_of


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "hubportal/landing.html")


@require_GET
def hub_theme(request: HttpRequest) -> HttpResponse:
    """The Hub's colours as CSS variables (a stylesheet, so the CSP needs no inline style)."""
    hub = current_hub()
    css = f":root {{ --hub-purple: {hub.primary_colour}; --hub-purple-dark: {hub.accent_colour}; }}\n"
    response = HttpResponse(css, content_type="text/css")
    return response


@require_GET
def hub_logo(request: HttpRequest) -> HttpResponse:
    """The Hub's logo (public: it is on the landing page), or the Hub Portal mark."""
    from django.http import FileResponse
    from django.templatetags.static import static

    hub = current_hub()
    if not hub.logo:
        return redirect(static("img/favicon.svg"))
    try:
        handle = hub.logo.open("rb")
    except OSError:
        return redirect(static("img/favicon.svg"))
    response = FileResponse(handle, content_type="image/png" if hub.logo.name.endswith(".png") else "image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their own area after signing in."""
    user = request.user
    if roles.is_partner_user(user):
        return redirect("portal_home")
    if roles.is_chair(user):
        return redirect("chair_home")
    if roles.is_hub_team(user):
        return redirect("staff_home")
    return redirect("notifications")


@require_GET
@never_cache
def livez(request: HttpRequest) -> HttpResponse:
    """The process is up and serving (for a load balancer's liveness probe).
    It does no work of its own, so it is also the floor the benchmark compares
    every page with: no Django page can answer faster."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The database, the broker and the cache, each on its own, for load
    balancers and monitoring. 200 "ok" when all answer; 200 "degraded" when
    only the broker or the cache is down (pages still work: emails wait in the
    outbox, figures are computed from the database); 503 "down" without the
    database, the one part no page can do without."""
    checks = {"database": "ok", "broker": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unreachable"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        checks["broker"] = "unreachable"
    reachable = getattr(cache, "reachable", None)  # an in-process cache is always there
    if reachable is not None and not reachable():
        checks["cache"] = "unreachable"
    healthy = checks["database"] == "ok"
    if not healthy:
        status = "down"
    elif all(state == "ok" for state in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


@roles.hub_team_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """What needs this person now, then the figures: every count links to the list
    behind it. Assessors, who score EOIs and see no partnership figures, get
    their assignments. "Needs you now" is this person's own, cached like the
    figures: every change that adds or clears a need is a transition, whose
    history row drops the cache as it commits, so what someone has just done
    leaves the list at once (and a meeting that starts shows within a minute)."""
    today = timezone.localdate()
    if not roles.is_hub_staff(request.user):
        return render(
            request,
            "staff/assessor_home.html",
            {
                "needs": needs.assessor_needs(request.user, today),
                "assessments": dashboard.assessor_stats(request.user),
                "today": today,
            },
        )
    user = request.user
    # The same for every Hub staff member, but for what only safeguarding leads may see.
    audience = "safeguarding" if roles.is_safeguarding_lead(user) else "staff"
    figures = cached(
        f"staff-dashboard:{today}:{audience}",
        lambda: {**dashboard.staff_dashboard(user, today), "recent": dashboard.recent_activity(user)},
    )
    return render(
        request,
        "staff/home.html",
        {
            **figures,
            "glance": dashboard.glance(figures),
            "needs": cached(f"staff-needs:{user.pk}:{today}", lambda: needs.staff_needs(user, today)),
            "today": today,
        },
    )


@roles.partner_required
def portal_home(request: HttpRequest) -> HttpResponse:
    partner = get_object_or_404(
        Partner.objects.visible_to(request.user).select_related("partner_type"), pk=request.user.partner_id
    )
    latest = Notification.objects.filter(recipient=request.user)[:5]
    today = timezone.localdate()

    def compute() -> dict:
        with reads_shared():  # what the to-do list and health both read (evidence, agreements to sign), once
            return {
                "todos": todos_for(partner, today),
                "health": health_for([partner.pk], today, for_partner=True, stages={partner.pk: partner.status})[
                    partner.pk
                ],
                "summary": dashboard.portal_summary(request.user),
            }

    figures = cached(f"portal-home:{request.user.pk}:{today}", compute)
    # What the partnership's standing means for it now, where it limits what it may do (an active
    # partner's lapsed standards show in its health and to-do list, read above).
    standing = standing_of(partner) if partner.status in STANDING_NOTICE_STAGES else None
    return render(
        request,
        "portal/home.html",
        {
            "partner": partner,
            "latest": latest,
            "today": today,
            "standing": standing,
            "needs": needs.partner_needs(figures["todos"], today),
            **figures,
        },
    )


STANDING_NOTICE_STAGES = {Partner.Stage.SUSPENDED, Partner.Stage.TERMINATED, Partner.Stage.LAPSED}


@roles.chair_required
def chair_home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "chair/home.html",
        {
            "needs": needs.chair_needs(today),
            # The same for every Chair: counts, health levels, leverage and reach.
            "summary": cached(f"chair-summary:{today}", lambda: dashboard.chair_summary(request.user, today)),
        },
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = NotificationFilter(request.GET, queryset=Notification.objects.filter(recipient=request.user))
    if export_format(request):
        return export_rows(request, mine.qs, NOTIFICATION_COLUMNS, "notifications")
    return render(
        request,
        "hubportal/notifications.html",
        {"page": page_of(request, mine.qs), "filter": mine, "querystring": querystring(request)},
    )


NOTIFICATION_COLUMNS = [
    ("Date", lambda n: n.created_at),
    ("Subject", lambda n: n.subject),
    ("Message", lambda n: n.body),
    ("Read", lambda n: n.read_at),
]


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Choose an email per notification or one daily digest."""
    # A bound form even for an empty POST: an unticked box sends nothing.
    form = NotificationPreferencesForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = notification_preferences_set(
            user=request.user, prefers_daily_digest=form.cleaned_data["prefers_daily_digest"]
        )
        if user.prefers_daily_digest:
            messages.success(request, "Saved. From tomorrow you will get one digest email a day instead.")
        else:
            messages.success(request, "Saved. You will get an email for each new notification.")
        return redirect("notification_preferences")
    return render(request, "accounts/notification_preferences.html", {"form": form})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.url or "notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


class LimitedPasswordResetView(auth_views.PasswordResetView):
    """Password reset through the outbox, at most so many emails an hour per
    address and per account (hubportal.security.ratelimits), so no one can flood an inbox."""

    form_class = OutboxPasswordResetForm

    def form_valid(self, form):
        account = form.cleaned_data["email"].strip().lower()
        if over_limit(self.request, "password_reset_address") or over_limit(
            self.request, "password_reset_account", key=f"account:{account}"
        ):
            form.add_error(
                None,
                "We have had several password-reset requests for this address or from your connection in the "
                "last hour. Check your inbox (and spam folder) for the email already sent, or try again later.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


password_reset_confirm = limit_requests("link")(auth_views.PasswordResetConfirmView.as_view())


def _authenticators(user) -> list:
    return [device for device in devices_for_user(user) if isinstance(device, TOTPDevice)]


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter a code from the authenticator app (or set one up first)."""
    devices = _authenticators(request.user)
    if not devices:
        return redirect(f"{reverse('two_factor_setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return render(request, "registration/two_factor.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """Sign in with a one-time recovery code when the phone is lost."""
    device = two_factor_tools.recovery_device(request.user)
    form = RecoveryCodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        audit(request, "recovery_code_used", detail=f"{two_factor_tools.recovery_codes_left(request.user)} left")
        left = two_factor_tools.recovery_codes_left(request.user)
        messages.warning(
            request,
            f"You signed in with a recovery code; {left} left. If your phone is lost, link a new authenticator "
            "app now (Two-factor settings) and print new recovery codes.",
        )
        return redirect(_next_url(request))
    return render(request, "registration/two_factor_recovery.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app: scan the QR code, then enter one code to confirm.

    Only a verified session, or a user with no authenticator yet, gets here: a
    password alone must never be enough to add a second factor of one's own."""
    allowed, reason = two_factor_tools.can_change_devices(request)
    if not allowed:
        messages.error(request, reason)
        return redirect(f"{reverse('two_factor')}?next={_next_url(request)}")
    device = two_factor_tools.pending_device(request.user)
    form = TokenForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        codes = two_factor_tools.authenticator_confirm(request=request, device=device)
        otp_login(request, device)
        messages.success(request, "Two-factor authentication is on. You will enter a code each time you sign in.")
        return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr": two_factor_tools.qr_data_uri(device),
            "secret": two_factor_tools.secret_for_typing(device),
            "has_confirmed_device": two_factor_tools.has_authenticator(request.user),
        },
    )


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """See how many recovery codes are left; print a new set (the old ones stop working)."""
    allowed, reason = two_factor_tools.can_change_devices(request)
    if not allowed:
        messages.error(request, reason)
        return redirect(f"{reverse('two_factor')}?next={request.path}")
    if request.method == "POST":
        try:
            codes = two_factor_tools.recovery_codes_regenerate(request=request)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
            return redirect("two_factor_setup")
        return render(request, "registration/recovery_codes.html", {"codes": codes, "next": reverse("home")})
    return render(
        request,
        "registration/recovery_codes_manage.html",
        {
            "left": two_factor_tools.recovery_codes_left(request.user),
            "has_authenticator": two_factor_tools.has_authenticator(request.user),
        },
    )


@login_required
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin or the Service Manager resets someone's second factor, with a reason."""
    target = get_object_or_404(User, pk=pk)
    allowed, reason = two_factor_tools.can_reset_two_factor(request.user, target)
    if not allowed:
        raise PermissionDenied(reason)
    form = TwoFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        two_factor_tools.two_factor_reset(request=request, target=target, reason=form.cleaned_data["reason"])
        messages.success(
            request, f"Two-factor authentication was reset for {target}. They will link an app at next sign-in."
        )
        return redirect("home")
    return render(request, "registration/two_factor_reset.html", {"form": form, "target": target})


@roles.hub_staff_required
def reminder_log(request: HttpRequest) -> HttpResponse:
    """What was sent, to whom and when, and which emails failed."""
    user = request.user
    reminders = ReminderFilter(request.GET, queryset=log_scope.reminders_visible_to(user), request=request)
    emails = OutboundEmailFilter(request.GET, queryset=log_scope.emails_visible_to(user), prefix="email")
    if export_format(request) and request.GET.get("list") == "emails":
        return export_rows(request, emails.qs, EMAIL_COLUMNS, "emails")
    if export_format(request):
        return export_rows(request, reminders.qs, REMINDER_COLUMNS, "reminders")
    kept = querystring(request, drop=("page", "email-page", "export", "list"))
    return render(
        request,
        "staff/reminders.html",
        {
            "filter": reminders,
            "page": page_of(request, reminders.qs),
            "email_filter": emails,
            "emails": page_of(request, emails.qs, param="email-page"),
            "failed_count": log_scope.emails_visible_to(user).filter(status=OutboundEmail.Status.FAILED).count(),
            "complaints_hidden": not log_scope.can_see_complaint_messages(user),
            "querystring": kept,
            "email_querystring": f"{kept}&list=emails" if kept else "list=emails",
        },
    )


EMAIL_COLUMNS = [
    ("Queued", lambda e: e.created_at),
    ("To", lambda e: e.to),
    ("Subject", lambda e: e.subject),
    ("Kind", lambda e: e.kind),
    ("Status", lambda e: e.get_status_display()),
    ("Tries", lambda e: e.attempts),
    ("Sent", lambda e: e.sent_at),
    ("Last error", lambda e: e.last_error),
]


REMINDER_COLUMNS = [
    ("Kind", lambda r: r.kind),
    ("Stage", lambda r: r.stage),
    ("Due on", lambda r: r.due_on),
    ("Recipient", lambda r: str(r.recipient)),
    ("Claimed", lambda r: r.claimed_at),
    # Sent only if it reached the person: a reminder whose email failed has its in-app notice alone.
    ("Sent", lambda r: "" if r.email_failed else r.sent_at),
    ("In-app notice", lambda r: r.sent_at),
    ("Failed", lambda r: r.failed_at),
    ("Error", lambda r: r.error),
    ("Email status", lambda r: r.notification.email.status if r.notification and r.notification.email else ""),
]


@roles.hub_staff_required
def wording_list(request: HttpRequest) -> HttpResponse:
    custom = set(MessageTemplate.objects.values_list("kind", flat=True))
    form = WordingFilterForm(request.GET)
    rows = form.rows([(k, k in custom) for k in wording.kinds()])
    if export_format(request):
        return export_rows(request, rows, WORDING_COLUMNS, "message-wording")
    return render(
        request,
        "staff/wording_list.html",
        {"form": form, "page": page_of(request, rows, per_page=50), "querystring": querystring(request)},
    )


WORDING_COLUMNS = [("Kind", lambda row: row[0]), ("Wording", lambda row: "Your own" if row[1] else "Default")]


@roles.hub_staff_required
def wording_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """Edit a kind's subject and body, preview it, save it, or go back to the default."""
    if kind not in wording.kinds():
        raise Http404("No such message.")
    current = MessageTemplate.objects.filter(kind=kind).first()
    subject, body = (current.subject, current.body) if current else wording.default_text(kind)
    form = WordingForm(request.POST or None, kind=kind, initial={"subject": subject, "body": body})
    shown = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reset":
            if current:
                record(current, actor=request.user, action="wording reset to default", note=kind)
                current.delete()
            messages.success(request, "The message is back to its default wording.")
            return redirect("wording_edit", kind=kind)
        if form.is_valid():
            if action == "preview":
                shown = wording.preview(kind, form.cleaned_data["subject"], form.cleaned_data["body"])
            else:
                saved, _ = MessageTemplate.objects.update_or_create(
                    kind=kind,
                    defaults={**form.cleaned_data, "updated_by": request.user},
                )
                record(saved, actor=request.user, action="wording changed", note=form.cleaned_data["subject"])
                messages.success(request, "Saved. New messages of this kind use this wording.")
                return redirect("wording_edit", kind=kind)
    return render(
        request,
        "staff/wording_edit.html",
        {
            "kind": kind,
            "form": form,
            "preview": shown,
            "customised": current is not None,
            "placeholders": sorted(wording.allowed_placeholders(kind)),
            "sample_data": wording.has_sample(kind),
        },
    )
