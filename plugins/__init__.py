"""Built-in plugins, one module each, registered explicitly (not through entry points)."""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "salesplan.plugins.calls",
    "salesplan.plugins.emails",
    "salesplan.plugins.meetings",
    "salesplan.plugins.activity_report",
    "salesplan.plugins.conversion_report",
    "salesplan.plugins.performance_report",
    "salesplan.plugins.company_report",
    "salesplan.plugins.prospecting_report",
    "salesplan.plugins.planner",
    "salesplan.plugins.email_digest",
    "salesplan.plugins.file_notifier",
)
