"""All calendar logic in one place: team-timezone days, periods and working days.

Timestamps are timezone-aware UTC in Python and in the database (SQLModel's ``UTCDateTime``:
``timestamptz`` on PostgreSQL, UTC text on SQLite). A report range is inclusive calendar days of
the team timezone; ``day_range_utc`` turns it into a half-open UTC interval, DST included.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from salesplan.core.errors import DataError
from salesplan.core.i18n import _

PeriodKind = Literal["day", "week", "month", "quarter", "half_year", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("day", "week", "month", "quarter", "half_year", "year")
WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
WEEK_START_INDEX = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: ``start`` and ``end`` are both included."""

    start: date
    end: date
    kind: PeriodKind
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def clip(self, start: date, end: date) -> Period:
        """The part of the period inside ``[start, end]`` (same label)."""
        return Period(max(self.start, start), min(self.end, end), self.kind, self.label)

    def utc_range(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as a half-open aware-UTC interval (DST-correct)."""
        return day_range_utc(self.start, self.end, tz)

    def working_days(self, working_days: Sequence[str]) -> int:
        """How many working days the period has."""
        return count_working_days(self.start, self.end, working_days)


def check_kind(kind: str) -> PeriodKind:
    """``kind`` as a ``PeriodKind``, or a ``DataError`` listing the known kinds."""
    if kind not in PERIOD_KINDS:
        raise DataError(_("unknown period {kind!r} (use one of {period_kinds})").format(
            kind=kind, period_kinds=', '.join(PERIOD_KINDS)))
    return kind


def week_start_index(week_starts: str) -> int:
    """The weekday (0 = Monday) a week starts on."""
    try:
        return WEEK_START_INDEX[week_starts]
    except KeyError:
        raise DataError(
            _("unknown week start {week_starts!r} (use one of {week_start_index})").format(
                week_starts=week_starts, week_start_index=', '.join(WEEK_START_INDEX))
        ) from None


def _weekday_indexes(working_days: Sequence[str]) -> set[int]:
    try:
        return {WEEKDAY_INDEX[d] for d in working_days}
    except KeyError as exc:
        raise DataError(
            _("unknown working day {args!r} (use {weekday_index})").format(
                args=exc.args[0], weekday_index=', '.join(WEEKDAY_INDEX))
        ) from None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_containing(kind: PeriodKind, day: date, week_starts: str = "monday") -> Period:
    """The period of ``kind`` that contains ``day``.

    Labels: day ``2026-03-29``; week ``2026-W13`` (the ISO week that holds most of the
    week's days, i.e. the one of its fourth day, so a Sunday-start week is labelled like the
    ISO week of its Monday..Saturday); month ``2026-03``; quarter ``2026-Q1``; half-year
    ``2026-H1``; year ``2026``.
    """
    check_kind(kind)
    if kind == "day":
        return Period(day, day, kind, day.isoformat())
    if kind == "week":
        offset = (day.weekday() - week_start_index(week_starts)) % 7
        start = day - timedelta(days=offset)
        end = start + timedelta(days=6)
        iso = (start + timedelta(days=3)).isocalendar()
        return Period(start, end, kind, f"{iso.year}-W{iso.week:02d}")
    months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[kind]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    end = _add_months(start, months) - timedelta(days=1)
    if kind == "month":
        label = f"{day.year}-{first_month:02d}"
    elif kind == "quarter":
        label = f"{day.year}-Q{(first_month - 1) // 3 + 1}"
    elif kind == "half_year":
        label = f"{day.year}-H{(first_month - 1) // 6 + 1}"
    else:
        label = str(day.year)
    return Period(start, end, kind, label)


def periods_touching(
    kind: PeriodKind, start: date, end: date, week_starts: str = "monday"
) -> list[Period]:
    """Every whole period of ``kind`` that overlaps ``[start, end]``, in order."""
    if end < start:
        return []
    periods = [period_containing(kind, start, week_starts)]
    while periods[-1].end < end:
        periods.append(period_containing(kind, periods[-1].end + timedelta(days=1), week_starts))
    return periods


def next_period(period: Period, week_starts: str = "monday") -> Period:
    """The period of the same kind right after ``period``."""
    return period_containing(period.kind, period.end + timedelta(days=1), week_starts)


def previous_period(period: Period, week_starts: str = "monday") -> Period:
    """The period of the same kind right before ``period``."""
    return period_containing(period.kind, period.start - timedelta(days=1), week_starts)


def is_working_day(day: date, working_days: Sequence[str],
                   holidays: Collection[date] = ()) -> bool:
    """A day of the team's working weekdays that is not one of its ``holidays``."""
    return day.weekday() in _weekday_indexes(working_days) and day not in holidays


def count_working_days(
    start: date, end: date, working_days: Sequence[str], holidays: Collection[date] = ()
) -> int:
    """Working days in ``[start, end]`` (0 when ``end < start``), holidays left out."""
    if end < start:
        return 0
    indexes = _weekday_indexes(working_days)
    total = (end - start).days + 1
    full_weeks, rest = divmod(total, 7)
    count = full_weeks * len(indexes)
    first = start.weekday()
    count += sum(1 for i in range(rest) if (first + i) % 7 in indexes)
    count -= sum(1 for day in set(holidays) if start <= day <= end
                 and day.weekday() in indexes)
    return count


def working_days_in(
    start: date, end: date, working_days: Sequence[str], holidays: Collection[date] = ()
) -> list[date]:
    """The working days in ``[start, end]``, in order, holidays left out."""
    indexes = _weekday_indexes(working_days)
    days = []
    day = start
    while day <= end:
        if day.weekday() in indexes and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def next_working_day(day: date, working_days: Sequence[str],
                     holidays: Collection[date] = ()) -> date:
    """``day`` when it is a working day, else the first working day after it."""
    for _day in range(3660):  # ten years: a calendar with no working day never ends

        if is_working_day(day, working_days, holidays):
            return day
        day += timedelta(days=1)
    raise DataError(_("the team calendar has no working day in ten years"))


def local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` starts in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def day_range_utc(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Inclusive local days ``[start, end]`` as a half-open UTC interval."""
    return local_midnight_utc(start, tz), local_midnight_utc(end + timedelta(days=1), tz)


FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2999, 12, 31)
"""The days salesplan accepts (a wider range only overflows date arithmetic)."""


def check_day(day: date) -> date:
    """``day`` when it is within ``FIRST_DAY``–``LAST_DAY``, else a ``DataError``."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DataError(
            _("{day} is out of range (use a day from {first_day} to "
            "{last_day})").format(
                day=day.isoformat(), first_day=FIRST_DAY.isoformat(), last_day=LAST_DAY.isoformat())
        )
    return day


def to_utc(moment: datetime, tz: ZoneInfo) -> datetime:
    """UTC for storage: an aware time is that instant, a naive one is wall-clock time in
    ``tz``. The one rule for local times (the data folder follows it too): a time skipped by
    a daylight-saving change (``2026-03-29 02:30`` in Europe/Paris) is an error, and a time
    that happens twice (``2026-10-25 02:30``) is its first occurrence, the summer-time one
    (give an offset to mean the other)."""
    check_day(moment.date())
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    local = moment.replace(tzinfo=tz, fold=0)
    utc = local.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != moment.replace(fold=0):
        raise DataError(
            _("{moment} does not exist in {key} (skipped by a "
            "daylight-saving change); give an offset such as +01:00").format(
                moment=moment.isoformat(' ', 'minutes'), key=tz.key)
        )
    return utc


def to_local(stored: datetime, tz: ZoneInfo) -> datetime:
    """A stored time as an aware time in ``tz`` (a naive value is taken as UTC)."""
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    return stored.astimezone(tz)


def local_date(stored: datetime, tz: ZoneInfo) -> date:
    """The team-timezone calendar day of a stored time."""
    return to_local(stored, tz).date()


def utc_now() -> datetime:
    """Now, as stored: aware UTC."""
    return datetime.now(UTC)


def today(tz: ZoneInfo, now: datetime | None = None) -> date:
    """Today in ``tz`` (``now`` defaults to the real now)."""
    return local_date(now or utc_now(), tz)


def parse_timestamp(text: str, tz: ZoneInfo) -> datetime:
    """Parse an ISO date or date-time into aware UTC; without an offset it is local time in
    ``tz``, and a date alone means local midnight."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise DataError(_("not a date-time: {text!r} (use YYYY-MM-DD HH:MM[:SS][+HH:MM])").format(
            text=text)) from None
    return to_utc(moment, tz)


def parse_day(text: str) -> date:
    """Parse ``YYYY-MM-DD`` (a day within ``FIRST_DAY``–``LAST_DAY``)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise DataError(_("not a date: {text!r} (use YYYY-MM-DD)").format(text=text)) from None
    return check_day(day)


def local_text(stored: datetime, tz: ZoneInfo) -> str:
    """A stored instant as people read it in messages: ``2026-12-03 08:06 (Europe/Paris)``,
    in the team's time zone, never raw UTC."""
    return f"{to_local(stored, tz):%Y-%m-%d %H:%M} ({tz.key})"
