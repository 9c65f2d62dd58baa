"""Render any ``ReportResult`` as a Rich table, JSON or CSV. Renderers never query.

Generic over reports: everything is driven by the result's ``columns`` (their ``kind``), so
a new report renders without touching this module. Rich is imported only when a table is
drawn: ``--format json``/``csv`` (scripts, cron) do not pay for it.

- table: a ``counts`` column becomes one column per action type (icon, label and colour of
  the type), outcomes take their colour; ``percent`` columns show ``12.5 %``; counts can also
  show each type's share of the row (``shares=True``); the totals row is the footer.
- JSON: SPEC §6 ``{"report", "from", "to", "rows", …}`` with numbers as JSON numbers.
- CSV: exactly one header row; nested mappings become ``actions.call``-style columns, lists
  a JSON cell; the totals row is left out so spreadsheet sums stay right.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from salesplan.core.formatting import money, number
from salesplan.core.reporting import Column, ReportResult
from salesplan.core.text import printable

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod
    from rich.table import Table
    from rich.text import Text

    from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.i18n import _

OutputFormat = Literal["table", "json", "csv"]
FORMATS: tuple[OutputFormat, ...] = ("table", "json", "csv")
NUMERIC_KINDS = ("int", "number", "money", "percent")


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    return number(value, 2) if isinstance(value, int | float) else str(value)


def format_percent(value: float | None) -> str:
    """A fraction as ``12.5 %`` (``—`` when undefined)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value) * 100:.1f} %"


def _counts_cell(
    value: Mapping[str, Any], types: Mapping[str, ActionTypeSpec], shares: bool
) -> Text:
    from rich.text import Text

    total = sum(v for v in value.values() if isinstance(v, int | float))
    parts = []
    for key, count in value.items():
        if not count:
            continue
        spec = types.get(key)
        label = f"{spec.icon} {key}" if spec else key
        text = f"{label} {_number(count)}"
        if shares and total:
            text += f" ({count / total * 100:.0f} %)"
        parts.append(Text(text, style=spec.color if spec else ""))
    return Text(" · ").join(parts) if parts else Text("—", style="dim")


def _outcomes_cell(value: Mapping[str, Any], types: Mapping[str, ActionTypeSpec]) -> Text:
    from rich.text import Text

    parts = []
    for type_id, outcomes in value.items():
        spec = types.get(type_id)
        inner = []
        for outcome_id, count in outcomes.items():
            outcome = spec.outcome(outcome_id) if spec else None
            label = outcome.label if outcome else outcome_id
            inner.append(Text(f"{label} {_number(count)}", style=outcome.color if outcome else ""))
        head = Text(f"{type_id}: ", style=spec.color if spec else "")
        parts.append(head + Text(" · ").join(inner))
    return Text("\n").join(parts) if parts else Text("—", style="dim")


def _entries_cell(value: list[Any]) -> Text:
    """A list of small mappings (e.g. per-member entries), one line each: the first value in
    bold, then the other non-zero values."""
    from rich.text import Text

    lines = []
    for entry in value:
        if isinstance(entry, Mapping):
            items = list(entry.items())
            head = str(items[0][1]) if items else ""
            rest = " · ".join(f"{k} {_number(v)}" for k, v in items[1:] if v not in (0, None))
            lines.append(Text(head, style="bold") + Text(f" {rest}" if rest else ""))
        else:
            lines.append(Text(str(entry)))
    return Text("\n").join(lines) if lines else Text("—", style="dim")


def format_cell(
    value: Any,
    column: Column,
    action_types: Mapping[str, ActionTypeSpec] | None = None,
    *,
    shares: bool = False,
    members: Mapping[str, str] | None = None,
) -> Text:
    """One cell as styled text: counts per action type take the type's colour, a member
    column shows the member's name (``members``: id → name)."""
    from rich.text import Text

    types = action_types or {}
    if value is None:
        return Text("—", style="dim")
    if column.kind == "member":
        return Text(printable(str((members or {}).get(str(value), value))))
    if column.kind == "percent":
        return Text(format_percent(value), justify="right")
    if column.kind == "money" and isinstance(value, int | float):
        return Text(money(value), justify="right")
    if column.kind in ("int", "number", "money"):
        return Text(_number(value), justify="right")
    if column.kind == "counts" and isinstance(value, Mapping):
        return _counts_cell(value, types, shares)
    if column.kind == "outcomes" and isinstance(value, Mapping):
        return _outcomes_cell(value, types)
    if isinstance(value, list):
        return _entries_cell(value)
    if isinstance(value, Mapping):
        return Text(printable(json.dumps(value, ensure_ascii=False)))
    return Text(printable(str(value)))


def _count_keys(result: ReportResult, key: str) -> list[str]:
    """Keys of a counts column in first-seen order (reports list them in configured order),
    keeping only those with a non-zero value somewhere."""
    seen: list[str] = []
    nonzero: set[str] = set()
    for source in [*result.flat_rows, *([result.totals] if result.totals else [])]:
        value = source.get(key)
        if isinstance(value, Mapping):
            for k, v in value.items():
                if k not in seen:
                    seen.append(k)
                if v:
                    nonzero.add(k)
    return [k for k in seen if k in nonzero]


