"""Command palette provider: every screen (plugin ones included) and the app's actions —
those the actor's role may use."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from salesplan.core.db.search_words import query_words
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import _
from salesplan.core.services.search import SearchHit
from salesplan.core.services.search import search as search_leads
from salesplan.tui.shell import cockpit, main_screens, may_run, plugin_screens


class SalesplanCommands(Provider):
    """Lists "Open <screen>" for each screen and the global actions, fuzzy-matched."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cockpit(self.app)
        commands: list[tuple[str, Callable[[], object], str]] = []
        for name, title, key, _module, _class in main_screens(app.actor):
            commands.append(
                (f"Open {title}", partial(app.action_show, name), f"Screen ({key})")
            )
        for spec in plugin_screens(app.actor, app.ctx.registry.screens.values()):
            commands.append(
                (
                    f"Open {spec.title}",
                    partial(app.action_show, f"plugin:{spec.name}"),
                    spec.description or f"Screen from a plugin ({spec.name})",
                )
            )
        if may_run(app.actor, "switch_config"):
            commands.append(("Switch config", app.action_switch_config,
                             "Open another team config (o)"))
        if may_run(app.actor, "reload_config"):
            commands.append(("Reload config", self._reload, "Read the config file again"))
        commands += [
            ("Log an action on the open lead", partial(self._screen_action, "log_action"),
             "Lead file (a)"),
            ("Go to today", partial(self._screen_action, "today"), "Dashboard (t)"),
        ]
        return commands

    def _reload(self) -> None:
        app = cockpit(self.app)
        if app.reload_or_report("Cannot reload config"):
            app.notify(_("Config reloaded"))

    def _screen_action(self, action: str) -> None:
        screen = self.app.screen
        method = getattr(screen, f"action_{action}", None)
        if method is None:
            self.app.notify(_("Not available on this screen: {replace}").format(
                replace=action.replace('_', ' ')),
                            severity="warning")
            return
        method()

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)


class LeadSearch(Provider):
    """"Go to lead …": the search service over the leads the actor sees (two characters or
    more), the lead file opens on enter."""

    MIN_LENGTH = 2

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < self.MIN_LENGTH or not query_words(query):
            return
        app = cockpit(self.app)
        ctx, actor = app.ctx, app.actor

        def find() -> list[SearchHit]:
            with ctx.session() as session:
                return search_leads(session, ctx, query, actor=actor, limit=10,
                                    kinds=("lead",))

        try:
            hits = await asyncio.to_thread(find)
        except SalesplanError:
            return
        for rank, hit in enumerate(hits):
            text = _("Go to lead {key} — {title}").format(key=hit.key, title=hit.label)
            yield Hit(1.0 - rank / 100, text, partial(app.open_lead, hit.key),
                      help=" · ".join(part for part in (hit.company, hit.where, hit.status)
                                      if part))
