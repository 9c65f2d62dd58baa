"""Streaming CSV reading with physical line numbers and ``file:line: column: problem`` errors.

Rows are yielded one at a time (never the whole file in memory). The line of a row is the
physical line where its record starts (the header is line 1), which stays right when a quoted
cell spans several lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from salesplan.core.errors import DataError


def row_error(file: str, line: int, column: str, problem: str) -> DataError:
    """The one error format of the importer: ``file:line: column: problem``."""
    return DataError(f"{file}:{line}: {column}: {problem}")


class CsvSource:
    """One file of a data folder: checks the header, then yields ``(line, cells)``.

    ``cells`` are in the order of ``columns`` (the file may order its columns freely); a
    column of ``optional`` the file leaves out reads as empty cells.
    """

    def __init__(self, path: Path, columns: Sequence[str], optional: Sequence[str] = ()) -> None:
        self._reader: Any = None
        self.path = path
        self.name = path.name
        self.columns = tuple(columns)
        self.optional = frozenset(optional)

    def count_lines(self) -> int:
        """Physical lines in the file (a cheap binary pass, used to size a progress bar)."""
        count = 0
        with self.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                count += block.count(b"\n")
        return count

    def _order(self, header: list[str]) -> list[int]:
        names = [cell.strip() for cell in header]
        for index, name in enumerate(names):
            if name not in self.columns:
                raise row_error(
                    self.name, 1, name or f"column {index + 1}",
                    f"unknown column (expected {', '.join(self.columns)})",
                )
            if names.index(name) != index:
                raise row_error(self.name, 1, name, "column is listed twice")
        for name in self.columns:
            if name not in names and name not in self.optional:
                raise row_error(self.name, 1, name, "missing column")
        return [names.index(name) if name in names else -1 for name in self.columns]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, cells)`` for every record (blank lines skipped)."""
        previous = 1
        for cells in self.cells():
            end = self._reader.line_num
            # One physical line after the previous record: the usual case, no counting.
            yield (end if end == previous + 1 else self.line_of(cells)), cells
            previous = end

    def line_of(self, cells: list[str]) -> int:
        """The physical line where the record just yielded by ``cells()`` starts: the
        reader's current line minus the line breaks inside its cells. Cheap enough to call
        per row, but the hot loop of the importer only calls it on an error."""
        return self._reader.line_num - sum(cell.count("\n") for cell in cells)

    def cells(self) -> Iterator[list[str]]:
        """Every record's cells in ``columns`` order (blank lines skipped), streamed."""
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = self._reader = csv.reader(handle, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise row_error(self.name, 1, "header", "the file is empty")
                order = self._order(header)
                width = len(header)
                identity = order == list(range(width))
                if -1 in order:  # a missing optional column: an empty cell at its place
                    order = [width if i == -1 else i for i in order]
                for cells in reader:
                    if len(cells) != width:
                        if not cells:
                            continue  # blank line
                        raise row_error(
                            self.name, self.line_of(cells), "row",
                            f"has {len(cells)} fields, the header has {width}",
                        )
                    if identity:
                        yield cells
                    else:
                        cells.append("")
                        yield [cells[i] for i in order]
            except UnicodeDecodeError:
                raise row_error(self.name, self._undecodable_line(), "row",
                                "not valid UTF-8") from None
            except csv.Error as exc:
                raise row_error(self.name, reader.line_num, "row", f"bad CSV: {exc}") from None

    def _undecodable_line(self) -> int:
        """Error path: the first physical line that is not UTF-8 (decoding reads ahead in
        blocks, so the text reader cannot tell)."""
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return number
        return 1
