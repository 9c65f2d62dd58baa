"""Fuzzing the two ways data comes in from outside: the CSV importer and the config loader.

Hypothesis mutates a valid data folder (a hostile cell, a BOM, NUL bytes, invalid UTF-8, a
10 MB field, a wrong column count, a duplicate id, DST gap and fold times, non-finite and
negative amounts) and a valid config (hostile values at real keys, deep nesting, truncation):
the outcome is always either a clean import / load or one ``SalesplanError`` whose message
names the file (and for CSV the line), and a refused import writes nothing. Never a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from salesplan.core.context import AppContext, load_app
from salesplan.core.dataio import import_folder
from salesplan.core.errors import SalesplanError
from tests.conftest import base_config_text
from tests.test_import_helpers import VALID, counts, empty_base

HOSTILE_CELLS = [
    "", " ", "\x00", "a\x00b", "\ufeffL1", "NaN", "nan", "inf", "-inf", "1e309", "-5",
    "-0.0", "1" * 400, "9" * 40, "0x1F", "1,5", "2026-03-29 02:30", "2026-10-25 02:30",
    "0001-01-01 00:00", "9999-12-31 23:59", "2026-02-30 10:00", "\x1b[31mred\x1b[0m",
    "line\nbreak", "tab\there", "'; DROP TABLE leads; --", "L1", "P1", "A1", "won", "todo",
    "é" * 300, "\u202e", "\ud7ff",
]
BIG_FIELD = "x" * (10 * 1024 * 1024)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@st.composite
def hostile_folders(draw: st.DrawFn) -> dict[str, bytes]:
    files = {name: text.encode() for name, text in VALID.items()}
    name = draw(st.sampled_from(sorted(VALID)))
    rows = _rows(VALID[name])
    kind = draw(st.sampled_from(
        ["cell", "cell", "cell", "text", "bom", "nul", "utf8", "columns", "duplicate", "big"]))
    row = draw(st.integers(1, len(rows) - 1))
    column = draw(st.integers(0, len(rows[0]) - 1))
    if kind in ("cell", "text"):
        rows[row][column] = (draw(st.sampled_from(HOSTILE_CELLS)) if kind == "cell"
                             else draw(st.text(max_size=30)))
        files[name] = _csv(rows).encode("utf-8", "surrogatepass")
    elif kind == "bom":
        files[name] = b"\xef\xbb\xbf" + files[name]
    elif kind == "nul":
        files[name] = files[name].replace(b",", b",\x00", 1)
    elif kind == "utf8":
        files[name] = files[name].replace(b"\n", b"\n\xff\xfe", 1)
    elif kind == "columns":
        rows[row] = rows[row][:column] if draw(st.booleans()) else [*rows[row], "extra"]
        files[name] = _csv(rows).encode()
    elif kind == "duplicate":
        files[name] = _csv([*rows, rows[row]]).encode()
    else:
        rows[row][column] = BIG_FIELD
        files[name] = _csv(rows).encode()
    return files


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=hostile_folders())
def test_a_hostile_data_folder_is_imported_or_refused_cleanly(
    app: AppContext, tmp_path_factory: pytest.TempPathFactory, files: dict[str, bytes]
) -> None:
    empty_base(app)
    folder = tmp_path_factory.mktemp("data")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    try:
        import_folder(app, folder)
    except SalesplanError as error:
        event("refused")
        assert re.match(r"^(\S+\.csv)(:\d+)?: ", error.message), error.message
        assert "Traceback" not in error.message
        assert set(counts(app).values()) == {0}, "a refused import wrote rows"
    else:
        event("imported")
        assert counts(app)["leads"] >= 1


CONFIG_VALUES = [
    "inf", "nan", "-inf", "1e309", "-1", "0", "999999999", "99999999999999999999", '""',
    '"\\u0000"', '"x"', "[]", "{}", "true", '"2026-02-30"', '"Mars/Olympus"', "[[[[[]]]]]",
    "{a = {b = {c = {d = 1}}}}", '"' + "é" * 500 + '"',
]


@st.composite
def hostile_configs(draw: st.DrawFn) -> str:
    text = base_config_text()
    lines = text.splitlines()
    assignments = [i for i, line in enumerate(lines)
                   if re.match(r"^\s*[A-Za-z_][\w-]*\s*=", line)]
    kind = draw(st.sampled_from(["value", "value", "value", "truncate", "nest", "bytes"]))
    if kind == "value":
        index = draw(st.sampled_from(assignments))
        key = lines[index].split("=", 1)[0]
        lines[index] = f"{key}= {draw(st.sampled_from(CONFIG_VALUES))}"
        return "\n".join(lines) + "\n"
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "nest":
        depth = draw(st.integers(50, 5000))
        return text + "\nextra = " + "[" * depth + "]" * depth + "\n"
    position = draw(st.integers(0, len(text)))
    return text[:position] + draw(st.sampled_from(["\x00", "\x07", "\ufeff", "\\"])) + \
        text[position:]


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_configs())
def test_a_hostile_config_loads_or_is_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("config") / "salesplan.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    env = {"SALESPLAN_DATABASE_URL": f"sqlite:///{path.parent / 'base.db'}"}
    try:
        app = load_app(path, env=env)
    except SalesplanError as error:
        event("refused")
        assert "salesplan.toml" in error.message, error.message
    else:
        event("loaded")
        app.dispose()


def test_the_cli_says_it_in_one_line_with_exit_2(
    run_cli: Callable[..., object], config_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, text in VALID.items():
        (folder / name).write_text(text, encoding="utf-8")
    leads = _rows(VALID["leads.csv"])
    leads[1][5] = "1e309"
    (folder / "leads.csv").write_text(_csv(leads), encoding="utf-8")
    result = run_cli("--config", str(config_path), "import", str(folder))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert re.search(r"leads\.csv:2: amount: ", result.stderr)  # type: ignore[attr-defined]