def _count_header(key: str, types: Mapping[str, ActionTypeSpec]) -> Text:
    from rich.text import Text

    spec = types.get(key)
    if spec is None:
        return Text(key)
    return Text(f"{spec.icon} {spec.label}", style=f"bold {spec.color}")


def to_rich_table(
    result: ReportResult,
    action_types: Mapping[str, ActionTypeSpec] | None = None,
    *,
    shares: bool = False,
    members: Mapping[str, str] | None = None,
) -> Table:
    """The result as a Rich table: title with the range and options, a ``counts`` column
    expanded into one right-aligned column per action type (header in the type's icon and
    colour; all-zero types left out; with ``shares`` each cell also shows its share of the
    row), percentages as ``12.5 %``, and the totals as the footer row."""
    from rich.table import Table
    from rich.text import Text

    types = action_types or {}
    title = str(result.title)
    if result.start and result.end:
        title += f" · {result.start.isoformat()} → {result.end.isoformat()}"
    if result.options:
        shown = ", ".join(f"{k}={v}" for k, v in result.options.items() if v not in (None, ""))
        if shown:
            title += f" · {shown}"
    table = Table(title=title, title_justify="left", show_footer=result.totals is not None,
                  show_lines=any(c.kind in ("outcomes", "json") for c in result.columns))
    cells: list[Callable[[Mapping[str, Any]], Text]] = []

    def count_cell(column_key: str, key: str) -> Callable[[Mapping[str, Any]], Text]:
        def cell(source: Mapping[str, Any]) -> Text:
            counts = source.get(column_key)
            if not isinstance(counts, Mapping):
                return Text("")
            count = counts.get(key, 0)
            text = _number(count)
            total = sum(v for v in counts.values() if isinstance(v, int | float))
            if shares and total:
                text += f" ({count / total * 100:.0f} %)"
            return Text(text, style="" if count else "dim", justify="right")
        return cell

    def plain_cell(column: Column) -> Callable[[Mapping[str, Any]], Text]:
        return lambda source: format_cell(source.get(column.key), column, types,
                                          members=members)

    for column in result.columns:
        keys = _count_keys(result, column.key) if column.kind == "counts" else []
        if column.kind == "counts" and keys:
            for key in keys:
                cell = count_cell(column.key, key)
                footer: Text | str = cell(result.totals) if result.totals is not None else ""
                table.add_column(_count_header(key, types), footer=footer, justify="right")
                cells.append(cell)
            continue
        cell = plain_cell(column)
        footer = ""
        if result.totals is not None and column.key in result.totals:
            footer = cell(result.totals)
        justify: JustifyMethod = "right" if column.kind in NUMERIC_KINDS else "left"
        table.add_column(str(column.label), footer=footer, justify=justify,
                         min_width=28 if column.kind in ("outcomes", "json") else None)
        cells.append(cell)
    for row in result.flat_rows:
        table.add_row(*(cell(row) for cell in cells))
    if not result.flat_rows:
        table.caption = _("no rows")
    return table


def _json_default(value: Any) -> Any:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)


def to_json(result: ReportResult) -> str:
    """SPEC §6 JSON (numbers stay numbers; dates become ISO text)."""
    return json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2, default=_json_default)


def _keyed_entries(value: list[Any]) -> dict[str, Mapping[str, Any]] | None:
    """A list of mappings whose first values are distinct texts (per-member entries) as
    ``{first value: entry}``; None for any other list."""
    keyed: dict[str, Mapping[str, Any]] = {}
    for entry in value:
        if not isinstance(entry, Mapping) or not entry:
            return None
        head = next(iter(entry.values()))
        if not isinstance(head, str) or head in keyed:
            return None
        keyed[head] = entry
    return keyed


def _flatten(prefix: str, value: Any, into: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, into)
    elif isinstance(value, list) and (keyed := _keyed_entries(value)) is not None:
        # ``members: [{"member": "paul", "actions": 3}]`` → ``members.paul.actions = 3``.
        for head, entry in keyed.items():
            for key, inner in list(entry.items())[1:]:
                _flatten(f"{prefix}.{head}.{key}", inner, into)
    elif isinstance(value, list):
        into[prefix] = json.dumps(value, ensure_ascii=False, default=_json_default)
    else:
        into[prefix] = "" if value is None else value


def to_csv(result: ReportResult) -> str:
    """One header row; nested counts become ``actions.call``-style columns, grouped under
    their column in column order (keys first seen in later rows still join their group)."""
    groups: dict[str, list[str]] = {column.key: [] for column in result.columns}
    flat_rows = []
    for row in result.flat_rows:
        flat: dict[str, Any] = {}
        for key in [*groups, *(k for k in row if k not in groups)]:
            if key not in row and key not in groups:
                continue
            part: dict[str, Any] = {}
            _flatten(key, row.get(key), part)
            group = groups.setdefault(key, [])
            group.extend(k for k in part if k not in group)
            flat.update(part)
        flat_rows.append(flat)
    header = [name for group in groups.values() for name in group]
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
    members: Mapping[str, str] | None = None,
) -> None:
    """Print a result in the chosen format (JSON and CSV go to stdout unstyled; a table
    shows member names, the others the ids)."""
    if output_format == "table":
        if console is None:
            from rich.console import Console

            console = Console()
        console.print(to_rich_table(result, action_types, members=members))
    elif output_format == "json":
        print(to_json(result))
    else:
        print(to_csv(result), end="")
