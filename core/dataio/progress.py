"""Progress display for long imports and exports: a rich bar on stderr, or nothing.

The bar is only shown for files big enough to be worth it and when stderr is a terminal, so
tests and pipes get clean output.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from salesplan.core.dataio.reader import CsvSource

#: Files smaller than this are read without a bar.
MIN_BYTES_FOR_BAR = 2_000_000
UPDATE_EVERY = 10_000
T = TypeVar("T")


class Progress:
    """Counts rows per file; ``track`` wraps a ``CsvSource`` row iterator."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None

    @classmethod
    def quiet(cls) -> Progress:
        return cls(False)

    @classmethod
    def for_terminal(cls) -> Progress:
        """A bar when stderr is a terminal, else quiet."""
        return cls(sys.stderr.isatty())

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=Console(stderr=True), transient=True,
            )
            self._bar.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, trace)
            self._bar = None

    def track(self, source: CsvSource, items: Iterator[T]) -> Iterator[T]:
        """``items`` (rows read from ``source``), advancing the bar as they are consumed;
        ``items`` itself when there is no bar (no extra step per row)."""
        if self._bar is None or source.path.stat().st_size < MIN_BYTES_FOR_BAR:
            return items
        return self._counted(source, items)

    def _counted(self, source: CsvSource, items: Iterator[T]) -> Iterator[T]:
        bar = self._bar
        task = bar.add_task(source.name, total=max(source.count_lines() - 1, 0))
        count = 0
        for item in items:
            yield item
            count += 1
            if count % UPDATE_EVERY == 0:
                bar.update(task, completed=count)
        bar.update(task, completed=count)
