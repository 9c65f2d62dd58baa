"""A small, deterministic team for the TUI tests: fixed data, fixed today, SQLite only.

``build_team(folder)`` writes the standard test config (plus a renewal config next to it for
the config switcher), fills an SQLite base through the services with explicit timestamps, and
returns the config path. ``make_app(path)`` opens ``SalesplanApp`` on it with ``TODAY`` so
nothing depends on the real clock.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from salesplan.core import services
from salesplan.core.context import AppContext, load_app
from salesplan.tui.app import SalesplanApp

TODAY = date(2026, 3, 18)  # a Wednesday; week 2026-W12, Q1
DATA = Path(__file__).parent.parent / "data"

RENEWAL_CONFIG = """\
# Renewals of the same team (same base).
extends = "salesplan.toml"

[team]
name = "Acme renewals"

[plugins]
enabled = ["calls", "emails", "meetings", "activity_report", "performance_report",
           "planner"]

[[objectives]]
who = "team"
metric = "call"
per = "week"
target = 20
"""


def clean_env() -> dict[str, str]:
    """The environment without a database override: the config's own SQLite base is used."""
    import os

    return {k: v for k, v in os.environ.items() if k != "SALESPLAN_DATABASE_URL"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local (team timezone) time in March 2026."""
    return datetime(2026, 3, day, hour, minute)


def build_team(folder: Path) -> Path:
    """Write the configs and fill the base; returns the path of ``salesplan.toml``."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "salesplan.toml"
    config.write_text((DATA / "base.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "renewal.toml").write_text(RENEWAL_CONFIG, encoding="utf-8")
    app = load_app(config, env=clean_env())
    try:
        fill(app)
    finally:
        app.dispose()
    return config


def fill(app: AppContext) -> None:
    """Two prospecting lists, seven leads in both pipelines, actions and reminders."""
    with app.write_session() as s:
        trade = "Trade show 2026"
        web = "Web sign-ups"
        p1 = services.add_prospect(s, app, list_name=trade, name="Nina Petit",
                                   company="Boulangerie Petit", phone="+33 1 23 45 67 01",
                                   owner="bob", at=at(2, 9))
        p2 = services.add_prospect(s, app, list_name=trade, name="Omar Haddad",
                                   company="Haddad Transports", owner="bob", at=at(2, 9, 5))
        services.add_prospect(s, app, list_name=trade, name="Léa Fontaine",
                              company="Fontaine SARL", owner="bob", at=at(2, 9, 10))
        p4 = services.add_prospect(s, app, list_name=web, name="Yann Le Goff",
                                   company="Breizh Cycles", email="yann@breizh.test",
                                   owner="carol", at=at(4, 11))
        services.add_prospect(s, app, list_name=web, name="Emma Roux",
                              company="Roux & Fils", owner="carol", at=at(5, 15))
        services.log_action(s, app, action_type="call", member="bob", prospect=p1,
                            outcome="reached", at=at(9, 10))
        services.log_action(s, app, action_type="call", member="bob", prospect=p2,
                            outcome="not_reached", at=at(16, 10))
        services.log_action(s, app, action_type="email", member="carol", prospect=p4,
                            at=at(17, 14))
        converted = services.convert_prospect(s, app, prospect=p1, pipeline="acquisition",
                                              title="Petit — 3 ovens", owner="alice",
                                              amount=18000, at=at(10, 9))
        leads = {
            "cycles": services.create_lead(s, app, title="Breizh Cycles fleet",
                                           pipeline="acquisition", owner="alice",
                                           amount=42000, at=at(3, 10)),
            "hotel": services.create_lead(s, app, title="Hôtel du Port", pipeline="acquisition",
                                          owner="dave", amount=9500, at=at(5, 16)),
            "garage": services.create_lead(s, app, title="Garage Martin",
                                           pipeline="acquisition", owner="alice",
                                           amount=27000, at=at(12, 11)),
            "cafe": services.create_lead(s, app, title="Café Central",
                                         pipeline="acquisition", owner="dave", amount=6000,
                                         at=at(16, 9)),
            "mairie": services.create_lead(s, app, title="Mairie de Vannes",
                                           pipeline="renewal", owner="alice", amount=15000,
                                           at=at(1, 9)),
        }
        services.move_lead(s, app, lead=leads["cycles"], step="Qualified", at=at(6, 10))
        services.move_lead(s, app, lead=leads["cycles"], step="Proposal", at=at(13, 15))
        services.move_lead(s, app, lead=leads["hotel"], step="Qualified", at=at(9, 10))
        services.move_lead(s, app, lead=leads["hotel"], step="Negotiation", at=at(16, 10))
        services.set_status(s, app, lead=leads["hotel"], status="won", at=at(17, 16))
        services.move_lead(s, app, lead=leads["garage"], step="Qualified", at=at(13, 9))
        services.log_action(s, app, action_type="discovery_call", member="alice",
                            lead=leads["garage"], outcome="good", at=at(13, 9),
                            answers={"budget": True, "decider": "Mr Martin", "seats": 12,
                                     "start": "1-3 months"}, note="Wants a demo")
        services.log_action(s, app, action_type="meeting", member="alice", lead=leads["cycles"],
                            outcome="held", at=at(18, 9, 30))
        services.log_action(s, app, action_type="call", member="dave", lead=leads["cafe"],
                            outcome="not_reached", at=at(16, 15))
        services.log_action(s, app, action_type="call", member="bob", prospect=p2,
                            outcome="reached", at=at(18, 9))
        services.log_action(s, app, action_type="proposal", member="alice",
                            lead=leads["cycles"], at=at(13, 15), note="v1 sent")
        services.log_action(s, app, action_type="call", member="alice", lead=converted,
                            outcome="reached", at=at(18, 8, 45))
        s.commit()


def make_app(config: Path, today: date = TODAY) -> SalesplanApp:
    """The app on the built team, with a fixed today."""
    return SalesplanApp(load_app(config, env=clean_env()), today=today)
