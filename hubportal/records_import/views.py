"""Import records (staff page): templates, upload and preview, confirm."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import Agreement
from agreements.permissions import may_download_pdf
from hubportal.core.errors import ActionRefused, require
from hubportal.core.roles import hub_staff_required, is_hub_staff, is_partner_user
from hubportal.core.uploads import SecureFileField, detect_kind, serve_private_file
from hubportal.core.words import midsentence
from hubportal.records_import import services
from hubportal.records_import.kinds import KINDS
from hubportal.records_import.models import ImportRun, LegacySignedCopy
from hubportal.records_import.permissions import can_attach_legacy_evidence, can_attach_legacy_pdf, can_import
from partners.forms import EVIDENCE_KINDS
from partners.selectors import get_evidence_for

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=[(k, v.title) for k, v in KINDS.items()])
    file = SecureFileField(label="The filled-in template (CSV or XLSX)", kinds={"xlsx"}, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A CSV has no magic number for the upload policy to judge, so it is
        # checked here: text, within the size limit, named .csv.
        self.fields["file"].required = True
        self.fields["file"].validators = []
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.name.lower().endswith(".csv"):
            head = uploaded.read(4096)
            uploaded.seek(0)
            if b"\x00" in head or uploaded.size > 20 * 1024 * 1024:
                raise forms.ValidationError("This is not a CSV file we can read: save the template as CSV again.")
            return uploaded
        detect_kind(uploaded, {"xlsx"})
        return uploaded


def _allowed(request: HttpRequest) -> None:
    allowed, reason = can_import(request.user)
    require(allowed, reason)


@login_required
def import_home(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run, _ = services.import_upload(
                actor=request.user, kind_key=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"]
            )
        except ActionRefused as error:
            form.add_error("file", str(error))
        else:
            return redirect("records_import:preview", pk=run.pk)
    runs = ImportRun.objects.select_related("uploaded_by")[:20]
    return render(request, "records_import/home.html", {"form": form, "kinds": KINDS, "runs": runs})


@require_GET
@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _allowed(request)
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    data = services.template_dataset(kind)
    content = data.export(fmt)
    response = HttpResponse(
        content if isinstance(content, bytes) else content.encode("utf-8"), content_type=FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="hub-portal-{kind}-template.{fmt}"'
    return response


@require_GET
@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    result = None
    error = ""
    if run.status == ImportRun.Status.PREVIEWED:
        try:
            result = services.run_preview(run)
        except ActionRefused as refused:
            error = str(refused)
    return render(
        request, "records_import/preview.html", {"run": run, "result": result, "error": error, "kind": KINDS[run.kind]}
    )


@require_POST
@login_required
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        summary = services.import_confirm(run=run, actor=request.user)
    except ActionRefused as error:
        messages.error(request, str(error))
        return redirect("records_import:preview", pk=run.pk)
    messages.success(
        request,
        f"Imported {run.original_filename}: {summary['created']} added, {summary['updated']} updated, "
        f"{summary['unchanged']} unchanged.",
    )
    return redirect("records_import:home")


# The legacy signed PDF of an imported agreement.


class LegacyPdfForm(forms.Form):
    file = SecureFileField(label="The signed agreement (PDF)", kinds={"pdf"})


@hub_staff_required
@require_http_methods(["GET", "POST"])
def legacy_pdf_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff attach, or replace, the signed PDF of an agreement signed before the portal."""
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user).select_related("partner"), pk=pk)
    allowed, reason = can_attach_legacy_pdf(request.user, agreement)
    if not allowed:
        messages.error(request, reason)
        return redirect("agreements:detail", pk=agreement.pk)
    # Bound on any POST, so an empty one shows "required" rather than a blank form.
    form = LegacyPdfForm(request.POST, request.FILES) if request.method == "POST" else LegacyPdfForm()
    if form.is_valid():
        try:
            services.legacy_pdf_attach(agreement=agreement, actor=request.user, uploaded=form.cleaned_data["file"])
        except ActionRefused as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, "The signed copy is attached to the agreement.")
            return redirect("agreements:detail", pk=agreement.pk)
    current = LegacySignedCopy.objects.filter(agreement=agreement).first()
    return render(request, "records_import/legacy_pdf.html", {"agreement": agreement, "form": form, "current": current})


@login_required
@require_GET
def legacy_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The legacy signed PDF: for whoever may have the agreement's PDF (staff, the partner's own users)."""
    require(is_hub_staff(request.user) or is_partner_user(request.user), "The PDF is for Hub staff and the partner.")
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)
    require(*may_download_pdf(request.user, agreement))
    copy = get_object_or_404(LegacySignedCopy, agreement=agreement)
    return serve_private_file(copy.file, copy.original_filename)


class LegacyEvidenceForm(forms.Form):
    file = SecureFileField(label="The evidence document", kinds=EVIDENCE_KINDS)


@hub_staff_required
@require_http_methods(["GET", "POST"])
def legacy_evidence_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff attach, or replace, the file of an evidence item imported as verified."""
    item = get_evidence_for(request.user, pk)
    back = reverse("partners:detail", kwargs={"pk": item.partner_id}) + "?tab=evidence"
    allowed, reason = can_attach_legacy_evidence(request.user, item)
    if not allowed:
        messages.error(request, reason)
        return redirect(back)
    form = LegacyEvidenceForm(request.POST, request.FILES) if request.method == "POST" else LegacyEvidenceForm()
    if form.is_valid():
        try:
            services.legacy_evidence_attach(item=item, actor=request.user, uploaded=form.cleaned_data["file"])
        except ActionRefused as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"The file is attached to {midsentence(item.evidence_type.name)}.")
            return redirect(back)
    return render(request, "records_import/legacy_evidence.html", {"item": item, "form": form, "back": back})
