"""``salesplan plan --write``: objectives written into the config, comments kept, atomic."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from salesplan.core.context import load_app
from salesplan.plugins.objectives.config import configured_objectives
from tests.conftest import base_config_text

PLAN = ("plan", "--revenue", "90000", "--start", "2026-03-10")


@pytest.fixture
def commented(write_config: Callable[..., Path]) -> Path:
    text = base_config_text().replace(
        'target = 270000\n', 'target = 270000   # set by the board, do not touch\n'
    ) + "\n# the end of the file, written by hand\n"
    return write_config(text)


def _objectives(path: Path) -> list[tuple[str | None, str, str, str, float]]:
    app = load_app(path)
    return [(o.id, o.who, o.metric, o.per, o.target) for o in configured_objectives(app)]


PLANNED = [  # at their natural cadence (see test_planner.py's article example)
    ("plan-team-revenue", "team", "revenue", "month", 90000.0),
    ("plan-bob-call", "bob", "call", "day", 33.0),
    ("plan-alice-call", "alice", "call", "day", 3.0),
    ("plan-alice-meeting", "alice", "meeting", "week", 2.0),
    ("plan-alice-proposal", "alice", "proposal", "week", 3.0),
    ("plan-dave-call", "dave", "call", "day", 3.0),
    ("plan-dave-meeting", "dave", "meeting", "week", 2.0),
    ("plan-dave-proposal", "dave", "proposal", "week", 3.0),
]
HAND = [
    (None, "segment:prospecting", "call", "day", 10.0),
    (None, "team", "revenue", "quarter", 270000.0),
]


def test_write_keeps_comments_and_hand_written_objectives(
    commented: Path, run_cli: Callable[..., object]
) -> None:
    before = commented.read_text(encoding="utf-8")
    out = run_cli("--config", str(commented), *PLAN, "--write", "--yes")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    after = commented.read_text(encoding="utf-8")
    assert _objectives(commented) == HAND + PLANNED
    # Everything written by hand is still there, in place, comments included.
    assert after.startswith(before.split("# the end of the file")[0].rstrip("\n"))
    assert "# set by the board, do not touch" in after
    assert "# the end of the file, written by hand" in after
    assert "# The test suite's standard team" in after
    # The prospects marketing must bring have no objective metric: reported, not written.
    assert "not written: carol: 240 prospects" in out.stdout  # type: ignore[attr-defined]
    assert "Before" in out.stdout and "After" in out.stdout  # type: ignore[attr-defined]
    # Writing again replaces the planner's objectives instead of adding more.
    again = run_cli("--config", str(commented), "plan", "--revenue", "120000", "--period",
                    "quarter", "--start", "2026-03-10", "--write", "--yes")
    assert again.exit_code == 0, again.output  # type: ignore[attr-defined]
    objectives = _objectives(commented)
    assert objectives[:2] == HAND
    assert objectives[2] == ("plan-team-revenue", "team", "revenue", "quarter", 120000.0)
    assert len(objectives) == len(HAND + PLANNED)
    # Q1 2026 has 64 working days: 960 calls are 15 a day.
    assert ("plan-bob-call", "bob", "call", "day", 15.0) in objectives


def test_confirmation_declined_writes_nothing(commented: Path,
                                              run_cli: Callable[..., object]) -> None:
    before = commented.read_bytes()
    out = run_cli("--config", str(commented), *PLAN, "--write", input="n\n")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    assert "Nothing written." in out.stdout  # type: ignore[attr-defined]
    assert commented.read_bytes() == before
    yes = run_cli("--config", str(commented), *PLAN, "--write", input="y\n")
    assert yes.exit_code == 0, yes.output  # type: ignore[attr-defined]
    assert _objectives(commented) == HAND + PLANNED


def test_interrupted_write_leaves_the_old_file(
    commented: Path, run_cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = commented.read_bytes()

    def crash(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    out = run_cli("--config", str(commented), *PLAN, "--write", "--yes")
    assert out.exit_code == 2  # type: ignore[attr-defined]
    assert "cannot write the objectives: No space left on device" in out.stderr  # type: ignore[attr-defined]
    assert commented.read_bytes() == before
    assert sorted(p.name for p in commented.parent.iterdir()) == ["salesplan.toml"]


def test_invalid_result_is_not_written(
    commented: Path, run_cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import salesplan.core.context as context_module
    from salesplan.core.errors import ConfigError

    before = commented.read_bytes()
    checked: list[Path] = []

    def reject(path: Path, **_kwargs: object) -> None:
        checked.append(Path(path))
        raise ConfigError(f"{path}: objectives[2].who: unknown member")

    # The candidate is validated through salesplan.core.context.load_app before replacing.
    monkeypatch.setattr(context_module, "load_app", reject)
    out = run_cli("--config", str(commented), *PLAN, "--write", "--yes")
    assert out.exit_code == 2  # type: ignore[attr-defined]
    assert "objectives[2].who: unknown member" in out.stderr  # type: ignore[attr-defined]
    assert commented.read_bytes() == before
    assert len(checked) == 1 and checked[0].parent == commented.parent
    assert sorted(p.name for p in commented.parent.iterdir()) == ["salesplan.toml"]


def test_write_into_a_config_without_objectives(write_config: Callable[..., Path],
                                                run_cli: Callable[..., object]) -> None:
    text = base_config_text()
    path = write_config(text[: text.index("[[objectives]]")])
    out = run_cli("--config", str(path), *PLAN, "--write", "--yes", "--format", "json")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    assert json.loads(out.stdout)["sales"] == 3  # type: ignore[attr-defined]
    assert _objectives(path) == PLANNED


def test_atomic_write_gives_a_new_file_the_usual_permissions(tmp_path: Path) -> None:
    """A new file gets 0666 minus the umask (not mkstemp's owner-only 0600); an existing
    file keeps its own mode."""
    from salesplan.core.config.writer import atomic_write_text

    old_umask = os.umask(0o022)
    try:
        fresh = tmp_path / "new.toml"
        atomic_write_text(fresh, "a = 1\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.toml"
        kept.write_text("a = 1\n", encoding="utf-8")
        kept.chmod(0o600)
        atomic_write_text(kept, "a = 2\n")
        assert kept.stat().st_mode & 0o777 == 0o600
        assert kept.read_text(encoding="utf-8") == "a = 2\n"
    finally:
        os.umask(old_umask)
