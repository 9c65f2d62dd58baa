"""Render any ``ReportResult`` as a Rich table, JSON or CSV. Renderers never query."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.reporting import Column, ReportResult

OutputFormat = Literal["table", "json", "csv"]
FORMATS: tuple[OutputFormat, ...] = ("table", "json", "csv")


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}" if isinstance(value, int | float) else str(value)


def format_cell(
    value: Any, column: Column, action_types: Mapping[str, ActionTypeSpec] | None = None
) -> Text:
    """One cell as styled text: counts per action type take the type's colour."""
    types = action_types or {}
    if value is None:
        return Text("—", style="dim")
    if column.kind == "percent":
        return Text(f"{float(value) * 100:.1f} %")
    if column.kind in ("int", "number", "money"):
        return Text(_number(value), justify="right")
    if column.kind == "counts" and isinstance(value, Mapping):
        parts = [
            Text(f"{types[k].icon if k in types else ''}{k} {_number(v)}",
                 style=types[k].color if k in types else "")
            for k, v in value.items()
        ]
        return Text(" ").join(parts) if parts else Text("—", style="dim")
    if column.kind == "outcomes" and isinstance(value, Mapping):
        parts = []
        for type_id, outcomes in value.items():
            spec = types.get(type_id)
            inner = []
            for outcome_id, count in outcomes.items():
                outcome = spec.outcome(outcome_id) if spec else None
                inner.append(Text(f"{outcome_id} {_number(count)}",
                                  style=outcome.color if outcome else ""))
            parts.append(Text(f"{type_id}: ") + Text(", ").join(inner))
        return Text("; ").join(parts) if parts else Text("—", style="dim")
    if isinstance(value, Mapping | list):
        return Text(json.dumps(value, ensure_ascii=False))
    return Text(str(value))


def to_rich_table(
    result: ReportResult, action_types: Mapping[str, ActionTypeSpec] | None = None
) -> Table:
    """The result as a Rich table (title with the range, totals as a footer row)."""
    title = result.title
    if result.start and result.end:
        title += f" · {result.start.isoformat()} → {result.end.isoformat()}"
    table = Table(title=title, title_justify="left", show_footer=result.totals is not None)
    for column in result.columns:
        footer = ""
        if result.totals is not None and column.key in result.totals:
            footer = format_cell(result.totals[column.key], column, action_types)
        justify = "right" if column.kind in ("int", "number", "money", "percent") else "left"
        table.add_column(column.label, footer=footer, justify=justify)
    for row in result.rows:
        table.add_row(*(format_cell(row.get(c.key), c, action_types) for c in result.columns))
    return table


def to_json(result: ReportResult) -> str:
    return json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2, default=str)


def _flatten(prefix: str, value: Any, into: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, into)
    elif isinstance(value, list):
        into[prefix] = json.dumps(value, ensure_ascii=False)
    else:
        into[prefix] = "" if value is None else value


def to_csv(result: ReportResult) -> str:
    """One header row; nested counts become ``actions.call``-style columns."""
    flat_rows = []
    header: list[str] = []
    for row in result.rows:
        flat: dict[str, Any] = {}
        for column in result.columns:
            _flatten(column.key, row.get(column.key), flat)
        for key in row:
            if key not in flat and not any(k.startswith(f"{key}.") for k in flat):
                _flatten(key, row[key], flat)
        for key in flat:
            if key not in header:
                header.append(key)
        flat_rows.append(flat)
    if not header:
        header = [c.key for c in result.columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(flat_rows)
    return buffer.getvalue()


def render_result(
    result: ReportResult,
    output_format: OutputFormat,
    console: Console | None = None,
    action_types: Mapping[str, ActionTypeSpec] | None = None,
) -> None:
    """Print a result in the chosen format (JSON and CSV go to stdout unstyled)."""
    if output_format == "table":
        (console or Console()).print(to_rich_table(result, action_types))
    elif output_format == "json":
        print(to_json(result))
    else:
        print(to_csv(result), end="")
