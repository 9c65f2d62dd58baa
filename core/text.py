"""Text typed by people, made safe to show on a terminal.

A title or a note can hold terminal control sequences (``\\x1b[2J`` clears the screen,
``\\x1b]0;…\\x07`` retitles the window); echoed raw, they would act on the reader's terminal.
``printable`` shows every control character as its escape instead (``\\x1b``), keeping line
breaks and tabs.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with its control characters (but ``\\n`` and ``\\t``) written as escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def has_control(text: str, allow_newlines: bool = False) -> bool:
    """Whether ``text`` holds a control character (line breaks and tabs allowed on demand)."""
    for char in text:
        code = ord(char)
        if char in "\n\t" and allow_newlines:
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F:
            return True
    return False


def shown(text: str) -> str:
    """``text`` ready for a rich markup string: control characters escaped, and brackets
    escaped so a title such as ``[bold]`` prints as typed."""
    from rich.markup import escape

    return escape(printable(text))
