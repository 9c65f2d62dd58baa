"""salesplan kernel: hookspecs, plugin manager, config, database, services and CLI.

Plugins import the hook marker from here::

    from salesplan.core import hookimpl
"""

from salesplan.core.markers import hookimpl, hookspec

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl", "hookspec"]
