"""One exception hierarchy: every error a user can cause carries a user-facing message.

The CLI and the TUI turn a ``SalesplanError`` into one clear message and exit status 2.
Anything else is a bug and may show a traceback.
"""


class SalesplanError(Exception):
    """An error caused by input (config, CSV, arguments, plugins, database), not by a bug."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        """The input the error is about (``outcome``, ``amount``…), when one is: the HTTP API
        names it in its 422 answers."""

    def __str__(self) -> str:
        return self.message


class ConfigError(SalesplanError):
    """A team config that cannot be read or is invalid."""


class ConfigNotFoundError(ConfigError):
    """No config given and none found where we look."""


class PluginError(SalesplanError):
    """A plugin that cannot be found, loaded or activated, or that misbehaved in a hook."""


class DatabaseError(SalesplanError):
    """The database is unreachable or its schema cannot be brought up to date."""


class DataError(SalesplanError):
    """Bad data given to a service: unknown lead, bad outcome, wrong answer kind, bad CSV row."""


class NotFoundError(DataError):
    """A lead, prospect, list or member that does not exist."""


class ForbiddenError(SalesplanError):
    """The actor's role does not allow this (a rep logging as someone else, a rep running the
    planner): HTTP 403."""


class AuthenticationError(SalesplanError):
    """No, a bad or a revoked credential, or a disabled account: HTTP 401."""


class DeliveryError(SalesplanError):
    """A notifier could not deliver a message (SMTP refused, timeout, auth, unwritable folder)."""
