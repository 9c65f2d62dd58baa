"""The deterministic demo team behind ``salesplan demo``."""
