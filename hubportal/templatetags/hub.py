from decimal import Decimal

from django import template

from hubportal.core import words

register = template.Library()


@register.filter
def state(value: str) -> str:
    """A stored state ("meeting_scheduled") as people say it ("Meeting scheduled")."""
    return str(value or "").replace("_", " ").capitalize()


@register.filter
def money(value) -> str:
    """Pounds and pence: £1,234.50."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.inclusion_tag("includes/status_badge.html")
def status_badge(obj, field: str = "status", label: str = ""):
    """A state as a badge; label, where given, words it for this reader (a partner's own pages)."""
    value = getattr(obj, field)
    return {"value": value, "label": label or getattr(obj, f"get_{field}_display")()}


register.filter("possessive", words.possessive)
register.filter("midsentence", words.midsentence)
register.filter("clause", words.clause)
register.filter("plain_note", words.plain_note)
