from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from hubportal import roles
from hubportal import two_factor as two_factor_tools
from hubportal.celery import app as celery_app
from hubportal.forms import TokenForm
from hubportal.models import HistoryEntry, Notification
from partners.models import Partner


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "hubportal/landing.html")


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
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker state for load balancers and monitoring."""
    checks = {"database": "ok", "broker": "ok"}
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
    healthy = checks["database"] == "ok"
    status = "ok" if healthy and checks["broker"] == "ok" else ("degraded" if healthy else "down")
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


@roles.hub_team_required
def staff_home(request: HttpRequest) -> HttpResponse:
    by_stage = dict(Partner.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    pipeline = [(value, label, by_stage.get(value, 0)) for value, label in Partner.Stage.choices]
    recent = HistoryEntry.objects.select_related("content_type").order_by("-at", "-pk")[:10]
    return render(
        request,
        "staff/home.html",
        {"pipeline": pipeline, "partner_total": sum(by_stage.values()), "recent": recent},
    )


@roles.partner_required
def portal_home(request: HttpRequest) -> HttpResponse:
    partner = get_object_or_404(
        Partner.objects.visible_to(request.user).select_related("partner_type"), pk=request.user.partner_id
    )
    latest = Notification.objects.filter(recipient=request.user)[:5]
    return render(request, "portal/home.html", {"partner": partner, "latest": latest})


@roles.chair_required
def chair_home(request: HttpRequest) -> HttpResponse:
    by_stage = dict(Partner.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return render(
        request,
        "chair/home.html",
        {
            "active_partners": by_stage.get(Partner.Stage.ACTIVE, 0),
            "suspended_partners": by_stage.get(Partner.Stage.SUSPENDED, 0),
            "onboarding_partners": sum(by_stage.get(s, 0) for s in Partner.BEFORE_ACTIVE),
        },
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "hubportal/notifications.html", {"page": page})


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


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter a code from the authenticator app (or set one up first)."""
    devices = list(devices_for_user(request.user))
    if not devices:
        return redirect(f"{reverse('two_factor_setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return render(request, "registration/two_factor.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app: scan the QR code, then enter one code to confirm."""
    device = two_factor_tools.pending_device(request.user)
    form = TokenForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, "Two-factor authentication is on. You will enter a code each time you sign in.")
        return redirect(_next_url(request))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr": two_factor_tools.qr_data_uri(device),
            "secret": two_factor_tools.secret_for_typing(device),
            "has_confirmed_device": bool(list(devices_for_user(request.user))),
        },
    )
