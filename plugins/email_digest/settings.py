"""Settings of the morning digest and of the ``smtp`` notifier, kept light.

Every config load validates ``[notifiers.email_digest]`` and registers the ``smtp`` notifier,
so this module imports only pydantic; smtplib and the MIME builders load when a message is
actually sent (``salesplan.plugins.email_digest.smtp``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, field_validator, model_validator

from salesplan.core.config.models import Strict


class SmtpSettings(Strict):
    """How to reach the SMTP server. Secrets never live in the file: only the name of the
    environment variable that holds the password does."""

    smtp_host: str = Field(default="localhost", min_length=1, description="SMTP server name.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP server port.")
    starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS.")
    ssl: bool = Field(
        default=False, description="Implicit TLS from the first byte (SMTPS, usually port 465)."
    )
    username: str = Field(default="", description="Login name; empty means no login.")
    password_env: str = Field(
        default="SALESPLAN_SMTP_PASSWORD",
        description="Environment variable holding the password used with `username`.",
    )
    timeout: float = Field(default=30.0, gt=0, description="Seconds to wait for the server.")
    cafile: str | None = Field(
        default=None,
        description="PEM file of CA certificates to trust for TLS (relative to the config "
        "file); default: the system's trust store.",
    )
    tls_verify: bool = Field(
        default=True,
        description="Check the server's certificate and name. Turn off only for a test server.",
    )

    @model_validator(mode="after")
    def _one_tls_mode(self) -> Self:
        if self.ssl and self.starttls:
            raise ValueError("choose one of 'ssl' (implicit TLS) and 'starttls', not both")
        return self

    @property
    def server(self) -> str:
        """``host:port``, as error messages name the server."""
        return f"{self.smtp_host}:{self.smtp_port}"

    def with_base_dir(self, base: Path) -> Self:
        """A copy whose relative ``cafile`` is resolved against the config's folder."""
        if self.cafile and not Path(self.cafile).is_absolute():
            return self.model_copy(update={"cafile": str(base / self.cafile)})
        return self



SECTION = "notifiers.email_digest"
SMTP = "smtp"
PERSONAL_SUFFIX = ":personal"


class EmailDigestSettings(SmtpSettings):
    """`[notifiers.email_digest]`: who gets the morning digest and how it travels."""

    to: list[str] = Field(
        default_factory=list, description="Addresses of the team digest, besides managers."
    )
    sender: str = Field(min_length=3, description="From address of the digest.")
    per_member: bool = Field(
        default=False, description="Also send each rep (role = rep, with an email) their own."
    )
    claim_timeout: float = Field(
        default=600.0, gt=0,
        description="Seconds after which a send that was never confirmed (its run died on "
        "another host) is retried by the next run.",
    )
    via: str = Field(
        default=SMTP,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Notifier that delivers it: 'smtp' (the keys of this section) or another "
        "notifier's name, e.g. 'file' (plugin file_notifier, settings in [notifiers.file]).",
    )

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if "@" not in address or address.strip() != address or not address:
                raise ValueError(f"{address!r} is not an e-mail address")
        return value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError(f"{value!r} is not an e-mail address")
        return value
