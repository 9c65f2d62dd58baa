"""The Textual terminal UI (``salesplan tui``)."""
