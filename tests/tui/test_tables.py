"""``fill_table``: column widths from the data, and auto height only for rows that need it."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from salesplan.tui.widgets.tables import fill_table


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


async def test_rows_that_fit_on_one_line_get_height_one() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table: DataTable[str | Text] = app.query_one(DataTable)
        fill_table(
            table,
            ["Name", "Note"],
            [["Ann", "short"], [Text("Bob", style="bold"), "two\nlines"], ["Cy", "x" * 12]],
            keys=["a", "b", "c"],
            max_width=10,
        )
        await pilot.pause()
        assert [c.width for c in table.ordered_columns] == [4, 10]  # "Name"; capped at 10
        # One line that fits: fixed height 1 (nothing to measure). A line break, or a cell
        # wider than its column (it wraps): auto height, measured by Textual.
        assert not table.rows["a"].auto_height and table.rows["a"].height == 1
        assert table.rows["b"].auto_height and table.rows["b"].height == 2
        assert table.rows["c"].auto_height and table.rows["c"].height == 2
