"""Render a ``Digest`` as the plain-text and HTML parts of the morning e-mail.

The HTML is made for ordinary mail clients: tables for layout, inline styles only, colours of
the action types, bars drawn as coloured table cells, no external images, fonts or CSS.
Both parts show the same numbers, taken from the ``Digest`` without any further query.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

from salesplan.core.formatting import money, number
from salesplan.core.i18n import current_language, translator
from salesplan.plugins.email_digest.build import (
    Digest,
    MemberDay,
    ObjectiveLine,
    ReminderLine,
    TeamTotals,
    TypeActivity,
)

_ = translator("email_digest")

_NAMED = {
    "default": "#7f8c8d",
    "green": "#27ae60",
    "red": "#c0392b",
    "orange": "#e67e22",
    "yellow": "#d4ac0d",
    "blue": "#2980b9",
    "magenta": "#8e44ad",
    "purple": "#8e44ad",
    "cyan": "#16a085",
    "white": "#95a5a6",
    "black": "#2c3e50",
    "grey": "#7f8c8d",
    "gray": "#7f8c8d",
}
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_WORD = re.compile(r"^[a-z]+$")
_MET = "#27ae60"
_MISSED = "#c0392b"
_BAR_WIDTH = 160
_FONT = "font-family:Arial,Helvetica,sans-serif;"


def css_color(color: str) -> str:
    """A Rich/Textual colour (``green``, ``bright_red``, ``#8e44ad``) as a safe CSS colour."""
    value = color.strip().lower()
    if _HEX.match(value):
        return value
    for prefix in ("bright_", "dark_", "light_"):
        value = value.removeprefix(prefix)
    if value in _NAMED:
        return _NAMED[value]
    return value if _WORD.match(value) else _NAMED["default"]


def long_day(day: date) -> str:
    """``Wednesday 11 March 2026`` / ``mercredi 11 mars 2026`` (the digest's language)."""
    from babel.dates import format_date

    return format_date(day, format="EEEE d MMMM y", locale=current_language())


def subject(digest: Digest, member_name: str | None = None) -> str:
    """The e-mail subject; a personal digest names its member."""
    when = long_day(digest.day)
    if member_name:
        return _("{team} — your day, {when} ({member})").format(
            team=digest.team, when=when, member=member_name)
    return _("{team} — daily digest for {when}").format(team=digest.team, when=when)


def _objective_value(line: ObjectiveLine, value: float, currency: str) -> str:
    return money(value, currency) if line.money else number(value)


# --------------------------------------------------------------------------- plain text


def _outcomes_text(activity: TypeActivity) -> str:
    return " · ".join(f"{o.label} {o.count}" for o in activity.outcomes)


def _activity_lines(activities: list[TypeActivity], indent: str) -> list[str]:
    width = max((len(a.label) for a in activities), default=0)
    lines = []
    for activity in activities:
        outcomes = _outcomes_text(activity)
        line = f"{indent}{activity.label:<{width}}  {activity.count:>4}"
        lines.append(f"{line}   {outcomes}" if outcomes else line)
    return lines


def _summary_text(day: MemberDay | TeamTotals, currency: str) -> str:
    """One line of a member's (or the team's) day; the team has no leads-managed figure."""
    managed = day.leads_managed
    managed_part = "" if managed is None else _("Leads managed {managed} · ").format(
        managed=managed)
    return _("Actions {actions} · Leads created {created} · {managed_part}"
             "Leads won {won} ({amount})").format(
        actions=day.total_actions, created=day.leads_created, managed_part=managed_part,
        won=day.leads_won, amount=money(day.amount_won, currency))


def _day_objectives_text(lines: list[ObjectiveLine], currency: str, indent: str) -> list[str]:
    out = []
    for line in lines:
        verdict = _("met") if line.met else _("missed")
        out.append(indent + _("{label}: {actual} of {target} — {verdict}").format(
            label=line.label, actual=_objective_value(line, line.actual, currency),
            target=_objective_value(line, line.target, currency), verdict=verdict))
    return out


def _behind_values(line: ObjectiveLine, currency: str) -> dict[str, str]:
    """Done, expected, target, behind by and needed per day, formatted (one decimal)."""
    def value(v: float) -> str:
        return _objective_value(line, round(v, 1), currency)

    return {
        "actual": value(line.actual),
        "expected": value(line.expected),
        "target": value(line.target),
        "behind_by": value(line.behind_by),
        "needed": "—" if line.needed_per_day is None else value(line.needed_per_day),
    }


def _behind_text(line: ObjectiveLine, currency: str) -> str:
    v = _behind_values(line, currency)
    text = "  " + _("{name} — {label}: {actual} done, {expected} expected by now "
                    "(target {target}): behind by {behind_by}").format(
        name=line.name, label=line.label, actual=v["actual"], expected=v["expected"],
        target=v["target"], behind_by=v["behind_by"])
    if line.needed_per_day is not None:
        text += _(", {needed} a day needed").format(needed=v["needed"])
    return text


def _reminder_text(reminder: ReminderLine) -> str:
    when = _("overdue since {due}").format(due=f"{reminder.due:%d/%m %H:%M}") if (
        reminder.overdue) else _("due {time}").format(time=f"{reminder.due:%H:%M}")
    note = f" — {reminder.note}" if reminder.note else ""
    return f"  {reminder.name} — {reminder.label} — {reminder.target} — {when}{note}"


def _member_text(member: MemberDay, currency: str) -> list[str]:
    lines = [f"{member.name} ({member.segment})"]
    lines.append("  " + _summary_text(member, currency))
    lines += _activity_lines(member.actions, "    ")
    if member.day_objectives:
        lines.append("  " + _("Day objectives:"))
        lines += _day_objectives_text(member.day_objectives, currency, "    ")
    return lines


def render_text(digest: Digest, member_name: str | None = None) -> str:
    """The plain-text part."""
    currency = digest.currency
    title = subject(digest, member_name)
    lines = [title, "=" * len(title), ""]
    totals = digest.totals
    lines.append(_("Your totals") if digest.personal_for else _("Team totals"))
    lines.append("  " + _summary_text(totals, currency))
    lines += _activity_lines(totals.actions, "    ")
    if totals.day_objectives:
        lines.append("  " + _("Team day objectives:"))
        lines += _day_objectives_text(totals.day_objectives, currency, "    ")
    if not digest.working_day:
        lines.append("  " + _("({day} is not a working day: no day objectives.)").format(
            day=long_day(digest.day)))
    lines.append("")
    for member in digest.members:
        lines += _member_text(member, currency)
        lines.append("")
    lines.append(_("Behind pace this week ({period})").format(
        period=digest.week_period or _("no week objectives")))
    if digest.behind:
        lines += [_behind_text(line, currency) for line in digest.behind]
    else:
        lines.append("  " + _("Nobody is behind pace."))
    lines.append("")
    lines.append(_("Due today, {day}").format(day=long_day(digest.today)))
    if digest.reminders:
        lines += [_reminder_text(r) for r in digest.reminders]
    else:
        lines.append("  " + _("Nothing due."))
    for section in digest.sections:
        lines += ["", section.title, *(f"  {line}" for line in section.lines)]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML

_TD = f"padding:4px 8px;border-bottom:1px solid #eeeeee;{_FONT}font-size:14px;color:#2c3e50;"
_TH = (
    f"padding:4px 8px;border-bottom:2px solid #dddddd;{_FONT}font-size:12px;color:#7f8c8d;"
    "text-align:left;font-weight:bold;"
)
_H2 = f"{_FONT}font-size:18px;color:#2c3e50;margin:24px 0 8px 0;"
_NUM = "text-align:right;"


def _bar(count: int, scale: int, color: str) -> str:
    """A bar as a coloured cell of a fixed-width table: works without CSS support."""
    width = max(round(_BAR_WIDTH * count / scale), 1) if scale and count else 0
    if not width:
        return "&nbsp;"
    return (
        f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        f'width="{width}"><tr><td bgcolor="{color}" height="10" '
        f'style="background:{color};height:10px;width:{width}px;font-size:0;'
        f'line-height:0;">&nbsp;</td></tr></table>'
    )


def _outcomes_html(activity: TypeActivity) -> str:
    return " · ".join(
        f'<span style="color:{css_color(o.color)};">{escape(str(o.label))}&nbsp;{o.count}</span>'
        for o in activity.outcomes
    )


def _activity_table(activities: list[TypeActivity], scale: int) -> str:
    if not activities:
        return (f'<p style="{_FONT}font-size:14px;color:#7f8c8d;margin:4px 0;">'
                f'{escape(_("No actions."))}</p>')
    rows = []
    for activity in activities:
        color = css_color(activity.color)
        rows.append(
            "<tr>"
            f'<td style="{_TD}"><span style="color:{color};font-weight:bold;">'
            f"{escape(activity.icon)} {escape(str(activity.label))}</span></td>"
            f'<td style="{_TD}{_NUM}">{activity.count}</td>'
            f'<td style="{_TD}width:{_BAR_WIDTH}px;">{_bar(activity.count, scale, color)}</td>'
            f'<td style="{_TD}">{_outcomes_html(activity)}</td>'
            "</tr>"
        )
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        'style="border-collapse:collapse;width:100%;">'
        f'<tr><th style="{_TH}">{escape(_("Action"))}</th>'
        f'<th style="{_TH}{_NUM}">{escape(_("Count"))}</th>'
        f'<th style="{_TH}">&nbsp;</th><th style="{_TH}">{escape(_("Outcomes"))}</th></tr>'
        + "".join(rows)
        + "</table>"
    )


