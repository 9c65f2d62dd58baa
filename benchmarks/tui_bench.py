"""Screen-switch latency of the TUI on a large base (issue 7, "Speed").

```
python benchmarks/tui_bench.py [--dir DIR] [--wait SECONDS] [--size WxH] [--no-prepare]
```

``DIR`` holds a demo team (``salesplan demo --size large --no-tui --dir DIR``; built when
missing). The app runs headless under ``App.run_test()`` with the real clock. The script
times:

* launch → the dashboard is first painted ("interactive"), then → its
  data is shown;
* after ``--wait`` seconds of idle (what a user takes to read the dashboard), each main
  screen's key → that screen is current and its widgets are laid out; twice, so the first
  visit (screen composed) and a revisit (screen kept) are both measured. The lead file
  (``enter`` on the first card of the pipeline) is opened and closed twice the same way.

Data loads in workers after the screen shows; the times here are the switch itself.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual._wait import wait_for_idle
from textual.screen import Screen

from salesplan.core.context import load_app
from salesplan.tui.app import SalesplanApp
from salesplan.tui.prepare import ScreenPreparer

SCREENS = (
    ("p", "PipelineScreen"),
    ("l", "ProspectingScreen"),
    ("r", "ReportsScreen"),
    ("n", "PlannerScreen"),
    ("s", "SettingsScreen"),
    ("d", "DashboardScreen"),
)


def ensure_demo(folder: Path) -> Path:
    config = folder / "salesplan.toml"
    if not config.exists():
        subprocess.run(
            ["salesplan", "demo", "--size", "large", "--no-tui", "--dir", str(folder)],
            check=True,
        )
    return config


class PaintLog:
    """Records when each screen is painted (``App._display``, called with the compositor's
    update: the widgets have been composed, laid out and rendered)."""

    def __init__(self, app: SalesplanApp) -> None:
        self.app = app
        self.paints: list[tuple[float, Screen[Any]]] = []
        display = app._display

        def record(screen: Screen[Any], renderable: Any) -> None:
            if renderable is not None and not app._batch_count:
                self.paints.append((time.perf_counter(), screen))
            display(screen, renderable)

        app._display = record  # type: ignore[method-assign]

    def painted_since(self, start: float, class_name: str) -> float | None:
        for at, screen in self.paints:
            if at >= start and type(screen).__name__ == class_name:
                return at
        return None


async def until(condition: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll ``condition()`` every few ms; returns its first true value."""
    deadline = time.perf_counter() + timeout
    while not (value := condition()):
        if time.perf_counter() > deadline:
            raise TimeoutError("condition never held")
        await asyncio.sleep(0.002)
    return value


async def settled(app: SalesplanApp) -> float:
    """When the screen's data is shown: workers done and the message queues drained."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await wait_for_idle(0)
    return time.perf_counter()


async def switch(app: SalesplanApp, log: PaintLog, key: str,
                 class_name: str) -> tuple[float, float]:
    """Press ``key``: milliseconds to the first paint of ``class_name``, and to settled."""
    start = time.perf_counter()
    press = asyncio.create_task(app._press_keys([key]))
    painted = await until(lambda: log.painted_since(start, class_name))
    await press
    done = await settled(app)
    return (painted - start) * 1000, (done - start) * 1000


async def run(config: Path, wait: float, size: tuple[int, int]) -> None:
    ctx = load_app(config)
    app = SalesplanApp(ctx)
    log = PaintLog(app)
    launch = time.perf_counter()
    async with app.run_test(size=size):
        ready = await until(lambda: log.painted_since(launch, "DashboardScreen"))
        filled = await until(lambda: getattr(app.screen, "data", None) is not None
                             and time.perf_counter())
        print(f"dashboard painted {1000 * (ready - launch):5.0f} ms, "
              f"data shown {1000 * (filled - launch):5.0f} ms after launch")
        await asyncio.sleep(wait)
        print(f"{'':5} {'screen':18} {'painted':>8} {'settled':>8}")
        for visit in ("first", "again"):
            for key, class_name in SCREENS:
                painted, done = await switch(app, log, key, class_name)
                print(f"{visit:5} {class_name:18} {painted:5.0f} ms {done:5.0f} ms")
        await switch(app, log, "p", "PipelineScreen")
        for visit in ("first", "again"):
            painted, done = await switch(app, log, "enter", "LeadFileScreen")
            print(f"{visit:5} {'LeadFileScreen':18} {painted:5.0f} ms {done:5.0f} ms")
            await switch(app, log, "escape", "PipelineScreen")
        await app.action_quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/tuibench"))
    parser.add_argument("--wait", type=float, default=3.0)
    parser.add_argument("--size", default="160x48")
    parser.add_argument("--no-prepare", action="store_true",
                        help="do not compose screens ahead (every first visit composes)")
    args = parser.parse_args()
    if args.no_prepare:
        ScreenPreparer.start = lambda self, delay=0.0: None  # type: ignore[method-assign]
    width, height = (int(v) for v in args.size.split("x"))
    config = ensure_demo(args.dir)
    print(f"python {sys.version.split()[0]}, base {config}")
    asyncio.run(run(config, args.wait, (width, height)))


if __name__ == "__main__":
    main()
