"""A pipeline board column: a step's open leads as cards, paged.

The column shows the first page of cards and a "load more" entry; only what is loaded is in
the widget, and OptionList only renders visible lines, so a step with thousands of leads
stays smooth.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from salesplan.core.i18n import _
from salesplan.tui.format import money, short_time
from salesplan.tui.queries import BoardColumn, LeadCard

MORE = "__more__"


def card_text(card: LeadCard, owner_name: str, currency: str) -> Text:
    """Title on the first line; amount, owner and next reminder below."""
    text = Text(card.title, style="bold")
    text.append("\n")
    text.append(money(card.amount, currency), style="green")
    text.append(f" · {owner_name}", style="cyan")
    if card.status == "standby":
        text.append(" · standby", style="yellow")
    text.append("\n")
    if card.next_reminder is not None:
        text.append(f"⏰ {short_time(card.next_reminder)}", style="magenta")
    else:
        text.append("no reminder", style="dim")
    return text


class BoardColumnView(Vertical):
    """One step: a bordered list of lead cards with the count and amount in the border."""

    class LoadMore(Message):
        """The user asked for the next page of a column."""

        def __init__(self, column: BoardColumnView) -> None:
            super().__init__()
            self.column = column

    def __init__(self, step: str, index: int) -> None:
        super().__init__(classes="board-column", id=f"column-{index}")
        self.step = step
        self.index = index
        self.cards: list[LeadCard] = []
        self.total = 0
        self.border_title = step

    def compose(self) -> ComposeResult:
        yield OptionList(id=f"cards-{self.index}")

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def show(
        self, column: BoardColumn, owners: dict[str, str], currency: str,
        highlight: int | None = None,
    ) -> None:
        """Replace the cards with the column's first page."""
        self.cards = list(column.cards)
        self.total = column.total
        self.border_subtitle = f"{column.total} · {money(column.amount, currency)}"
        options = self.options
        options.clear_options()
        self._add(self.cards, owners, currency)
        if highlight is not None and options.option_count:
            options.highlighted = min(highlight, options.option_count - 1)

    def extend(self, cards: list[LeadCard], owners: dict[str, str], currency: str) -> None:
        """Append the next page after the loaded cards."""
        options = self.options
        at = options.highlighted
        if options.option_count and options.get_option_at_index(
            options.option_count - 1
        ).id == MORE:
            options.remove_option_at_index(options.option_count - 1)
        self.cards.extend(cards)
        self._add(cards, owners, currency)
        if at is not None:
            options.highlighted = at

    def _add(self, cards: list[LeadCard], owners: dict[str, str], currency: str) -> None:
        items: list[Option | None] = []
        for card in cards:
            items.append(Option(card_text(card, owners.get(card.owner, card.owner), currency),
                                id=card.key))
            items.append(None)
        if items:
            items.pop()
        if len(self.cards) < self.total:
            items.append(None)
            items.append(
                Option(Text(_("▼ more ({n_cards} of {total} shown)").format(
                    n_cards=len(self.cards), total=self.total), style="dim"),
                       id=MORE)
            )
        if not self.cards:
            items.append(Option(Text(_("no open lead"), style="dim"), disabled=True))
        self.options.add_options(items)

    @property
    def selected_card(self) -> LeadCard | None:
        options = self.options
        if options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        return next((c for c in self.cards if c.key == option.id), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == MORE:
            event.stop()
            self.post_message(self.LoadMore(self))
