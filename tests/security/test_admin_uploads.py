"""The Django admin is no way round the upload policy.

Every model admin and every inline, as a superuser, on an add page and on the
change page of a real record: a file field in its form is either absent or
read-only, or it refuses what the policy refuses (HTML named .pdf, a PNG with
web page code in it). The admins are read from the admin site, so a file field
added to any admin later is checked without anyone adding it here.
"""

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from tests import files

BAD_FILES = {"HTML named .pdf": files.html_named_pdf, "PNG/HTML polyglot": files.png_html_polyglot}


@pytest.fixture
def admin_user(cast):
    """The sweep cast's admin: the cast and sample are built once for the module
    (tests/security/conftest.py), so a second "admin-user" cannot be made."""
    return cast["admin"]


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def editable_forms(request):
    """(where, form class) for every form the admin would let this user submit:
    each model admin's add and change form, and each inline's, on the add page
    and on the change page of the model's first row."""
    for model, model_admin in admin.site._registry.items():
        name = f"{model._meta.label} ({type(model_admin).__name__})"
        record = model._default_manager.order_by("pk").first()
        pages = [(None, False)] + ([(record, True)] if record is not None else [])
        for obj, change in pages:
            page = "change" if change else "add"
            allowed = (
                model_admin.has_change_permission(request, obj) if change else model_admin.has_add_permission(request)
            )
            if not allowed:
                continue  # the admin shows this page read-only, or not at all
            yield f"{name} {page} form", model_admin.get_form(request, obj, change=change)
            for inline in model_admin.get_inline_instances(request, obj):
                if not (inline.has_add_permission(request, obj) or inline.has_change_permission(request, obj)):
                    continue  # Django renders every field of this inline read-only
                yield (
                    f"{name} {page} page, inline {type(inline).__name__}",
                    inline.get_formset(request, obj).form,
                )


def refuses(field: forms.FileField, make) -> bool:
    try:
        field.clean(make())
    except ValidationError:
        return True
    return False


def test_no_admin_form_takes_a_file_the_upload_policy_would_refuse(admin_user, sample):
    request = admin_request(admin_user)
    unsafe = []
    for where, form_class in editable_forms(request):
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.FileField):
                continue
            accepted = [label for label, make in BAD_FILES.items() if not refuses(field, make)]
            if accepted:
                unsafe.append(f"{where}: field {name!r} accepts {', '.join(accepted)}")
    assert not unsafe, (
        "Admin file fields that bypass the upload policy (make them read-only, or use "
        "hubportal.core.uploads.SecureFileField):\n" + "\n".join(unsafe)
    )


def test_the_check_sees_every_admin_and_inline_with_a_file(admin_user, sample):
    """The models with files are all in the admin, so the sweep above is not vacuous."""
    with_files = set()
    for model, model_admin in admin.site._registry.items():
        for candidate in [model] + [inline.model for inline in model_admin.inlines]:
            if any(isinstance(f, models.FileField) for f in candidate._meta.fields):
                with_files.add(candidate._meta.label)
    assert {
        "partners.EvidenceItem",
        "agreements.RecommendationDocument",
        "eoi.EoiAttachment",
        "surveys.CaseStudyImage",
        "complaints.ComplaintAttachment",
    } <= with_files
    # And the forms the sweep builds do include the editable admins holding them.
    wheres = {where for where, _ in editable_forms(admin_request(admin_user))}
    assert any(w.startswith("partners.EvidenceItem ") and "change form" in w for w in wheres)


@pytest.mark.parametrize("make", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_policy_field_is_what_the_sweep_accepts(make):
    """The sweep's yardstick: the one policy field refuses each bad file, a plain field does not."""
    from hubportal.core.uploads import SecureFileField

    assert refuses(SecureFileField(), make)
    assert not refuses(forms.FileField(), make)


def test_the_evidence_admin_shows_the_checked_download_link_and_no_upload(admin_user, client, sample):
    client.force_login(admin_user)
    evidence = sample["evidence"]
    response = client.get(f"/admin/partners/evidenceitem/{evidence.pk}/change/")
    assert response.status_code == 200
    assert 'type="file"' not in response.text
    assert reverse("partners:evidence_download", kwargs={"pk": evidence.pk}) in response.text
    assert evidence.file.name not in response.text  # the stored name stays out of the page
