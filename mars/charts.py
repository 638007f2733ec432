"""What every chart drawn on the server shares: the scale's round top."""

from __future__ import annotations

NICE = (1, 2, 4, 5, 10)


def scale_top(largest: float) -> int:
    """The top of a count's scale: the first of 1, 2, 4, 5 or 10 times a power of ten that is
    at least the largest value (and at least 1, so that an empty chart still draws its axis), so
    the scale's half-way mark is a round number too."""
    largest = max(largest, 1)
    power = 1
    while power * 10 < largest:
        power *= 10
    return next(step * power for step in NICE if step * power >= largest)
