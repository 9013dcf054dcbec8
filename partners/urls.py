from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    # Public.
    path("become-a-partner/", views.enquire, name="enquire"),
    path("become-a-partner/thank-you/", views.enquiry_done, name="enquiry_done"),
    path("invitation/<uidb64>/<token>/", views.accept_invitation, name="accept_invitation"),
    # Staff.
    path("staff/partners/", views.partner_list, name="list"),
    path("staff/partners/add/", views.partner_add, name="add"),
    path("staff/partners/<int:pk>/", views.partner_detail, name="detail"),
    path("staff/partners/<int:pk>/edit/", views.partner_edit, name="edit"),
    path("staff/partners/<int:pk>/meeting/", views.meeting_schedule, name="meeting_schedule"),
    path("staff/partners/<int:pk>/standards-review/", views.start_standards_review, name="start_standards_review"),
    path("staff/partners/<int:pk>/standards-met/", views.complete_standards_review, name="complete_standards_review"),
    path("staff/partners/<int:pk>/decline/", views.decline, name="decline"),
    path("staff/partners/<int:pk>/suspend/", views.suspend, name="suspend"),
    path("staff/partners/<int:pk>/reinstate/", views.reinstate, name="reinstate"),
    path("staff/partners/<int:pk>/invite/", views.invite_user, name="invite_user"),
    path("staff/meetings/<int:pk>/record/", views.meeting_record, name="meeting_record"),
    path("staff/evidence/", views.evidence_list, name="evidence_list"),
    path("staff/evidence/<int:pk>/review/", views.evidence_review, name="evidence_review"),
    # Staff and the partner's own users.
    path("partners/<int:partner_pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/remove/", views.contact_delete, name="contact_delete"),
    path("evidence/<int:pk>/file/", views.evidence_download, name="evidence_download"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_calendar, name="meeting_calendar"),
    # The partner portal.
    path("portal/partnership/", views.portal_profile, name="portal_profile"),
    path("portal/partnership/edit/", views.portal_profile_edit, name="portal_profile_edit"),
    path("portal/meetings/<int:pk>/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("portal/evidence/", views.portal_evidence, name="portal_evidence"),
    path("portal/evidence/<int:type_pk>/upload/", views.evidence_upload, name="evidence_upload"),
]
