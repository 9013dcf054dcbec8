from django import template

from hubportal.privacy import permissions

register = template.Library()


@register.filter
def manages_personal_data(user) -> bool:
    """The navigation asks the same function as the views."""
    return permissions.can_manage_personal_data(user)[0]
