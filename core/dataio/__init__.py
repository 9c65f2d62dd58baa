"""The data folder (SPEC §5): CSV import and export."""
