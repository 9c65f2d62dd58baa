"""Pilot tests of the dashboard on the fixed team and day (2026-03-18)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable, Label, Static

from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.dashboard import DashboardScreen
from salesplan.tui.screens.lead_file import LeadFileScreen
from tests.tui.conftest import settle


def cells(table: DataTable, row: int) -> list[str]:  # type: ignore[type-arg]
    return [str(getattr(c, "plain", c)) for c in table.get_row_at(row)]


async def test_dashboard_numbers_and_day_moves(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "Wednesday 18 March 2026" in str(screen.query_one("#dashboard-day", Label)
                                                 .render())
        objectives = screen.query_one("#panel-objectives", DataTable)
        # bob: 1 call on the 18th out of 10 a day, no working day left → 9 to go, behind.
        assert cells(objectives, 0) == [
            "Bob Durand", "📞 Call per day", "2026-03-18", cells(objectives, 0)[3], "1 / 10",
            "▼ behind", "9 to go",
        ]
        # team revenue: 9 500 won in Q1 (hotel), 270 000 target; 10 working days left
        # after the 18th in Q1 (19, 20, 23–27, 30, 31 = 9 days) → (270000-9500)/9.
        row = cells(objectives, 1)
        assert row[0] == "Team" and row[4] == "9,500 / €270,000" and row[5] == "▼ behind"
        assert row[6] == "28,944/day"
        actions = screen.query_one("#today-actions", DataTable)
        assert [cells(actions, i)[:2] for i in range(actions.row_count)] == [
            ["📞 Call", "2"], ["🤝 Meeting", "1"]
        ]
        week = str(screen.query_one("#week", Static).render())
        assert "Leads created  1  €6,000" in week  # Café Central, created the 16th
        assert "Leads won      1  €9,500" in week  # Hôtel du Port, won the 17th
        reminders = screen.query_one("#reminders", DataTable)
        # dave's call on Café Central not reached the 16th → call rescheduled the 18th.
        assert reminders.row_count == 1
        assert cells(reminders, 0)[1:] == ["📞 Call", "Dave Manager", "Café Central"]

        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "Tuesday 17 March 2026" in str(screen.query_one("#dashboard-day", Label)
                                               .render())
        assert [cells(actions, i)[:2] for i in range(actions.row_count)] == [["✉ E-mail", "1"]]
        # The 18th's reminder is not due yet on the 17th.
        assert cells(reminders, 0)[0] == "Nothing due"
        await pilot.press("t")
        await settle(pilot)
        assert cells(reminders, 0)[3] == "Café Central"

        reminders.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadFileScreen)
        assert app.screen.key == "L5"
