from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HubPortalConfig(AppConfig):
    name = "hubportal"
    verbose_name = "Hub Portal"

    def ready(self):
        from hubportal import (
            audit,  # noqa: F401 - connects the sign-in audit receivers
            ratelimits,  # noqa: F401 - registers the limiter's deploy check
        )
        from hubportal.roles import ensure_groups

        # Groups and their permissions are configuration kept in code
        # (hubportal.roles), brought up to date after every migrate.
        post_migrate.connect(ensure_groups, dispatch_uid="hubportal.ensure_groups")
