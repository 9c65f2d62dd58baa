"""Throwaway plugins for the TUI tests: a report that crashes, one whose result cannot be
shown, and plugin screens (one whose factory fails)."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from salesplan.core import hookimpl
from salesplan.core.context import AppContext, load_app
from salesplan.core.manifest import PluginManifest
from salesplan.core.pluginmanager import PluginInfo
from salesplan.core.reporting import Column, ReportRequest, ReportResult, ReportSpec
from salesplan.core.screens import ScreenSpec
from tests.tui.snapshot_app import clean_env


class HelloScreen(Screen[None]):
    """What a third-party screen looks like: any Textual screen."""

    def __init__(self, team: str) -> None:
        super().__init__()
        self.team = team

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Hello from a plugin, {self.team}", id="hello")
        yield Footer()


def _broken_run(_request: ReportRequest) -> ReportResult:
    raise RuntimeError("division by zero in the broken plugin")


def _garbled_run(request: ReportRequest) -> ReportResult:
    """A result whose percent cell is not a number: the screen cannot draw it."""
    return ReportResult(report="garbled", title="Garbled", start=request.start, end=request.end,
                        columns=[Column(key="rate", label="Rate", kind="percent")],
                        rows=[{"rate": "n/a"}])


def _crash(_app: object) -> Screen[None]:
    raise RuntimeError("missing widget")


def _module() -> types.ModuleType:
    module = types.ModuleType("salesplan_tui_test_plugin")

    @hookimpl
    def salesplan_reports() -> list[ReportSpec]:
        return [ReportSpec(name="broken", title="Broken", run=_broken_run,
                           summary="Always fails"),
                ReportSpec(name="garbled", title="Garbled", run=_garbled_run,
                           summary="A result that cannot be shown")]

    @hookimpl
    def salesplan_tui_screens() -> list[ScreenSpec]:
        return [
            ScreenSpec(name="hello", title="Hello", key="h",
                       factory=lambda app: HelloScreen(app.ctx.config.team.name)),
            ScreenSpec(name="crash", title="Crash", key="k", factory=_crash),
        ]

    module.salesplan_reports = salesplan_reports  # type: ignore[attr-defined]
    module.salesplan_tui_screens = salesplan_tui_screens  # type: ignore[attr-defined]
    return module


MODULE = _module()
INFO = PluginInfo(
    manifest=PluginManifest(name="tui_test", version="1.0", summary="Test plugin for the TUI"),
    origin="tests",
    load=lambda: MODULE,
    hooks=["salesplan_reports", "salesplan_tui_screens"],
)


def with_test_plugin(config: Path) -> AppContext:
    """Enable the test plugin in ``config`` and load it."""
    text = config.read_text(encoding="utf-8")
    text = text.replace('"company_report", "planner"]', '"company_report", "planner",\n'
                        '           "tui_test"]')
    config.write_text(text, encoding="utf-8")
    kwargs: dict[str, Any] = {"env": clean_env(), "extra_plugins": [INFO]}
    return load_app(config, **kwargs)
