"""Renderers on hand-made results: no database, every column kind."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from rich.console import Console

from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.render import format_cell, format_percent, to_csv, to_json, to_rich_table
from salesplan.core.reporting import Column, ReportResult

TYPES = {
    "call": ActionTypeSpec(id="call", label="Call", color="blue", icon="C", outcomes=(
        OutcomeSpec(id="reached", label="Reached", color="green"),
        OutcomeSpec(id="not_reached", label="Not reached", color="red"),
    )),
}

RESULT = ReportResult(
    report="demo",
    title="Demo",
    start=date(2026, 3, 2),
    end=date(2026, 3, 8),
    columns=[
        Column(key="who", label="Who"),
        Column(key="actions", label="Actions", kind="counts"),
        Column(key="outcomes", label="Outcomes", kind="outcomes"),
        Column(key="rate", label="Rate", kind="percent"),
        Column(key="amount", label="Amount", kind="money"),
    ],
    rows=[
        {"who": "ann", "actions": {"call": 3}, "outcomes": {}, "rate": 0.25, "amount": 1234.5},
        {"who": "ben", "actions": {"call": 1}, "outcomes": {"call": {"reached": 1}},
         "rate": None, "amount": 0.0, "extra": [1, 2]},
    ],
    totals={"who": "Total", "actions": {"call": 4}, "rate": 0.2, "amount": 1234.5},
)


def render_text(result: ReportResult) -> str:
    console = Console(width=160, record=True, color_system=None)
    console.print(to_rich_table(result, TYPES))
    return console.export_text()


def test_percent_and_numbers() -> None:
    assert format_percent(1 / 3) == "33.3 %"
    assert format_percent(None) == "—"
    assert format_cell(1234.5, Column(key="a", label="A", kind="money")).plain == "1,234.50"
    assert format_cell(7, Column(key="a", label="A", kind="int")).plain == "7"


def test_counts_take_the_action_type_colour_and_outcome_labels() -> None:
    cell = format_cell({"call": 3}, Column(key="a", label="A", kind="counts"), TYPES)
    assert cell.plain == "C call 3"
    assert str(cell.spans[0].style) == "blue"
    shares = format_cell({"call": 3, "email": 1}, Column(key="a", label="A", kind="counts"),
                         TYPES, shares=True)
    assert shares.plain == "C call 3 (75 %) · email 1 (25 %)"
    outcomes = format_cell({"call": {"reached": 2, "not_reached": 1}},
                           Column(key="o", label="O", kind="outcomes"), TYPES)
    assert outcomes.plain == "call: Reached 2 · Not reached 1"
    zeros = format_cell({"call": 0, "email": 2}, Column(key="a", label="A", kind="counts"), TYPES)
    assert zeros.plain == "email 2"


def test_table_has_title_range_rows_and_totals_footer() -> None:
    text = render_text(RESULT)
    assert "Demo · 2026-03-02 → 2026-03-08" in text
    assert "25.0 %" in text and "20.0 %" in text
    assert "—" in text  # the None rate
    lines = text.splitlines()
    header = next(line for line in lines if "Who" in line)
    assert "C Call" in header and "Actions" not in header  # counts expand per action type
    footer = next(line for line in lines if "Total" in line)
    assert footer.split("│")[2].strip() == "4" and "1,234.50" in footer
    ben = next(line for line in lines if "ben" in line)
    assert ben.split("│")[2].strip() == "1"


def test_counts_columns_skip_all_zero_types_and_keep_order() -> None:
    result = RESULT.model_copy(update={
        "rows": [{"who": "ann", "actions": {"call": 0, "email": 2, "fax": 0}},
                 {"who": "ben", "actions": {"call": 1, "email": 0, "fax": 0}}],
        "totals": None,
    })
    header = next(line for line in render_text(result).splitlines() if "Who" in line)
    assert header.index("C Call") < header.index("email") and "fax" not in header


def test_empty_result_table_says_so() -> None:
    empty = RESULT.model_copy(update={"rows": [], "totals": None})
    assert "no rows" in render_text(empty)


def test_json_keys_and_numbers() -> None:
    data = json.loads(to_json(RESULT))
    assert list(data) == ["report", "from", "to", "rows", "totals"]
    assert data["from"] == "2026-03-02" and data["to"] == "2026-03-08"
    assert data["rows"][0]["amount"] == 1234.5 and data["rows"][1]["rate"] is None


def test_csv_one_header_grouped_columns() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(RESULT))))
    assert rows[0] == ["who", "actions.call", "outcomes.call.reached", "rate", "amount", "extra"]
    assert rows[1] == ["ann", "3", "", "0.25", "1234.5", ""]
    assert rows[2] == ["ben", "1", "1", "", "0.0", "[1, 2]"]
    assert len(rows) == 3


def test_csv_of_no_rows_is_the_header_alone() -> None:
    empty = RESULT.model_copy(update={"rows": []})
    assert to_csv(empty) == "who,actions,outcomes,rate,amount\n"


def test_terminal_control_sequences_in_values_are_shown_escaped() -> None:
    from io import StringIO

    from rich.console import Console

    from salesplan.core.render import to_rich_table
    from salesplan.core.reporting import Column, ReportResult
    from salesplan.core.text import printable

    result = ReportResult(report="x", title="X", columns=[Column(key="list", label="List")],
                          rows=[{"list": "Cold\x1b[2J\x1b]0;pwned\x07 list"}])
    out = StringIO()
    Console(file=out, width=120).print(to_rich_table(result))
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "Cold\\x1b[2J\\x1b]0;pwned\\x07 list" in out.getvalue()
    assert printable("two\nlines\tand tab") == "two\nlines\tand tab"
