"""Planner: a revenue target and the funnel ratios (configured, or measured over a range for
the team or one member) turned into actions per segment and member, recomputed live as any
value changes. ``a`` applies the plan as objectives after a confirmation that shows the
change (the same write-back as ``salesplan plan --write``), then reloads the config.

The math is the core's (``salesplan.plugins.planner.funnel``); this screen only gathers the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from fractions import Fraction
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from salesplan.core.calendar import PERIOD_KINDS, check_kind, period_containing
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import lazy_translator, plural_translator, translator
from salesplan.plugins.objectives.config import Objective, configured_objectives
from salesplan.plugins.planner.funnel import (
    SCALAR_RATIOS,
    FunnelRatios,
    Plan,
    build_plan,
    choose_ratios,
    configured_ratios,
    exact,
    ratio_number,
)
from salesplan.plugins.planner.measure import MeasuredFunnel, measure_funnel
from salesplan.plugins.planner.settings import funnel_settings
from salesplan.plugins.planner.write import objectives_after, plan_objectives, write_objectives
from salesplan.tui.screens.base import WRITE_GROUP, SalesplanScreen
from salesplan.tui.screens.confirm import ConfirmModal
from salesplan.tui.widgets.navbar import NavBar
from salesplan.tui.widgets.tables import fill_table

N_ = lazy_translator("planner")
_ = translator("planner")
ngettext = plural_translator("planner")

TEAM = "__team__"
PLANNER_PLUGIN = "planner"


def ratio_text(value: Fraction | None) -> str:
    number = ratio_number(value)
    if number is None:
        return ""
    return f"{number:.4f}".rstrip("0").rstrip(".")


PERIOD_WORDS = {"day": N_("day"), "week": N_("week"), "month": N_("month"),
                "quarter": N_("quarter"), "year": N_("year")}


def period_word(kind: str) -> str:
    """``month`` / ``mois``: a period kind as people say it."""
    return str(PERIOD_WORDS.get(kind, kind.replace("_", " ")))


def cadence_words(target: int, per: str) -> str:
    """``33 a day`` / ``33 par jour``."""
    return _("{target} a {period}").format(target=target, period=period_word(per))


def count_text(count: int, metric: str, types: Mapping[str, Any]) -> str:
    """``720 calls`` / ``720 appels``: a plan's count with its unit, singular or plural."""
    if metric == "prospects":
        return ngettext("{count} prospect", "{count} prospects", count).format(count=count)
    spec = types.get(metric)
    unit = str(spec.label).lower() if spec is not None else metric.replace("_", " ")
    return ngettext("{count} {unit}", "{count} {unit}s", count).format(count=count, unit=unit)


def ratio_keys(ratios: FunnelRatios) -> list[str]:
    """Every ratio as a flat key: ``deal_size``, ``per_prospect.prospecting.call``…"""
    keys = list(SCALAR_RATIOS)
    for stage in ("per_prospect", "per_opportunity"):
        for segment, types in getattr(ratios, stage).items():
            keys += [f"{stage}.{segment}.{type_id}" for type_id in types]
    return keys


def ratio_label(key: str) -> str:
    """``per_prospect.prospecting.call`` → ``call per prospect (prospecting)``."""
    if key in SCALAR_RATIOS:
        return key.replace("_", " ")
    stage, segment, type_id = key.split(".", 2)
    unit = "prospect" if stage == "per_prospect" else "opportunity"
    return f"{type_id} per {unit} ({segment})"


def ratio_value(ratios: FunnelRatios, key: str) -> Fraction | None:
    if key in SCALAR_RATIOS:
        return ratios.scalar(key)
    stage, segment, type_id = key.split(".", 2)
    value: Fraction | None = getattr(ratios, stage).get(segment, {}).get(type_id)
    return value


def objective_text(objective: Objective) -> str:
    target = int(objective.target) if float(objective.target).is_integer() else objective.target
    extra = f" ({objective.pipeline})" if objective.pipeline else ""
    return f"{objective.who} · {objective.metric} {target}/{objective.per}{extra}"


