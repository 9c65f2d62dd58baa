"""Persistence: SQLModel tables, engines for SQLite and PostgreSQL, Alembic migrations."""