def _summary_html(day: MemberDay | TeamTotals, currency: str) -> str:
    """The figures of ``_summary_text`` as a row of labelled cells."""
    cells = [(_("Actions"), str(day.total_actions)),
             (_("Leads created"), str(day.leads_created))]
    if day.leads_managed is not None:
        cells.append((_("Leads managed"), str(day.leads_managed)))
    cells.append(
        (_("Leads won"), f"{day.leads_won} ({escape(money(day.amount_won, currency))})")
    )
    inner = "".join(
        f'<td style="{_FONT}font-size:13px;color:#7f8c8d;padding:2px 16px 2px 0;">{label} '
        f'<b style="color:#2c3e50;font-size:15px;">{value}</b></td>'
        for label, value in cells
    )
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        f'style="margin:4px 0 8px 0;"><tr>{inner}</tr></table>'
    )


def _objectives_html(lines: list[ObjectiveLine], currency: str, title: str) -> str:
    if not lines:
        return ""
    rows = []
    for line in lines:
        color = _MET if line.met else _MISSED
        rows.append(
            "<tr>"
            f'<td style="{_TD}">{escape(str(line.label))}</td>'
            f'<td style="{_TD}{_NUM}">'
            + escape(_("{actual} of {target}").format(
                actual=_objective_value(line, line.actual, currency),
                target=_objective_value(line, line.target, currency))) + "</td>"
            f'<td style="{_TD}"><span style="color:#ffffff;background:{color};'
            f'padding:1px 6px;border-radius:3px;">'
            f'{_("met") if line.met else _("missed")}</span></td>'
            "</tr>"
        )
    return (
        f'<p style="{_FONT}font-size:13px;color:#7f8c8d;margin:8px 0 2px 0;">{title}</p>'
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        'style="border-collapse:collapse;">' + "".join(rows) + "</table>"
    )


