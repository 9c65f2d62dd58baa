"""A pydantic field type for texts a person reads that may be marked lazily (``N_``).

Pydantic turns a ``str`` subclass into a plain ``str``: an ``N_("Member")`` column label would
be frozen in English when the module is imported. ``Label`` keeps a ``LazyText`` as it is (so
it is translated each time it is shown) and validates anything else as a ``str``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ValidatorFunctionWrapHandler, WrapValidator

from salesplan.core.i18n import LazyText


def _keep_lazy(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    return value if isinstance(value, LazyText) else handler(value)


Label = Annotated[str, WrapValidator(_keep_lazy)]
"""A ``str`` field that keeps a lazy text (``N_``) lazy."""
