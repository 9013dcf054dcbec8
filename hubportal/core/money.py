"""Money is Decimal pounds and pence, never float, everywhere in Hub Portal."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models

PENNY = Decimal("0.01")


def to_money(value) -> Decimal:
    """Round to whole pence (half up, as people expect of money)."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


class MoneyField(models.DecimalField):
    """A non-negative amount in pounds and pence, up to £9,999,999,999.99."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0.00"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 12), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                del kwargs[key]
        return name, path, args, kwargs
