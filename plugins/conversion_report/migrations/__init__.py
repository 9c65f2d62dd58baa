"""The conversion report plugin's own Alembic branch (version table
``alembic_version_conversion_report``)."""
