"""The demo's rows as typed columns: a few bytes a row, so a history of millions fits in memory.

A tuple or a dict per row costs a hundred bytes and more; the history demo has 6.5M actions,
1M prospects and 500k leads. Here each column is an ``array`` of small integers (text values
are interned: members, types, outcomes, notes, steps, answers), and rows are rebuilt as tuples
or dicts only when they are read. Times are minutes on the working-day calendar
(``DemoData.to_utc``).
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Iterator
from typing import Any, ClassVar

from salesplan.core.demo import names

NONE = -1
"""A missing time, lead or prospect index."""


def ascii_word(text: str) -> str:
    """``Émeraude`` → ``emeraude`` for e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


class Interned:
    """Values by a small index, in order of first use (``None`` is a value like another)."""

    def __init__(self, *values: Any) -> None:
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}
        for value in values:
            self.index(value)

    def index(self, value: Any, key: Any = None) -> int:
        """The value's index (``key`` identifies unhashable values such as dicts)."""
        identity = value if key is None else key
        found = self._index.get(identity)
        if found is None:
            found = self._index[identity] = len(self.values)
            self.values.append(value)
        return found


def _answers_key(answers: dict[str, Any] | None) -> Any:
    return None if answers is None else tuple(answers.items())


def packed_order(keys: Any, count: int) -> Iterator[int]:
    """Row indexes ``0..count-1`` sorted by ``keys[i]`` (non-negative ints), ties in index
    order — a stable sort by key — through one list of packed ints instead of two."""
    shift = max(count - 1, 1).bit_length()
    packed = sorted((keys[i] << shift) | i for i in range(count))
    mask = (1 << shift) - 1
    for value in packed:
        yield value & mask


class ActionRows:
    """``(time, member, type, outcome, lead index, prospect index, note, answers)`` rows."""

    def __init__(self) -> None:
        self.moments = array("q")
        self._members = array("B")
        self._types = array("B")
        self._outcomes = array("B")
        self._leads = array("i")
        self._prospects = array("i")
        self._notes = array("H")
        self._answers = array("i")
        self.members = Interned()
        self.types = Interned()
        self.outcomes = Interned(None)
        self.notes = Interned("")
        self.answers = Interned(None)

    def append(self, moment: int, member: str, action: str, outcome: str | None, lead: int,
               prospect: int, note: str, answers: dict[str, Any] | None) -> None:
        self.moments.append(moment)
        self._members.append(self.members.index(member))
        self._types.append(self.types.index(action))
        self._outcomes.append(self.outcomes.index(outcome))
        self._leads.append(lead)
        self._prospects.append(prospect)
        self._notes.append(self.notes.index(note))
        self._answers.append(self.answers.index(answers, _answers_key(answers)))

    def __len__(self) -> int:
        return len(self.moments)

    def __getitem__(self, i: int) -> tuple[Any, ...]:
        return (self.moments[i], self.members.values[self._members[i]],
                self.types.values[self._types[i]], self.outcomes.values[self._outcomes[i]],
                self._leads[i], self._prospects[i], self.notes.values[self._notes[i]],
                self.answers.values[self._answers[i]])

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return (self[i] for i in range(len(self)))

    def in_time_order(self) -> Iterator[int]:
        """Row indexes by time; actions of the same minute keep the order they were made."""
        return packed_order(self.moments, len(self))


class StepRows:
    """``(lead index, time, step)`` rows."""

    def __init__(self) -> None:
        self.leads = array("i")
        self.moments = array("q")
        self._steps = array("B")
        self.steps = Interned()

    def append(self, lead: int, moment: int, step: str) -> None:
        self.leads.append(lead)
        self.moments.append(moment)
        self._steps.append(self.steps.index(step))

    def __len__(self) -> int:
        return len(self.moments)

    def __getitem__(self, i: int) -> tuple[int, int, str]:
        return self.leads[i], self.moments[i], self.steps.values[self._steps[i]]

    def __iter__(self) -> Iterator[tuple[int, int, str]]:
        return (self[i] for i in range(len(self)))


class Companies:
    """A company name as three word indexes (head, tail, legal form)."""

    HEADS: ClassVar[dict[str, int]] = {word: i for i, word in enumerate(names.COMPANY_HEADS)}
    TAILS: ClassVar[dict[str, int]] = {word: i for i, word in enumerate(names.COMPANY_TAILS)}
    FORMS: ClassVar[dict[str, int]] = {word: i for i, word in enumerate(names.COMPANY_FORMS)}

    @staticmethod
    def code(head: str, tail: str, form: str) -> int:
        return (Companies.HEADS[head] * 64 + Companies.TAILS[tail]) * 16 + Companies.FORMS[form]

    @staticmethod
    def name(code: int) -> str:
        rest, form = divmod(code, 16)
        head, tail = divmod(rest, 64)
        text = f"{names.COMPANY_HEADS[head]} {names.COMPANY_TAILS[tail]}"
        return f"{text} {names.COMPANY_FORMS[form]}".strip()


