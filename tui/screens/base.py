"""What every main screen shares: header and footer, the context it shows, database work in
thread workers, and rebuilding itself when the app switches or reloads its config."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import _, current_language, language
from salesplan.tui.shell import cockpit

if TYPE_CHECKING:
    from salesplan.core.context import AppContext
    from salesplan.tui.shell import Cockpit

T = TypeVar("T")
_ENGINE_LOCK = threading.Lock()
# Workers of this group are never superseded: a write happens even when another one starts,
# so its confirmation (or its error) must be shown too.
WRITE_GROUP = "write"


def database_message(exc: SQLAlchemyError) -> str:
    """The first line of the driver's message (no SQL, no link to the SQLAlchemy docs)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return f"database error: {text.splitlines()[0] if text else type(exc).__name__}"


def run_in_thread(
    owner: Any,
    fetch: Callable[[], T],
    done: Callable[[T], None],
    *,
    group: str = "load",
    error_title: str = "Error",
    catch_all: bool = False,
    failed: Callable[[], None] | None = None,
) -> Worker[None]:
    """Run ``fetch`` in a thread worker of ``owner`` and hand its result to ``done`` on the
    UI thread. A ``SalesplanError``, a database failure (or any error when ``catch_all``, for
    plugin code) becomes the error dialog. A new run of the same group supersedes the
    previous one (except writes): the superseded run's result *and error* are dropped, so a
    report that fails twice in a row shows one dialog, not two. ``failed`` runs on the UI
    thread before the error dialog opens (a form puts back what was typed)."""
    app = owner.app

    def show_error(message: Any, title: str) -> None:
        if failed is not None:
            failed()
        app.show_error(message, title)
    session_language = current_language()  # threads do not inherit the context: pass it on

    def job() -> None:
        with language(session_language):
            run_job()

    def run_job() -> None:
        worker = get_current_worker()

        def deliver(callback: Callable[..., None], *args: Any) -> None:
            # On the UI thread, where runs are superseded: no race with the check.
            if not worker.is_cancelled:
                callback(*args)

        try:
            with _ENGINE_LOCK:  # the engine (and schema check) is made once, by one thread
                app.ctx.engine  # noqa: B018
            result = fetch()
        except SalesplanError as exc:
            app.call_from_thread(deliver, show_error, exc, error_title)
            return
        except SQLAlchemyError as exc:
            app.call_from_thread(deliver, show_error, database_message(exc), error_title)
            return
        except Exception as exc:
            if not catch_all:
                raise
            app.call_from_thread(deliver, show_error, f"{type(exc).__name__}: {exc}",
                                 error_title)
            return
        app.call_from_thread(deliver, done, result)

    worker: Worker[None] = owner.run_worker(
        job, thread=True, exclusive=group != WRITE_GROUP, group=group
    )
    return worker


class SalesplanScreen(Screen[None]):
    """A main screen. Subclasses compose from ``self.ctx`` and load data in ``load()``."""

    def __init__(self) -> None:
        super().__init__()
        self._generation = -1
        self._data_version = -1

    @property
    def sp(self) -> Cockpit:
        return cockpit(self.app)

    @property
    def ctx(self) -> AppContext:
        return self.sp.ctx

    def on_mount(self) -> None:
        self._generation = self.sp.generation
        self._data_version = self.sp.data_version
        # After the first refresh: tables filled before their first render keep the
        # widths of their headers.
        self.call_after_refresh(self.load)

    def on_screen_resume(self) -> None:
        if self._generation != self.sp.generation:
            self._data_version = self.sp.data_version
            self.on_context_changed()
        elif self._data_version != self.sp.data_version:
            # Data changed elsewhere (a lead file, a dialog): show it. Closing a dialog
            # that changed nothing does not run the queries again.
            self._data_version = self.sp.data_version
            self.load()

    def on_context_changed(self) -> None:
        """The app uses another config: compose again from it, then load."""
        self._generation = self.sp.generation
        self.rebuild()

    def rebuild(self) -> None:
        """Compose the screen again, then load. Reads under way are dropped first: their
        results would land in widgets being replaced (the rebuild loads again anyway)."""
        for worker in list(self.app.workers):
            if worker.node is self and worker.group not in (WRITE_GROUP, "rebuild"):
                worker.cancel()
        self.run_worker(self._rebuild(), exclusive=True, group="rebuild")

    async def _rebuild(self) -> None:
        await self.recompose()
        self.call_after_refresh(self.load)

    def load(self) -> None:
        """Fetch what the screen shows (in a worker) and display it."""

    def in_thread(
        self,
        fetch: Callable[[], T],
        done: Callable[[T], None],
        *,
        group: str = "load",
        error_title: str = "Error",
        catch_all: bool = False,
        failed: Callable[[], None] | None = None,
    ) -> Worker[None]:
        return run_in_thread(
            self, fetch, done, group=group, error_title=error_title, catch_all=catch_all,
            failed=failed,
        )


def undo_last(owner: Any, then: Callable[[], None]) -> None:
    """``u``: take back the cockpit's latest move or status change, then ``then`` (reload)."""
    from salesplan.tui.lead_writes import undo_change

    sp = cockpit(owner.app)
    done = sp.last_change
    if done is None:
        sp.notify(_("Nothing to undo"), severity="warning")
        return
    ctx, actor = sp.ctx, sp.actor

    def undone(_none: None) -> None:
        sp.last_change = None
        sp.data_changed()
        sp.notify(_("Undone: {what}").format(what=done.what))
        then()

    run_in_thread(owner, lambda: undo_change(ctx, done, actor), undone, group=WRITE_GROUP,
                  error_title=_("Cannot undo"))
