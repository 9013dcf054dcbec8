from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HubPortalConfig(AppConfig):
    name = "hubportal"
    verbose_name = "Hub Portal"

    def ready(self):
        from hubportal.core import admin  # noqa: F401 - the foundation's admin, in core (autodiscovery looks only at the top)
        from hubportal.core.roles import ensure_groups
        from hubportal.security import (
            audit,  # noqa: F401 - connects the sign-in audit receivers
            ratelimits,  # noqa: F401 - registers the limiter's deploy check
        )

        # Groups and their permissions are configuration kept in code
        # (hubportal.core.roles), brought up to date after every migrate.
        post_migrate.connect(ensure_groups, dispatch_uid="hubportal.ensure_groups")