class ProspectRows:
    """Prospects: list, person, company, phone, owner, creation time, lead index."""

    def __init__(self) -> None:
        self.lists = array("B")
        self._first = array("B")
        self._last = array("B")
        self.companies = array("H")
        self._phones = array("q")
        self._owners = array("B")
        self.created = array("q")
        self.leads = array("i")
        self.owners = Interned()
        self._first_names = {word: i for i, word in enumerate(names.FIRST_NAMES)}
        self._last_names = {word: i for i, word in enumerate(names.LAST_NAMES)}

    def append(self, which: int, first: str, last: str, company: int, phone: int, owner: str,
               created: int) -> None:
        self.lists.append(which)
        self._first.append(self._first_names[first])
        self._last.append(self._last_names[last])
        self.companies.append(company)
        self._phones.append(phone)
        self._owners.append(self.owners.index(owner))
        self.created.append(created)
        self.leads.append(NONE)

    def __len__(self) -> int:
        return len(self.created)

    def owner(self, i: int) -> str:
        return str(self.owners.values[self._owners[i]])

    def company(self, i: int) -> str:
        return Companies.name(self.companies[i])

    def __getitem__(self, i: int) -> dict[str, Any]:
        first = names.FIRST_NAMES[self._first[i]]
        last = names.LAST_NAMES[self._last[i]]
        company = self.company(i)
        rest, digit = divmod(self._phones[i], 10)
        pairs = []
        for _ in range(4):
            rest, pair = divmod(rest, 100)
            pairs.append(pair)
        pairs.reverse()
        return {
            "list": self.lists[i], "name": f"{first} {last}", "company": company,
            "email": f"{ascii_word(first)}.{ascii_word(last)}@"
                     f"{ascii_word(company.split()[0])}.test",
            "phone": "+33 " + " ".join(f"{p:02d}" for p in pairs) + f" {digit}",
            "owner": self.owner(i), "created_at": self.created[i], "lead": self.leads[i],
        }

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(len(self)))


def pack_phone(pairs: list[int], digit: int) -> int:
    """Four two-digit numbers and a last digit as one integer (see ``ProspectRows``)."""
    value = 0
    for pair in pairs:
        value = value * 100 + pair
    return value * 10 + digit


class LeadRows:
    """Leads: title parts, pipeline, step, owner, amount, status, times, prospect, fields."""

    def __init__(self, renewal_year: int) -> None:
        self.renewal_year = renewal_year
        self.companies = array("H")
        self.needs = array("b")  # index in names.NEEDS, NONE for a renewal
        self._pipelines = array("B")
        self._steps = array("B")
        self._owners = array("B")
        self.amounts = array("d")
        self._statuses = array("B")
        self.created = array("q")
        self.closed = array("q")
        self.reminds = array("q")
        self.prospects = array("i")
        self._fields = array("i")
        self.pipelines = Interned()
        self.steps = Interned()
        self.owners = Interned()
        self.statuses = Interned("todo")
        self.fields = Interned(None)
        self._needs = {word: i for i, word in enumerate(names.NEEDS)}

    def append(self, company: int, need: str | None, pipeline: str, step: str, owner: str,
               amount: float, created: int, prospect: int) -> int:
        self.companies.append(company)
        self.needs.append(NONE if need is None else self._needs[need])
        self._pipelines.append(self.pipelines.index(pipeline))
        self._steps.append(self.steps.index(step))
        self._owners.append(self.owners.index(owner))
        self.amounts.append(amount)
        self._statuses.append(0)
        self.created.append(created)
        self.closed.append(NONE)
        self.reminds.append(NONE)
        self.prospects.append(prospect)
        self._fields.append(0)
        return len(self.created) - 1

    def __len__(self) -> int:
        return len(self.created)

    def owner(self, i: int) -> str:
        return str(self.owners.values[self._owners[i]])

    def set_step(self, i: int, step: str) -> None:
        self._steps[i] = self.steps.index(step)

    def set_status(self, i: int, status: str) -> None:
        self._statuses[i] = self.statuses.index(status)

    def set_fields(self, i: int, fields: dict[str, Any]) -> None:
        self._fields[i] = self.fields.index(fields, _answers_key(fields))

    def title(self, i: int) -> str:
        company = Companies.name(self.companies[i])
        need = self.needs[i]
        if need == NONE:
            return f"{company} — renewal {self.renewal_year}"
        return f"{company} — {names.NEEDS[need]}"

    def __getitem__(self, i: int) -> dict[str, Any]:
        def moment(value: int) -> int | None:
            return None if value == NONE else value

        return {
            "title": self.title(i), "pipeline": self.pipelines.values[self._pipelines[i]],
            "step": self.steps.values[self._steps[i]], "owner": self.owner(i),
            "amount": self.amounts[i], "status": self.statuses.values[self._statuses[i]],
            "created_at": self.created[i], "closed_at": moment(self.closed[i]),
            "remind_at": moment(self.reminds[i]), "prospect": self.prospects[i],
            "fields": self.fields.values[self._fields[i]],
        }

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(len(self)))
