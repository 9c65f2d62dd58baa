"""The demo team (`salesplan demo`): deterministic, plausible, dated relative to today."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from salesplan.core.calendar import to_local
from salesplan.core.context import AppContext, load_app
from salesplan.core.dataio import export_folder, import_folder
from salesplan.core.dataio.formats import FILES
from salesplan.core.db.models import Action, Lead, ProspectingList, Reminder, StepChange
from salesplan.core.demo.build import build_demo, demo_config_text
from tests.conftest import CliResult
from tests.test_import_helpers import VALID, empty_base

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 25)  # a Wednesday


def _app(folder: Path) -> AppContext:
    return load_app(folder / "salesplan.toml", env={})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "salesplan-demo"
    result = build_demo(folder, seed=7, today=TODAY)
    assert result.built
    return folder


@pytest.fixture(scope="module")
def demo_app(demo: Path) -> AppContext:
    app = _app(demo)
    yield app  # type: ignore[misc]
    app.dispose()


def test_packaged_demo_config_is_the_repository_one() -> None:
    assert demo_config_text() == (REPO / "configs" / "demo.toml").read_text(encoding="utf-8")


def test_same_seed_and_day_give_the_same_demo(demo: Path, tmp_path: Path,
                                              demo_app: AppContext) -> None:
    export_folder(demo_app, tmp_path / "first")
    again = build_demo(tmp_path / "again", seed=7, today=TODAY)
    other = build_demo(tmp_path / "other", seed=8, today=TODAY)
    for folder, name in ((again.folder, "again"), (other.folder, "other")):
        app = _app(folder)
        try:
            export_folder(app, tmp_path / f"{name}-export")
        finally:
            app.dispose()
    for file in VALID:
        first = (tmp_path / "first" / file).read_bytes()
        assert first == (tmp_path / "again-export" / file).read_bytes(), file
    assert (tmp_path / "first" / "actions.csv").read_bytes() != (
        tmp_path / "other-export" / "actions.csv").read_bytes()


def test_demo_export_round_trips(demo_app: AppContext, tmp_path: Path) -> None:
    export_folder(demo_app, tmp_path / "first")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "salesplan.toml").write_text(demo_config_text(), encoding="utf-8")
    app = _app(copy)
    try:
        summary = import_folder(app, tmp_path / "first")
        export_folder(app, tmp_path / "second")
        copied = _kept(app)
        empty_base(app)
    finally:
        app.dispose()
    for file in FILES:
        assert (tmp_path / "first" / file).read_bytes() == (
            tmp_path / "second" / file).read_bytes(), file
    # Script answers, open and done reminders, standby dates and lead fields survive.
    kept = _kept(demo_app)
    assert summary.answers > 0 and summary.reminders == len(kept["reminders"]) > 0
    assert any(row[-1] is None for row in kept["reminders"])  # open ones
    assert any(remind is not None for _key, remind, _fields in kept["leads"])
    assert copied == kept


def _kept(app: AppContext) -> dict[str, list[tuple[object, ...]]]:
    with app.session() as session:
        return {
            "answers": [tuple(r) for r in session.execute(
                select(Action.key, Action.answers).order_by(Action.id)) if r[1]],
            "reminders": [tuple(r) for r in session.execute(
                select(Reminder.id, Reminder.due_at, Reminder.member, Reminder.action_type,
                       Reminder.note, Reminder.source, Reminder.done_at)
                .order_by(Reminder.id))],
            # The day a standby lead is due again (the demo gives it a time of day too).
            "leads": [(key, remind and to_local(remind, app.tz).date(), fields)
                      for key, remind, fields in session.execute(
                          select(Lead.key, Lead.remind_at, Lead.fields).order_by(Lead.id))],
        }


def test_demo_is_plausible(demo_app: AppContext) -> None:
    app, tz = demo_app, demo_app.tz
    with app.session() as session:
        actions = session.execute(
            select(Action.at, Action.action_type, Action.outcome, Action.answers,
                   Action.lead_id, Action.prospect_id)
        ).all()
        leads = session.execute(select(Lead.pipeline, Lead.status, Lead.fields)).all()
        lists = session.execute(select(ProspectingList.name)).scalars().all()
        reminders = session.execute(
            select(Reminder.due_at).where(Reminder.done.is_(False))
        ).scalars().all()
        steps = session.execute(
            select(StepChange.lead_id, StepChange.step, Lead.pipeline)
            .join(Lead, Lead.id == StepChange.lead_id)
            .order_by(StepChange.lead_id, StepChange.at, StepChange.id)
        ).all()
    assert len(lists) == 3
    assert len(actions) > 5000
    outcomes = Counter((a.action_type, a.outcome) for a in actions)
    calls = outcomes["call", "reached"] + outcomes["call", "not_reached"]
    assert 0.30 <= outcomes["call", "reached"] / calls <= 0.42
    discovery = outcomes["discovery_call", "good"] + outcomes["discovery_call", "bad"]
    assert 0.30 <= outcomes["discovery_call", "good"] / discovery <= 0.50
    assert all(a.answers and set(a.answers) == {"budget", "decider", "start"}
               for a in actions if a.action_type == "discovery_call")
    assert {a.action_type for a in actions} >= {"call", "email", "meeting", "discovery_call",
                                                "proposal"}
    assert all((a.lead_id is None) != (a.prospect_id is None) for a in actions)
    # Six months ending today, working days and working hours only.
    local = [to_local(a.at, tz) for a in actions]
    assert min(local).date() >= TODAY - timedelta(days=183)
    assert max(local).date() == TODAY and max(local).hour < 13
    assert all(moment.weekday() < 5 for moment in local)
    assert all(9 <= moment.hour < 18 for moment in local)
    # Both pipelines, every status.
    assert {lead.pipeline for lead in leads} == {"acquisition", "renewal"}
    assert {lead.status for lead in leads} == {"todo", "standby", "won", "lost", "cancelled"}
    assert any(lead.fields for lead in leads)
    # Reminders due today (and later).
    due_days = Counter(to_local(due, tz).date() for due in reminders)
    assert due_days[TODAY] >= 5
    assert all(day >= TODAY for day in due_days)
    # Some leads go back a step (revised proposal after negotiating).
    order = {p.id: p.steps for p in app.config.pipelines}
    backwards = 0
    for previous, current in itertools.pairwise(steps):
        if previous.lead_id == current.lead_id:
            steps_of = order[current.pipeline]
            if steps_of.index(current.step) < steps_of.index(previous.step):
                backwards += 1
    assert backwards >= 1


def test_cli_builds_then_reuses_then_resets(run_cli: Callable[..., object],
                                            tmp_path: Path) -> None:
    folder = tmp_path / "my-demo"
    args = ("demo", "--dir", str(folder), "--no-tui", "--today", "2026-11-25")
    result = run_cli(*args)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert f"Demo built in {folder} in " in result.stdout  # type: ignore[attr-defined]
    assert f"salesplan --config {folder / 'salesplan.toml'} todo" in result.stdout  # type: ignore[attr-defined]
    built = (folder / "demo.db").stat().st_mtime_ns
    result = run_cli(*args)
    assert result.stdout.startswith(  # type: ignore[attr-defined]
        f"Demo already built in {folder}, use --reset to rebuild.\n")
    assert (folder / "demo.db").stat().st_mtime_ns == built
    # The build lock stays (removing a file others may wait to lock would race).
    assert sorted(p.name for p in folder.iterdir()) == [".demo.lock", "demo.db", "salesplan.toml"]
    result = run_cli(*args, "--reset")
    assert "Demo built in" in result.stdout  # type: ignore[attr-defined]
    # The demo's config works with the other commands.
    check = run_cli("--config", str(folder / "salesplan.toml"), "check")
    assert check.exit_code == 0, check.output  # type: ignore[attr-defined]


def test_cli_demo_errors(run_cli: Callable[..., object], tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    result = run_cli("demo", "--dir", str(tmp_path / "taken"), "--no-tui")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr.endswith(  # type: ignore[attr-defined]
        f"Error: {tmp_path / 'taken'}: exists and is not a folder\n")


def test_cli_demo_opens_the_tui_on_the_demo(run_cli: Callable[..., object], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    tui_app = pytest.importorskip("salesplan.tui.app")
    opened: list[Path] = []

    def fake_run(self: object) -> None:
        opened.append(self.ctx.config_path)  # type: ignore[attr-defined]

    monkeypatch.setattr(tui_app.SalesplanApp, "run", fake_run)
    folder = tmp_path / "d"
    result = run_cli("demo", "--dir", str(folder), "--today", "2026-11-25")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert opened == [folder / "salesplan.toml"]
    assert "Try:" not in result.stdout  # type: ignore[attr-defined]


def _latest(app: AppContext) -> dict[str, object]:
    from sqlalchemy import func

    from salesplan.core.db.models import Prospect

    with app.session() as session:
        return {
            "actions": session.execute(select(func.max(Action.at))).scalar(),
            "step_changes": session.execute(select(func.max(StepChange.at))).scalar(),
            "leads": session.execute(select(func.max(Lead.created_at))).scalar(),
            "closed": session.execute(select(func.max(Lead.closed_at))).scalar(),
            "prospects": session.execute(select(func.max(Prospect.created_at))).scalar(),
            "reminders created": session.execute(select(func.max(Reminder.created_at))).scalar(),
        }


@pytest.mark.parametrize("hour", [7, 10, 16])
def test_nothing_in_the_demo_happened_after_it_was_built(tmp_path: Path, hour: int) -> None:
    """Built at 07:00, 10:00 or 16:00 on a working day (Paris), no action, step change, lead,
    prospect or reminder creation is later than that moment; reminders may be due later."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from salesplan.core.demo.generator import generate

    app = _app(build_demo(tmp_path / "x", seed=3, today=TODAY).folder)
    try:
        now = datetime(2026, 11, 25, hour, 0, tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)
        data = generate(app.config, app.tz, set(app.registry.action_types), size="small",
                        seed=3, today=TODAY, now=now)
        moments = [a[0] for a in data.actions] + [c[1] for c in data.step_changes]
        moments += [p["created_at"] for p in data.prospects]
        moments += [lead["created_at"] for lead in data.leads]
        moments += [lead["closed_at"] for lead in data.leads if lead["closed_at"] is not None]
        moments += [r[1] for r in data.reminders]  # created
        assert max(data.to_utc(m) for m in moments) <= now
        assert any(data.to_utc(r[0]) > now for r in data.reminders)  # due later: allowed
    finally:
        app.dispose()


