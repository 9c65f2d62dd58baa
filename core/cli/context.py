"""What every CLI command shares: the ``--config`` choice and the lazily loaded app."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import click

from salesplan.core.context import AppContext, find_config_path, load_app
from salesplan.core.errors import DataError

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class CliState:
    """Holds ``--config`` and loads the ``AppContext`` the first time a command needs it."""

    def __init__(self, config_option: str | None) -> None:
        self.config_option = config_option
        self._app: AppContext | None = None

    @property
    def config_path(self) -> Path:
        return find_config_path(self.config_option)

    @property
    def app(self) -> AppContext:
        if self._app is None:
            from salesplan.core.progress import terminal_progress

            self._app = load_app(self.config_path)
            self._app.progress = terminal_progress()
        return self._app

    @property
    def loaded(self) -> AppContext | None:
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.dispose()


def get_state(ctx: click.Context | None = None) -> CliState:
    ctx = ctx or click.get_current_context()
    state = ctx.find_object(CliState)
    if state is None:
        # Plugin commands are looked up before the group callback runs: build the state
        # from the root's parsed --config.
        root = ctx.find_root()
        state = CliState(root.params.get("config_option"))
        root.obj = state
        root.call_on_close(state.close)
    return state


def pass_app(function: Callable[Concatenate[AppContext, P], R]) -> Callable[P, R]:
    """Decorator: call the command with the loaded ``AppContext`` as first argument."""

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return function(get_state().app, *args, **kwargs)

    return update_wrapper(wrapper, function)


def parse_option(name: str, parse: Callable[[str], T], text: str) -> T:
    """``parse(text)`` for a command-line option; a ``DataError`` names the option
    (``--date: not a date: 'soon' (use YYYY-MM-DD)``)."""
    try:
        return parse(text)
    except DataError as exc:
        raise DataError(f"{name}: {exc.message}") from None
