"""The ``salesplan`` command line (click), with lazily imported subcommands."""
