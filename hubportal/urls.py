from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hubportal import reports_views, views
from hubportal.forms import OutboxPasswordResetForm

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("hub.css", views.hub_theme, name="hub_theme"),
    path("hub-logo", views.hub_logo, name="hub_logo"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("staff/", views.staff_home, name="staff_home"),
    path("portal/", views.portal_home, name="portal_home"),
    path("chair/", views.chair_home, name="chair_home"),
    path("staff/reminders/", views.reminder_log, name="reminder_log"),
    path("staff/health/", reports_views.partner_health, name="partner_health"),
    path("staff/impact/", reports_views.impact, name="impact"),
    path("reports/leverage/", reports_views.leverage, name="leverage"),
    path("reports/board/", reports_views.board_reports, name="board_reports"),
    path("reports/board/<int:pk>/", reports_views.board_report, name="board_report"),
    path("reports/board/<int:pk>/status.json", reports_views.board_report_status, name="board_report_status"),
    path("reports/board/<int:pk>/report.pdf", reports_views.board_report_pdf, name="board_report_pdf"),
    path("reports/board/<int:pk>/report.xlsx", reports_views.board_report_xlsx, name="board_report_xlsx"),
    path("staff/wording/", views.wording_list, name="wording_list"),
    path("staff/wording/<slug:kind>/", views.wording_edit, name="wording_edit"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("accounts/email-preferences/", views.notification_preferences, name="notification_preferences"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    path("", include("agreements.urls")),
    path("", include("eoi.urls")),
    path("", include("surveys.urls")),
    path("", include("complaints.urls")),
    path("", include("hubportal.records_import.urls")),
]
