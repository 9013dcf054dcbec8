from django.urls import path

from hubportal.privacy import views

app_name = "privacy"

urlpatterns = [
    # The public.
    path("privacy/", views.notice, name="notice"),
    # The Service Manager.
    path("staff/privacy/schedule/", views.schedule, name="schedule"),
    path("staff/privacy/due/", views.due, name="due"),
    path("staff/privacy/due/dry-run/", views.dry_run, name="dry_run"),
    path("staff/privacy/holds/", views.holds, name="holds"),
    path("staff/privacy/holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("staff/privacy/requests/", views.requests, name="requests"),
    path("staff/privacy/requests/<int:pk>/", views.request_detail, name="request"),
    path("staff/privacy/requests/<int:pk>/pack.zip", views.request_zip, name="request_zip"),
    path("staff/privacy/requests/<int:pk>/fulfil/", views.request_fulfil, name="request_fulfil"),
    path("staff/privacy/requests/<int:pk>/erase/", views.request_erase, name="request_erase"),
    # The safeguarding lead.
    path("staff/privacy/safeguarding/", views.safeguarding_review, name="safeguarding_review"),
]
