"""A ``ReportResult`` as a DataTable: cells styled by the core's ``format_cell`` (so the TUI
and the CLI agree), the totals row last."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import DataTable

from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.i18n import _
from salesplan.core.render import format_cell
from salesplan.core.reporting import Column, ReportResult
from salesplan.tui.widgets.tables import fill_table


class ResultTable(DataTable[Text]):
    """Shows any report result; rows are keyed by their index."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.result: ReportResult | None = None

    def show(
        self, result: ReportResult, action_types: Mapping[str, ActionTypeSpec] | None = None,
        members: Mapping[str, str] | None = None,
    ) -> None:
        """Fill the table; ``members`` (id → name) names the people in member columns."""
        self.result = result
        columns = list(result.columns) or [
            Column(key=key, label=key) for key in (result.flat_rows[0] if result.flat_rows else {})
        ]
        rows: list[list[str | Text]] = [
            [format_cell(row.get(c.key), c, action_types, members=members) for c in columns]
            for row in result.flat_rows
        ]
        keys: list[str | None] = [str(index) for index in range(len(rows))]
        if result.totals is not None and columns:
            cells: list[str | Text] = [
                format_cell(result.totals.get(c.key), c, action_types, members=members)
                if c.key in result.totals else Text("")
                for c in columns
            ]
            cells[0] = Text(_("Total"))
            for cell in cells:
                if isinstance(cell, Text):
                    cell.stylize("bold")
            rows.append(cells)
            keys.append("totals")
        if not result.flat_rows and columns:
            rows.append([Text(_("no rows"), style="dim"), *[Text("")] * (len(columns) - 1)])
            keys.append(None)
        fill_table(self, [Text(str(c.label), style="bold") for c in columns], rows, keys)
