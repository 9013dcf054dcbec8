from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data: the retention schedule and its nightly job, legal holds,
    subject access and erasure requests, and the public privacy notice."""

    name = "hubportal.privacy"
    label = "privacy"
    verbose_name = "Personal data"
