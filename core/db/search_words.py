"""How search text is cut into words, the same way on both databases and for queries.

Case and accents are folded (``Élodie`` is ``elodie``), and anything but letters and digits
separates words (``jean.dupont@acme.fr`` is ``jean dupont acme fr``). SQLite's FTS5
``unicode61`` tokenizer does this itself; PostgreSQL's side translates the accented letters
listed here in SQL (``search_index``); a query goes through ``query_words``.
"""

from __future__ import annotations

import re
import unicodedata


def _decomposes_to_ascii(char: str) -> bool:
    decomposed = unicodedata.normalize("NFKD", char)
    return len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha()


ACCENTED = "".join(chr(code) for code in range(0xC0, 0x250) if _decomposes_to_ascii(chr(code)))
"""Latin letters with a diacritic (Latin-1 and Latin Extended-A/B) that PostgreSQL folds."""
PLAIN = "".join(unicodedata.normalize("NFKD", char)[0] for char in ACCENTED)
"""Their plain letters, position by position."""

_SEPARATORS = re.compile(r"[\W_]+")


def query_words(text: str) -> list[str]:
    """The words of a query, folded, in order, without repeats."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    words: list[str] = []
    for word in _SEPARATORS.split(plain):
        if word and word not in words:
            words.append(word)
    return words
