from hubportal import roles


def can_import(user) -> tuple[bool, str]:
    """Only the Service Manager and admins bring in records: an import can
    change hundreds of partners at once."""
    if (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or roles.is_service_manager(user) or roles.is_admin(user))
    ):
        return True, ""
    return False, "Only the Service Manager or an admin can import records."
