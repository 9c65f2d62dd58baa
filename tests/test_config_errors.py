"""Every class of config error: one message naming file and line or key, exit 2, nothing
written (no database file appears), no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from salesplan.core.context import load_app
from salesplan.core.errors import ConfigError
from salesplan.core.pluginmanager import discover_plugins
from tests.conftest import CliResult, base_config_text

# Installed third-party plugins (e.g. the example package) are listed too.
AVAILABLE = ", ".join(sorted(n for n, i in discover_plugins().items() if not i.always_on))


def _replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return mutate


def _append(extra: str) -> Callable[[str], str]:
    return lambda text: text + "\n" + extra


CASES = [
    pytest.param(
        _replace('name = "Acme"', 'name = "Acme'),
        "salesplan.toml:3:13: TOML syntax error: Illegal character '\\n'",
        id="toml-syntax",
    ),
    pytest.param(
        _replace('week_starts = "monday"', "week_starts = 1"),
        "salesplan.toml: team.week_starts: Input should be 'monday', 'tuesday', 'wednesday', "
        "'thursday', 'friday', 'saturday' or 'sunday'",
        id="wrong-type",
    ),
    pytest.param(
        _replace('timezone = "Europe/Paris"', 'timezone = "Europe/Pariss"'),
        "salesplan.toml: team.timezone: unknown time zone 'Europe/Pariss' (use an IANA name "
        "such as 'Europe/Paris')",
        id="bad-timezone",
    ),
    pytest.param(
        _replace('role = "manager"', 'role = "boss"'),
        "salesplan.toml: members[3].role: Input should be 'rep' or 'manager'",
        id="bad-role",
    ),
    pytest.param(
        _replace('currency = "EUR"', 'currency = "EUR"\ncolour = "blue"'),
        "salesplan.toml: team.colour: unknown key",
        id="unknown-key",
    ),
    pytest.param(
        _replace('segment = "prospecting"', 'segment = "telesales"'),
        "salesplan.toml: members[1].segment: unknown segment 'telesales' (known: marketing, "
        "prospecting, sales)",
        id="unknown-segment",
    ),
    pytest.param(
        _replace('when = { action = "call", outcome = "not_reached" }',
                 'when = { action = "fax", outcome = "not_reached" }'),
        "salesplan.toml: rules[0].when.action: unknown action type 'fax' (known: call, email, "
        "meeting, discovery_call, proposal)",
        id="unknown-action-type-in-rule",
    ),
    pytest.param(
        _replace('outcome = "not_reached" }', 'outcome = "voicemail" }'),
        "salesplan.toml: rules[0].when.outcome: unknown outcome 'voicemail' for action type "
        "'call' (known: reached, not_reached)",
        id="unknown-outcome-in-rule",
    ),
    pytest.param(
        _replace('then = { move_to_step = "Qualified" }', 'then = { move_to_step = "Won" }'),
        "salesplan.toml: rules[1].then.move_to_step: unknown step 'Won' (known: Incoming, "
        "Qualified, Proposal, Negotiation, Due, Contacted, Signed)",
        id="unknown-step-in-rule",
    ),
    pytest.param(
        _replace('then = { set_status = "lost" }', 'then = { set_status = "gone" }'),
        "salesplan.toml: rules[2].then.set_status: Input should be 'todo', 'standby', 'won', "
        "'lost' or 'cancelled'",
        id="bad-effect-field",
    ),
    pytest.param(
        _replace('then = { set_status = "lost" }', 'then = { notify = "boss" }'),
        "salesplan.toml: rules[2].then: a 'then' table needs exactly one effect kind (found: "
        "none; known kinds: schedule, move_to_step, set_status, convert)",
        id="unknown-effect-kind",
    ),
    pytest.param(
        _replace('pipeline = "acquisition"\n', 'pipeline = "upsell"\n'),
        "salesplan.toml: objectives[1].pipeline: unknown pipeline 'upsell' (known: acquisition, "
        "renewal)",
        id="unknown-pipeline-in-objective",
    ),
    pytest.param(
        _replace('metric = "call"', 'metric = "call:busy"'),
        "salesplan.toml: objectives[0].metric: unknown outcome 'busy' for action type 'call' "
        "(known: reached, not_reached)",
        id="unknown-outcome-in-objective",
    ),
    pytest.param(
        _replace('metric = "call"', 'metric = "fax"'),
        "salesplan.toml: objectives[0].metric: unknown metric 'fax' (use an action type, "
        "'type:outcome' or one of leads_created, leads_won, revenue, prospects_converted; "
        "action types: call, email, meeting, discovery_call, proposal)",
        id="unknown-metric",
    ),
    pytest.param(
        _replace('who = "segment:prospecting"', 'who = "zoe"'),
        "salesplan.toml: objectives[0].who: unknown member 'zoe' (use a member id, "
        "'segment:ID' or 'team')",
        id="unknown-member-in-objective",
    ),
    pytest.param(
        _replace('"calls", "emails"', '"calls", "fax", "emails"'),
        f"salesplan.toml: plugins.enabled[1]: unknown plugin 'fax' (available: {AVAILABLE})",
        id="unknown-plugin",
    ),
    pytest.param(
        lambda text: 'extends = "team.toml"\n' + text,
        "salesplan.toml: extends: file not found: team.toml",
        id="missing-extends",
    ),
    pytest.param(
        _append('[[members]]\nid = "alice"\nname = "Alice again"\nsegment = "sales"\n'),
        "salesplan.toml: members[4].id: duplicate id 'alice' (already used by members[0])",
        id="duplicate-member-id",
    ),
    pytest.param(
        _append('[[pipelines]]\nid = "renewal"\nsteps = ["A"]\n'),
        "salesplan.toml: pipelines[2].id: duplicate id 'renewal' (already used by pipelines[1])",
        id="duplicate-pipeline-id",
    ),
    pytest.param(
        _append('[[action_types]]\nid = "sms"\nenabled = false\n'),
        "salesplan.toml: action_types[3].enabled: no plugin provides action type 'sms' to "
        "disable (provided: call, email, email_received, meeting)",
        id="disable-unknown-action-type",
    ),
    pytest.param(
        _append("[linkedin]\ntoken_env = 'X'\n"),
        "salesplan.toml: linkedin: unknown section (no enabled plugin owns it; plugin sections: "
        "funnel, objectives)",
        id="unowned-section",
    ),
    pytest.param(
        _replace("steps = [\"Due\", \"Contacted\", \"Signed\"]", "steps = []"),
        "salesplan.toml: pipelines[1].steps: List should have at least 1 item after validation, "
        "not 0",
        id="empty-pipeline",
    ),
    pytest.param(
        _replace('kind = "choice",', 'kind = "choice", choices = [],'),
        "salesplan.toml:77:134: TOML syntax error: Cannot mutate immutable namespace ('choices',)",
        id="toml-duplicate-key",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_config_error_message_and_exit_status(
    mutate: Callable[[str], str],
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "salesplan.toml").write_text(mutate(base_config_text()), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())

    result = run_cli("check")

    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {expected}"
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no database, nothing written


def test_error_in_an_extended_file_names_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.toml").write_text(
        base_config_text().replace('segment = "prospecting"', 'segment = "telesales"'),
        encoding="utf-8",
    )
    (tmp_path / "renewal.toml").write_text(
        'extends = "team.toml"\n[team]\nname = "Renewals"\n', encoding="utf-8"
    )
    result = run_cli("--config", "renewal.toml", "check")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: team.toml: members[1].segment: unknown segment 'telesales' "
        "(known: marketing, prospecting, sales)"
    )


def test_extends_cycle_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    result = run_cli("--config", "a.toml", "check")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: a.toml → b.toml → a.toml: extends forms a cycle"


def test_missing_config_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SALESPLAN_CONFIG", raising=False)
    result = run_cli("check")
    assert result.exit_code == 2
    assert "salesplan init" in result.stderr and "salesplan demo" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_deeply_nested_toml_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "salesplan.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_app(path, env={})
    path.write_text("x = " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nested more than 32 deep"):
        load_app(path, env={})


def test_a_nul_byte_in_a_config_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "salesplan.toml"
    path.write_text(base_config_text().replace('name = "Acme"', 'name = "Ac\x00me"'),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"salesplan.toml:3: TOML syntax error: a NUL"):
        load_app(path, env={})


def test_a_schedule_too_far_ahead_is_refused_by_check(tmp_path: Path) -> None:
    path = tmp_path / "salesplan.toml"
    path.write_text(base_config_text().replace("after_days = 2", "after_days = 999999999", 1),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"after_days: .*3650"):
        load_app(path, env={})
