"""SQL of the triggers salesplan's migrations create (the kernel's and the plugins' alike).

Derived tables that the database keeps exact by itself, whoever writes the rows they come
from: a per-month sum of a per-day rollup table (``month_sum_triggers``). Plain functions
returning SQL text for SQLite or PostgreSQL, so a migration states exactly what it creates.
"""

from __future__ import annotations

from collections.abc import Sequence


def _sqlite_month_triggers(day_table: str, month_table: str, keys: Sequence[str],
                          count: str) -> list[str]:
    """Triggers keeping ``month_table`` the per-month sum of ``day_table`` on SQLite."""
    month = "substr({0}.day, 1, 8) || '01'"
    same = " AND ".join(f"{key} = {{0}}.{key}" for key in keys)
    columns = ", ".join(("month", *keys, count))

    def add(row: str) -> str:
        values = ", ".join((month.format(row), *(f"{row}.{key}" for key in keys),
                            f"{row}.{count}"))
        return (f"INSERT INTO {month_table} ({columns}) VALUES ({values}) "
                f"ON CONFLICT (month, {', '.join(keys)}) DO UPDATE SET "
                f"{count} = {count} + excluded.{count};")

    def subtract(row: str) -> str:
        where = f"month = {month.format(row)} AND {same.format(row)}"
        return (f"UPDATE {month_table} SET {count} = {count} - {row}.{count} WHERE {where}; "
                f"DELETE FROM {month_table} WHERE {where} AND {count} = 0;")

    name = f"{month_table}_from_{day_table}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {day_table} BEGIN {add('NEW')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {day_table} BEGIN "
        f"{subtract('OLD')} {add('NEW')} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {day_table} BEGIN "
        f"{subtract('OLD')} END",
    ]


def _postgres_month_triggers(day_table: str, month_table: str, keys: Sequence[str],
                            count: str) -> list[str]:
    """The same on PostgreSQL: one row-level function."""
    month = "date_trunc('month', {0}.day)::date"
    same = " AND ".join(f"{key} = {{0}}.{key}" for key in keys)
    columns = ", ".join(("month", *keys, count))
    where = f"month = {month} AND {same}"
    values = ", ".join((month.format("NEW"), *(f"NEW.{key}" for key in keys), f"NEW.{count}"))
    function = f"{month_table}_from_{day_table}"
    return [
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE {month_table} SET {count} = {count} - OLD.{count} WHERE {where.format('OLD')};
    DELETE FROM {month_table} WHERE {where.format('OLD')} AND {count} = 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO {month_table} ({columns}) VALUES ({values})
    ON CONFLICT (month, {', '.join(keys)}) DO UPDATE
    SET {count} = {month_table}.{count} + EXCLUDED.{count};
  END IF;
  RETURN NULL;
END
$$""",
        f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {day_table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def month_sum_triggers(dialect: str, day_table: str, month_table: str, keys: Sequence[str],
                       count: str) -> list[str]:
    """Triggers keeping ``month_table`` (``month``, ``keys``, ``count``) the per-month sum of
    ``day_table`` (``day``, ``keys``, ``count``) on any insert, update or delete; a sum that
    falls to zero is deleted, so the month table holds exactly the sums of the day rows."""
    if dialect == "postgresql":
        return _postgres_month_triggers(day_table, month_table, keys, count)
    return _sqlite_month_triggers(day_table, month_table, keys, count)