def _member_html(member: MemberDay, scale: int, currency: str) -> str:
    return (
        f'<h3 style="{_FONT}font-size:16px;color:#2c3e50;margin:20px 0 2px 0;">'
        f"{escape(member.name)} "
        f'<span style="font-size:12px;color:#7f8c8d;font-weight:normal;">'
        f"{escape(member.segment)}</span></h3>"
        + _summary_html(member, currency)
        + _activity_table(member.actions, scale)
        + _objectives_html(member.day_objectives, currency, _("Day objectives"))
    )


def _behind_html(digest: Digest) -> str:
    if not digest.behind:
        return (f'<p style="{_FONT}font-size:14px;color:{_MET};">'
                f'{escape(_("Nobody is behind pace."))}</p>')
    rows = []
    for line in digest.behind:
        v = {k: escape(text) for k, text in _behind_values(line, digest.currency).items()}
        rows.append(
            "<tr>"
            f'<td style="{_TD}">{escape(line.name)}</td>'
            f'<td style="{_TD}">{escape(str(line.label))}</td>'
            f'<td style="{_TD}{_NUM}">{v["actual"]}</td>'
            f'<td style="{_TD}{_NUM}">{v["expected"]}</td>'
            f'<td style="{_TD}{_NUM}">{v["target"]}</td>'
            f'<td style="{_TD}{_NUM}color:{_MISSED};font-weight:bold;">{v["behind_by"]}</td>'
            f'<td style="{_TD}{_NUM}">{v["needed"]}</td>'
            "</tr>"
        )
    head = "".join(
        f'<th style="{_TH}{_NUM if i > 1 else ""}">{escape(h)}</th>'
        for i, h in enumerate(
            (_("Who"), _("Objective"), _("Done"), _("Expected"), _("Target"), _("Behind by"),
             _("Per day needed"))
        )
    )
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        f'style="border-collapse:collapse;width:100%;"><tr>{head}</tr>'
        + "".join(rows)
        + "</table>"
    )


