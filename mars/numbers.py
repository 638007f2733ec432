"""How the service rounds the figures it reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent(numerator: int, denominator: int) -> float | None:
    """round(100 * n / d, 1), half up as the contract reports it (6.25 gives 6.3; Python's round
    would give 6.2); None when d is 0."""
    if not denominator:
        return None
    value = Decimal(100 * numerator) / Decimal(denominator)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
