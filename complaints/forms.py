"""Input validation only: the services decide what is allowed."""

from django import forms
from django.utils import timezone

from agreements.models import Agreement, Reason, TerminationRecommendation
from complaints.models import Complaint, ComplaintNote
from complaints.permissions import note_kinds_for
from complaints.services import partners_to_complain_about
from hubportal.core import text_limits
from hubportal.core.uploads import ALLOWED_DESCRIPTION, SecureFileField

MAX_ATTACHMENTS = 5
ACCOUNT_HELP = (
    "Say what happened, when and where, and who was involved. Please do not include the names of children "
    "unless it is needed to understand what happened."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleSecureFileField(SecureFileField):
    """Several files in one input, each checked by the upload policy."""

    def __init__(self, *args, max_files: int = MAX_ATTACHMENTS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > self.max_files:
            raise forms.ValidationError(f"Attach at most {self.max_files} files; you chose {len(files)}.")
        single = super().clean
        return [single(f, initial) for f in files if f]


def _attachments_field():
    return MultipleSecureFileField(
        label="Documents or photos (optional)",
        help_text=f"Up to {MAX_ATTACHMENTS} files: {ALLOWED_DESCRIPTION}, each at most 10 MB.",
    )


class _SubjectMixin:
    """Which partner (or the Hub) the complaint is about."""

    def _set_partner_choices(self, exclude=None):
        self.fields["partner"].queryset = partners_to_complain_about(exclude=exclude)

    def _clean_subject(self, cleaned, partner_required: bool):
        about, partner = cleaned.get("about"), cleaned.get("partner")
        if about == Complaint.About.HUB and partner is not None:
            self.add_error("partner", "Leave the partner empty for a complaint about the Hub itself.")
        if about == Complaint.About.PARTNER and partner is None and partner_required:
            self.add_error("partner", "Choose the partner the complaint is about.")
        agreement = cleaned.get("agreement")
        if agreement is not None and partner is not None and agreement.partner_id != partner.pk:
            self.add_error("agreement", "This agreement is not with the partner chosen. Choose one of theirs.")
        return cleaned


class PublicComplaintForm(_SubjectMixin, forms.Form):
    """The open form at /complaints/new/. ``website`` is a honeypot: people
    never see it, so anything typed there came from a robot."""

    complainant_name = forms.CharField(label="Your name", max_length=200)
    complainant_email = forms.EmailField(
        label="Your email address", help_text="We write to you here, and send you a private link to follow it."
    )
    complainant_phone = forms.CharField(label="Your phone number (optional)", max_length=30, required=False)
    category = forms.ChoiceField(label="What is it about?", choices=Complaint.Category.choices)
    about = forms.ChoiceField(
        label="Who is it about?",
        choices=Complaint.About.choices,
        widget=forms.RadioSelect,
        initial=Complaint.About.PARTNER,
    )
    partner = forms.ModelChoiceField(
        label="Which partner (if you know)",
        queryset=None,
        required=False,
        empty_label="I don't know which partner",
    )
    account = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=ACCOUNT_HELP,
    )
    desired_outcome = forms.CharField(
        max_length=text_limits.OUTCOME,
        label="What would you like to happen? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    attachments = _attachments_field()
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_partner_choices()

    def clean(self):
        return self._clean_subject(super().clean(), partner_required=False)

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class PortalComplaintForm(_SubjectMixin, forms.Form):
    """A partner user's complaint about another partner or the Hub."""

    category = forms.ChoiceField(label="What is it about?", choices=Complaint.Category.choices)
    about = forms.ChoiceField(
        label="Who is it about?",
        choices=Complaint.About.choices,
        widget=forms.RadioSelect,
        initial=Complaint.About.PARTNER,
    )
    partner = forms.ModelChoiceField(label="Which partner", queryset=None, required=False)
    account = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=ACCOUNT_HELP,
    )
    desired_outcome = forms.CharField(
        max_length=text_limits.OUTCOME,
        label="What would you like to happen? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    complainant_phone = forms.CharField(label="A phone number we may call (optional)", max_length=30, required=False)
    attachments = _attachments_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_partner_choices(exclude=user.partner)

    def clean(self):
        return self._clean_subject(super().clean(), partner_required=True)


class StaffComplaintForm(_SubjectMixin, forms.Form):
    """A complaint made to the Hub in writing (a letter, an email), recorded by staff."""

    complainant_name = forms.CharField(label="Complainant's name", max_length=200)
    complainant_email = forms.EmailField(
        label="Complainant's email address", help_text="They are sent a private link to follow their complaint."
    )
    complainant_phone = forms.CharField(label="Complainant's phone number (optional)", max_length=30, required=False)
    received_on = forms.DateField(
        label="Date received",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The deadlines count from this day.",
    )
    category = forms.ChoiceField(label="Category", choices=Complaint.Category.choices)
    about = forms.ChoiceField(
        label="About", choices=Complaint.About.choices, widget=forms.RadioSelect, initial=Complaint.About.PARTNER
    )
    partner = forms.ModelChoiceField(label="Partner", queryset=None, required=False)
    agreement = forms.ModelChoiceField(
        label="Agreement (optional)", queryset=Agreement.objects.select_related("partner"), required=False
    )
    account = forms.CharField(
        max_length=text_limits.ACCOUNT, label="The complaint as written", widget=forms.Textarea(attrs={"rows": 8})
    )
    desired_outcome = forms.CharField(
        max_length=text_limits.OUTCOME,
        label="What the complainant would like to happen (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    attachments = _attachments_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self._set_partner_choices()
        self.fields["agreement"].label_from_instance = lambda a: f"{a.partner.name}: {a}"

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future.")
        return day

    def clean(self):
        return self._clean_subject(super().clean(), partner_required=True)


class DetailsForm(_SubjectMixin, forms.ModelForm):
    """Triage in stage one."""

    class Meta:
        model = Complaint
        fields = ["category", "about", "partner", "agreement"]
        widgets = {"about": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_partner_choices()
        self.fields["agreement"].queryset = Agreement.objects.select_related("partner")
        self.fields["agreement"].label_from_instance = lambda a: f"{a.partner.name}: {a}"

    def clean(self):
        return self._clean_subject(super().clean(), partner_required=True)


class AcknowledgeForm(forms.Form):
    message = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="Message to the complainant (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Sent with the acknowledgement, e.g. who is looking into it.",
    )


class InvestigateForm(forms.Form):
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Internal note (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="E.g. who you will speak to. Not sent to anyone.",
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="Written resolution",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Sent to the complainant, who may accept it or escalate to the Chair of the Hub Executive Board.",
    )


class EscalateForm(forms.Form):
    reasons = forms.CharField(
        max_length=text_limits.REASONS,
        label="Why the resolution does not settle your complaint",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The Chair of the Hub Executive Board reads this with everything on your complaint.",
    )


class DecisionForm(forms.Form):
    findings = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="Findings",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you found. Sent to the complainant and to Hub staff.",
    )
    decision = forms.ChoiceField(label="Decision", choices=Complaint.ChairDecision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        max_length=text_limits.REASONS,
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Sent to the complainant, Hub staff and the partner complained about. Do not name the complainant here."
        ),
    )
    confirm = forms.BooleanField(
        label="I understand that my decision is final: once recorded it cannot be changed.",
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of note", choices=())
    body = forms.CharField(label="Note", max_length=text_limits.ACCOUNT, widget=forms.Textarea(attrs={"rows": 4}))
    corrects = forms.ModelChoiceField(
        label="What it corrects",
        queryset=ComplaintNote.objects.none(),
        required=False,
        empty_label="The Chair's decision",
        help_text="For a correction only: the earlier note (or the decision) it corrects.",
    )

    def __init__(self, *args, user, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = note_kinds_for(user, complaint)
        self.fields["kind"].choices = [(k, ComplaintNote.Kind(k).label) for k in kinds]
        if ComplaintNote.Kind.CORRECTION in kinds:
            self.fields["corrects"].queryset = complaint.notes.exclude(kind=ComplaintNote.Kind.CORRECTION)
            self.fields["corrects"].label_from_instance = lambda n: (
                f"{n.get_kind_display()} of {timezone.localtime(n.created_at):%-d %b %Y %H:%M} by {n.author_name}"
            )
        else:
            del self.fields["corrects"]


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message", max_length=text_limits.ACCOUNT, widget=forms.Textarea(attrs={"rows": 4})
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(
        max_length=text_limits.REASONS,
        label="Why the partnership is suspended",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded on the partner and told to them. Do not name the complainant.",
    )


class RecommendationForm(forms.Form):
    agreement = forms.ModelChoiceField(label="Agreement", queryset=Agreement.objects.none())
    kind = forms.ChoiceField(label="Recommendation", choices=TerminationRecommendation.Kind.choices)
    reasons = forms.MultipleChoiceField(
        label="Reasons (from the policy)", choices=Reason.choices, widget=forms.CheckboxSelectMultiple
    )
    other_reason = forms.CharField(max_length=text_limits.REASONS, label="Other reason (if “Other”)", required=False)
    evidence = forms.CharField(
        max_length=text_limits.ACCOUNT,
        label="Evidence for the Chair",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened and what supports the recommendation. The Chair also sees this complaint.",
    )
    suspend_partner = forms.BooleanField(
        label="Also suspend the partnership now, pending the Chair's decision", required=False
    )
    documents = MultipleSecureFileField(label="Supporting documents (optional)")

    def __init__(self, *args, complaint: Complaint, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("reasons", [Reason.SAFEGUARDING])
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.filter(
            partner_id=complaint.partner_id, status__in=Agreement.IN_FORCE
        )

    def clean(self):
        cleaned = super().clean()
        if Reason.OTHER in cleaned.get("reasons", []) and not cleaned.get("other_reason", "").strip():
            self.add_error("other_reason", "Say what the other reason is.")
        return cleaned


class TrackingRequestForm(forms.Form):
    reference = forms.CharField(label="Complaint reference", max_length=20, help_text="For example C-2026-0042.")
    email = forms.EmailField(label="The email address you gave us")
