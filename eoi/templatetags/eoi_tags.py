from django import template

from hubportal.core.roles import is_assessor as _is_assessor

register = template.Library()


@register.filter
def is_assessor(user) -> bool:
    return _is_assessor(user)


@register.filter
def percent(value) -> str:
    """A Decimal percentage as people read it: 50.00%."""
    if value is None or value == "":
        return "—"
    return f"{value:.2f}%"
