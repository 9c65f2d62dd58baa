"""``/api/v1/reports`` and ``/api/v1/objectives``: the enabled reports, run through the
kernel's runner with the caller as actor — the JSON of ``salesplan report … --format json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesplan.core.errors import DataError, NotFoundError
from salesplan.core.reporting import option_choices
from salesplan.core.reports.runner import run_report
from salesplan.core.server.api.common import query_of
from salesplan.core.server.schemas import (
    DayQuery,
    ReportInfo,
    ReportList,
    ReportOptionOut,
    ReportQuery,
)

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext

OBJECTIVES = "objectives"


def list_reports(call: ApiCall[AppContext]) -> ReportList:
    app = call.app
    return ReportList(reports=[
        ReportInfo(
            name=spec.name, title=spec.title, summary=spec.summary,
            needs_range=spec.needs_range,
            options=[ReportOptionOut(name=o.name, kind=o.kind, help=o.help,
                                     choices=list(option_choices(o, app.config)),
                                     default=o.default, required=o.required)
                     for o in spec.options],
        )
        for spec in app.registry.reports.values()
    ])


def _run(app: AppContext, call: ApiCall[AppContext], name: str, start: Any, end: Any,
         options: dict[str, Any]) -> dict[str, Any]:
    if name not in app.registry.reports:
        raise NotFoundError(f"unknown report {name!r} (enabled reports: "
                            f"{', '.join(app.registry.reports) or 'none'})")
    result = run_report(app, name, start, end, options, actor=call.actor)
    return result.to_json_dict()


def report(call: ApiCall[AppContext]) -> dict[str, Any]:
    query = query_of(call, ReportQuery)
    options: dict[str, Any] = {}
    for key, value in (query.model_extra or {}).items():
        name = key.replace("-", "_")
        if name in options:
            raise DataError(f"{key}: given twice", field=key)
        options[name] = value
    return _run(call.app, call, call.path["name"], query.start, query.end, options)


def objectives(call: ApiCall[AppContext]) -> dict[str, Any]:
    query = query_of(call, DayQuery)
    if OBJECTIVES not in call.app.registry.reports:
        raise NotFoundError("objectives are not enabled (the objectives plugin is off)")
    options = {"date": query.date, "member": query.member}
    return _run(call.app, call, OBJECTIVES, None, None,
                {k: v for k, v in options.items() if v is not None})