@pytest.mark.parametrize("local", ["2026-12-05T00:07", "2026-12-06T16:00"])
def test_a_demo_built_on_a_weekend_ends_when_friday_closed(tmp_path: Path, local: str) -> None:
    """Built on Saturday just after midnight or on Sunday (Paris), the history and every open
    reminder's creation end at Friday 18:00; nothing is stamped on the coming Monday."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from salesplan.core.demo.generator import generate

    paris = ZoneInfo("Europe/Paris")
    now = datetime.fromisoformat(local).replace(tzinfo=paris)
    app = _app(build_demo(tmp_path / "w", seed=3, today=TODAY).folder)
    try:
        data = generate(app.config, app.tz, set(app.registry.action_types), size="small",
                        seed=3, today=now.date(), now=now.astimezone(UTC))
        moments = [a[0] for a in data.actions] + [c[1] for c in data.step_changes]
        moments += [p["created_at"] for p in data.prospects]
        moments += [lead["created_at"] for lead in data.leads]
        moments += [r[1] for r in data.reminders]
        friday_close = datetime(2026, 12, 4, 18, 0, tzinfo=paris)
        assert max(data.to_utc(m) for m in moments) == friday_close
        assert data.reminders and min(data.to_utc(r[0]) for r in data.reminders) > friday_close
    finally:
        app.dispose()


def test_the_demo_command_builds_no_future(tmp_path: Path,
                                           run_cli: Callable[..., CliResult]) -> None:
    """The real command, on the real clock: every event is at or before the end of the build."""
    from datetime import UTC, datetime

    result = run_cli("demo", "--dir", str(tmp_path / "live"), "--no-tui")
    finished = datetime.now(UTC)
    assert result.exit_code == 0, result.output
    app = _app(tmp_path / "live")
    try:
        for what, latest in _latest(app).items():
            assert latest is None or latest <= finished, what
    finally:
        app.dispose()


def test_two_builds_of_one_folder_at_once_give_one_demo(tmp_path: Path) -> None:
    """Two `salesplan demo` started together: one builds, the other waits and reuses it."""
    from concurrent.futures import ThreadPoolExecutor

    folder = tmp_path / "shared"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda seed: build_demo(folder, seed=seed, today=TODAY),
                                (7, 7)))
    assert sorted(result.built for result in results) == [False, True]
    assert not (folder / ".demo.db.building").exists()
    app = _app(folder)
    try:
        with app.engine.connect() as connection:
            assert connection.execute(select(Action.id).limit(1)).first() is not None
    finally:
        app.dispose()
