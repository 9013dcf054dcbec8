from django.urls import path

from eoi import views

app_name = "eoi"

urlpatterns = [
    # Staff: needs analysis and gaps.
    path("staff/commissioning/needs/", views.needs_list, name="needs_list"),
    path("staff/commissioning/needs/new/", views.needs_create, name="needs_create"),
    path("staff/commissioning/needs/<int:pk>/", views.needs_detail, name="needs_detail"),
    path("staff/commissioning/needs/<int:pk>/edit/", views.needs_edit, name="needs_edit"),
    path("staff/commissioning/needs/<int:pk>/gaps/new/", views.gap_create, name="gap_create"),
    path("staff/commissioning/gaps/<int:pk>/edit/", views.gap_edit, name="gap_edit"),
    # Staff: calls and their EOIs.
    path("staff/commissioning/calls/", views.call_list, name="call_list"),
    path("staff/commissioning/calls/new/", views.call_create, name="call_create"),
    path("staff/commissioning/calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("staff/commissioning/calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("staff/commissioning/calls/<int:pk>/open/", views.call_open, name="call_open"),
    path("staff/commissioning/calls/<int:pk>/eois/", views.call_eois, name="call_eois"),
    path("staff/commissioning/calls/<int:pk>/matrix/", views.call_matrix, name="call_matrix"),
    path("staff/commissioning/eois/<int:pk>/", views.eoi_detail, name="eoi_detail"),
    path("staff/commissioning/eois/<int:pk>/assessors/", views.eoi_assign, name="eoi_assign"),
    path("staff/commissioning/eois/<int:pk>/assessors/remove/", views.assignment_remove, name="assignment_remove"),
    path("staff/commissioning/eois/<int:pk>/moderate/", views.eoi_moderate, name="eoi_moderate"),
    path("staff/commissioning/eois/<int:pk>/decide/", views.eoi_decide, name="eoi_decide"),
    path("staff/commissioning/eois/<int:pk>/award/", views.award, name="award"),
    # Assessors.
    path("staff/commissioning/assessments/", views.assessments, name="assessments"),
    path("staff/commissioning/assessments/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("staff/commissioning/assessments/<int:pk>/score/", views.score, name="score"),
    # The partner portal.
    path("portal/calls/", views.portal_calls, name="portal_calls"),
    path("portal/calls/<int:pk>/", views.portal_call, name="portal_call"),
    path("portal/calls/<int:pk>/start/", views.eoi_start, name="eoi_start"),
    path("portal/eois/", views.portal_eois, name="portal_eois"),
    path("portal/eois/<int:pk>/", views.portal_eoi, name="portal_eoi"),
    path("portal/eois/<int:pk>/edit/", views.eoi_edit, name="eoi_edit"),
    path("portal/eois/<int:pk>/check/", views.eoi_check, name="eoi_check"),
    path("portal/eois/<int:pk>/withdraw/", views.eoi_withdraw, name="eoi_withdraw"),
    path("portal/eois/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("portal/eois/<int:pk>/attachments/remove/", views.attachment_remove, name="attachment_remove"),
    # Partner, staff and the EOI's assessors.
    path("commissioning/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
