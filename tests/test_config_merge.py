"""``extends`` merge rules: tables key by key, arrays of tables by id, the rest replaced."""

from __future__ import annotations

from pathlib import Path

from salesplan.core.config.loader import load_config_file, read_raw_config

BASE = """
[team]
name = "Base"
timezone = "Europe/Paris"
working_days = ["mon", "tue", "wed", "thu", "fri"]

[database]
url = "sqlite:///base.db"

[[segments]]
id = "sales"
[[segments]]
id = "marketing"

[[members]]
id = "alice"
name = "Alice"
segment = "sales"
email = "alice@base.test"
[[members]]
id = "bob"
name = "Bob"
segment = "marketing"

[[rules]]
when = { action = "call", outcome = "not_reached" }
then = { schedule = "call", after_days = 2 }
"""

CHILD = """
extends = "base.toml"

[team]
name = "Child"
working_days = ["mon", "tue"]

[[members]]
id = "alice"
segment = "marketing"
[[members]]
id = "carol"
name = "Carol"
segment = "sales"

[[rules]]
when = { action = "call", outcome = "reached" }
then = { schedule = "email", after_days = 1 }
"""


def _write(tmp_path: Path) -> Path:
    (tmp_path / "base.toml").write_text(BASE, encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text(CHILD, encoding="utf-8")
    return child


def test_tables_merge_key_by_key(tmp_path: Path) -> None:
    config, _ = load_config_file(_write(tmp_path))
    assert config.team.name == "Child"
    assert config.team.timezone == "Europe/Paris"  # kept from the base table
    assert config.database.url == "sqlite:///base.db"


def test_plain_arrays_and_scalars_are_replaced(tmp_path: Path) -> None:
    config, _ = load_config_file(_write(tmp_path))
    assert config.team.working_days == ["mon", "tue"]


def test_arrays_of_tables_merge_by_id(tmp_path: Path) -> None:
    config, _ = load_config_file(_write(tmp_path))
    assert [m.id for m in config.members] == ["alice", "bob", "carol"]
    alice = config.member("alice")
    assert alice is not None
    assert alice.segment == "marketing"  # overridden by the child
    assert alice.name == "Alice" and alice.email == "alice@base.test"  # kept from the base
    assert [s.id for s in config.segments] == ["sales", "marketing"]


def test_tables_without_id_are_appended(tmp_path: Path) -> None:
    config, _ = load_config_file(_write(tmp_path))
    assert [(r.when.action, r.when.outcome) for r in config.rules] == [
        ("call", "not_reached"),
        ("call", "reached"),
    ]


def test_origins_name_the_file_that_set_each_value(tmp_path: Path) -> None:
    raw = read_raw_config(_write(tmp_path))
    assert [p.name for p in raw.files] == ["child.toml", "base.toml"]
    def where(*path: str | int) -> str:
        return raw.error(tuple(path), "x").message

    assert where("members", 1, "name") == f"{tmp_path / 'base.toml'}: members[1].name: x"
    assert where("members", 0, "segment") == f"{tmp_path / 'child.toml'}: members[0].segment: x"
    assert where("members", 0, "email") == f"{tmp_path / 'base.toml'}: members[0].email: x"
    assert where("members", 2, "name") == f"{tmp_path / 'child.toml'}: members[2].name: x"
    assert where("team", "timezone") == f"{tmp_path / 'base.toml'}: team.timezone: x"