class PlannerScreen(SalesplanScreen):
    """The reverse funnel, live."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "apply", N_("Apply as objectives")),
        Binding("ctrl+r", "reset", N_("Reset ratios")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None
        self.configured: FunnelRatios | None = None
        self.sources: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("planner")
        try:
            if PLANNER_PLUGIN not in self.ctx.config.plugins.enabled:
                raise SalesplanError(
                    _("the {PLANNER_PLUGIN!r} plugin is not enabled in this config: enable it in "
                      "Settings → Plugins to plan from a revenue target").format(
                        PLANNER_PLUGIN=PLANNER_PLUGIN)
                )
            self.configured = configured_ratios(funnel_settings(self.ctx))
        except SalesplanError as exc:
            self.configured = None
            yield Static(Text(f" {exc.message}", style="yellow"), id="plan-missing")
            yield Footer()
            return
        today = self.sp.today
        with Horizontal():
            with VerticalScroll(id="planner-inputs", classes="box") as box:
                box.border_title = _("Target and ratios")
                yield Label(_("Revenue target"), classes="field-label")
                yield Input(str(self._default_revenue()), type="number", id="plan-revenue")
                yield Label(_("Period"), classes="field-label")
                yield Select([(k.replace("_", " "), k) for k in PERIOD_KINDS], value="month",
                             allow_blank=False, id="plan-period")
                yield Label(_("Ratios"), classes="field-label")
                yield Select([("Configured", "configured"), ("Measured", "measured")],
                             value="configured", allow_blank=False, id="plan-source")
                with Vertical(id="measure-box"):
                    yield Label(_("Measured from / to"), classes="field-label")
                    with Horizontal(classes="form-row"):
                        yield Input((today - timedelta(days=89)).isoformat(),
                                    id="measure-from")
                        yield Input(today.isoformat(), id="measure-to")
                    yield Select([("Whole team", TEAM)] +
                                 [(m.name, m.id) for m in self.ctx.config.members],
                                 value=TEAM, allow_blank=False, id="measure-member")
                yield Label(_("Funnel ratios"), classes="field-label")
                for key in ratio_keys(self.configured):
                    with Horizontal(classes="ratio-row"):
                        yield Label(ratio_label(key), classes="ratio-label",
                                    id=f"label-{key.replace('.', '--')}")
                        yield Input(ratio_text(ratio_value(self.configured, key)),
                                    type="number", id=f"ratio-{key.replace('.', '--')}")
            with Vertical(id="planner-result", classes="box") as box:
                box.border_title = _("Plan")
                yield Static("", id="plan-summary")
                yield DataTable(id="plan-members", cursor_type="row", zebra_stripes=True)
                with Horizontal(classes="dialog-buttons"):
                    yield Button(_("Apply as objectives (a)"), variant="primary", id="apply")
        yield Footer()

    def _default_revenue(self) -> int:
        for objective in configured_objectives(self.ctx):
            if objective.who == "team" and objective.metric == "revenue" and \
                    objective.per == "month":
                return int(objective.target)
        funnel = funnel_settings(self.ctx)
        return int(funnel.deal_size * 3) if funnel else 100000

    def on_mount(self) -> None:
        if self.configured is not None:
            self.query_one("#measure-box").display = False

    # -- inputs -----------------------------------------------------------------------------

    def _ratio_input(self, key: str) -> Input:
        return self.query_one(f"#ratio-{key.replace('.', '--')}", Input)

    def read_ratios(self) -> FunnelRatios:
        """The ratios as typed (a ``DataError`` names a bad one)."""
        assert self.configured is not None
        ratios = FunnelRatios(deal_size=None, opportunities_per_sale=None,
                              prospects_per_opportunity=None,
                              prospects_by=self.configured.prospects_by)
        for key in ratio_keys(self.configured):
            text = self._ratio_input(key).value.strip()
            value = exact(text) if text else None
            if key in SCALAR_RATIOS:
                setattr(ratios, key, value)
            elif value is not None:
                stage, segment, type_id = key.split(".", 2)
                getattr(ratios, stage).setdefault(segment, {})[type_id] = value
        return ratios

    def load(self) -> None:
        """Recompute the plan from the inputs (pure arithmetic: on the UI thread)."""
        if self.configured is None:
            return
        summary = self.query_one("#plan-summary", Static)
        try:
            revenue = exact(self.query_one("#plan-revenue", Input).value or "0")
            kind = str(self.query_one("#plan-period", Select).value)
            period = period_containing(check_kind(kind), self.sp.today,
                                       self.ctx.config.team.week_starts)
            plan = build_plan(self.ctx.config, revenue, self.read_ratios(), period)
        except SalesplanError as exc:
            self.plan = None
            summary.update(Text(f"⚠ {exc.message}", style="bold red"))
            self.query_one("#plan-members", DataTable).clear(columns=True)
            return
        self.plan = plan
        self.show_plan(plan)

    def show_plan(self, plan: Plan) -> None:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="right", style="bold")
        grid.add_column()
        grid.add_row(f"{plan.sales}", ngettext("sale", "sales", plan.sales))
        grid.add_row(f"{plan.opportunities}",
                     ngettext("opportunity", "opportunities", plan.opportunities))
        grid.add_row(f"{plan.prospects}", ngettext("prospect", "prospects", plan.prospects))
        types = self.ctx.registry.action_types
        for segment, counts in plan.segments.items():
            parts = ", ".join(count_text(count, metric, types) for metric, count in counts.items())
            grid.add_row(Text(segment, style="cyan"), parts)
        period = Text(_("{replace} {label} · {working_days} working days").format(
            replace=period_word(plan.period.kind), label=plan.period.label,
            working_days=plan.working_days), style="dim")
        lines = Text("\n").join(Text(f"  {line.text}", style="dim") for line in plan.lines)
        notes = Text("\n").join(Text(note, style="yellow") for note in plan.notes)
        from rich.console import Group

        self.query_one("#plan-summary", Static).update(Group(period, grid, lines, notes))
        members = {m.id: m.name for m in self.ctx.config.members}
        types = self.ctx.registry.action_types
        rows: list[list[str | Text]] = []
        for member, counts in plan.members.items():
            for metric, count in counts.items():
                spec = types.get(metric)
                cadence = plan.cadence[member][metric]
                rows.append([
                    members.get(member, member),
                    plan.member_segment[member],
                    Text(f"{spec.icon} {spec.label}" if spec else metric),
                    Text(str(count), justify="right"),
                    Text(cadence_words(cadence.target, cadence.per), justify="right"),
                ])
        fill_table(self.query_one("#plan-members", DataTable),
                   [_("Member"), _("Segment"), _("Metric"),
                    _("Per {period}").format(period=period_word(plan.period.kind)),
                    _("Cadence")], rows)

    def on_input_changed(self, _event: Input.Changed) -> None:
        if _event.input.id and _event.input.id.startswith(("ratio-", "plan-")):
            self.load()

    @property
    def measuring(self) -> bool:
        return self.query_one("#plan-source", Select).value == "measured"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("measure-from", "measure-to") and self.measuring:
            self.measure()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "plan-period":
            self.load()
        elif event.select.id == "plan-source":
            measured = event.value == "measured"
            self.query_one("#measure-box").display = measured
            if measured:
                self.measure()
            else:
                self.action_reset()
        elif event.select.id == "measure-member" and self.measuring:
            self.measure()

    # -- measured ratios --------------------------------------------------------------------

    def measure(self) -> None:
        from salesplan.core.calendar import parse_day

        try:
            start = parse_day(self.query_one("#measure-from", Input).value)
            end = parse_day(self.query_one("#measure-to", Input).value)
        except SalesplanError as exc:
            self.sp.show_error(exc, "Bad range")
            return
        member_value = self.query_one("#measure-member", Select).value
        member = None if member_value == TEAM else str(member_value)
        ctx = self.ctx

        def fetch() -> MeasuredFunnel:
            with ctx.session() as session:
                return measure_funnel(session, ctx, start=start, end=end, member=member)

        self.in_thread(fetch, self.show_measured, group="measure",
                       error_title=_("Cannot measure the funnel"))

    def show_measured(self, measured: MeasuredFunnel) -> None:
        assert self.configured is not None
        used, choices = choose_ratios(self.configured, measured.ratios)
        self.sources = {choice.key: choice.source for choice in choices}
        self._fill(used)
        for note in measured.notes:
            self.notify(note, severity="information", timeout=6)

    def _fill(self, ratios: FunnelRatios) -> None:
        assert self.configured is not None
        with self.prevent(Input.Changed):
            for key in ratio_keys(self.configured):
                self._ratio_input(key).value = ratio_text(ratio_value(ratios, key))
                source = self.sources.get(key, "configured")
                label = ratio_label(key)
                style = "green" if source == "measured" else "yellow" if "(" in source else ""
                self.query_one(f"#label-{key.replace('.', '--')}", Label).update(
                    Text.assemble(label, "\n", (source, style or "dim"))
                )
        self.load()

    def action_reset(self) -> None:
        if self.configured is None:
            return
        self.sources = {}
        self._fill(self.configured)

    # -- apply ------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()

    def action_apply(self) -> None:
        plan = self.plan
        if plan is None:
            self.notify(_("No valid plan to apply"), severity="warning")
            return
        proposal = plan_objectives(plan, self.ctx.registry.action_types)
        before = configured_objectives(self.ctx)
        after = objectives_after(before, proposal.objectives)
        table = Table(title=_("Objectives in {name}").format(
            name=self.ctx.config_path.name), title_justify="left",
                      expand=True)
        table.add_column(_("Before"))
        table.add_column(_("After"))
        for index in range(max(len(before), len(after))):
            old = objective_text(before[index]) if index < len(before) else ""
            new = objective_text(after[index]) if index < len(after) else ""
            table.add_row(Text(old, style="" if old == new else "red"),
                          Text(new, style="" if old == new else "green"))
        from rich.console import Group

        skipped = [Text(_("not written: {s}").format(s=s), style="dim") for s in proposal.skipped]
        body = Group(table, *skipped)

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._write(proposal.objectives)

        self.app.push_screen(
            ConfirmModal(_("Apply the plan as objectives?"), body, "Write objectives"), confirmed
        )

    def _write(self, objectives: list[dict[str, object]]) -> None:
        ctx = self.ctx

        def write() -> int:
            write_objectives(ctx, objectives)
            return len(objectives)

        def done(count: int) -> None:
            if not self.sp.reload_or_report("Cannot reload the config"):
                return
            self.notify(_("Wrote {count} objectives to {name}").format(
                count=count, name=ctx.config_path.name),
                        title=_("Plan applied"))

        self.in_thread(write, done, group=WRITE_GROUP, error_title=_("Cannot write the objectives"))
