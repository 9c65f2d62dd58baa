"""Plugin faults are contained and named: the exact message a user sees for each case.

- a hook that raises names the plugin, the hook and the error;
- a failing ``salesplan_after_action`` (a notifier inside it, say) never loses the action;
- malformed contributions are rejected when the config loads, naming the plugin;
- an installed plugin that is not enabled is never imported beyond its manifest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select

from salesplan.core import hookspecs, services
from salesplan.core.context import AppContext, load_app
from salesplan.core.db.models import Action
from salesplan.core.errors import ConfigError, PluginError
from salesplan.core.pluginmanager import PluginInfo, hook_specs
from tests.conftest import CliResult
from tests.pluginkit import FakeSite, config_text, fake_site, plugin

KNOWN_HOOKS = ", ".join(hook_specs([hookspecs]))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSite]:
    with fake_site(tmp_path, monkeypatch) as made:
        yield made


def write(folder: Path, text: str) -> Path:
    path = folder / "salesplan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(folder: Path, *plugins: PluginInfo) -> str:
    """The message of the error loading the test team with these plugins enabled."""
    path = write(folder, config_text(*(p.name for p in plugins)))
    with pytest.raises((PluginError, ConfigError)) as caught:
        load_app(path, extra_plugins=plugins, entry_points=False)
    return caught.value.message


# ---------------------------------------------------------------- a hook raises


def test_hook_that_raises_is_named(in_tmp: Path) -> None:
    boom = plugin(
        "boom",
        """
        @hookimpl
        def salesplan_reports():
            raise RuntimeError("no reports today")
        """,
    )
    assert load_error(in_tmp, boom) == (
        "plugin 'boom' failed in hook salesplan_reports: RuntimeError: no reports today"
    )


def test_hook_that_raises_through_the_cli(
    in_tmp: Path, site: FakeSite, run_cli: Callable[..., CliResult]
) -> None:
    site.distribution(
        "salesplan-boom",
        "2.1",
        entry_points={"boom": "boom_plugin"},
        files={
            "boom_plugin.py": """
                from salesplan.core import hookimpl
                from salesplan.core.manifest import PluginManifest

                MANIFEST = PluginManifest(name="boom")

                @hookimpl
                def salesplan_action_types():
                    return {}["missing"]
            """
        },
    )
    result = run_cli("--config", str(write(in_tmp, config_text("boom"))), "check")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: plugin 'boom' failed in hook salesplan_action_types: KeyError: 'missing'\n"
    )


# ---------------------------------------------------------------- after-action hook

AUDIT_SOURCE = """
from salesplan.core.errors import DeliveryError

SEEN = []

@hookimpl
def salesplan_after_action(action, effects):
    SEEN.append((action.key, list(effects)))
    raise DeliveryError("webhook http://127.0.0.1:9/hook: cannot connect: refused")
