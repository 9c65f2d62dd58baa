"""The period kinds a forecast can be over (``--per``)."""

PER_CHOICES: tuple[str, ...] = ("month", "quarter", "year")
DEFAULT_PER = "quarter"
