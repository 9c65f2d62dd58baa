"""``salesplan search TEXT``: find leads and prospects by any word or key.

The same search as ``lead list --q``, the API's ``/search`` and the terminal UI's: every word
must start a word of the record's title, contact name, company, e-mail or phone; a key is
accepted in any shape (``L345``, ``l000345``, ``345``). The actor's visibility applies.
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from salesplan.core.app import AppContext
from salesplan.core.cli.context import current_actor, pass_app
from salesplan.core.i18n import N_, _
from salesplan.core.services.search import SEARCH_LIMIT, search
from salesplan.core.text import shown

WORDS = {"lead": N_("lead"), "prospect": N_("prospect"), "open": N_("open"),
         "converted": N_("converted")}
"""How a hit's kind and a prospect's state read (lead statuses stay as stored, like
``lead list``)."""


@click.command("search")
@click.argument("text")
@click.option("--kind", type=click.Choice(["all", "lead", "prospect"]), default="all",
              show_default=True, help=N_("Search leads, prospects or both."))
@click.option("--limit", type=click.IntRange(1, 1000), default=SEARCH_LIMIT,
              show_default=True, help=N_("At most this many hits of each kind."))
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help=N_("Output format."))
@pass_app
def search_command(app: AppContext, text: str, kind: str, limit: int, output: str) -> None:
    """Find leads and prospects by title, contact, company, e-mail, phone or key."""
    kinds = ("lead", "prospect") if kind == "all" else (kind,)
    with app.session() as session:
        hits = search(session, app, text, actor=current_actor(), limit=limit, kinds=kinds)
    if output == "json":
        click.echo(json.dumps([hit.__dict__ for hit in hits], ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    if not hits:
        console.print(_("Nothing found for {text!r}.").format(text=text))
        return
    table = Table(show_edge=False)
    for column in (_("Kind"), _("Key"), _("Title or name"), _("Company"), _("Owner"),
                   _("Where"), _("Status")):
        table.add_column(column)
    names = {member.id: member.name for member in app.config.members}
    for hit in hits:
        owner = names.get(hit.owner, hit.owner) if hit.owner else "—"
        table.add_row(_(WORDS[hit.kind]), hit.key, shown(hit.label),
                      shown(hit.company) or "—", shown(owner), shown(hit.where),
                      _(WORDS.get(hit.status, hit.status)))
    console.print(table)


COMMANDS: dict[str, click.Command] = {"search": search_command}
