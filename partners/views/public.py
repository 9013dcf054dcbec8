"""Pages anyone may open, signed in or not."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_GET, require_http_methods

from hubportal.models import User
from hubportal.security.ratelimits import limit_requests, over_limit
from partners import forms, services

# --- public -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def enquire(request: HttpRequest) -> HttpResponse:
    """The public "Become a partner" form."""
    form = forms.EnquiryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.spam():
            form.add_error(None, "We could not accept this enquiry. Please email us instead.")
            status = 400
        elif form.is_valid():
            if over_limit(request, "enquiry"):
                form.add_error(
                    None,
                    "We have received several enquiries from your connection in the last hour. Please try again "
                    "later, or email us.",
                )
                status = 429
            else:
                data = form.cleaned_data
                services.partner_create_from_enquiry(
                    profile={
                        "name": data["name"],
                        "form": data["form"],
                        "partner_type": data["partner_type"],
                        "town": data["town"],
                        "postcode": data["postcode"].upper(),
                        "website": data["website"],
                    },
                    districts=data["districts"],
                    contact={
                        "name": data["contact_name"],
                        "role": data["contact_role"],
                        "email": data["email"],
                        "phone": data["phone"],
                    },
                    message=data["message"],
                )
                request.session["partners_enquiry_email"] = data["email"]
                return redirect("partners:enquiry_done")
    return render(request, "partners/enquire.html", {"form": form}, status=status)


@require_GET
def enquiry_done(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/enquiry_done.html", {"email": request.session.get("partners_enquiry_email", "")})


@require_http_methods(["GET", "POST"])
@limit_requests("link")
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The one-time link in the invitation email: choose a password, then sign in."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        pk = None
    invitee = User.objects.filter(pk=pk, partner__isnull=False, is_active=True).first() if pk else None
    if invitee is None or not services.invitation_tokens.check_token(invitee, token):
        return render(request, "partners/invitation_invalid.html")
    form = forms.InvitationPasswordForm(invitee, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.invitation_accept(user=invitee, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your password is set and you are signed in. Welcome to Hub Portal.")
        return redirect("portal_home")
    return render(request, "partners/accept_invitation.html", {"form": form, "invitee": invitee})
