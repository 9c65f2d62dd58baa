"""Password hashing: argon2id (argon2-cffi's defaults), for member accounts (SPEC §11).

A password is only ever hashed or verified here; it is never stored, printed or logged.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from salesplan.core.errors import DataError
from salesplan.core.i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 1024

_HASHER = PasswordHasher()  # argon2id, RFC 9106 "low memory" profile


def check_password(password: str) -> str:
    """The password if it is acceptable, else a ``DataError`` (that never quotes it)."""
    if len(password) < MIN_LENGTH:
        raise DataError(_("a password needs at least {min_length} characters").format(
            min_length=MIN_LENGTH), field="password")
    if len(password) > MAX_LENGTH:
        raise DataError(_("a password has at most {max_length} characters").format(
            max_length=MAX_LENGTH), field="password")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, salt included) of an acceptable password."""
    return _HASHER.hash(check_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (a malformed hash never matches)."""
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    try:
        return bool(_HASHER.check_needs_rehash(password_hash))
    except InvalidHashError:
        return True
