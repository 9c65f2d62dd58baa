"""Filling a DataTable in one go, with column widths measured from the data.

Textual measures auto-width columns when the table is next idle; a table that renders in
between keeps a header cached at the labels' widths. Measuring here and giving each column
its width makes the first render the right one (and the snapshots stable).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text
MAX_WIDTH = 60


def cell_width(cell: object) -> int:
    """The widest line of a cell, in terminal cells."""
    text = cell if isinstance(cell, Text) else Text(str(cell))
    return max((line.cell_len for line in text.split("\n")), default=0)


def _one_line(cell: object) -> bool:
    return "\n" not in (cell.plain if isinstance(cell, Text) else str(cell))


def fill_table(
    table: DataTable[Any],
    columns: Sequence[Cell],
    rows: Sequence[Sequence[Cell]],
    keys: Sequence[str | None] | None = None,
    max_width: int = MAX_WIDTH,
) -> None:
    """Replace the table's columns and rows; long cells wrap (rows have auto height).

    A row whose cells all fit on one line gets height 1 rather than auto: the same look, but
    Textual then need not render every cell of the row to measure it (for a few hundred rows
    that measuring blocked input for over a second)."""
    columns = [str(label) if isinstance(label, str) else label for label in columns]  # N_
    widths = [cell_width(label) for label in columns]
    cell_widths = [[cell_width(cell) for cell in row[: len(widths)]] for row in rows]
    for row_widths in cell_widths:
        for index, width in enumerate(row_widths):
            widths[index] = max(widths[index], width)
    widths = [min(width, max_width) for width in widths]
    table.clear(columns=True)
    for label, width in zip(columns, widths, strict=True):
        table.add_column(label, width=width)
    for index, row in enumerate(rows):
        key = keys[index] if keys is not None else None
        fits = all(
            width <= widths[column] and _one_line(cell)
            for column, (cell, width) in enumerate(zip(row, cell_widths[index], strict=False))
        )
        table.add_row(*row, key=key, height=1 if fits else None)
