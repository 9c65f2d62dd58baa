"""Text ids → integer ids for millions of keys, exact, in a few bytes a key.

The importer resolves every ``lead_id`` and ``prospect_id`` of a data folder to the integer id
it gave (or found for) that text id. A Python ``dict`` of a million short strings costs about
120 bytes a key; ``KeyIndex`` keeps the keys' UTF-8 bytes end to end in one ``bytearray`` and
finds them through an open-addressing table of 4-byte slots: about ``len(key) + 20`` bytes a
key (40 MB for the 1.35M prospects and leads of the history demo), and a lookup costs one
hash and one comparison of bytes.
"""

from __future__ import annotations

from array import array

EMPTY = -1


class KeyIndex:
    """Distinct text keys, each with an integer value (its row id)."""

    def __init__(self) -> None:
        self._blob = bytearray()
        self._ends = array("q")  # key i is blob[ends[i-1]:ends[i]]
        self._values = array("q")
        self._slots = array("i", [EMPTY]) * 1024
        self._mask = 1023

    def __len__(self) -> int:
        return len(self._values)

    def _find(self, data: bytes) -> tuple[int, int]:
        """``(slot, key index or EMPTY)`` for ``data``."""
        slots, ends, blob, mask = self._slots, self._ends, self._blob, self._mask
        slot = hash(data) & mask
        while True:
            index = slots[slot]
            if index == EMPTY:
                return slot, EMPTY
            start = ends[index - 1] if index else 0
            end = ends[index]
            if end - start == len(data) and blob[start:end] == data:
                return slot, index
            slot = (slot + 1) & mask

    def get(self, key: str) -> int | None:
        """The value of ``key``, or None when it is not there."""
        index = self._find(key.encode())[1]
        return None if index == EMPTY else self._values[index]

    def __contains__(self, key: str) -> bool:
        return self._find(key.encode())[1] != EMPTY

    def add(self, key: str, value: int) -> bool:
        """Add ``key`` with ``value``; False (and nothing changes) when it is already there."""
        data = key.encode()
        slot, index = self._find(data)
        if index != EMPTY:
            return False
        self._slots[slot] = len(self._values)
        self._blob += data
        self._ends.append(len(self._blob))
        self._values.append(value)
        if 2 * len(self._values) > self._mask:
            self._grow()
        return True

    def _grow(self) -> None:
        size = 2 * (self._mask + 1)
        slots = array("i", [EMPTY]) * size
        mask = size - 1
        blob, ends = self._blob, self._ends
        start = 0
        for index, end in enumerate(ends):
            slot = hash(bytes(blob[start:end])) & mask
            while slots[slot] != EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = index
            start = end
        self._slots, self._mask = slots, mask
