"""Call-script answers: validate raw answers against the action type's script.

Answers arrive as text from the CLI (``--answer seats=12``) or as Python values from the TUI
and the demo; both are checked against the question's kind and stored typed: yes_no → bool,
number → int or float, choice → one of the choices, text → str.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from salesplan.core.errors import DataError
from salesplan.core.services.common import known

if TYPE_CHECKING:
    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.app import AppContext
    from salesplan.core.config.models import Question

YES = frozenset({"yes", "true"})
NO = frozenset({"no", "false"})


def _yes_no(question: Question, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in YES | NO:
        return value.strip().lower() in YES
    raise DataError(f"answer to {question.id!r} must be yes or no, not {value!r}")


def _number(question: Question, value: Any) -> int | float:
    number: int | float
    if isinstance(value, bool):
        raise DataError(f"answer to {question.id!r} must be a number, not {value!r}")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise DataError(
                    f"answer to {question.id!r} must be a number, not {value!r}"
                ) from None
    else:
        raise DataError(f"answer to {question.id!r} must be a number, not {value!r}")
    if isinstance(number, float) and not math.isfinite(number):
        raise DataError(f"answer to {question.id!r} must be a finite number, not {value!r}")
    return number


def _choice(question: Question, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else value
    if text not in question.choices:
        raise DataError(
            f"answer to {question.id!r} must be one of: {known(question.choices)} "
            f"(not {value!r})"
        )
    return str(text)


def _text(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise DataError(f"answer to {question.id!r} must be text, not {value!r}")
    return value.strip()


CONVERTERS = {"yes_no": _yes_no, "number": _number, "choice": _choice, "text": _text}


def validate_answers(
    app: AppContext, spec: ActionTypeSpec, answers: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Typed answers, in script order; raise a ``DataError`` naming the first bad one."""
    if not answers:
        return {}
    if spec.script is None:
        raise DataError(f"action type {spec.id!r} has no call script: it takes no answers")
    script = app.config.script(spec.script)
    if script is None:  # the config checks references; kept for plugin-made types
        raise DataError(f"action type {spec.id!r} uses unknown script {spec.script!r}")
    questions = {q.id: q for q in script.questions}
    for key in answers:
        if key not in questions:
            raise DataError(
                f"unknown question {key!r} in script {script.id!r} "
                f"(questions: {known(questions)})"
            )
    return {
        qid: CONVERTERS[question.kind](question, answers[qid])
        for qid, question in questions.items()
        if qid in answers
    }
