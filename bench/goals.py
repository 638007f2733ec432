"""One line per goal of the national-scale issue, in the form the team reads at a glance:
`goal <name>: <measured> (<= <limit>) ok|FAILS`."""

from __future__ import annotations


def goal(
    name: str, measured: float, limit: float, unit: str = "", *, at_least: bool = False
) -> bool:
    """Print the goal's line; True when it holds. `at_least` for a floor (rows per second)."""
    holds = measured >= limit if at_least else measured <= limit
    sign = ">=" if at_least else "<="
    shown = f"{measured:,.2f}".rstrip("0").rstrip(".")
    limit_shown = f"{limit:,.2f}".rstrip("0").rstrip(".")
    print(f"goal {name}: {shown}{unit} ({sign} {limit_shown}{unit}) {'ok' if holds else 'FAILS'}")
    return holds
