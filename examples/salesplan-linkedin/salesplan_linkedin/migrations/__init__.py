"""The ``linkedin`` plugin's Alembic branch (version table ``alembic_version_linkedin``).

salesplan supplies the Alembic environment and runs these revisions when the plugin is enabled;
this file only makes the folder a package, so it ships in the wheel.
"""
