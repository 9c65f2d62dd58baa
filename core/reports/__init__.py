"""The report toolkit: SQL helpers, the shared action-count read model and the rollups.

This package's ``__init__`` stays empty: plugin modules import its modules at every config
load, and each loads only what it needs.
"""
