"""Helpers for plugin tests: throwaway plugin modules and fake installed distributions.

A fake distribution is a folder with ``NAME-VERSION.dist-info/{METADATA,entry_points.txt,
RECORD}`` next to its package, put on ``sys.path``; ``importlib.metadata`` then lists it like an
installed one, so discovery goes through the real entry-point code path. Everything a test
imports from that folder is removed from ``sys.modules`` when the test ends.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from salesplan.core.pluginmanager import PluginInfo, plugin_info_from_module
from tests.conftest import base_config_text

ENABLED_TAIL = '"planner"]'


def config_text(*enable: str, extra: str = "", base: str | None = None) -> str:
    """The standard test team with more plugins enabled and TOML appended."""
    text = base_config_text() if base is None else base
    assert ENABLED_TAIL in text, "tests/data/base.toml changed its [plugins] list"
    if enable:
        added = ", ".join(f'"{name}"' for name in enable)
        text = text.replace(ENABLED_TAIL, f'"planner", {added}]', 1)
    return text + ("\n" + textwrap.dedent(extra) if extra else "")


def plugin_module(name: str, source: str, *, module_name: str | None = None) -> types.ModuleType:
    """A plugin module built from source; ``MANIFEST`` is added when the source has none."""
    module = types.ModuleType(module_name or f"throwaway_{name}")
    code = textwrap.dedent(source)
    if "MANIFEST" not in code:
        code = f"MANIFEST = PluginManifest(name={name!r})\n" + code
    if "@hookimpl" not in code:  # a plugin must implement a hook: give it a harmless one
        code += "\n@hookimpl\ndef salesplan_reports():\n    return []\n"
    code = (
        "from salesplan.core import hookimpl\n"
        "from salesplan.core.manifest import PluginManifest\n" + code
    )
    exec(compile(code, f"<plugin {name}>", "exec"), module.__dict__)
    return module


def plugin(name: str, source: str = "", *, origin: str = "test") -> PluginInfo:
    """A ``PluginInfo`` for a throwaway plugin, to pass as ``load_app(extra_plugins=...)``."""
    return plugin_info_from_module(plugin_module(name, source), origin=origin)


class FakeSite:
    """A folder on ``sys.path`` holding fake installed distributions."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def distribution(
        self,
        name: str,
        version: str = "1.0",
        *,
        entry_points: Mapping[str, str],
        files: Mapping[str, str],
    ) -> Path:
        """Write a distribution: metadata, ``salesplan`` entry points and package files."""
        dist_info = self.root / f"{name.replace('-', '_')}-{version}.dist-info"
        dist_info.mkdir(parents=True)
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = "".join(f"{key} = {value}\n" for key, value in entry_points.items())
        (dist_info / "entry_points.txt").write_text(f"[salesplan]\n{lines}", encoding="utf-8")
        record = []
        for relative, source in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source), encoding="utf-8")
            record.append(f"{relative},,")
        (dist_info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
        importlib.invalidate_caches()  # finders cache folder listings by modification time
        return dist_info

    def imported(self) -> list[str]:
        """Modules imported from this folder so far."""
        return sorted(
            name
            for name, module in list(sys.modules.items())
            if str(getattr(module, "__file__", None) or "").startswith(str(self.root))
        )


@contextmanager
def fake_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSite]:
    """A ``FakeSite`` on ``sys.path`` for one test; its modules are unloaded afterwards."""
    root = tmp_path / "site-packages"
    root.mkdir()
    site = FakeSite(root)
    monkeypatch.syspath_prepend(str(root))
    try:
        yield site
    finally:
        for name in site.imported():
            sys.modules.pop(name, None)
