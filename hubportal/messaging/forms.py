from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from hubportal.core import text_limits
from hubportal.core.hub import current_hub
from hubportal.core.outbox import queue_email
from hubportal.messaging.wording import validate
from hubportal.models import User


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes through the outbox and a Celery worker,
    so a slow mail server never holds up the request and no email is lost."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        context = {**context, "hub": current_hub()}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body, kind="password_reset")


class NotificationPreferencesForm(forms.ModelForm):
    """How a person hears of new notifications by email."""

    class Meta:
        model = User
        fields = ["prefers_daily_digest"]
        labels = {"prefers_daily_digest": "Send me one daily digest email instead of an email for each notification"}
        help_texts = {
            "prefers_daily_digest": (
                "The digest comes each morning and lists everything new since the last one. Notifications still "
                "appear in Hub Portal straight away, and a safeguarding concern is always emailed at once."
            )
        }


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device = None

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        for device in self.devices:
            if device.verify_token(token):  # a code works once: the device remembers the last one used
                self.device = device
                return token
        raise forms.ValidationError("That code is not right or has been used already. Enter the code showing now.")


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="One of your recovery codes",
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        # verify_token deletes the code it accepts: each works once.
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError("That recovery code is not right or has been used already.")
        return code


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label="Why is this reset needed?",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 400}),
        help_text="Recorded in the audit trail, e.g. 'Lost phone; identity checked by phone call on 6 December'.",
    )


class WordingForm(forms.Form):
    subject = forms.CharField(max_length=255)
    body = forms.CharField(max_length=text_limits.MESSAGE, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self):
        cleaned = super().clean()
        if "subject" in cleaned and "body" in cleaned:
            validate(self.kind, cleaned["subject"], cleaned["body"])
        return cleaned
