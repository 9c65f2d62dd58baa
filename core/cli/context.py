"""What every CLI command shares: the ``--config`` choice, the lazily loaded app and the
actor (``--as``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import click

from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.context import AppContext, find_config_path, load_app
from salesplan.core.errors import DataError
from salesplan.core.i18n import member_language

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class CliState:
    """Holds ``--config`` and ``--as``, and loads the ``AppContext`` (and the actor) the
    first time a command needs it."""

    def __init__(self, config_option: str | None, as_member: str | None = None) -> None:
        self.config_option = config_option
        self.as_member = as_member
        self._app: AppContext | None = None
        self._actor: Actor | None = None

    @property
    def config_path(self) -> Path:
        return find_config_path(self.config_option)

    @property
    def app(self) -> AppContext:
        if self._app is None:
            from salesplan.core.progress import terminal_progress

            self._app = load_app(self.config_path)
            self._app.progress = terminal_progress()
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                from salesplan.core.cli.run_language import use_config_language

                use_config_language(ctx, member_language(self._app.config, self.as_member))
        return self._app

    @property
    def actor(self) -> Actor:
        """Who the command runs as: the local admin, or the ``--as`` member."""
        if self._actor is None:
            if self.as_member is None:
                self._actor = LOCAL_ADMIN
            else:
                from salesplan.core.cli.acting import actor_for

                self._actor = actor_for(self.app, self.as_member)
        return self._actor

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
        state = CliState(root.params.get("config_option"), root.params.get("as_member"))
        root.obj = state
        root.call_on_close(state.close)
    return state


def pass_app(function: Callable[Concatenate[AppContext, P], R]) -> Callable[P, R]:
    """Decorator: call the command with the loaded ``AppContext`` as first argument."""

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return function(get_state().app, *args, **kwargs)

    return update_wrapper(wrapper, function)


def current_actor() -> Actor:
    """The actor of the running command (``--as``, else the local admin)."""
    return get_state().actor


def parse_option(name: str, parse: Callable[[str], T], text: str) -> T:
    """``parse(text)`` for a command-line option; a ``DataError`` names the option
    (``--date: not a date: 'soon' (use YYYY-MM-DD)``)."""
    try:
        return parse(text)
    except DataError as exc:
        raise DataError(f"{name}: {exc.message}") from None
