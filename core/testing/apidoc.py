"""Reference blocks of a Markdown page, rendered from the code so that they cannot drift.

A page marks each block with the dotted name of what it documents::

    <!-- api: salesplan.core.services.leads.create_lead -->
    (generated: replaced by `render_page`)
    <!-- /api -->

What is rendered depends on the object: a function's signature (from its source, annotations
as written) and docstring; a class's header and docstring, then its fields (pydantic models,
SQLModel tables, dataclasses: name, type, default, meaning from ``description=`` or the
attribute's docstring) or, for a plain class, its public attributes, properties and methods;
a SQLAlchemy table's columns; a constant's value. ``docs/internals.md`` is such a page;
``tests/test_internals_doc.py`` fails when it is out of date. Regenerate it with::

    python -m salesplan.core.testing.apidoc docs/internals.md
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import importlib
import inspect
import re
import sys
import textwrap
import typing
from collections.abc import Callable, Iterator
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

BLOCK = re.compile(r"(<!-- api: (?P<name>[\w.]+) -->\n)(?P<body>.*?)(<!-- /api -->)", re.S)
WIDTH = 88
"""Signatures longer than this are written one parameter a line."""


def resolve(dotted: str) -> Any:
    """The object named ``dotted`` (``package.module.attribute.attribute``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(f"nothing is named {dotted}")


def _docstring(obj: Any) -> str:
    text = inspect.getdoc(obj) or ""
    return text.strip()


def _unparse(node: ast.AST | None) -> str:
    return "" if node is None else ast.unparse(node)


def _parameters(args: ast.arguments, skip_self: bool) -> list[str]:
    """Each parameter as written: ``name: type = default``, with ``*`` and ``/``."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    out: list[str] = []

    def one(arg: ast.arg, default: ast.expr | None) -> str:
        text = arg.arg + (f": {_unparse(arg.annotation)}" if arg.annotation else "")
        if default is not None:
            text += (" = " if arg.annotation else "=") + _unparse(default)
        return text

    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        if index == 0 and skip_self and arg.arg in ("self", "cls"):
            continue
        out.append(one(arg, default))
        if args.posonlyargs and index == len(args.posonlyargs) - 1:
            out.append("/")
    if args.vararg is not None:
        out.append("*" + one(args.vararg, None))
    elif args.kwonlyargs:
        out.append("*")
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out.append(one(arg, kw_default))
    if args.kwarg is not None:
        out.append("**" + one(args.kwarg, None))
    return out


def _function_node(function: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef:
    source = textwrap.dedent(inspect.getsource(function))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    raise ValueError(f"no function in the source of {function!r}")


def signature(function: Callable[..., Any], name: str | None = None,
              method: bool = False) -> str:
    """``def name(params) -> returns`` as written in the source."""
    node = _function_node(inspect.unwrap(function))
    params = _parameters(node.args, skip_self=method)
    returns = f" -> {_unparse(node.returns)}" if node.returns else ""
    head = f"def {name or node.name}("
    one_line = head + ", ".join(params) + ")" + returns
    if len(one_line) <= WIDTH or not params:
        return one_line
    body = "".join(f"    {param},\n" for param in params)
    return f"{head}\n{body}){returns}"


def _attribute_docs(cls: type) -> dict[str, str]:
    """Docstrings written under class attributes and ``self.name = …`` in ``__init__``."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    docs: dict[str, str] = {}
    tree = ast.parse(source)
    klass = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    bodies = [klass.body, *(n.body for n in klass.body
                            if isinstance(n, ast.FunctionDef) and n.name == "__init__")]
    for body in bodies:
        for current, following in pairwise(body):
            target = _assigned(current)
            if target and isinstance(following, ast.Expr) and isinstance(
                following.value, ast.Constant
            ) and isinstance(following.value.value, str):
                docs[target] = inspect.cleandoc(following.value.value)
    return docs


def _assigned(node: ast.stmt) -> str | None:
    """The attribute a statement assigns (``x: int = 1``, ``self.x = …``), if one."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.AnnAssign):
        targets = [node.target]
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        targets = node.targets
    for target in targets:
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and (
            target.value.id == "self"
        ):
            return target.attr
    return None


def _annotations(cls: type) -> dict[str, str]:
    """Field annotations as written, base classes first."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).get("__annotations__", {}).items():
            found[name] = value if isinstance(value, str) else _type_name(value)
    return found


QUALIFIED = re.compile(r"\b(?:[a-z_]\w*\.)+([A-Za-z_]\w*)")


def _type_name(value: Any) -> str:
    """An evaluated annotation as one would write it (``type[BaseModel]``, not
    ``type[pydantic.main.BaseModel]``)."""
    if isinstance(value, type):
        return value.__qualname__
    if typing.get_origin(value) is typing.Annotated:
        from salesplan.core.i18n_types import Label

        if value == Label:
            return "Label"
        base, *metadata = typing.get_args(value)
        # The metadata's class names only: their reprs hold memory addresses.
        return f"Annotated[{_type_name(base)}, {', '.join(type(m).__name__ for m in metadata)}]"
    return QUALIFIED.sub(r"\1", str(value))


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n")[0].split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> str:
    keep = [i for i in range(len(header)) if i < 2 or any(row[i] for row in rows)]
    lines = ["| " + " | ".join(header[i] for i in keep) + " |",
             "|" + "|".join("---" for _ in keep) + "|"]
    lines += ["| " + " | ".join(_cell(row[i]) for i in keep) + " |" for row in rows]
    return "\n".join(lines)


def _model_fields(cls: Any) -> Iterator[tuple[str, str, str, str]]:
    """``(name, type, default, meaning)`` of a pydantic model's fields."""
    from pydantic_core import PydanticUndefined

    annotations, docs = _annotations(cls), _attribute_docs(cls)
    for name, info in cls.model_fields.items():
        if info.default_factory is not None:
            factory = info.default_factory
            default = _factory(factory)
        elif info.default is PydanticUndefined:
            default = "required"
        else:
            default = repr(info.default)
        meaning = info.description or docs.get(name, "")
        yield name, annotations.get(name, _type_name(info.annotation)), default, meaning


def _dataclass_fields(cls: Any) -> Iterator[tuple[str, str, str, str]]:
    docs = _attribute_docs(cls)
    for item in dataclasses.fields(cls):
        if item.default is not dataclasses.MISSING:
            default = repr(item.default)
        elif item.default_factory is not dataclasses.MISSING:
            default = _factory(item.default_factory)
        else:
            default = "required"
        kind = item.type if isinstance(item.type, str) else _type_name(item.type)
        yield item.name, kind, default, docs.get(item.name, "")


EMPTY = {"list": "[]", "dict": "{}", "tuple": "()", "set": "set()"}


def _factory(factory: Any) -> str:
    """A default factory as the value it makes (``[]``) or its call (``Settings()``)."""
    name = getattr(factory, "__name__", "factory")
    return EMPTY.get(name, f"{name}()")


def _bases(cls: type) -> str:
    """The base classes as written in the class statement."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        klass = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
        names = [ast.unparse(base) for base in klass.bases]
    except (OSError, TypeError, StopIteration):
        names = [base.__name__ for base in cls.__bases__ if base is not object]
    return f"({', '.join(names)})" if names else ""


def _render_fields(cls: type, rows: list[tuple[str, str, str, str]]) -> str:
    if not rows:
        return ""
    table = _table(["Field", "Type", "Default", "Meaning"],
                   [[f"`{n}`", f"`{t}`", f"`{d}`" if d != "required" else d, m]
                    for n, t, d, m in rows])
    return table


def _public_members(cls: type) -> Iterator[tuple[str, Any]]:
    for name, value in vars(cls).items():
        if not name.startswith("_"):
            yield name, value


def _render_plain_class(cls: type, doc: str) -> str:
    """A class with behaviour: constructor, docstring, attributes, properties, methods."""
    docs = _attribute_docs(cls)
    parts: list[str] = []
    init = vars(cls).get("__init__")
    if init is not None:
        parts.append("```python\n" + signature(init, name=cls.__name__, method=True)
                     .replace("def ", "class ", 1).rsplit(" -> ", 1)[0] + "\n```")
    else:
        parts.append(f"```python\nclass {cls.__name__}{_bases(cls)}\n```")
    if doc:
        parts.append(doc)
    attributes = [[f"`{name}`", _first_paragraph(doc)] for name, doc in docs.items()
                  if not name.startswith("_") and name not in vars(cls)]
    members: list[str] = []
    for name, value in _public_members(cls):
        if isinstance(value, property) and value.fget is not None:
            node = _function_node(value.fget)
            kind = _unparse(node.returns)
            members.append(f"- `{name}: {kind}` — {_first_paragraph(_docstring(value))}")
        elif isinstance(value, cached_property):
            node = _function_node(value.func)
            kind = _unparse(node.returns)
            members.append(f"- `{name}: {kind}` — {_first_paragraph(_docstring(value.func))}")
        elif inspect.isfunction(value):
            text = signature(value, method=True).removeprefix("def ")
            if "\n" in text:
                text = " ".join(text.split()).replace("( ", "(").replace(", )", ")")
            doc = _first_paragraph(_docstring(value))
            members.append(f"- `{text}`" + (f" — {doc}" if doc else ""))
    if attributes:
        parts.append(_table(["Attribute", "Meaning"], attributes))
    if members:
        parts.append("\n".join(members))
    return "\n\n".join(parts)


def _render_class(cls: type, dotted: str) -> str:
    plain = not hasattr(cls, "model_fields") and not dataclasses.is_dataclass(cls)
    header = "" if plain else f"```python\nclass {cls.__name__}{_bases(cls)}\n```"
    doc = _docstring(cls)
    parts = [header, doc]
    table = getattr(cls, "__tablename__", None)
    if isinstance(table, str):
        parts.append(f"Table `{table}`.")
    if hasattr(cls, "model_fields"):
        parts.append(_render_fields(cls, list(_model_fields(cls))))
    elif dataclasses.is_dataclass(cls):
        parts.append(_render_fields(cls, list(_dataclass_fields(cls))))
    methods = _render_methods(cls) if (hasattr(cls, "model_fields")
                                       or dataclasses.is_dataclass(cls)) else ""
    if methods:
        parts.append(methods)
    if plain:
        parts = [_render_plain_class(cls, doc)]
    return "\n\n".join(part for part in parts if part)


def _render_methods(cls: type) -> str:
    """The public methods a model or dataclass defines itself (``check``, ``apply``…)."""
    lines: list[str] = []
    for name, value in _public_members(cls):
        function = value.__func__ if isinstance(value, classmethod | staticmethod) else value
        if not inspect.isfunction(function) or name.startswith("model_"):
            continue
        lines.append("```python\n" + signature(function, method=True) + "\n```")
        doc = _docstring(function)
        if doc:
            lines.append(doc)
    return "\n\n".join(lines)


def _render_table(table: Any) -> str:
    columns = [[f"`{column.name}`", f"`{type(column.type).__name__}`"] for column in table.c]
    return f"Table `{table.name}`:\n\n" + _table(["Column", "Type"], columns)


def render_object(dotted: str) -> str:
    """The Markdown of one block (see the module)."""
    obj = resolve(dotted)
    if inspect.isclass(obj):
        return _render_class(obj, dotted)
    if inspect.isfunction(obj):
        text = "```python\n" + signature(obj) + "\n```"
        doc = _docstring(obj)
        return text + (f"\n\n{doc}" if doc else "")
    if hasattr(obj, "c") and hasattr(obj, "name"):  # a SQLAlchemy table
        return _render_table(obj)
    name = dotted.rsplit(".", 1)[-1]
    if isinstance(obj, str) and "\n" in obj:  # a text: shown as it reads
        language = "toml" if obj.lstrip().startswith("[") else "text"
        return f"`{name}`:\n\n```{language}\n{obj.rstrip()}\n```"
    return f"```python\n{name} = {obj!r}\n```"


def render_page(text: str) -> str:
    """``text`` with every block rendered afresh."""

    def block(match: re.Match[str]) -> str:
        return f"{match.group(1)}{render_object(match.group('name'))}\n{match.group(4)}"

    return BLOCK.sub(block, text)


def documented_names(text: str) -> list[str]:
    """The dotted names of the page's blocks."""
    return [match.group("name") for match in BLOCK.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m salesplan.core.testing.apidoc",
                                     description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("pages", nargs="+", type=Path, help="Markdown pages to regenerate.")
    parser.add_argument("--check", action="store_true",
                        help="Only check: exit 1 when a page is out of date.")
    options = parser.parse_args(argv)
    stale: list[Path] = []
    for path in options.pages:
        text = path.read_text(encoding="utf-8")
        fresh = render_page(text)
        if fresh != text:
            stale.append(path)
            if not options.check:
                path.write_text(fresh, encoding="utf-8")
    for path in stale:
        print(f"{path}: {'out of date' if options.check else 'regenerated'}", file=sys.stderr)
    return 1 if stale and options.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
