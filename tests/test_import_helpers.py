"""Shared helpers for the import/export tests: a valid data folder and table counts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from salesplan.core.context import AppContext
from salesplan.core.db.models import (
    Action,
    Lead,
    Prospect,
    ProspectingList,
    Reminder,
    StepChange,
)

VALID: dict[str, str] = {
    "prospects.csv": (
        "id,list,name,company,email,phone,owner,created_at,lead_id\n"
        "P1,Fair,Jean Dupont,ACME,jean@acme.test,+33 1 23,bob,2026-03-02 10:00,L1\n"
        'P2,Fair,Marc Petit,"Big, Co",,,,2026-03-03T10:00:00+01:00,\n'
        "P3,Web,Ana Roux,Nova,,,,2026-03-03 11:00,\n"
    ),
    "leads.csv": (
        "id,title,pipeline,step,owner,amount,status,created_at,closed_at,prospect_id\n"
        "L1,ACME deal,acquisition,Qualified,alice,1200.5,todo,2026-03-04 09:00,,P1\n"
        "L2,Renew X,renewal,Signed,dave,30000,won,2026-03-05 09:00,2026-03-20 10:00,\n"
    ),
    "step_changes.csv": (
        "lead_id,at,step\n"
        "L1,2026-03-04 09:00,Incoming\n"
        "L1,2026-03-06 09:00,Qualified\n"
    ),
    "actions.csv": (
        "id,at,member,action,outcome,lead_id,prospect_id,note\n"
        "A1,2026-03-02 11:00,bob,call,not_reached,,P1,\n"
        'A2,2026-03-04 10:00,alice,discovery_call,good,L1,,"two\nlines"\n'
        "A3,2026-03-05 10:00,dave,email,,L2,,\n"
    ),
}

TABLES = {
    "lists": ProspectingList, "prospects": Prospect, "leads": Lead,
    "step_changes": StepChange, "actions": Action, "reminders": Reminder,
}


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def counts(app: AppContext) -> dict[str, int]:
    with app.session() as session:
        return {
            name: int(session.execute(select(func.count()).select_from(model)).scalar() or 0)
            for name, model in TABLES.items()
        }


def empty_base(app: AppContext) -> None:
    """Delete every row (children first), to import again into an empty base."""
    with app.write_session() as session:
        for model in (Reminder, Action, StepChange, Lead, Prospect, ProspectingList):
            session.execute(model.__table__.delete())  # type: ignore[attr-defined]
        session.commit()
