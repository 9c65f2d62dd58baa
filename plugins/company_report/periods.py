"""The period kinds a company report row can be (``--by``)."""

GROUPINGS: tuple[str, ...] = ("week", "month", "quarter")
