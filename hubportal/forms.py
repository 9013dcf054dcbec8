from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from hubportal.notifications import queue_email


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes through the outbox and a Celery worker,
    so a slow mail server never holds up the request and no email is lost."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body, kind="password_reset")
