"""Where a higher app adds to what a lower one shows: alert badges in the people list, timeline
entries, sections of a person's page, home tiles, navigation links, banners.

Each app registers its entries from its `AppConfig.ready()`, so a lower layer never imports a
higher one. Entries come out in `order`, then in the order they were added.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """An ordered collection of entries that apps add to once, when Django starts."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: list[tuple[int, int, T]] = []

    def add(self, entry: T, *, order: int = 0) -> T:
        # ready() can run more than once (tests set up apps again): an entry is kept once.
        if all(existing != entry for _, _, existing in self._entries):
            self._entries.append((order, len(self._entries), entry))
            self._entries.sort(key=lambda item: (item[0], item[1]))
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter([entry for _, _, entry in self._entries])

    def __repr__(self) -> str:
        return f"<Registry of {self.what}: {len(self._entries)}>"


@dataclass
class Part:
    """A template an app adds to another app's page, with what it needs in the page's context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
