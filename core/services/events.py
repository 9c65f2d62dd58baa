"""Write events: tell the active plugins what the services just wrote, in the same transaction.

``salesplan_action_logged``, ``salesplan_step_changed`` and ``salesplan_lead_closed`` run
inside the write transaction, each plugin's implementation in its own savepoint: one that
raises has its own writes rolled back, and its message is kept on the session
(``write_warnings``) for the command to show; the write itself goes on. The import's
``salesplan_data_imported`` is not contained: a plugin that cannot take an import aborts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesplan.core.errors import PluginError, SalesplanError

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session

    from salesplan.core.app import AppContext
from salesplan.core.i18n import _

WARNINGS = "salesplan_warnings"


def add_warning(session: Session, message: str) -> None:
    """Keep a message for the command that owns this session to show."""
    session.info.setdefault(WARNINGS, []).append(message)


def write_warnings(session: Session) -> list[str]:
    """The messages kept by this session's writes (and forget them)."""
    messages: list[str] = session.info.pop(WARNINGS, [])
    return messages


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, SalesplanError) else f"{type(exc).__name__}: {exc}"


def fire(session: Session, app: AppContext, hook: str, **kwargs: Any) -> None:
    """Call ``hook`` on every active plugin with the session's connection, each in a
    savepoint; failures become warnings naming the plugin."""
    implementations = app.plugins.implementations(hook)
    if not implementations:
        return
    session.flush()
    connection = session.connection()
    arguments = {"connection": connection, "app": app, **kwargs}
    for plugin, function, argnames in implementations:
        savepoint = session.begin_nested()
        session.connection()  # emit the SAVEPOINT now: hooks write through the raw connection
        try:
            function(**{name: arguments[name] for name in argnames})
            session.flush()
        except Exception as exc:
            savepoint.rollback()
            add_warning(session, f"plugin {plugin!r} failed in {hook}: {_message(exc)} "
                                 "(what it wrote was undone; the change itself is saved)")
        else:
            savepoint.commit()


def fire_imported(connection: Connection, app: AppContext, **kwargs: Any) -> None:
    """``salesplan_data_imported`` on every active plugin; a failure aborts the import."""
    arguments = {"connection": connection, "app": app, **kwargs}
    for plugin, function, argnames in app.plugins.implementations("salesplan_data_imported"):
        try:
            function(**{name: arguments[name] for name in argnames})
        except Exception as exc:
            raise PluginError(
                _("plugin {plugin!r} failed in salesplan_data_imported: {error}; "
                "nothing was imported").format(plugin=plugin, error=_message(exc))
            ) from exc
