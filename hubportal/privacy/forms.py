from django import forms
from django.utils import timezone

from complaints.models import Complaint
from hubportal.core import text_limits
from hubportal.privacy.models import DataRequest
from partners.models import Partner


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Request", choices=DataRequest.Kind.choices)
    person_name = forms.CharField(label="Their full name", max_length=200, required=False)
    person_email = forms.EmailField(label="Their email address", required=False)
    received_on = forms.DateField(
        label="Received on", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    details = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="What they asked for",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future.")
        return received_on

    def clean(self):
        data = super().clean()
        if not data.get("person_name", "").strip() and not data.get("person_email", "").strip():
            raise forms.ValidationError("Give the person's name or email address, so their records can be found.")
        return data


class LegalHoldForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.all(), required=False)
    complaint = forms.ModelChoiceField(queryset=Complaint.objects.all(), required=False)
    person_email = forms.EmailField(label="Person (email address)", required=False)
    reason = forms.CharField(max_length=text_limits.REASONS, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        chosen = [bool(data.get("partner")), bool(data.get("complaint")), bool(data.get("person_email"))]
        if sum(chosen) != 1:
            raise forms.ValidationError("Choose one thing to hold: a partner, a complaint or a person's email address.")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=text_limits.REASONS, widget=forms.Textarea(attrs={"rows": 2}))


class FulfilForm(forms.Form):
    outcome = forms.CharField(
        label="What was sent, and how", widget=forms.Textarea(attrs={"rows": 2}), max_length=text_limits.ACCOUNT
    )
