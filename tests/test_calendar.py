"""Calendar: periods, labels, working days and UTC ranges, around DST and boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesplan.core.calendar import (
    PERIOD_KINDS,
    Period,
    check_kind,
    count_working_days,
    day_range_utc,
    is_working_day,
    local_date,
    local_midnight_utc,
    next_period,
    parse_day,
    parse_timestamp,
    period_containing,
    periods_touching,
    previous_period,
    to_local,
    to_utc,
    today,
    working_days_in,
)
from salesplan.core.errors import DataError

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


# --- periods and labels ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        ("day", date(2026, 3, 29), date(2026, 3, 29), date(2026, 3, 29), "2026-03-29"),
        ("week", date(2026, 3, 29), date(2026, 3, 23), date(2026, 3, 29), "2026-W13"),
        ("week", date(2026, 3, 30), date(2026, 3, 30), date(2026, 4, 5), "2026-W14"),
        ("month", date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("month", date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        ("month", date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        ("quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        ("quarter", date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
        ("quarter", date(2026, 11, 5), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("half_year", date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
        ("half_year", date(2026, 7, 1), date(2026, 7, 1), date(2026, 12, 31), "2026-H2"),
        ("year", date(2026, 7, 1), date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_period_containing(kind: str, day: date, start: date, end: date, label: str) -> None:
    period = period_containing(kind, day)  # type: ignore[arg-type]
    assert period == Period(start, end, kind, label)  # type: ignore[arg-type]
    assert period.contains(day)
    assert period.days == (end - start).days + 1


def test_iso_week_across_the_year_boundary() -> None:
    # 2026-12-28 (Mon) .. 2027-01-03 (Sun) is ISO week 2026-W53.
    for offset in range(7):
        day = date(2026, 12, 28) + timedelta(days=offset)
        week = period_containing("week", day)
        assert (week.start, week.end, week.label) == (
            date(2026, 12, 28), date(2027, 1, 3), "2026-W53"
        )
    assert period_containing("week", date(2027, 1, 4)).label == "2027-W01"
    # 2024-12-30 (Mon) .. 2025-01-05 belongs to 2025-W01.
    assert period_containing("week", date(2024, 12, 31)).label == "2025-W01"


def test_week_starting_sunday() -> None:
    week = period_containing("week", date(2026, 3, 29), "sunday")  # a Sunday
    assert (week.start, week.end) == (date(2026, 3, 29), date(2026, 4, 4))
    assert week.label == "2026-W14"  # labelled like the ISO week of Mon..Sat
    before = period_containing("week", date(2026, 3, 28), "sunday")  # the Saturday
    assert (before.start, before.end) == (date(2026, 3, 22), date(2026, 3, 28))
    # Across the new year: Sun 2026-12-27 .. Sat 2027-01-02.
    new_year = period_containing("week", date(2027, 1, 1), "sunday")
    assert (new_year.start, new_year.end, new_year.label) == (
        date(2026, 12, 27), date(2027, 1, 2), "2026-W53"
    )


def test_week_starting_saturday() -> None:
    week = period_containing("week", date(2026, 3, 25), "saturday")  # Wednesday
    assert (week.start, week.end) == (date(2026, 3, 21), date(2026, 3, 27))


def test_unknown_kind_and_week_start_are_user_errors() -> None:
    with pytest.raises(DataError, match="unknown period 'fortnight'"):
        period_containing("fortnight", date(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(DataError, match="unknown week start 'someday'"):
        period_containing("week", date(2026, 1, 1), "someday")
    assert check_kind("quarter") == "quarter"


def test_next_and_previous_period() -> None:
    q4 = period_containing("quarter", date(2026, 11, 1))
    assert next_period(q4).label == "2027-Q1"
    assert previous_period(period_containing("month", date(2026, 1, 15))).label == "2025-12"
    week = period_containing("week", date(2026, 12, 30))
    assert next_period(week).label == "2027-W01"


def test_periods_touching_clip_and_empty() -> None:
    months = periods_touching("month", date(2026, 1, 31), date(2026, 3, 1))
    assert [p.label for p in months] == ["2026-01", "2026-02", "2026-03"]
    assert months[0].clip(date(2026, 1, 31), date(2026, 3, 1)).start == date(2026, 1, 31)
    assert months[-1].clip(date(2026, 1, 31), date(2026, 3, 1)).end == date(2026, 3, 1)
    assert periods_touching("month", date(2026, 3, 2), date(2026, 3, 1)) == []
    quarters = periods_touching("quarter", date(2026, 12, 31), date(2027, 1, 1))
    assert [q.label for q in quarters] == ["2026-Q4", "2027-Q1"]


# --- working days -----------------------------------------------------------------------


def test_count_working_days_examples() -> None:
    assert count_working_days(date(2026, 3, 1), date(2026, 3, 31), WEEKDAYS) == 22
    assert count_working_days(date(2026, 2, 1), date(2026, 2, 28), WEEKDAYS) == 20
    assert count_working_days(date(2026, 3, 28), date(2026, 3, 29), WEEKDAYS) == 0  # weekend
    assert count_working_days(date(2026, 3, 28), date(2026, 3, 29), ["sat"]) == 1
    assert count_working_days(date(2026, 1, 1), date(2026, 12, 31), WEEKDAYS) == 261
    assert count_working_days(date(2026, 3, 5), date(2026, 3, 4), WEEKDAYS) == 0
    assert count_working_days(date(2026, 3, 4), date(2026, 3, 4), WEEKDAYS) == 1


def test_working_days_in_and_is_working_day() -> None:
    days = working_days_in(date(2026, 3, 27), date(2026, 3, 31), WEEKDAYS)
    assert days == [date(2026, 3, 27), date(2026, 3, 30), date(2026, 3, 31)]
    assert is_working_day(date(2026, 3, 29), ["sun"])
    assert not is_working_day(date(2026, 3, 29), WEEKDAYS)
    period = period_containing("month", date(2026, 3, 1))
    assert period.working_days(WEEKDAYS) == 22
    with pytest.raises(DataError, match="unknown working day 'sunday'"):
        count_working_days(date(2026, 3, 1), date(2026, 3, 2), ["sunday"])


# --- UTC ranges, DST and midnight ---------------------------------------------------------


def test_day_range_utc_on_dst_days_in_paris() -> None:
    # Spring forward: 2026-03-29 has 23 hours in Paris.
    start, end = day_range_utc(date(2026, 3, 29), date(2026, 3, 29), PARIS)
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)
    # Fall back: 2026-10-25 has 25 hours.
    start, end = day_range_utc(date(2026, 10, 25), date(2026, 10, 25), PARIS)
    assert start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=25)


def test_day_whose_midnight_does_not_exist() -> None:
    # Santiago springs forward at midnight: 2026-09-06 starts at 01:00 -03 (04:00 UTC) and
    # lasts 23 hours; 2026-04-04 repeats 23:00..24:00 and lasts 25 hours.
    santiago = ZoneInfo("America/Santiago")
    start, end = day_range_utc(date(2026, 9, 6), date(2026, 9, 6), santiago)
    assert (start, end) == (datetime(2026, 9, 6, 4, 0, tzinfo=UTC),
                            datetime(2026, 9, 7, 3, 0, tzinfo=UTC))
    start, end = day_range_utc(date(2026, 4, 4), date(2026, 4, 4), santiago)
    assert end - start == timedelta(hours=25)


def test_period_utc_range_spans_dst() -> None:
    march = period_containing("month", date(2026, 3, 10))
    start, end = march.utc_range(PARIS)
    assert start == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # CET
    assert end == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # CEST
    assert end - start == timedelta(days=31) - timedelta(hours=1)


def test_local_midnight_and_local_date() -> None:
    assert local_midnight_utc(date(2026, 1, 1), PARIS) == datetime(2025, 12, 31, 23, 0,
                                                                    tzinfo=UTC)
    # 23:30 UTC on 31 Dec is already 1 Jan in Paris.
    assert local_date(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), PARIS) == date(2026, 1, 1)
    assert local_date(datetime(2025, 12, 31, 22, 59, 59, tzinfo=UTC), PARIS) == date(2025, 12,
                                                                                     31)
    # Naive stored values are UTC.
    assert to_local(datetime(2026, 6, 1, 22, 0), PARIS).hour == 0


def test_to_utc_naive_is_local_and_aware_is_instant() -> None:
    assert to_utc(datetime(2026, 3, 29, 12, 0), PARIS) == datetime(2026, 3, 29, 10, 0,
                                                                    tzinfo=UTC)
    assert to_utc(datetime(2026, 3, 28, 12, 0), PARIS) == datetime(2026, 3, 28, 11, 0,
                                                                    tzinfo=UTC)
    aware = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    assert to_utc(aware, PARIS) == aware


def test_parse_timestamp_and_day() -> None:
    assert parse_timestamp("2026-10-25", PARIS) == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert parse_timestamp("2026-10-25 12:00", PARIS) == datetime(2026, 10, 25, 11, 0,
                                                                   tzinfo=UTC)
    assert parse_timestamp("2026-10-25T12:00+05:00", PARIS) == datetime(2026, 10, 25, 7, 0,
                                                                         tzinfo=UTC)
    assert parse_day(" 2026-02-28 ") == date(2026, 2, 28)
    with pytest.raises(DataError, match="not a date"):
        parse_day("2026-02-30")
    with pytest.raises(DataError, match="not a date-time"):
        parse_timestamp("yesterday", PARIS)


def test_today_in_the_team_timezone() -> None:
    now = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # 00:30 on the 29th in Paris
    assert today(PARIS, now) == date(2026, 3, 29)
    assert today(ZoneInfo("UTC"), now) == date(2026, 3, 28)


# --- properties ---------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
kinds = st.sampled_from(PERIOD_KINDS)
week_starts = st.sampled_from(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
working_sets = st.lists(st.sampled_from(ALL_DAYS), min_size=1, max_size=7, unique=True)


@given(kind=kinds, day=days, week_start=week_starts)
def test_period_contains_its_day_and_has_the_right_length(
    kind: str, day: date, week_start: str
) -> None:
    period = period_containing(kind, day, week_start)  # type: ignore[arg-type]
    assert period.contains(day)
    assert period_containing(kind, period.start, week_start) == period  # type: ignore[arg-type]
    assert period_containing(kind, period.end, week_start) == period  # type: ignore[arg-type]
    lengths = {"day": {1}, "week": {7}, "month": {28, 29, 30, 31}, "quarter": {90, 91, 92},
               "half_year": {181, 182, 184}, "year": {365, 366}}
    assert period.days in lengths[kind]
    if kind == "week":
        assert period.start.strftime("%A").lower() == week_start


@given(kind=kinds, first=days, length=st.integers(min_value=0, max_value=800),
       week_start=week_starts)
def test_periods_touching_cover_the_range_without_gaps_or_overlaps(
    kind: str, first: date, length: int, week_start: str
) -> None:
    last = first + timedelta(days=length)
    periods = periods_touching(kind, first, last, week_start)  # type: ignore[arg-type]
    assert periods[0].start <= first <= periods[0].end
    assert periods[-1].start <= last <= periods[-1].end
    for earlier, later in pairwise(periods):
        assert later.start == earlier.end + timedelta(days=1)
    assert len({p.label for p in periods}) == len(periods)


@given(first=days, length=st.integers(min_value=-3, max_value=400), working=working_sets)
def test_count_working_days_equals_brute_force(first: date, length: int,
                                               working: list[str]) -> None:
    last = first + timedelta(days=length)
    brute = sum(
        1 for i in range(max(length + 1, 0))
        if ALL_DAYS[(first + timedelta(days=i)).weekday()] in working
    )
    assert count_working_days(first, last, working) == brute
    assert len(working_days_in(first, last, working)) == brute


@given(first=days, length=st.integers(min_value=0, max_value=60))
def test_day_range_utc_is_contiguous(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    start, end = day_range_utc(first, last, PARIS)
    middle = first + timedelta(days=length // 2)
    _, split = day_range_utc(first, middle, PARIS)
    resumed, _ = day_range_utc(middle + timedelta(days=1), last, PARIS)
    assert split == resumed
    assert start < end
    assert local_date(start, PARIS) == first
    assert local_date(end - timedelta(microseconds=1), PARIS) == last


def test_one_rule_for_local_times_in_a_dst_change() -> None:
    """A wall-clock time skipped by the spring change is refused, one that happens twice in
    the autumn is the first (summer-time) occurrence — the same rule as the data folder."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from salesplan.core.calendar import parse_timestamp, to_utc
    from salesplan.core.dataio.formats import parse_timestamp_cell
    from salesplan.core.errors import DataError

    paris = ZoneInfo("Europe/Paris")
    with pytest.raises(DataError, match="does not exist in Europe/Paris"):
        parse_timestamp("2026-03-29 02:30", paris)
    assert to_utc(datetime(2026, 10, 25, 2, 30), paris) == datetime(2026, 10, 25, 0, 30,
                                                                  tzinfo=UTC)
    assert parse_timestamp_cell("2026-10-25T02:30:00", paris) == to_utc(
        datetime(2026, 10, 25, 2, 30), paris)
    assert parse_timestamp("2026-03-29 02:30+01:00", paris) == datetime(2026, 3, 29, 1, 30,
                                                                      tzinfo=UTC)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1969-12-31", "3000-01-01"])
def test_days_out_of_range_are_a_clear_error(text: str) -> None:
    from zoneinfo import ZoneInfo

    from salesplan.core.calendar import parse_day, parse_timestamp
    from salesplan.core.errors import DataError

    with pytest.raises(DataError, match="out of range"):
        parse_day(text)
    with pytest.raises(DataError, match="out of range"):
        parse_timestamp(f"{text} 10:00", ZoneInfo("Europe/Paris"))
