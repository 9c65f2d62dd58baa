"""The README's examples run as written (on a copy of configs/, with the installed CLI)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _block_after(heading: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(heading):]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert block is not None
    return [line.split("#   →")[0].strip() for line in block.group(1).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_working_the_pipeline_example_runs(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "configs", work / "configs")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SALESPLAN_") or k == "SALESPLAN_TEST_POSTGRES_URL"}
    env.pop("SALESPLAN_TEST_POSTGRES_URL", None)
    cwd = work
    for line in _block_after("### Working the pipeline"):
        words = shlex.split(line.split("  #")[0])
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        if words[0] == "export":
            for assignment in words[1:]:
                name, _, value = assignment.partition("=")
                env[name] = value
            continue
        assert words[0] == "salesplan", line
        result = subprocess.run(
            [sys.executable, "-m", "salesplan.core.cli.main", *words[1:]], cwd=cwd, env=env,
            capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 0, (line, result.stdout, result.stderr)
    assert (work / "configs" / "acme.db").exists()
