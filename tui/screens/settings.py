"""Settings: action types (create, relabel, recolour, icon, outcomes, disable), pipeline
steps, members' segments and enabled plugins. Every change is previewed as a diff of the
config file, confirmed, written keeping the user's comments (``tui.config_edit``), and the
config is reloaded so every screen uses it at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Label, TabbedContent, TabPane

from salesplan.core.errors import SalesplanError
from salesplan.core.formatting import money
from salesplan.core.i18n import N_, _, ngettext
from salesplan.core.services.strandings import (
    hand_over,
    move_open_leads,
    open_leads_by_step,
    owned_by,
)
from salesplan.tui import config_edit
from salesplan.tui.config_edit import Edit
from salesplan.tui.screens.action_type_form import ActionTypeForm
from salesplan.tui.screens.base import WRITE_GROUP, SalesplanScreen
from salesplan.tui.screens.choose import ChoiceModal
from salesplan.tui.screens.confirm import ConfirmModal
from salesplan.tui.screens.prompt import PromptModal
from salesplan.tui.widgets.navbar import NavBar
from salesplan.tui.widgets.tables import fill_table


class SettingsScreen(SalesplanScreen):
    """The config, editable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", N_("New")),
        Binding("e", "edit", N_("Edit")),
        Binding("x", "disable", N_("Disable/toggle")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("settings")
        yield Label("", id="settings-file", classes="settings-hint")
        with TabbedContent(id="settings-tabs"):
            with TabPane(_("Action types"), id="tab-types"):
                yield DataTable(id="types", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Pipelines"), id="tab-pipelines"):
                yield DataTable(id="pipelines", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Segments"), id="tab-members"):
                yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Plugins"), id="tab-plugins"):
                yield DataTable(id="plugins", cursor_type="row", zebra_stripes=True)
        yield Footer()

    # -- tables -----------------------------------------------------------------------------

    def load(self) -> None:
        ctx = self.ctx
        registry = ctx.registry
        self.query_one("#settings-file", Label).update(
            f" Editing {ctx.config_path.name} — every change is shown as a diff before it is "
            "written; comments are kept."
        )
        types = list(registry.action_types.values())
        fill_table(
            self.query_one("#types", DataTable),
            ["Id", "Label", "Icon", "Colour", "Outcomes", "From"],
            [
                [
                    spec.id,
                    Text(spec.label, style="bold"),
                    spec.icon,
                    Text(spec.color, style="" if spec.color == "default" else spec.color),
                    Text(", ").join(
                        Text(o.label, style="" if o.color == "default" else o.color)
                        for o in spec.outcomes
                    ),
                    registry.action_type_origin.get(spec.id, "config"),
                ]
                for spec in types
            ],
            keys=[spec.id for spec in types],
        )
        pipelines = ctx.config.pipelines
        fill_table(
            self.query_one("#pipelines", DataTable),
            ["Id", "Label", "Steps"],
            [[p.id, p.title, " → ".join(p.steps)] for p in pipelines],
            keys=[p.id for p in pipelines],
        )
        members = ctx.config.members
        fill_table(
            self.query_one("#members", DataTable),
            ["Member", "Name", "Segment", "Role"],
            [[m.id, m.name, Text(m.segment, style="cyan"), m.role] for m in members],
            keys=[m.id for m in members],
        )
        self._load_plugins()

    def _load_plugins(self) -> None:
        enabled = self.ctx.config.plugins.enabled
        available = self.ctx.plugins.available
        infos = [(name, info) for name, info in sorted(available.items()) if not info.always_on]
        fill_table(
            self.query_one("#plugins", DataTable),
            ["On", "Plugin", "Version", "Summary", "From"],
            [
                [
                    Text("✔", style="bold green") if name in enabled else Text("·", style="dim"),
                    name,
                    info.manifest.version,
                    info.manifest.summary,
                    info.origin,
                ]
                for name, info in infos
            ],
            keys=[name for name, _info in infos],
        )

    def _tab(self) -> str:
        return self.query_one(TabbedContent).active or ""

    def _row_key(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if table.row_count == 0 or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return str(key) if key is not None else None

    # -- saving -----------------------------------------------------------------------------

    def save(self, edit: Edit, what: str, after: Callable[[], None] | None = None) -> None:
        """Preview ``edit`` as a diff, ask, write it, reload the config, then ``after``."""
        try:
            change = config_edit.preview(self.ctx.config_path, edit)
        except SalesplanError as exc:
            self.sp.show_error(exc, "Cannot edit the config")
            return
        if not change.changed:
            self.notify(_("Nothing to change"))
            return
        body = Syntax(change.diff(), "diff", theme="ansi_dark", background_color="default")

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._write(edit, what, after)

        self.app.push_screen(ConfirmModal(_("{what} — save to {name}?").format(
            what=what, name=change.path.name), body,
                                          "Save"), confirmed)

    def _write(self, edit: Edit, what: str, after: Callable[[], None] | None = None) -> None:
        ctx = self.ctx

        def write() -> None:
            config_edit.apply(ctx, edit)

        def done(_none: None) -> None:
            if not self.sp.reload_or_report("Saved, but the config does not reload"):
                return
            self.notify(_("{what}: saved and reloaded").format(
                what=what), title=ctx.config_path.name)
            if after is not None:
                after()

        self.in_thread(write, done, group=WRITE_GROUP, error_title=_("Not saved"))

    def on_context_changed(self) -> None:
        self._generation = self.sp.generation
        self.load()

    # -- actions ----------------------------------------------------------------------------

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_new(self) -> None:
        """``n``: a new entry of the open tab (action type, member)."""
        if self._tab() == "tab-members":
            self._new_member()
        else:
            self.action_new_type()

    def _new_member(self) -> None:
        segments = [(segment.id, segment.title) for segment in self.ctx.config.segments]

        def named(text: str | None) -> None:
            if not text or not text.strip():
                return
            member_id, _sep, name = text.partition(",")
            member_id, name = member_id.strip(), name.strip() or member_id.strip()
            if self.ctx.config.member(member_id) is not None:
                self.sp.show_error(_("member {id!r} already exists").format(id=member_id),
                                   _("Cannot create"))
                return

            def segment_chosen(segment: str | None) -> None:
                if segment:
                    self.save(config_edit.add_member(member_id, name, segment),
                              f"New member {member_id}")

            self.app.push_screen(ChoiceModal(_("Segment of {name}").format(name=name),
                                             segments, segments[0][0] if segments else ""),
                                 segment_chosen)

        self.app.push_screen(PromptModal(_("New member: id, full name"),
                                         placeholder=_("jane, Jane Roe")), named)

    def _remove_member(self) -> None:
        member = self.ctx.config.member(self._row_key("members") or "")
        if member is None:
            return
        ctx, edit, what = self.ctx, config_edit.remove_member(member.id), f"Remove {member.id}"
        others = [(m.id, m.name) for m in ctx.config.members if m.id != member.id]

        def counted(owned: tuple[int, int, int]) -> None:
            leads, prospects, reminders = owned
            if not any(owned):
                self.save(edit, what)
                return
            title = _("{name} has {leads} open leads, {prospects} prospects and {reminders} "
                      "open reminders: give them to").format(
                name=member.name, leads=leads, prospects=prospects, reminders=reminders)

            def chosen(heir: str | None) -> None:
                if heir:
                    self.save(edit, what, after=lambda: self._hand_over(member.id, heir))

            self.app.push_screen(ChoiceModal(title, others, others[0][0] if others else ""),
                                 chosen)

        def count() -> tuple[int, int, int]:
            with ctx.session() as session:
                return owned_by(session, member.id)

        self.in_thread(count, counted, error_title=_("Cannot count what they own"))

    def _hand_over(self, member: str, heir: str) -> None:
        ctx = self.ctx

        def write() -> tuple[int, int, int]:
            with ctx.write_session() as session:
                moved = hand_over(session, ctx, member=member, to=heir)
                session.commit()
            return moved

        def done(moved: tuple[int, int, int]) -> None:
            self.sp.data_changed()
            self.notify(_("Given to {heir}: {leads} leads, {prospects} prospects, {reminders} "
                          "reminders").format(heir=heir, leads=moved[0], prospects=moved[1],
                                              reminders=moved[2]))

        self.in_thread(write, done, group=WRITE_GROUP, error_title=_("Cannot hand over"))

    def action_new_type(self) -> None:
        def chosen(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            if values["id"] in self.ctx.registry.action_types:
                self.sp.show_error(_("action type {id!r} already exists").format(id=values['id']),
                                   "Cannot create")
                return
            self.save(config_edit.set_action_type(
                values["id"], label=values["label"], icon=values["icon"],
                color=values["color"], outcomes=values["outcomes"],
            ), f"New action type {values['id']}")

        self.app.push_screen(ActionTypeForm(None), chosen)

    def action_edit(self) -> None:
        tab = self._tab()
        if tab == "tab-types":
            self._edit_type()
        elif tab == "tab-pipelines":
            self._edit_pipeline()
        elif tab == "tab-members":
            self._edit_member()
        elif tab == "tab-plugins":
            self._toggle_plugin()

    def _edit_type(self) -> None:
        key = self._row_key("types")
        spec = self.ctx.registry.action_types.get(key or "")
        if spec is None:
            return

        def chosen(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            current = {"label": spec.label, "icon": spec.icon, "color": spec.color}
            changes = {k: v for k, v in values.items()
                       if k in current and v is not None and v != current[k]}
            current_outcomes = [
                {k: v for k, v in (("id", o.id), ("label", o.label), ("color", o.color))
                 if k == "id" or (v and v != "default")}
                for o in spec.outcomes
            ]
            outcomes = values["outcomes"]
            normalised = [{**o, "label": o.get("label", o["id"].replace("_", " "))}
                          for o in outcomes]
            same = normalised == [{**o, "label": o.get("label", "")} for o in current_outcomes]
            self.save(config_edit.set_action_type(
                spec.id, outcomes=None if same else outcomes, **changes
            ), f"Action type {spec.id}")

        self.app.push_screen(ActionTypeForm(spec), chosen)

    def action_disable(self) -> None:
        tab = self._tab()
        if tab == "tab-plugins":
            self._toggle_plugin()
            return
        if tab == "tab-members":
            self._remove_member()
            return
        if tab != "tab-types":
            return
        key = self._row_key("types")
        if key is None:
            return
        from_plugin = key in self.ctx.registry.action_type_origin
        self.save(config_edit.disable_action_type(key, from_plugin),
                  f"Disable action type {key}")

    def _edit_pipeline(self) -> None:
        key = self._row_key("pipelines")
        pipeline = self.ctx.config.pipeline(key or "")
        if pipeline is None:
            return

        def chosen(text: str | None) -> None:
            if text is None:
                return
            steps = [s.strip() for s in text.split(",") if s.strip()]
            removed = [step for step in pipeline.steps if step not in steps]
            edit = config_edit.set_pipeline_steps(pipeline.id, steps)
            what = f"Steps of {pipeline.id}"
            if not removed or not steps:
                self.save(edit, what)
                return
            ctx = self.ctx

            def count() -> tuple[int, float]:
                with ctx.session() as session:
                    open_leads = open_leads_by_step(session, pipeline.id)
                return (sum(open_leads.get(step, (0, 0.0))[0] for step in removed),
                        sum(open_leads.get(step, (0, 0.0))[1] for step in removed))

            self.in_thread(count, lambda found: self._ask_where(pipeline.id, removed, steps,
                                                                found, edit, what),
                           error_title=_("Cannot count the open leads"))

        self.app.push_screen(
            PromptModal(_("Steps of {title}, in order (comma-separated)").format(
                title=pipeline.title),
                        ", ".join(pipeline.steps)),
            chosen,
        )

    def _ask_where(self, pipeline: str, removed: list[str], steps: list[str],
                   found: tuple[int, float], edit: Edit, what: str) -> None:
        """Removing steps that hold open leads: ask where the leads go, then save and move
        them (they would otherwise vanish from the board)."""
        count, amount = found
        if not count:
            self.save(edit, what)
            return
        money_text = money(amount, self.ctx.config.team.currency)
        title = ngettext(
            "{count} open lead ({amount}) is in {steps}: move it to",
            "{count} open leads ({amount}) are in {steps}: move them to", count).format(
                count=count, amount=money_text, steps=", ".join(removed))

        def chosen(target: str | None) -> None:
            if target:
                self.save(edit, what, after=lambda: self._move_leads(pipeline, removed, target))

        self.app.push_screen(ChoiceModal(title, [(step, step) for step in steps], steps[0]),
                             chosen)

    def _move_leads(self, pipeline: str, removed: list[str], target: str) -> None:
        ctx, actor, at = self.ctx, self.sp.actor, self.sp.now()

        def move() -> int:
            with ctx.write_session() as session:
                moved = move_open_leads(session, ctx, pipeline=pipeline, from_steps=removed,
                                        to_step=target, at=at, actor=actor)
                session.commit()
            return moved

        def done(moved: int) -> None:
            self.sp.data_changed()
            self.notify(ngettext("{count} open lead moved to {step}",
                                 "{count} open leads moved to {step}", moved).format(
                count=moved, step=target))

        self.in_thread(move, done, group=WRITE_GROUP, error_title=_("Cannot move the leads"))

    def _edit_member(self) -> None:
        key = self._row_key("members")
        member = self.ctx.config.member(key or "")
        if member is None:
            return
        choices = [(s.id, s.title) for s in self.ctx.config.segments]

        def chosen(segment: str | None) -> None:
            if segment and segment != member.segment:
                self.save(config_edit.set_member_segment(member.id, segment),
                          f"Segment of {member.id}")

        self.app.push_screen(ChoiceModal(f"Segment of {member.name}", choices, member.segment),
                             chosen)

    def _toggle_plugin(self) -> None:
        key = self._row_key("plugins")
        if key is None:
            return
        enabled = list(self.ctx.config.plugins.enabled)
        if key in enabled:
            enabled.remove(key)
            what = f"Disable plugin {key}"
        else:
            enabled.append(key)
            what = f"Enable plugin {key}"
        self.save(config_edit.set_enabled_plugins(enabled), what)
