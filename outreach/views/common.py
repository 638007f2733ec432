"""What the outreach pages share beyond mars.pages."""

from __future__ import annotations

from typing import Any


def clock(value: Any) -> str:
    return value.strftime("%H:%M") if value else ""
