"""Find user-facing string literals that are not marked for translation, over the AST.

A *sink* is a place whose text a person reads: ``click.echo``/``secho``, ``notify``, the
exceptions of ``salesplan.core.errors`` and click's usage errors, the ``help=``, ``title=``,
``label=``, ``summary=``… keywords, Textual widgets built from a text (``Label``, ``Static``,
``Button``…), ``Binding`` descriptions (and ``BINDINGS`` tuples), table headers
(``add_column``), Rich ``Text``, a screen's ``title``/``sub_title``/``border_title``. The text
given there must come through ``_()``, ``N_()``, ``ngettext()`` (``_("… {n}").format(n=…)``
included) or be computed (a variable, a config label): a string literal, an f-string, or
``"…" % x`` / ``"…".format(…)`` / ``"a" + x`` built from one is *unmarked*. Texts without
words (``" · "``, ``"—"``, ``"{n}"``, Rich markup only) are not texts to translate.

Also reported: ``_()`` around an f-string (it cannot be extracted: the message changes with
the values).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MARKERS = frozenset({"_", "N_", "ngettext", "gettext", "lazy_gettext", "pgettext"})
ERRORS = frozenset({
    "SalesplanError", "ConfigError", "ConfigNotFoundError", "PluginError", "DatabaseError",
    "DataError", "NotFoundError", "ForbiddenError", "AuthenticationError", "DeliveryError",
    "UsageError", "BadParameter", "ClickException", "UserError", "Abort",
})
FIRST_ARGUMENT = frozenset({
    "echo", "secho", "notify", "fail", "Label", "Static", "Button", "Checkbox",
    "RadioButton", "TabPane", "Tab", "Text", "Rule", "Header", "confirm", "prompt",
    "add_column", "show_error", "ErrorModal", "ConfirmModal", "PromptModal",
}) | ERRORS
EVERY_ARGUMENT = frozenset({"add_columns"})
KEYWORDS = frozenset({
    "help", "short_help", "title", "label", "summary", "placeholder", "tooltip", "prompt",
    "message", "error_title", "description", "caption", "empty",
})
KEYWORD_CALLS_ONLY: dict[str, frozenset[str]] = {
    # ``description=`` is a binding's text, but a pydantic Field's documentation.
    "description": frozenset({"Binding"}),
}
ATTRIBUTES = frozenset({
    "title", "sub_title", "border_title", "border_subtitle", "TITLE", "SUB_TITLE", "caption",
})
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|\[/?[a-z #0-9_.=-]*\]|%\(?\w*\)?[sdrf]")
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Unmarked:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def has_words(text: str) -> bool:
    """Whether a literal holds words (not only punctuation, placeholders or markup)."""
    return bool(_WORD.search(_PLACEHOLDER.sub(" ", text)))


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_marked(node: ast.expr) -> bool:
    """``_("…")``, ``N_("…")``, ``ngettext(…)``, or ``.format()`` of one of them."""
    if not isinstance(node, ast.Call):
        return False
    name = _call_name(node.func)
    if name in MARKERS:
        return True
    if name == "format" and isinstance(node.func, ast.Attribute):
        return _is_marked(node.func.value)
    return False


def literal_texts(node: ast.expr) -> Iterator[tuple[int, str]]:
    """The literal texts with words that ``node`` is built from, unmarked."""
    if _is_marked(node):
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if has_words(node.value):
            yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        parts = "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
            for v in node.values
        )
        if has_words(parts):
            yield node.lineno, parts
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        yield from literal_texts(node.left)
        if isinstance(node.op, ast.Add):
            yield from literal_texts(node.right)
    elif isinstance(node, ast.IfExp):
        yield from literal_texts(node.body)
        yield from literal_texts(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from literal_texts(value)
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
          and node.func.attr in ("format", "join", "strip")):
        yield from literal_texts(node.func.value)


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[Unmarked] = []

    def _check(self, node: ast.expr | None) -> None:
        if node is not None:
            for line, text in literal_texts(node):
                self.found.append(Unmarked(self.path, line, text))

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node.func)
        if name in MARKERS:
            for argument in node.args[:2]:
                if isinstance(argument, ast.JoinedStr):
                    self.found.append(Unmarked(self.path, node.lineno, "_(f-string)"))
        if name in FIRST_ARGUMENT and node.args:
            self._check(node.args[0])
        if name in EVERY_ARGUMENT:
            for argument in node.args:
                self._check(argument)
        if name == "Binding" and len(node.args) >= 3:
            self._check(node.args[2])
        for keyword in node.keywords:
            if keyword.arg not in KEYWORDS:
                continue
            only = KEYWORD_CALLS_ONLY.get(keyword.arg)
            if only is None or name in only:
                self._check(keyword.value)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            name = target.attr if isinstance(target, ast.Attribute) else (
                target.id if isinstance(target, ast.Name) else "")
            if name in ATTRIBUTES:
                self._check(node.value)
            if name == "BINDINGS" and isinstance(node.value, ast.List | ast.Tuple):
                for item in node.value.elts:
                    if isinstance(item, ast.Tuple) and len(item.elts) >= 3:
                        self._check(item.elts[2])
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and node.target.id == "BINDINGS" and isinstance(
            node.value, ast.List | ast.Tuple
        ):
            for item in node.value.elts:
                if isinstance(item, ast.Tuple) and len(item.elts) >= 3:
                    self._check(item.elts[2])
        self.generic_visit(node)


def unmarked_in(path: Path) -> list[Unmarked]:
    """The unmarked user-facing texts of one module."""
    visitor = _Visitor(path)
    visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return visitor.found
