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
from salesplan.core.fields import check_text
from salesplan.core.services.common import known

if TYPE_CHECKING:
    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.app import AppContext
    from salesplan.core.config.models import Question
from salesplan.core.i18n import _

YES = frozenset({"yes", "true"})
NO = frozenset({"no", "false"})


def _yes_no(question: Question, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in YES | NO:
        return value.strip().lower() in YES
    raise DataError(_("answer to {question!r} must be yes or no, not {value!r}").format(
        question=question.id, value=value))


def _number(question: Question, value: Any) -> int | float:
    number: int | float
    if isinstance(value, bool):
        raise DataError(_("answer to {question!r} must be a number, not {value!r}").format(
            question=question.id, value=value))
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
                    _("answer to {question!r} must be a number, not {value!r}").format(
                        question=question.id, value=value)
                ) from None
    else:
        raise DataError(_("answer to {question!r} must be a number, not {value!r}").format(
            question=question.id, value=value))
    if isinstance(number, float) and not math.isfinite(number):
        raise DataError(_("answer to {question!r} must be a finite number, not {value!r}").format(
            question=question.id, value=value))
    return number


def _choice(question: Question, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else value
    if text not in question.choices:
        raise DataError(
            _("answer to {question!r} must be one of: {choices} "
            "(not {value!r})").format(
                question=question.id, choices=known(question.choices), value=value)
        )
    return str(text)


def _text(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise DataError(_("answer to {question!r} must be text, not {value!r}").format(
            question=question.id, value=value))
    return check_text(value.strip(), "answer", label=_("answer to {question!r}").format(
        question=question.id))


CONVERTERS = {"yes_no": _yes_no, "number": _number, "choice": _choice, "text": _text}


def validate_answers(
    app: AppContext, spec: ActionTypeSpec, answers: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Typed answers, in script order; raise a ``DataError`` naming the first bad one."""
    if not answers:
        return {}
    if spec.script is None:
        raise DataError(_("action type {spec!r} has no call script: it takes no answers").format(
            spec=spec.id))
    script = app.config.script(spec.script)
    if script is None:  # the config checks references; kept for plugin-made types
        raise DataError(_("action type {spec!r} uses unknown script {script!r}").format(
            spec=spec.id, script=spec.script))
    questions = {q.id: q for q in script.questions}
    for key in answers:
        if key not in questions:
            raise DataError(
                _("unknown question {key!r} in script {script!r} "
                "(questions: {questions})").format(
                    key=key, script=script.id, questions=known(questions))
            )
    return {
        qid: CONVERTERS[question.kind](question, answers[qid])
        for qid, question in questions.items()
        if qid in answers
    }
