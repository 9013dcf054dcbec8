from django.urls import path

from hubportal.records_import import views

app_name = "records_import"

urlpatterns = [
    path("staff/import/", views.import_home, name="home"),
    path("staff/import/templates/<slug:kind>.<slug:fmt>", views.import_template, name="template"),
    path("staff/import/<int:pk>/", views.import_preview, name="preview"),
    path("staff/import/<int:pk>/confirm/", views.import_confirm, name="confirm"),
    # An imported agreement's legacy signed PDF: staff attach it; staff and the partner download it.
    path("staff/agreements/<int:pk>/legacy-pdf/", views.legacy_pdf_attach, name="legacy_pdf_attach"),
    path("agreements/<int:pk>/legacy-pdf/", views.legacy_pdf_download, name="legacy_pdf_download"),
    # The file of evidence imported as verified: staff attach it (partners:evidence_download serves it).
    path("staff/evidence/<int:pk>/legacy-file/", views.legacy_evidence_attach, name="legacy_evidence_attach"),
]
