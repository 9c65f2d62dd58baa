"""Export (SPEC §5): exact formats, stable order, time zones and DST, identical round trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from salesplan.core.context import AppContext
from salesplan.core.dataio import export_folder, import_folder
from salesplan.core.dataio.formats import (
    CellError,
    TimestampReader,
    format_amount,
    format_timestamp,
    parse_amount,
    parse_timestamp_cell,
    sqlite_utc_text,
)
from salesplan.core.db.models import Action
from salesplan.core.errors import DataError
from tests.test_import_helpers import VALID, empty_base, write_folder

PARIS = ZoneInfo("Europe/Paris")


def _read(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in VALID}


def test_export_writes_exact_files(app: AppContext, tmp_path: Path) -> None:
    import_folder(app, write_folder(tmp_path / "data", VALID))
    summary = export_folder(app, tmp_path / "out")
    assert summary.counts == {"prospects.csv": 3, "leads.csv": 2, "step_changes.csv": 3,
                              "actions.csv": 3, "answers.csv": 0, "reminders.csv": 0}
    assert _read(tmp_path / "out") == {
        "prospects.csv": (
            "id,list,name,company,email,phone,owner,created_at,lead_id\n"
            "P1,Fair,Jean Dupont,ACME,jean@acme.test,+33 1 23,bob,2026-03-02T10:00:00+01:00,L1\n"
            'P2,Fair,Marc Petit,"Big, Co",,,,2026-03-03T10:00:00+01:00,\n'
            "P3,Web,Ana Roux,Nova,,,,2026-03-03T11:00:00+01:00,\n"
        ),
        "leads.csv": (
            "id,title,pipeline,step,owner,amount,status,created_at,closed_at,prospect_id,"
            "remind_on\n"
            "L1,ACME deal,acquisition,Qualified,alice,1200.5,todo,2026-03-04T09:00:00+01:00,,P1,\n"
            "L2,Renew X,renewal,Signed,dave,30000,won,2026-03-05T09:00:00+01:00,"
            "2026-03-20T10:00:00+01:00,,\n"
        ),
        "step_changes.csv": (
            "lead_id,at,step\n"
            "L1,2026-03-04T09:00:00+01:00,Incoming\n"
            "L1,2026-03-06T09:00:00+01:00,Qualified\n"
            "L2,2026-03-05T09:00:00+01:00,Signed\n"
        ),
        "actions.csv": (
            "id,at,member,action,outcome,lead_id,prospect_id,note\n"
            "A1,2026-03-02T11:00:00+01:00,bob,call,not_reached,,P1,\n"
            'A2,2026-03-04T10:00:00+01:00,alice,discovery_call,good,L1,,"two\nlines"\n'
            "A3,2026-03-05T10:00:00+01:00,dave,email,,L2,,\n"
        ),
    }


def test_round_trip_is_identical(app: AppContext, tmp_path: Path) -> None:
    import_folder(app, write_folder(tmp_path / "data", VALID))
    export_folder(app, tmp_path / "first")
    empty_base(app)
    import_folder(app, tmp_path / "first")
    export_folder(app, tmp_path / "second")
    assert _read(tmp_path / "first") == _read(tmp_path / "second")


DST_ACTIONS = (
    "id,at,member,action,outcome,lead_id,prospect_id,note\n"
    "T1,2026-03-28 23:30,bob,call,reached,,P1,naive before midnight\n"
    "T2,2026-03-29T00:30:00+00:00,bob,call,reached,,P1,offset after midnight UTC\n"
    "T3,2026-03-29 01:59:59,bob,call,reached,,P1,last winter second\n"
    "T4,2026-03-29 03:00,bob,call,reached,,P1,first summer minute\n"
    "T5,2026-10-25 02:30,bob,call,reached,,P1,ambiguous: the first (summer) one\n"
    "T6,2026-10-25T02:30:00+01:00,bob,call,reached,,P1,the second one by offset\n"
    "T7,2026-06-30 23:59:59,bob,call,reached,,P1,end of a local day\n"
    "T8,2026-07-01T00:30:00+02:00,bob,call,reached,,P1,offset: local 1 July\n"
    "T9,2026-06-30T23:30:00Z,bob,call,reached,,P1,Z: local 1 July 01:30\n"
    "T10,2026-12-31,bob,call,reached,,P1,date alone: local midnight\n"
)


def test_naive_and_offset_timestamps_around_midnight_and_dst(
    app: AppContext, tmp_path: Path
) -> None:
    files = {"prospects.csv": VALID["prospects.csv"].replace(",L1\n", ",\n"),
             "actions.csv": DST_ACTIONS.replace("naive before midnight", '"naive, before"')}
    import_folder(app, write_folder(tmp_path / "data", files))
    with app.session() as session:
        stored = {key: at for key, at in session.execute(select(Action.key, Action.at))}
    assert stored == {
        "T1": datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
        "T2": datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        "T3": datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
        "T4": datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        "T5": datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        "T6": datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        "T7": datetime(2026, 6, 30, 21, 59, 59, tzinfo=UTC),
        "T8": datetime(2026, 6, 30, 22, 30, tzinfo=UTC),
        "T9": datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
        "T10": datetime(2026, 12, 30, 23, 0, tzinfo=UTC),
    }
    export_folder(app, tmp_path / "out")
    lines = (tmp_path / "out" / "actions.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == [
        "2026-03-28T23:30:00+01:00",
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T01:59:59+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:30:00+01:00",
        "2026-06-30T23:59:59+02:00",
        "2026-07-01T00:30:00+02:00",
        "2026-07-01T01:30:00+02:00",
        "2026-12-31T00:00:00+01:00",
    ]


def test_a_time_skipped_by_dst_is_an_error(app: AppContext, tmp_path: Path) -> None:
    files = {"prospects.csv": VALID["prospects.csv"].replace(",L1\n", ",\n"),
             "actions.csv": DST_ACTIONS + "T11,2026-03-29 02:30,bob,call,reached,,P1,\n"}
    with pytest.raises(DataError) as error:
        import_folder(app, write_folder(tmp_path / "data", files))
    assert error.value.message == (
        "actions.csv:12: at: '2026-03-29 02:30' does not exist in Europe/Paris (skipped by a "
        "daylight-saving change); add an offset such as +01:00")


def test_cell_formats() -> None:
    assert format_amount(30000.0) == "30000"
    assert format_amount(1234.5) == "1234.5"
    assert format_amount(0.1 + 0.2) == "0.30000000000000004"
    assert parse_amount(format_amount(0.1 + 0.2)) == 0.1 + 0.2
    assert parse_amount("") == 0.0
    assert parse_amount("1234.50") == 1234.5
    with pytest.raises(CellError):
        parse_amount("inf")
    moment = datetime(2026, 7, 1, 7, 5, 3, 250, tzinfo=UTC)
    assert format_timestamp(moment, PARIS) == "2026-07-01T09:05:03.000250+02:00"
    assert parse_timestamp_cell(format_timestamp(moment, PARIS), PARIS) == moment


@pytest.mark.parametrize("moment", [
    datetime(2026, 7, 1, 7, 5, 3, tzinfo=UTC),
    datetime(2026, 7, 1, 7, 5, 3, 250, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
])
def test_sqlite_text_is_what_sqlalchemy_stores(moment: datetime) -> None:
    dialect = sqlite.dialect()
    column_type = Action.__table__.c.at.type  # type: ignore[attr-defined]
    bind = column_type.dialect_impl(dialect).bind_processor(dialect)
    assert sqlite_utc_text(moment) == bind(moment)


def test_timestamp_reader_fast_path_matches_the_full_parse() -> None:
    reader = TimestampReader(PARIS, sqlite=True)
    texts = ["2026-05-12T09:31:00+02:00", "2026-05-12T09:45:07+02:00",
             "2026-05-12T09:59:59+02:00", "2026-10-25T02:30:00+01:00",
             "2026-10-25T02:10:00+02:00", "2026-05-12 09:45", "2026-05-12T09:45:00.5+02:00"]
    for text in texts * 2:  # the second pass hits the cache
        assert reader.db(text) == sqlite_utc_text(parse_timestamp_cell(text, PARIS))
    for bad in ["2026-05-12T09:60:00+02:00", "2026-05-12T09:4x:00+02:00",
                "2026-05-12T09:45:61+02:00", "2026-05-12T09-45-00+02:00"]:
        with pytest.raises(CellError):
            reader.db(bad)
    # PostgreSQL gets the same UTC text with its offset (what COPY reads into timestamptz).
    postgres = TimestampReader(PARIS, sqlite=False)
    assert postgres.db("2026-05-12T09:31:00+02:00") == "2026-05-12 07:31:00.000000+00"
    assert postgres.to_datetime(postgres.db("2026-05-12T09:45:07.5+02:00")) == datetime(
        2026, 5, 12, 7, 45, 7, 500000, tzinfo=UTC)


def test_cli_export(run_cli: Callable[..., object], config_path: Path, tmp_path: Path,
                    db_url: str) -> None:
    folder = write_folder(tmp_path / "data", VALID)
    assert run_cli("--config", str(config_path), "import", str(folder)).exit_code == 0  # type: ignore[attr-defined]
    result = run_cli("--config", str(config_path), "export", str(tmp_path / "out"))
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.stdout == (  # type: ignore[attr-defined]
        f"Exported to {tmp_path / 'out'}: prospects.csv 3, leads.csv 2, step_changes.csv 3, "
        "actions.csv 3, answers.csv 0, reminders.csv 0.\n")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run_cli("--config", str(config_path), "export", str(tmp_path / "file"))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr == f"Error: {tmp_path / 'file'}: exists and is not a folder\n"  # type: ignore[attr-defined]


def test_a_symlink_planted_beside_the_export_is_not_followed(
    app: AppContext, tmp_path: Path
) -> None:
    """The old temporary name was predictable (``.leads.csv.tmp``): a symlink there made the
    export overwrite its target. Temporary files are now created exclusively, randomly named."""
    import_folder(app, write_folder(tmp_path / "data", VALID))
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    for name in VALID:
        (out / f".{name}.tmp").symlink_to(victim)
    export_folder(app, out)
    export_folder(app, tmp_path / "plain")
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert _read(out) == _read(tmp_path / "plain")
    left = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert left == sorted(f".{name}.tmp" for name in VALID)  # only the planted links


def test_a_failing_export_leaves_no_temporary_file(
    app: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_folder(app, write_folder(tmp_path / "data", VALID))
    out = tmp_path / "out"
    import salesplan.core.dataio.exporter as exporter

    def broken_stream(*_args: object) -> object:
        raise KeyboardInterrupt
        yield  # a generator, as the real one

    monkeypatch.setattr(exporter, "_stream", broken_stream)
    with pytest.raises(KeyboardInterrupt):
        export_folder(app, out)
    assert list(out.iterdir()) == []


def test_sigterm_ends_a_command_as_an_exit() -> None:
    import os
    import signal

    from salesplan.core.startup import SIGTERM_EXIT_STATUS, exit_on_sigterm

    before = signal.getsignal(signal.SIGTERM)
    exit_on_sigterm()
    try:
        with pytest.raises(SystemExit) as stopped:
            os.kill(os.getpid(), signal.SIGTERM)
            signal.sigtimedwait([], 0)  # let the handler run
        assert stopped.value.code == SIGTERM_EXIT_STATUS == 143
    finally:
        signal.signal(signal.SIGTERM, before)