def _reminders_html(digest: Digest) -> str:
    if not digest.reminders:
        return f'<p style="{_FONT}font-size:14px;color:#7f8c8d;">{escape(_("Nothing due."))}</p>'
    rows = []
    for reminder in digest.reminders:
        when = (
            f'<span style="color:{_MISSED};">'
            + escape(_("overdue since {due}").format(due=f"{reminder.due:%d/%m %H:%M}"))
            + "</span>"
            if reminder.overdue
            else f"{reminder.due:%H:%M}"
        )
        rows.append(
            "<tr>"
            f'<td style="{_TD}">{when}</td>'
            f'<td style="{_TD}">{escape(reminder.name)}</td>'
            f'<td style="{_TD}"><span style="color:{css_color(reminder.color)};'
            f'font-weight:bold;">{escape(str(reminder.label))}</span></td>'
            f'<td style="{_TD}">{escape(reminder.target)}</td>'
            f'<td style="{_TD}">{escape(reminder.note)}</td>'
            "</tr>"
        )
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        'style="border-collapse:collapse;width:100%;">' + "".join(rows) + "</table>"
    )


def render_html(digest: Digest, member_name: str | None = None) -> str:
    """The HTML part: one centred 640-pixel column, inline styles, no external assets."""
    currency = digest.currency
    counts = [a.count for a in digest.totals.actions] + [
        a.count for m in digest.members for a in m.actions
    ]
    scale = max(counts, default=0)
    title = escape(subject(digest, member_name))
    totals = digest.totals
    body = [
        f'<h1 style="{_FONT}font-size:22px;color:#2c3e50;margin:0 0 8px 0;">{title}</h1>',
        f'<h2 style="{_H2}">{_("Your totals") if digest.personal_for else _("Team totals")}</h2>',
        _summary_html(totals, currency),
        _activity_table(totals.actions, scale),
        _objectives_html(totals.day_objectives, currency, _("Team day objectives")),
    ]
    if not digest.working_day:
        body.append(
            f'<p style="{_FONT}font-size:13px;color:#7f8c8d;">'
            + escape(_("{day} is not a working day: no day objectives.").format(
                day=long_day(digest.day))) + "</p>"
        )
    if not digest.personal_for:
        body.append(f'<h2 style="{_H2}">{escape(_("Members"))}</h2>')
    body += [_member_html(m, scale, currency) for m in digest.members]
    period = digest.week_period or _("no week objectives")
    body.append(f'<h2 style="{_H2}">'
                f'{escape(_("Behind pace this week ({period})").format(period=period))}</h2>')
    body.append(_behind_html(digest))
    body.append(f'<h2 style="{_H2}">'
                f'{escape(_("Due today, {day}").format(day=long_day(digest.today)))}</h2>')
    body.append(_reminders_html(digest))
    for section in digest.sections:
        body.append(f'<h2 style="{_H2}">{escape(section.title)}</h2>')
        items = "".join(f'<li style="{_FONT}font-size:14px;color:#2c3e50;">{escape(line)}</li>'
                        for line in section.lines)
        body.append(f'<ul style="margin:0;padding-left:20px;">{items}</ul>')
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title}</title></head>"
        '<body style="margin:0;padding:0;background:#f4f6f7;">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#f4f6f7;"><tr><td align="center" style="padding:16px;">'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#ffffff;width:640px;"><tr><td style="padding:24px;">'
        + "\n".join(body)
        + "</td></tr></table></td></tr></table></body></html>\n"
    )