"""


def test_failing_after_action_hook_never_loses_the_action(
    make_app: Callable[..., AppContext], in_tmp: Path
) -> None:
    audit = plugin("audit", AUDIT_SOURCE)
    seen = audit.load().SEEN
    app = make_app(write(in_tmp, config_text("audit")), extra_plugins=[audit],
                   entry_points=False)
    with app.write_session() as session:
        lead = services.create_lead(
            session, app, title="Big deal", pipeline="acquisition", owner="alice"
        )
        lead_key = lead.key
        session.commit()
    logged = services.record_action(
        app,
        action_type="call",
        member="alice",
        lead=lead_key,
        outcome="not_reached",
        at=datetime(2026, 3, 2, 10, 0),
    )
    key = logged.action.key
    assert logged.effects == ["call scheduled in 2 days (due 2026-03-04)"]
    assert seen == [(key, ["call scheduled in 2 days (due 2026-03-04)"])]
    assert logged.warnings == [
        f"action {key} was saved, but plugin 'audit' failed after it: webhook "
        "http://127.0.0.1:9/hook: cannot connect: refused"
    ]
    with app.session() as session:
        stored = session.exec(select(Action)).all()
    assert [(a.key, a.action_type, a.outcome, a.member) for a in stored] == [
        (key, "call", "not_reached", "alice")
    ]


def test_failing_after_action_hook_through_the_cli(
    in_tmp: Path,
    site: FakeSite,
    db_url: str,
    make_app: Callable[..., AppContext],
    run_cli: Callable[..., CliResult],
) -> None:
    site.distribution(
        "salesplan-audit",
        "0.3",
        entry_points={"audit": "audit_plugin"},
        files={
            "audit_plugin.py": """
                from salesplan.core import hookimpl
                from salesplan.core.manifest import PluginManifest

                MANIFEST = PluginManifest(name="audit")

                @hookimpl
                def salesplan_after_action(app, action):
                    raise ZeroDivisionError("division by zero")
            """
        },
    )
    path = write(in_tmp, config_text("audit"))
    created = run_cli("--config", str(path), "lead", "add", "Big deal", "--pipeline",
                      "acquisition", "--owner", "alice")
    assert created.exit_code == 0, created.output
    lead_key = created.stdout.split()[3]
    result = run_cli("--config", str(path), "log", "meeting", "--lead", lead_key,
                     "--outcome", "held", "--member", "alice")
    assert result.exit_code == 0, result.output
    app = make_app(path)
    with app.session() as session:
        stored = session.exec(select(Action)).one()
    assert result.stdout.startswith(f"✓ Logged {stored.key}: meeting (held) by alice on lead ")
    assert result.stderr == (
        f"Warning: action {stored.key} was saved, but plugin 'audit' failed after it: "
        "ZeroDivisionError: division by zero\n"
    )
    assert (stored.action_type, stored.outcome, stored.member) == ("meeting", "held", "alice")


# ---------------------------------------------------------------- malformed contributions


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            """
            @hookimpl
            def salesplan_action_types():
                return {"id": "fax"}
            """,
            "plugin 'bad' returned dict from salesplan_action_types; expected a list",
            id="not-a-list",
        ),
        pytest.param(
            """
            @hookimpl
            def salesplan_action_types():
                return ["fax"]
            """,
            "plugin 'bad' returned str 'fax' from salesplan_action_types; "
            "expected ActionTypeSpec",
            id="wrong-item-type",
        ),
        pytest.param(
            """
            from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec

            @hookimpl
            def salesplan_action_types():
                yes = OutcomeSpec(id="yes", label="Yes")
                return [ActionTypeSpec(id="poll", label="Poll", outcomes=(yes, yes))]
            """,
            "plugin 'bad': action type 'poll' lists outcome 'yes' twice",
            id="duplicate-outcome",
        ),
        pytest.param(
            """
            from salesplan.core.effects import RuleEffect

            class Tag(RuleEffect):
                tag: str

                def apply(self, ctx):
                    return "tagged"

            @hookimpl
            def salesplan_rule_effects():
                return [Tag]
            """,
            "plugin 'bad': rule effect class Tag has no kind (set `kind: ClassVar[str] = "
            '"..."`, the key that selects it in a `then` table)',
            id="effect-without-kind",
        ),
        pytest.param(
            """
            from typing import ClassVar
            from salesplan.core.effects import RuleEffect

            class Tag(RuleEffect):
                kind: ClassVar[str] = "tag"
                label: str

                def apply(self, ctx):
                    return "tagged"

            @hookimpl
            def salesplan_rule_effects():
                return [Tag]
            """,
            "plugin 'bad': rule effect class Tag (kind 'tag') has no field named 'tag'; a "
            "`then` table selects an effect by that key, so the model must declare it "
            "(fields: label)",
            id="effect-kind-not-a-field",
        ),
        pytest.param(
            """
            from typing import ClassVar
            from salesplan.core.effects import RuleEffect

            class Tag(RuleEffect):
                kind: ClassVar[str] = "tag"
                tag: str

            @hookimpl
            def salesplan_rule_effects():
                return [Tag]
            """,
            "plugin 'bad': rule effect class Tag (kind 'tag') does not implement apply(ctx)",
            id="effect-without-apply",
        ),
        pytest.param(
            """
            from salesplan.core.rule_effects import ScheduleEffect

            @hookimpl
            def salesplan_rule_effects():
                return [ScheduleEffect(schedule="call")]
            """,
            "plugin 'bad' returned ScheduleEffect ScheduleEffect(schedule='call', after_days=1, "
            "note='') from salesplan_rule_effects; expected a RuleEffect subclass",
            id="effect-instance-not-class",
        ),
        pytest.param(
            """
            from salesplan.core.rule_effects import ScheduleEffect

            @hookimpl
            def salesplan_rule_effects():
                return [ScheduleEffect]
            """,
            "rule effect 'schedule' is defined by two plugins: 'core' and 'bad'",
            id="effect-duplicate-kind",
        ),
        pytest.param(
            """
            @hookimpl
            def salesplan_config_sections():
                return {"bad": dict}
            """,
            "plugin 'bad' returned class builtins.dict for config section 'bad' from "
            "salesplan_config_sections; expected a pydantic model class",
            id="section-not-a-model",
        ),
        pytest.param(
            """
            @hookimpl
            def salesplan_config_sections():
                return [("bad", dict)]
            """,
            "plugin 'bad' returned list from salesplan_config_sections; expected a dict",
            id="sections-not-a-dict",
        ),
        pytest.param(
            """
            from salesplan.core.reporting import ReportSpec

            @hookimpl
            def salesplan_reports():
                return [ReportSpec(name="empty", title="Empty", run="run_empty")]
            """,
            "plugin 'bad': report 'empty': run is not callable",
            id="report-run-not-callable",
        ),
        pytest.param(
            """
            from salesplan.core.notify import NotifierSpec

            @hookimpl
            def salesplan_notifiers():
                return [NotifierSpec(name="pager", title="Pager", settings_model=dict,
                                     deliver=print)]
            """,
            "plugin 'bad': notifier 'pager': settings_model is class builtins.dict; expected "
            "a pydantic model class",
            id="notifier-settings-not-a-model",
        ),
        pytest.param(
            """
            @hookimpl
            def salesplan_cli_commands():
                return [print]
            """,
            "plugin 'bad' returned builtin_function_or_method <built-in function print> from "
            "salesplan_cli_commands; expected a click.Command with a name",
            id="command-not-click",
        ),
        pytest.param(
            """
            import click

            @click.command("log")
            def log():
                pass

            @hookimpl
            def salesplan_cli_commands():
                return [log]
            """,
            "plugin 'bad': command 'log' has the name of a core command; choose another name",
            id="command-shadows-core",
        ),
        pytest.param(
            """
            @hookimpl
            def salesplan_report():
                return []
            """,
            "salesplan.toml: plugins.enabled: plugin 'bad' (test): implements unknown hook "
            f"salesplan_report (known hooks: {KNOWN_HOOKS})",
            id="unknown-hook",
        ),
        pytest.param(
            """
            @hookimpl
            def salesplan_after_action(app, lead):
                pass
            """,
            "salesplan.toml: plugins.enabled: plugin 'bad' (test): salesplan_after_action "
            "takes argument(s) lead, which the hook does not provide (it provides: app, "
            "action, effects)",
            id="hook-argument-not-provided",
        ),
    ],
)
def test_malformed_contribution_is_rejected_at_load(
    in_tmp: Path, source: str, message: str
) -> None:
    assert load_error(in_tmp, plugin("bad", source)) == message


def test_duplicate_action_type_across_two_third_party_plugins(in_tmp: Path) -> None:
    source = """
        from salesplan.core.action_types import ActionTypeSpec

        @hookimpl
        def salesplan_action_types():
            return [ActionTypeSpec(id="sms", label="SMS")]
        """
    assert load_error(in_tmp, plugin("texts", source), plugin("sms", source)) == (
        "action type 'sms' is defined by two plugins: 'texts' and 'sms'"
    )


@pytest.mark.parametrize(("apply_body", "problem"), [
    ('raise ZeroDivisionError("division by zero")', "ZeroDivisionError: division by zero"),
    # It used to save the action and then crash the command on the return value.
    ("return 42", "TypeError: apply returned int, not a str"),
], ids=["raises", "returns-a-non-string"])
def test_a_failing_plugin_effect_is_named_and_skipped(
    make_app: Callable[..., AppContext], in_tmp: Path, apply_body: str, problem: str
) -> None:
    broken = plugin(
        "broken_effect",
        f"""
        from typing import ClassVar
        from salesplan.core.effects import RuleEffect

        class Explode(RuleEffect):
            kind: ClassVar[str] = "explode"
            explode: bool = True

            def apply(self, ctx):
                {apply_body}

        @hookimpl
        def salesplan_rule_effects():
            return [Explode]
        """,
    )
    extra = """
        [[rules]]
        when = { action = "call", outcome = "reached" }
        then = { explode = true }
        """
    app = make_app(write(in_tmp, config_text("broken_effect", extra=extra)),
                   extra_plugins=[broken], entry_points=False)
    with app.write_session() as session:
        lead_key = services.create_lead(
            session, app, title="Big deal", pipeline="acquisition", owner="alice"
        ).key
        session.commit()
    logged = services.record_action(app, action_type="call", member="alice", lead=lead_key,
                                    outcome="reached")
    assert logged.effects == []
    assert logged.warnings == [
        f"rule rules[3] (explode, plugin 'broken_effect') skipped: {problem}"]
    with app.session() as session:  # a rule is an automation: the action is kept
        assert [a.key for a in session.exec(select(Action)).all()] == [logged.action.key]


def test_rule_using_a_plugin_effect_with_invalid_fields(in_tmp: Path) -> None:
    tagging = plugin(
        "tagging",
        """
        from typing import ClassVar
        from pydantic import Field
        from salesplan.core.effects import RuleEffect

        class Tag(RuleEffect):
            kind: ClassVar[str] = "tag"
            tag: str = Field(pattern="^[a-z]+$")

            def apply(self, ctx):
                return "tagged"

        @hookimpl
        def salesplan_rule_effects():
            return [Tag]
        """,
    )
    extra = """
        [[rules]]
        when = { action = "call", outcome = "reached" }
        then = { tag = "Hot!", colour = "red" }
        """
    path = write(in_tmp, config_text("tagging", extra=extra))
    with pytest.raises(ConfigError) as caught:
        load_app(path, extra_plugins=[tagging], entry_points=False)
    assert caught.value.message == (
        "salesplan.toml: rules[3].then.tag: String should match pattern '^[a-z]+$'"
    )


# ---------------------------------------------------------------- installed, not enabled


SPY_FILES = {
    "spy_plugin/__init__.py": """
        from salesplan.core.manifest import PluginManifest

        MANIFEST = PluginManifest(name="spy", version="1.0", module="spy_plugin.impl")
    """,
    "spy_plugin/impl.py": """
        raise RuntimeError("spy_plugin.impl must not be imported")
    """,
}


def test_installed_but_not_enabled_is_never_imported_beyond_its_manifest(
    in_tmp: Path, site: FakeSite
) -> None:
    site.distribution("salesplan-spy", "1.0", entry_points={"spy": "spy_plugin:MANIFEST"},
                      files=SPY_FILES)
    app = load_app(write(in_tmp, config_text()))
    assert "spy" in app.plugins.available and "spy" not in app.plugins.active
    assert app.plugins.available["spy"].origin == "salesplan-spy 1.0"
    assert "spy_plugin" in sys.modules
    assert "spy_plugin.impl" not in sys.modules
    assert site.imported() == ["spy_plugin"]


def test_enabling_a_plugin_that_cannot_be_imported_names_it(
    in_tmp: Path, site: FakeSite
) -> None:
    site.distribution("salesplan-spy", "1.0", entry_points={"spy": "spy_plugin:MANIFEST"},
                      files=SPY_FILES)
    with pytest.raises(ConfigError) as caught:
        load_app(write(in_tmp, config_text("spy")))
    assert caught.value.message == (
        "salesplan.toml: plugins.enabled: plugin 'spy' (salesplan-spy 1.0) cannot be "
        "imported: RuntimeError: spy_plugin.impl must not be imported"
    )


def test_entry_point_that_cannot_be_loaded_names_the_distribution(
    in_tmp: Path, site: FakeSite
) -> None:
    site.distribution("salesplan-spy", "1.0", entry_points={"spy": "spy_plugin:MANIFESTO"},
                      files=SPY_FILES)
    with pytest.raises(PluginError) as caught:
        load_app(write(in_tmp, config_text()))
    assert caught.value.message == (
        "entry point 'spy' (salesplan-spy 1.0): cannot be loaded: AttributeError: module "
        "'spy_plugin' has no attribute 'MANIFESTO'"
    )
