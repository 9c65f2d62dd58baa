"""A report's chart series drawn with textual-plotext (bars, or lines over labelled x)."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from salesplan.core.reporting import ChartSeries


class ReportChart(PlotextPlot):
    """Draws ``ReportResult.series``; several bar series share the x labels side by side."""

    def draw(self, title: str, series: list[ChartSeries]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        bars = [s for s in series if s.kind == "bar"]
        lines = [s for s in series if s.kind == "line"]
        if len(bars) == 1:
            plt.bar(bars[0].x, bars[0].y, label=bars[0].name)
        elif len(bars) > 1:
            labels = bars[0].x
            # textual-plotext's stub names the keyword ``label``; plotext's multiple_bar takes
            # ``labels`` (one per series).
            plt.multiple_bar(labels, [_aligned(s, labels) for s in bars],
                             labels=[s.name for s in bars])  # type: ignore[call-arg]
        for line in lines:
            positions: list[float] = list(range(1, len(line.x) + 1))
            plt.plot(positions, line.y, label=line.name, marker="braille")
            plt.xticks(positions, line.x)
        self.refresh()


def _aligned(series: ChartSeries, labels: list[str]) -> list[float]:
    """The series' values in the order of ``labels`` (0 where it has none)."""
    values = dict(zip(series.x, series.y, strict=False))
    return [values.get(label, 0.0) for label in labels]
