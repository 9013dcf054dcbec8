from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    # Hub staff.
    path("staff/complaints/", views.complaint_list, name="list"),
    path("staff/complaints/safeguarding/", views.safeguarding_list, name="safeguarding"),
    path("staff/complaints/new/", views.complaint_new, name="new"),
    path("staff/complaints/<int:pk>/", views.complaint_detail, name="detail"),
    path("staff/complaints/<int:pk>/acknowledge/", views.complaint_acknowledge, name="acknowledge"),
    path("staff/complaints/<int:pk>/investigate/", views.complaint_investigate, name="investigate"),
    path("staff/complaints/<int:pk>/resolve/", views.complaint_resolve, name="resolve"),
    path("staff/complaints/<int:pk>/details/", views.complaint_update_details, name="details"),
    path("staff/complaints/<int:pk>/notes/", views.complaint_note, name="note"),
    path("staff/complaints/<int:pk>/suspend-partner/", views.complaint_suspend_partner, name="suspend_partner"),
    path("staff/complaints/<int:pk>/recommend-termination/", views.complaint_recommend, name="recommend"),
    # Documents, for whoever may open the complaint.
    path("complaints/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    # The partner portal.
    path("portal/complaints/", views.portal_list, name="portal_list"),
    path("portal/complaints/new/", views.portal_new, name="portal_new"),
    path("portal/complaints/<int:pk>/", views.portal_detail, name="portal_detail"),
    path("portal/complaints/<int:pk>/accept/", views.portal_accept, name="portal_accept"),
    path("portal/complaints/<int:pk>/escalate/", views.portal_escalate, name="portal_escalate"),
    path("portal/complaints/<int:pk>/message/", views.portal_message, name="portal_message"),
    # The public: the open form and the private tracking link.
    path("complaints/new/", views.public_new, name="public_new"),
    path("complaints/new/done/", views.public_done, name="public_done"),
    path("complaints/track/", views.track_request, name="track_request"),
    path("complaints/track/<str:token>/", views.track, name="track"),
    path("complaints/track/<str:token>/accept/", views.track_accept, name="track_accept"),
    path("complaints/track/<str:token>/escalate/", views.track_escalate, name="track_escalate"),
    path("complaints/track/<str:token>/message/", views.track_message, name="track_message"),
    path(
        "complaints/track/<str:token>/attachments/<int:attachment_pk>/",
        views.track_attachment,
        name="track_attachment",
    ),
    # The Chair of the Hub Executive Board.
    path("chair/complaints/", views.chair_list, name="chair_list"),
    path("chair/complaints/<int:pk>/", views.chair_case, name="chair_case"),
    path("chair/complaints/<int:pk>/review/", views.chair_review, name="chair_review"),
    path("chair/complaints/<int:pk>/decide/", views.chair_decide, name="chair_decide"),
    path("chair/complaints/<int:pk>/notes/", views.chair_note, name="chair_note"),
]
