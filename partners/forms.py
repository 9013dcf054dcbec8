"""Input validation only: the services decide what may happen."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from hubportal.core import roles, text_limits
from hubportal.core.hub import current_hub
from hubportal.core.uploads import SecureFileField, describe_kinds
from hubportal.models import User
from partners.models import ActivityType, Contact, District, Meeting, NationalPlanStrand, Partner, PartnerType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _active(model):
    return model.objects.filter(is_active=True)


class EnquiryForm(forms.Form):
    """The public "Become a partner" form."""

    form = forms.ChoiceField(
        label="Are you an organisation or an individual?",
        choices=Partner.Form.choices,
        widget=forms.RadioSelect,
        initial=Partner.Form.ORGANISATION,
    )
    name = forms.CharField(
        label="Name of your organisation (or your own name, if you work on your own)", max_length=200
    )
    partner_type = forms.ModelChoiceField(
        label="What kind of organisation are you?",
        queryset=_active(PartnerType),
        required=False,
        empty_label="Not sure",
    )
    contact_name = forms.CharField(label="Your name", max_length=200)
    contact_role = forms.CharField(label="Your role or job title", max_length=150, required=False)
    email = forms.EmailField(label="Your email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label="Your phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode", max_length=10, required=False, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    districts = forms.ModelMultipleChoiceField(
        label="Where do you work with children and young people?",
        queryset=_active(District),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="Tell us about your music education work and why you would like to be a Hub partner",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=text_limits.ANSWER,
    )
    # A honeypot: hidden from people (and screen readers); bots fill it in.
    fax_number = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def spam(self) -> bool:
        return bool(self.data.get("fax_number", "").strip())


def _website():
    return forms.URLField(label="Website", required=False, assume_scheme="https")


class PartnerProfileForm(forms.ModelForm):
    """Staff add or edit a partner's profile (never its stage)."""

    website = _website()

    class Meta:
        model = Partner
        fields = [
            "name",
            "legal_name",
            "form",
            "partner_type",
            "charity_number",
            "company_number",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "website",
            "description",
            "districts",
            "strands",
            "activity_types",
        ]
        widgets = {
            "districts": forms.CheckboxSelectMultiple,
            "strands": forms.CheckboxSelectMultiple,
            "activity_types": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    MANY = ("districts", "strands", "activity_types")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.pk
        for name, model in [
            ("partner_type", PartnerType),
            ("districts", District),
            ("strands", NationalPlanStrand),
            ("activity_types", ActivityType),
        ]:
            # Inactive entries stay on old records but are not offered for new ones.
            keep = Q(is_active=True)
            if current:
                keep |= Q(pk=self.instance.partner_type_id) if name == "partner_type" else Q(partners=current)
            self.fields[name].queryset = model.objects.filter(keep).distinct()

    def profile(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.MANY}

    def many(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.MANY}


class OwnProfileForm(forms.ModelForm):
    """What a partner user may change about their own partner."""

    website = _website()

    class Meta:
        model = Partner
        fields = ["description", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "is_primary", "is_safeguarding_lead"]
        help_texts = {
            "is_primary": "The person the Hub writes to first. Choosing this moves it from the current one.",
            "is_safeguarding_lead": "Choosing this moves it from the current designated safeguarding lead.",
        }


class FirstContactForm(forms.ModelForm):
    """The primary contact of a partner staff add directly."""

    prefix = "contact"

    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]
        labels = {"name": "Contact name", "email": "Contact email", "phone": "Contact phone", "role": "Contact role"}


def hub_representatives():
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[roles.STAFF, roles.MANAGER]) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name")
    )


class MeetingScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(label="Length in minutes", min_value=15, max_value=240, initial=60)
    location = forms.CharField(label="Where (if in person)", max_length=300, required=False)
    online_link = forms.URLField(label="Video-call link (if online)", required=False, assume_scheme="https")
    representatives = forms.ModelMultipleChoiceField(
        label="Who will attend from the Hub Lead Organisation",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"].queryset = hub_representatives()
        self.fields["representatives"].label = f"Who will attend from {current_hub().lead_organisation}"

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise ValidationError("Choose a date and time in the future.")
        return starts_at

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("location") or cleaned.get("online_link")) and not self.has_error("online_link"):
            raise ValidationError("Say where the meeting is, or give the link to join it online.")
        return cleaned


class MeetingRecordForm(forms.ModelForm):
    """The record of the meeting: the policy's five questions and the outcome."""

    class Meta:
        model = Meeting
        fields = [
            "who_they_are",
            "national_plan_support",
            "needs_analysis_support",
            "proposed_partner_type",
            "benefit_to_young_people",
            "outcome",
            "notes",
        ]
        labels = {
            "who_they_are": "1. Who they are",
            "national_plan_support": "2. How they support the delivery of the National Plan for Music Education "
            "in the Hub's area",
            "needs_analysis_support": "3. How the partnership would support the Needs Analysis",
            "proposed_partner_type": "4. The type of partner they would be",
            "benefit_to_young_people": "5. How the partnership would benefit children and young people",
            "notes": "Other notes",
        }
        widgets = {
            "who_they_are": forms.Textarea(attrs={"rows": 3}),
            "national_plan_support": forms.Textarea(attrs={"rows": 3}),
            "needs_analysis_support": forms.Textarea(attrs={"rows": 3}),
            "benefit_to_young_people": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["who_they_are", "national_plan_support", "needs_analysis_support", "benefit_to_young_people"]:
            self.fields[name].required = True
        self.fields["proposed_partner_type"].required = True
        self.fields["proposed_partner_type"].queryset = _active(PartnerType)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = Meeting.Outcome.choices
        self.fields[
            "national_plan_support"
        ].label = f"2. How they support the delivery of the National Plan for Music Education in {current_hub().area}"

    def answers(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ["who_they_are", "national_plan_support", "needs_analysis_support", "benefit_to_young_people"]
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, label: str = "Reason", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text


class InviteUserForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address")
    job_title = forms.CharField(label="Role or job title", max_length=150, required=False)


class InvitationPasswordForm(SetPasswordForm):
    """Choose a password (Django's validators: at least 12 characters, not common)."""


# The issue allows these for evidence (not spreadsheets, which the shared policy also allows).
EVIDENCE_KINDS = {"pdf", "png", "jpg", "docx"}


class EvidenceUploadForm(forms.Form):
    file = SecureFileField(
        label="Document",
        kinds=EVIDENCE_KINDS,
        help_text=f"{describe_kinds(EVIDENCE_KINDS)}; at most 10 MB.",
    )
    issued_on = forms.DateField(label="Date issued", widget=DATE, help_text="The date on the document or certificate.")
    expires_on = forms.DateField(
        label="Expiry date (if the document has one)",
        widget=DATE,
        required=False,
        help_text="Leave empty and we use the usual renewal period for this kind of evidence.",
    )
    note = forms.CharField(
        label="Note for the Hub (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=text_limits.NOTE,
        help_text="For example the DBS certificate number or what the document covers.",
    )

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise ValidationError("The date issued cannot be in the future.")
        return issued_on

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", "The expiry date must be after the date issued.")
        return cleaned


class EvidenceVerifyForm(forms.Form):
    expires_on = forms.DateField(
        label="Expiry date",
        widget=DATE,
        required=False,
        help_text="Correct it if the document shows a different date.",
    )
    note = forms.CharField(
        max_length=text_limits.NOTE, label="Note (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
